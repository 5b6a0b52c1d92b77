"""Chroma storage: chunks (through llama-index's vector store), sentences and documents.

Three collections per corpus:
- ``<name>_chunks``: one llama-index ``TextNode`` per chunk, written through
  ``ChromaVectorStore`` (dense mode also queries through it; hybrid asks Chroma for ids and
  distances, see ``nearest``);
- ``<name>_sentences``: the late-chunked sentence vectors answers are picked with;
- ``<name>_docs``: one record per document with its full text and metadata. It is written
  last, so it is the commit point: chunks whose ``doc_hash`` differs from it are a new
  version not yet committed or an old one not yet removed, and are never returned.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from llama_index.core.schema import TextNode
from llama_index.core.vector_stores import VectorStoreQuery

from citebot.index import offline  # noqa: F401
from citebot.index.errors import DocumentNotFound, StoreMismatch
from citebot.index.models import Chunk, Document, DocumentMeta, ScoredChunk, Span
from citebot.index.settings import CoreSettings

_BATCH = 5000  # Chroma refuses more than 5,461 items per call
_EMBEDDING = "citebot:embedding"  # docs collection metadata: what produced the vectors


def connect(settings: CoreSettings) -> Any:
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
    """The id of a chunk in Chroma (and in the lexical index built from it); it names the
    document version, so results can be checked against the committed one by id alone."""
    return f"{source}@{doc_hash[:16]}#{index}"


def sentence_id(source: str, doc_hash: str, span: Span) -> str:
    """The id of a sentence vector: written once per version, read back by answers."""
    return f"{source}@{doc_hash[:16]}:{span.start}-{span.end}"


def _spans(text: str) -> tuple[Span, ...]:
    return tuple(
        Span(start=int(a), end=int(b)) for a, b in (p.split("-") for p in text.split(",") if p)
    )


class Store:
    def __init__(self, client: Any, name: str, embedding: str) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        # Collections are private: every other module calls the verbs below, so the commit
        # protocol and the id scheme are enforced in one place.
        # No embedding function anywhere: vectors are always passed in, so Chroma never
        # tries to download its default ONNX model.
        def make(suffix: str) -> Any:
            return client.get_or_create_collection(
                f"{name}_{suffix}", embedding_function=None, metadata={"hnsw:space": "cosine"}
            )

        self._chunks = make("chunks")
        self._sentences = make("sentences")
        self._docs = make("docs")
        self._vectors = ChromaVectorStore(chroma_collection=self._chunks)
        self._check_embedding(name, embedding)

    def _check_embedding(self, name: str, embedding: str) -> None:
        """Record which embeddings the store holds; refuse to mix in others. Vectors of
        another model, or of the same model at another precision, are compared on the same
        scale without any error, and every score quietly shifts."""
        meta = dict(self._docs.metadata or {})
        recorded = meta.get(_EMBEDDING)
        if recorded == embedding:
            return
        if recorded is not None and self.count():
            raise StoreMismatch(
                f"the collection {name!r} holds {recorded} embeddings, but this run is "
                f"configured for {embedding}: set CITEBOT_EMBED_MODEL / "
                "CITEBOT_EMBED_PRECISION back, or ingest into another CITEBOT_COLLECTION "
                "(or CITEBOT_DATA_DIR)"
            )
        # new or empty (or older than this record): it holds this run's embeddings from now
        kept = {k: v for k, v in meta.items() if not k.startswith("hnsw:")}  # fixed at creation
        self._docs.modify(metadata={**kept, _EMBEDDING: embedding})

    # -- documents ---------------------------------------------------------------------

    def count(self) -> int:
        return int(self._docs.count())

    def chunk_count(self) -> int:
        """Chunks of every stored version (what the lexical index checks itself against)."""
        return int(self._chunks.count())

    def has(self, source: str) -> bool:
        return bool(self._docs.get(ids=[source], include=[])["ids"])

    def hashes(self) -> dict[str, str]:
        got = _get_all(self._docs, ["metadatas"])
        return {i: str(m["hash"]) for i, m in zip(got["ids"], got["metadatas"])}

    def list_documents(self, offset: int = 0, limit: int | None = None) -> list[DocumentMeta]:
        got = _get_all(self._docs, ["metadatas"])
        metas = sorted((_meta(m) for m in got["metadatas"]), key=lambda m: m.source)
        return metas[offset : None if limit is None else offset + limit]

    def metas(self, sources: Iterable[str]) -> dict[str, DocumentMeta]:
        ids = sorted(set(sources))
        if not ids:
            return {}
        got = self._docs.get(ids=ids, include=["metadatas"])
        return {i: _meta(m) for i, m in zip(got["ids"], got["metadatas"])}

    def get(self, source: str) -> Document:
        got = self._docs.get(ids=[source], include=["metadatas", "documents"])
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
        got = self._docs.get(ids=list(dict.fromkeys(sources)),
                            include=["metadatas", "documents"])
        found = {i: Document(meta=_meta(m), text=t)
                 for i, m, t in zip(got["ids"], got["metadatas"], got["documents"])}
        return [found[s] for s in dict.fromkeys(sources) if s in found]

    # -- writing ---------------------------------------------------------------------

    def write(self, versions: Sequence["Version"]) -> None:
        """Add document versions in a few large calls; per-document calls made ingest spend
        half its time in Chroma. The docs records, upserted last, make them visible
        together: a failure before that leaves every old version committed, and the
        records of the failed try are removed when the same version is written again."""
        if not versions:
            return
        new_hash = {v.doc.meta.source: v.doc.meta.hash for v in versions}
        sources = list(new_hash)
        # every stored version of these sources, read once: leftovers of a crashed try of
        # the new version go now, superseded versions once the new ones are committed
        superseded: list[tuple[Any, list[str]]] = []
        for collection in (self._chunks, self._sentences):
            leftover, old = [], []
            for id_, meta in _versions_of(collection, sources):
                same = meta["doc_hash"] == new_hash[str(meta["source"])]
                (leftover if same else old).append(id_)
            _delete_ids(collection, leftover)
            superseded.append((collection, old))
        nodes = [node for v in versions for node in _nodes(v)]
        for i in range(0, len(nodes), _BATCH):
            self._vectors.add(nodes[i : i + _BATCH])
        ids, vecs, metas = [], [], []
        for v in versions:
            for id_, vec, meta in _sentence_records(v):
                ids.append(id_)
                vecs.append(vec)
                metas.append(meta)
        for i in range(0, len(ids), _BATCH):
            self._sentences.add(ids=ids[i : i + _BATCH], embeddings=vecs[i : i + _BATCH],
                               metadatas=metas[i : i + _BATCH])
        # every field, None included: Chroma's upsert merges metadata, and only a None
        # removes a key, so a replaced article would keep its predecessor's title or URL
        records = [v.doc.meta.model_copy(update={"chunks": len(v.chunks)}).model_dump()
                   for v in versions]
        for i in range(0, len(versions), _BATCH):
            part = versions[i : i + _BATCH]
            self._docs.upsert(ids=[v.doc.meta.source for v in part],
                             documents=[v.doc.text for v in part],
                             metadatas=records[i : i + _BATCH],
                             embeddings=[[1.0]] * len(part))
        for collection, old in superseded:
            _delete_ids(collection, old)

    def delete(self, source: str) -> None:
        if not self.has(source):
            raise DocumentNotFound(f"no document {source!r} to delete")
        self._docs.delete(ids=[source])  # uncommit first: its chunks vanish from answers
        self._remove_version(source)

    def _remove_version(self, source: str) -> None:
        self._chunks.delete(where={"source": source})
        self._sentences.delete(where={"source": source})

    # -- reading for answers ---------------------------------------------------------

    def query_chunks(self, vec: np.ndarray, k: int) -> list[ScoredChunk]:
        """The k nearest committed chunks, found through llama-index's ``ChromaVectorStore``.
        Only the ids and similarities of its result are used; the chunks are read from
        Chroma's records (as hybrid reads them), not from the nodes llama-index rebuilds
        from its own copy of the metadata, which once came back without a key."""
        # a few extra: results of uncommitted or superseded versions are dropped
        result = self._vectors.query(
            VectorStoreQuery(query_embedding=vec.tolist(), similarity_top_k=k * 2 + 2)
        )
        cosine = {  # llama-index reports exp(-distance); the distance is 1 - cosine
            i: 1.0 + float(np.log(max(sim, 1e-12)))
            for i, sim in zip(result.ids or [], result.similarities or [])
        }
        return self.chunks_by_id(self.committed(list(cosine))[:k], cosine)

    def nearest(self, vec: np.ndarray, n: int) -> list[tuple[str, float]]:
        """The ids of the n nearest chunks (of any version) with their cosine, best first.

        Chroma directly rather than ``ChromaVectorStore.query``, which always fetches and
        parses every result's text and metadata: on BBC 3.6 ms for 42 results against 0.55
        ms for ids and distances, and hybrid retrieval needs the text of its final top k only.
        """
        got = self._chunks.query(query_embeddings=[vec.tolist()], n_results=n,
                                include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(got["ids"][0], got["distances"][0])]

    def cosines(self, ids: Sequence[str], vec: np.ndarray) -> dict[str, float]:
        """The cosine of each stored chunk among ``ids`` to ``vec``."""
        if not ids:
            return {}
        got = self._chunks.get(ids=list(ids), include=["embeddings"])
        return {i: float(np.dot(e, vec)) for i, e in zip(got["ids"], got["embeddings"])}

    def chunks_by_id(self, ids: Sequence[str], cosine: Mapping[str, float]) -> list[ScoredChunk]:
        """The stored chunks among ``ids``, in that order, scored by their known cosine."""
        if not ids:
            return []
        got = self._chunks.get(ids=list(ids), include=["metadatas", "documents"])
        by_id = {i: _scored(m, d, cosine[i])
                 for i, m, d in zip(got["ids"], got["metadatas"], got["documents"])}
        return [by_id[i] for i in ids if i in by_id]

    def all_chunks(self) -> tuple[list[str], list[str]]:
        """Every stored chunk's id and text."""
        got = _get_all(self._chunks, ["documents"])
        return got["ids"], got["documents"]

    def chunk_ids(self) -> list[str]:
        """Every stored chunk's id (no text: what a BM25 rebuild checks its cache against)."""
        return _get_all(self._chunks, [])["ids"]

    def chunk_texts(self, ids: Sequence[str]) -> dict[str, str]:
        """The text of each stored chunk among ``ids``."""
        texts: dict[str, str] = {}
        for i in range(0, len(ids), _BATCH):
            got = self._chunks.get(ids=list(ids[i : i + _BATCH]), include=["documents"])
            texts.update(zip(got["ids"], got["documents"]))
        return texts

    def committed(self, ids: Sequence[str]) -> list[str]:
        """The chunk ids among ``ids``, in order, of committed document versions (see the
        module docstring): one look-up of their documents' records."""
        parsed = {i: _parse_chunk_id(i) for i in ids}
        metas = self.metas(source for source, _ in parsed.values())
        return [
            i for i, (source, h) in parsed.items()
            if source in metas and metas[source].hash[: len(h)] == h
        ]

    def sources_of(self, ids: Sequence[str]) -> list[str]:
        """The documents of the given chunk ids, in order of first appearance."""
        if not ids:
            return []
        got = self._chunks.get(ids=list(ids), include=["metadatas"])
        by_id = {i: str(m["source"]) for i, m in zip(got["ids"], got["metadatas"])}
        return list(dict.fromkeys(by_id[i] for i in ids if i in by_id))

    def nearest_sentence_sources(self, vec: np.ndarray, n: int) -> list[str]:
        """The documents of the n sentences nearest to ``vec``, nearest first (fewer when
        the store holds fewer sentences)."""
        got = self._sentences.query(query_embeddings=[vec.tolist()], n_results=n,
                                    include=["metadatas"])
        return list(dict.fromkeys(str(m["source"]) for m in got["metadatas"][0]))

    def warm(self, vec: np.ndarray) -> None:
        """Load each collection's vector index now (~100 ms the first time) rather than on
        the first question."""
        for collection in (self._chunks, self._sentences):
            if collection.count():
                collection.query(query_embeddings=[vec.tolist()], n_results=1,
                                 include=["distances"])

    def sentence_vectors(
        self, chunks: Sequence[ScoredChunk]
    ) -> dict[tuple[str, int, int], np.ndarray]:
        """The stored vector of every sentence of the given chunks, by (source, start, end)."""
        keys = {
            sentence_id(sc.chunk.source, sc.doc_hash, s): (sc.chunk.source, s.start, s.end)
            for sc in chunks for s in sc.chunk.sentences
        }
        if not keys:
            return {}
        got = self._sentences.get(ids=list(keys), include=["embeddings"])
        return {keys[i]: np.asarray(e, dtype=np.float32)
                for i, e in zip(got["ids"], got["embeddings"])}


@dataclass(frozen=True)
class Version:
    """A document version with its chunks and their vectors, ready to store."""

    doc: Document
    chunks: Sequence[Chunk]
    chunk_vecs: np.ndarray
    sentence_vecs: Sequence[np.ndarray]  # per chunk, one row per sentence


def _nodes(v: Version) -> list[TextNode]:
    h = v.doc.meta.hash
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
                "sentences": ",".join(f"{s.start}-{s.end}" for s in c.sentences),
            },
            excluded_embed_metadata_keys=["source", "doc_hash", "chunk", "sentences"],
        )
        for c, vec in zip(v.chunks, v.chunk_vecs)
    ]


def _sentence_records(v: Version) -> list[tuple[str, list[float], dict[str, Any]]]:
    h = v.doc.meta.hash
    seen: dict[str, tuple[Span, np.ndarray]] = {}
    for c, vecs in zip(v.chunks, v.sentence_vecs):
        for span, vec in zip(c.sentences, vecs):
            # a sentence shared by two overlapping chunks keeps its first vector
            seen.setdefault(sentence_id(c.source, h, span), (span, vec))
    return [
        (id_, vec.tolist(),
         {"source": v.doc.meta.source, "doc_hash": h, "start": span.start, "end": span.end})
        for id_, (span, vec) in seen.items()
    ]


def _versions_of(collection: Any, sources: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """(id, metadata) of every record of the given sources."""
    out: list[tuple[str, dict[str, Any]]] = []
    for i in range(0, len(sources), _BATCH):
        got = collection.get(where={"source": {"$in": sources[i : i + _BATCH]}},
                             include=["metadatas"])
        out.extend(zip(got["ids"], got["metadatas"]))
    return out


def _delete_ids(collection: Any, ids: list[str]) -> None:
    for i in range(0, len(ids), _BATCH):
        collection.delete(ids=ids[i : i + _BATCH])


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


def _parse_chunk_id(id_: str) -> tuple[str, str]:
    """(source, hash prefix) of a ``chunk_id``; the source may itself hold "@" or "#"."""
    source, _, rest = id_.rpartition("@")
    return source, rest.partition("#")[0]
