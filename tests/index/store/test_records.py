"""A document version's Chroma records and how they read back."""

import dataclasses

import numpy as np
import pytest

from citebot.index.ingest.loader import make_document
from citebot.index.models import Chunk, Span
from citebot.index.store import records
from citebot.index.store.records import (
    Version,
    doc_record,
    entities,
    nodes,
    scored,
    sentence_records,
)
from citebot.index.store.vectors import unpack
from citebot.index.text.entities import Entity


def _version() -> Version:
    doc = make_document("notes/a.txt", "One. Two three.", title="A title")
    chunk = Chunk(source="notes/a.txt", index=0, start=0, end=15, text="One. Two three.",
                  sentences=(Span(start=0, end=4), Span(start=5, end=15)))
    return Version(doc, [chunk], np.ones((1, 4), dtype=np.float32) / 2,
                   [np.eye(2, 4, dtype=np.float32)])


def test_a_node_reads_back_as_the_same_chunk() -> None:
    v = _version()
    (node,) = nodes(v)
    back = scored(node.metadata, node.text, 0.5)
    assert back.chunk == v.chunks[0] and back.title == "A title"
    assert back.doc_hash == v.doc.meta.hash and back.score == 0.5


def test_one_sentence_record_per_chunk_holds_its_sentences_vectors() -> None:
    v = _version()
    ids, metas = sentence_records(v)
    assert ids == [nodes(v)[0].id_]
    assert unpack(metas[0]["vectors"], 2).tolist() == np.eye(2, 4).tolist()
    assert metas[0]["source"] == "notes/a.txt" and metas[0]["doc_hash"] == v.doc.meta.hash


def test_the_document_record_names_every_field_so_an_upsert_clears_old_ones() -> None:
    record = doc_record(_version())
    assert record["chunks"] == 1 and "url" in record and record["url"] is None


def test_a_chunks_entities_are_stored_under_the_rules_that_found_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    v = dataclasses.replace(_version(), entities=[[Entity(5, 8, "CARDINAL")]])
    _, [meta] = sentence_records(v)
    assert entities(meta) == [Entity(5, 8, "CARDINAL")]
    monkeypatch.setattr(records, "rules", lambda: "newer")  # read by another release
    assert entities(meta) is None
    _, [bare] = sentence_records(_version())  # written without them
    assert "entities" not in bare and entities(bare) is None
