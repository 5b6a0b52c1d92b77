"""A document version's Chroma records and how they read back."""

import numpy as np

from citebot.index.ingest.loader import make_document
from citebot.index.models import Chunk, Span
from citebot.index.store.records import Version, doc_record, nodes, scored, sentence_records
from citebot.index.store.vectors import unpack


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
    ids, packed, metas = sentence_records(v)
    assert ids == [nodes(v)[0].id_]
    assert unpack(packed[0], 2).tolist() == np.eye(2, 4).tolist()
    assert metas[0]["source"] == "notes/a.txt" and metas[0]["doc_hash"] == v.doc.meta.hash


def test_the_document_record_names_every_field_so_an_upsert_clears_old_ones() -> None:
    record = doc_record(_version())
    assert record["chunks"] == 1 and "url" in record and record["url"] is None
