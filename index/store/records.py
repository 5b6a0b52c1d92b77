"""What one document version becomes in Chroma, and how records read back into chunks."""

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from citebot.index.models import Chunk, Document, DocumentMeta, ScoredChunk
from citebot.index.store.ids import chunk_id, parse_spans, spans_text
from citebot.index.store.vectors import pack
from citebot.index.text.entities import Entity, rules

if TYPE_CHECKING:
    from llama_index.core.schema import TextNode


@dataclass(frozen=True)
class Version:
    """A document version with its chunks and their vectors, ready to store."""

    doc: Document
    chunks: Sequence[Chunk]
    chunk_vecs: np.ndarray
    sentence_vecs: Sequence[np.ndarray]  # per chunk, one row per sentence
    entities: Sequence[list[Entity]] = ()  # per chunk, when found before the write


def nodes(v: Version) -> list["TextNode"]:
    """The chunks as llama-index nodes (written through ``ChromaVectorStore``)."""
    from llama_index.core.schema import TextNode  # only writes need llama-index

    h = v.doc.meta.hash
    now = time.time()
    return [
        TextNode(
            id_=chunk_id(c.source, h, c.index),
            text=c.text,
            embedding=vec.tolist(),
            start_char_idx=c.start,
            end_char_idx=c.end,
            metadata={
                "source": c.source,
                "doc_hash": h,
                "chunk": c.index,
                "title": v.doc.meta.title or "",
                "sentences": spans_text(c.sentences),
                "written_at": now,  # a leftover of a killed write is cleaned up after a while
            },
            excluded_embed_metadata_keys=["source", "doc_hash", "chunk", "sentences",
                                          "written_at"],
        )
        for c, vec in zip(v.chunks, v.chunk_vecs)
    ]


def sentence_records(v: Version) -> tuple[list[str], list[dict[str, Any]]]:
    """(ids, metadatas): one record per chunk holding its sentences' vectors, packed, in its
    metadata (a record's document would be full-text indexed by Chroma: trigrams of base64
    were 72% of that index and tripled the write's cost), and the chunk's entities with the
    rules that found them, when the version has them: every process answers from them."""
    h = v.doc.meta.hash
    now = time.time()
    ids = [chunk_id(c.source, h, c.index) for c in v.chunks]
    metas: list[dict[str, Any]] = [
        {"source": c.source, "doc_hash": h, "written_at": now, "vectors": pack(vecs)}
        for c, vecs in zip(v.chunks, v.sentence_vecs)
    ]
    if v.entities:
        for m, ents in zip(metas, v.entities, strict=True):
            m.update(entity_fields(ents))
    return ids, metas


def entity_fields(ents: list[Entity]) -> dict[str, str]:
    """A chunk's entities as sentence-record metadata, with the rules that found them."""
    return {"entities": json.dumps(ents), "entity_rules": rules()}


def without_entities() -> dict[str, Any]:
    """The Chroma filter of sentence records with no entities found under the current rules
    (``entities`` gives None for them)."""
    return {"entity_rules": {"$ne": rules()}}


def entities(m: dict[str, Any]) -> list[Entity] | None:
    """A sentence record's entities, if found under the current rules (None: not stored, or
    found by other rules)."""
    if m.get("entity_rules") != rules():
        return None
    return [Entity(*e) for e in json.loads(str(m["entities"]))]


def doc_record(v: Version) -> dict[str, Any]:
    """The document's metadata record: every field, None included, because Chroma's upsert
    merges metadata and only a None removes a key (a replaced article would otherwise keep
    its predecessor's title or URL)."""
    return v.doc.meta.model_copy(update={"chunks": len(v.chunks)}).model_dump()


def meta(m: dict[str, Any]) -> DocumentMeta:
    return DocumentMeta.model_validate(m)


def scored(m: dict[str, Any], text: str, score: float) -> ScoredChunk:
    spans = parse_spans(str(m["sentences"]))
    chunk = Chunk(source=str(m["source"]), index=int(m["chunk"]), start=spans[0].start,
                  end=spans[-1].end, text=text, sentences=spans)
    return ScoredChunk(chunk=chunk, title=str(m["title"]) or None, score=score,
                       doc_hash=str(m["doc_hash"]))
