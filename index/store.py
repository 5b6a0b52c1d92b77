"""Chroma storage: chunks (through llama-index's vector store), sentences and documents.

Three collections per corpus:
- ``<name>_chunks``: one llama-index ``TextNode`` per chunk, queried through
  ``ChromaVectorStore``;
- ``<name>_sentences``: the late-chunked sentence vectors answers are picked with;
- ``<name>_docs``: one record per document with its full text and metadata. It is written
  last, so it is the commit point: chunks whose ``doc_hash`` differs from it are a new
  version not yet committed or an old one not yet removed, and are never returned.
"""

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from llama_index.core.schema import TextNode
from llama_index.core.vector_stores import VectorStoreQuery

from . import offline  # noqa: F401
from .errors import DocumentNotFound
from .models import Chunk, Document, DocumentMeta, ScoredChunk, Span
from .settings import Settings

_BATCH = 5000  # Chroma refuses more than 5,461 items per call


def connect(settings: Settings) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
        )
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def chunk_id(source: str, doc_hash: str, index: int) -> str:
    """The id of a chunk in Chroma (and in the lexical index built from it)."""
    return f"{source}@{doc_hash[:16]}#{index}"


def _spans(text: str) -> tuple[Span, ...]:
    return tuple(
        Span(start=int(a), end=int(b)) for a, b in (p.split("-") for p in text.split(",") if p)
    )


class Store:
    def __init__(self, client: Any, name: str) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        # No embedding function anywhere: vectors are always passed in, so Chroma never
        # tries to download its default ONNX model.
        def make(suffix: str) -> Any:
            return client.get_or_create_collection(
                f"{name}_{suffix}", embedding_function=None, metadata={"hnsw:space": "cosine"}
            )

        self.client = client
        self.chunks = make("chunks")
        self.sentences = make("sentences")
        self.docs = make("docs")
        self.vectors = ChromaVectorStore(chroma_collection=self.chunks)

    # -- documents ---------------------------------------------------------------------

    def count(self) -> int:
        return int(self.docs.count())

    def hashes(self) -> dict[str, str]:
        got = _get_all(self.docs, ["metadatas"])
        return {i: str(m["hash"]) for i, m in zip(got["ids"], got["metadatas"])}

    def list_documents(self, offset: int = 0, limit: int | None = None) -> list[DocumentMeta]:
        got = _get_all(self.docs, ["metadatas"])
        metas = sorted((_meta(m) for m in got["metadatas"]), key=lambda m: m.source)
        return metas[offset : None if limit is None else offset + limit]

    def metas(self, sources: Iterable[str]) -> dict[str, DocumentMeta]:
        ids = sorted(set(sources))
        if not ids:
            return {}
        got = self.docs.get(ids=ids, include=["metadatas"])
        return {i: _meta(m) for i, m in zip(got["ids"], got["metadatas"])}

    def get(self, source: str) -> Document:
        got = self.docs.get(ids=[source], include=["metadatas", "documents"])
        if not got["ids"]:
            raise DocumentNotFound(
                f"no document {source!r}; list them with `citebot ingest` output or "
                "GET /v1/documents"
            )
        return Document(meta=_meta(got["metadatas"][0]), text=got["documents"][0])

    def get_many(self, sources: Sequence[str]) -> list[Document]:
        """The stored documents among ``sources``, in that order, in one call (missing ones
        are left out): quote verification reads every candidate article in full."""
        if not sources:
            return []
        got = self.docs.get(ids=list(dict.fromkeys(sources)),
                            include=["metadatas", "documents"])
        found = {i: Document(meta=_meta(m), text=t)
                 for i, m, t in zip(got["ids"], got["metadatas"], got["documents"])}
        return [found[s] for s in dict.fromkeys(sources) if s in found]

    # -- writing ---------------------------------------------------------------------

    def write(
        self,
        doc: Document,
        chunks: Sequence[Chunk],
        chunk_vecs: np.ndarray,
        sentence_vecs: Sequence[np.ndarray],
    ) -> None:
        """Add a document version; the docs record, written last, makes it visible."""
        h = doc.meta.hash
        self._remove_version(doc.meta.source, keep=None, only=h)  # a crashed earlier try
        nodes = [
            TextNode(
                id_=chunk_id(c.source, h, c.index),
                text=c.text,
                embedding=v.tolist(),
                start_char_idx=c.start,
                end_char_idx=c.end,
                metadata={
                    "source": c.source,
                    "doc_hash": h,
                    "chunk": c.index,
                    "title": doc.meta.title or "",
                    "sentences": ",".join(f"{s.start}-{s.end}" for s in c.sentences),
                },
                excluded_embed_metadata_keys=["source", "doc_hash", "chunk", "sentences"],
            )
            for c, v in zip(chunks, chunk_vecs)
        ]
        for i in range(0, len(nodes), _BATCH):
            self.vectors.add(nodes[i : i + _BATCH])
        self._write_sentences(doc, chunks, sentence_vecs)
        meta = doc.meta.model_copy(update={"chunks": len(chunks)})
        record = {k: v for k, v in meta.model_dump().items() if v is not None}
        self.docs.upsert(ids=[meta.source], documents=[doc.text], metadatas=[record],
                         embeddings=[[1.0]])
        self._remove_version(meta.source, keep=h)

    def _write_sentences(
        self, doc: Document, chunks: Sequence[Chunk], sentence_vecs: Sequence[np.ndarray]
    ) -> None:
        h = doc.meta.hash
        seen: dict[str, tuple[Span, np.ndarray]] = {}
        for c, vecs in zip(chunks, sentence_vecs):
            for span, vec in zip(c.sentences, vecs):
                # a sentence shared by two overlapping chunks keeps its first vector
                seen.setdefault(f"{c.source}@{h[:16]}:{span.start}-{span.end}", (span, vec))
        ids = list(seen)
        for i in range(0, len(ids), _BATCH):
            part = ids[i : i + _BATCH]
            self.sentences.add(
                ids=part,
                embeddings=[seen[x][1].tolist() for x in part],
                metadatas=[
                    {"source": doc.meta.source, "doc_hash": h,
                     "start": seen[x][0].start, "end": seen[x][0].end}
                    for x in part
                ],
            )

    def delete(self, source: str) -> None:
        if not self.docs.get(ids=[source], include=[])["ids"]:
            raise DocumentNotFound(f"no document {source!r} to delete")
        self.docs.delete(ids=[source])  # uncommit first: its chunks vanish from answers
        self._remove_version(source, keep=None)

    def _remove_version(self, source: str, keep: str | None, only: str | None = None) -> None:
        where: dict[str, Any] = {"source": source}
        if only is not None:
            where = {"$and": [{"source": source}, {"doc_hash": only}]}
        elif keep is not None:
            where = {"$and": [{"source": source}, {"doc_hash": {"$ne": keep}}]}
        self.chunks.delete(where=where)
        self.sentences.delete(where=where)

    # -- reading for answers ---------------------------------------------------------

    def query_chunks(
        self, vec: np.ndarray, k: int, *, committed_only: bool = True
    ) -> list[ScoredChunk]:
        """The k nearest chunks; with ``committed_only=False`` the caller filters them with
        ``current`` (one call for several result lists)."""
        # a few extra: results of uncommitted or superseded versions are dropped
        result = self.vectors.query(
            VectorStoreQuery(query_embedding=vec.tolist(), similarity_top_k=k * 2 + 2)
        )
        scored = [
            (node, 1.0 + float(np.log(max(sim, 1e-12))))  # back from exp(-distance) to cosine
            for node, sim in zip(result.nodes or [], result.similarities or [])
        ]
        found = [_node_chunk(n, s) for n, s in scored]
        return (self.current(found) if committed_only else found)[:k]

    def fetch(
        self, ids: Sequence[str], vec: np.ndarray, *, committed_only: bool = True
    ) -> list[ScoredChunk]:
        """Chunks by id (from the lexical index), in that order, scored by dense cosine."""
        if not ids:
            return []
        got = self.chunks.get(ids=list(ids), include=["metadatas", "documents", "embeddings"])
        by_id = {
            i: _scored(m, d, float(np.dot(e, vec)))
            for i, m, d, e in zip(
                got["ids"], got["metadatas"], got["documents"], got["embeddings"]
            )
        }
        found = [by_id[i] for i in ids if i in by_id]
        return self.current(found) if committed_only else found

    def all_chunks(self) -> tuple[list[str], list[str]]:
        """Every stored chunk's id and text (to rebuild the lexical index)."""
        got = _get_all(self.chunks, ["documents"])
        return got["ids"], got["documents"]

    def current(self, found: Sequence[ScoredChunk]) -> list[ScoredChunk]:
        """Keep results of committed document versions only (see the module docstring)."""
        committed = self.metas(sc.chunk.source for sc in found)
        return [
            sc for sc in found
            if sc.chunk.source in committed and committed[sc.chunk.source].hash == sc.doc_hash
        ]

    def sentence_vectors(
        self, chunks: Sequence[ScoredChunk]
    ) -> dict[tuple[str, int, int], np.ndarray]:
        """The stored vector of every sentence of the given chunks, by (source, start, end)."""
        ids = [
            f"{sc.chunk.source}@{sc.doc_hash[:16]}:{s.start}-{s.end}"
            for sc in chunks for s in sc.chunk.sentences
        ]
        if not ids:
            return {}
        got = self.sentences.get(ids=list(dict.fromkeys(ids)), include=["embeddings",
                                                                        "metadatas"])
        return {
            (m["source"], int(m["start"]), int(m["end"])): np.asarray(e, dtype=np.float32)
            for m, e in zip(got["metadatas"], got["embeddings"])
        }


def _get_all(collection: Any, include: list[str]) -> dict[str, list[Any]]:
    """Every record, fetched in pages: one call for all overflows SQLite's variable limit."""
    out: dict[str, list[Any]] = {"ids": [], **{k: [] for k in include}}
    while True:
        got = collection.get(include=include, limit=_BATCH, offset=len(out["ids"]))
        for key in out:
            out[key].extend(got[key])
        if len(got["ids"]) < _BATCH:
            return out


def _meta(m: dict[str, Any]) -> DocumentMeta:
    return DocumentMeta.model_validate(m)


def _chunk(m: dict[str, Any], text: str) -> tuple[Chunk, str, str | None]:
    spans = _spans(str(m["sentences"]))
    chunk = Chunk(
        source=str(m["source"]),
        index=int(m["chunk"]),
        start=spans[0].start,
        end=spans[-1].end,
        text=text,
        sentences=spans,
    )
    return chunk, str(m["doc_hash"]), (str(m["title"]) or None)


def _scored(m: dict[str, Any], text: str, score: float) -> ScoredChunk:
    chunk, h, title = _chunk(m, text)
    return ScoredChunk(chunk=chunk, title=title, score=score, doc_hash=h)


def _node_chunk(node: Any, score: float) -> ScoredChunk:
    return _scored(node.metadata, node.get_content(), score)
