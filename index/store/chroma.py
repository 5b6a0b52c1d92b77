"""Chroma storage: chunks (through llama-index's vector store), sentence vectors, documents
and the change log.

Four collections per corpus:
- ``<name>_chunks``: one llama-index ``TextNode`` per chunk, written through
  ``ChromaVectorStore``; questions ask Chroma for ids and distances (``nearest``);
- ``<name>_sentvecs``: per chunk, its sentences' vectors (``vectors.pack``) and its
  entities (``text.entities``, with the rules that found them), read by id;
- ``<name>_docs``: one record per document with its full text and metadata. It is written
  last, so it is the commit point: chunks whose ``doc_hash`` differs from it are a new
  version not yet committed or an old one not yet removed, and are never returned;
- ``<name>_changes``: one record per committed write (``changes.ChangeLog``), so other
  processes bring their caches up to date.
The collections are private: other modules call the verbs below.
"""

import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from citebot.index import offline  # noqa: F401
from citebot.index.errors import DocumentNotFound
from citebot.index.models import Document, DocumentMeta, ScoredChunk
from citebot.index.store import records
from citebot.index.store.changes import ChangeLog
from citebot.index.store.ids import chunk_id, names_version, parse_chunk_id, sources_of
from citebot.index.store.layout import check_layout
from citebot.index.store.overlap import soon
from citebot.index.store.pages import BATCH, by_ids, page_lists, pages, versions_of
from citebot.index.store.records import Version
from citebot.index.store.vectors import unpack
from citebot.index.text.entities import Entity


class Sentences(NamedTuple):
    """What answers read of the retrieved chunks' sentence records, in one call."""

    vectors: dict[tuple[str, int, int], np.ndarray]  # by (source, start, end)
    entities: dict[str, list[Entity]]  # by chunk id: those stored under the current rules


class Passages(NamedTuple):
    """Everything an answer reads of its chosen chunks (``Store.passages``)."""

    chunks: list[ScoredChunk]
    sentences: Sentences
    documents: dict[str, Document]  # by source: the chunks' documents, for citing them


class Store:
    def __init__(self, client: Any, name: str, embedding: str) -> None:
        # No embedding function anywhere: vectors are always passed in, so Chroma never
        # tries to download its default ONNX model.
        def make(suffix: str) -> Any:
            return client.get_or_create_collection(
                f"{name}_{suffix}", embedding_function=None, metadata={"hnsw:space": "cosine"}
            )

        self._chunks = make("chunks")
        self._sentvecs = make("sentvecs")
        self._docs = make("docs")
        self.changes = ChangeLog(make("changes"))
        check_layout(self._docs, name, embedding)

    @cached_property
    def _vectors(self) -> Any:
        """llama-index's view of the chunks, for writes: imported on first use, as importing
        llama-index costs ~1.5 s that questions never need."""
        from llama_index.vector_stores.chroma import ChromaVectorStore

        return ChromaVectorStore(chroma_collection=self._chunks)

    # -- documents ---------------------------------------------------------------------

    def count(self) -> int:
        return int(self._docs.count())

    def chunk_count(self) -> int:
        """Chunks of every stored version, committed or not."""
        return int(self._chunks.count())

    def has(self, source: str) -> bool:
        return bool(self._docs.get(ids=[source], include=[])["ids"])

    def hashes(self) -> dict[str, str]:
        return {i: str(m["hash"]) for i, m in pages(self._docs, ["metadatas"])}

    def list_documents(self, offset: int = 0, limit: int | None = None) -> list[DocumentMeta]:
        metas = sorted((records.meta(m) for _, m in pages(self._docs, ["metadatas"])),
                       key=lambda m: m.source)
        return metas[offset : None if limit is None else offset + limit]

    def metas(self, sources: Iterable[str]) -> dict[str, DocumentMeta]:
        ids = sorted(set(sources))
        return {i: records.meta(m) for found, metas in by_ids(self._docs, ids, ["metadatas"])
                for i, m in zip(found, metas)}

    def get(self, source: str) -> Document:
        found = self.get_many([source])
        if not found:
            raise DocumentNotFound(
                f"no document {source!r}; list them with `citebot ingest` output or "
                "GET /v1/documents"
            )
        return found[0]

    def get_many(self, sources: Sequence[str]) -> list[Document]:
        """The stored documents among ``sources``, in that order, in one call (missing ones
        are left out): quote verification reads every candidate article in full."""
        if not sources:
            return []
        wanted = list(dict.fromkeys(sources))
        got = self._docs.get(ids=wanted, include=["metadatas", "documents"])
        found = {i: Document(meta=records.meta(m), text=t)
                 for i, m, t in zip(got["ids"], got["metadatas"], got["documents"])}
        return [found[s] for s in wanted if s in found]

    # -- writing ---------------------------------------------------------------------

    def write(self, versions: Sequence[Version]) -> None:
        """Add document versions in a few large calls; per-document calls made ingest spend
        half its time in Chroma. The docs records, upserted last, make them visible
        together: a failure before that leaves every old version committed, and the
        records of the failed try are removed when the same version is written again (or
        by ``clean_leftovers``)."""
        if not versions:
            return
        new_hash = {v.doc.meta.source: v.doc.meta.hash for v in versions}
        # logged first too: if this write is killed, clean_leftovers finds its records by
        # the log instead of reading every record of the archive
        self.changes.record(list(new_hash))
        # by id, not by a filter on source (~55 ms a call at 300k chunks): leftovers of a
        # crashed try of the new version go now, the committed version once the new one is;
        # a crashed try of yet another version is clean_leftovers' (the log names it)
        committed = self.metas(new_hash)
        old = _chunk_ids({s: m for s, m in committed.items() if m.hash != new_hash[s]})
        new_ids = [chunk_id(c.source, v.doc.meta.hash, c.index) for v in versions
                   for c in v.chunks]
        leftover = [i for found, in by_ids(self._chunks, new_ids, []) for i in found]
        self._delete_chunks(leftover)
        from llama_index.core.schema import BaseNode

        nodes = [node for v in versions for node in records.nodes(v)]
        for i in range(0, len(nodes), BATCH):
            self._vectors.add(list[BaseNode](nodes[i : i + BATCH]))
        ids: list[str] = []
        metas: list[dict[str, Any]] = []
        for v in versions:
            more_ids, more_metas = records.sentence_records(v)
            ids += more_ids
            metas += more_metas
        for i in range(0, len(ids), BATCH):  # a few large calls across documents
            self._sentvecs.add(ids=ids[i : i + BATCH], metadatas=metas[i : i + BATCH],
                               embeddings=[[1.0]] * len(ids[i : i + BATCH]))
        # logged just before the commit: a process killed right after committing has still
        # told the others (they re-check a logged source for WINDOW seconds)
        self.changes.record(list(new_hash))
        for i in range(0, len(versions), BATCH):
            part = versions[i : i + BATCH]
            self._docs.upsert(ids=[v.doc.meta.source for v in part],
                              documents=[v.doc.text for v in part],
                              metadatas=[records.doc_record(v) for v in part],
                              embeddings=[[1.0]] * len(part))
        self._delete_chunks(old)

    def update_metas(self, metas: Sequence[DocumentMeta]) -> None:
        """Rewrite documents' records whose text did not change (a new stamp, a new
        sidecar title): the same version, so no chunk is touched. Every field is written,
        None included (see ``records.doc_record``)."""
        if metas:
            self._docs.update(ids=[m.source for m in metas],
                              metadatas=[m.model_dump() for m in metas])

    def delete(self, source: str) -> None:
        found = self.metas([source])
        if not found:
            raise DocumentNotFound(f"no document {source!r} to delete")
        self.changes.record([source])
        self._docs.delete(ids=[source])  # uncommit first: its chunks vanish from answers
        # its chunks by id, named by its record: a delete filtered by source costs ~70 ms a
        # call at 300k chunks, by id under 1 ms. Chunks of other versions (a killed write's)
        # are clean_leftovers' to find: the change log names this source.
        self._delete_chunks(_chunk_ids(found))

    def clean_leftovers(self, older_than: float) -> int:
        """Remove chunks of versions that were never committed (a write killed before its
        commit) or were superseded but not removed (killed after it), written more than
        ``older_than`` seconds ago (another process may be writing the newest ones now).
        Only the sources written since the last clean are looked at (every write logs its
        sources before it stores anything); the first clean of a store reads every record.
        Only chunk records are read: a chunk's sentence vectors (its id, ~3 KB of packed
        vectors in metadata) exist only while the chunk does (``_delete_chunks``), so the
        chunks' leftovers name theirs. Returns the number of chunks removed."""
        now = time.time()
        since = self.changes.cleaned_until()
        sources = None if since <= self.changes.pruned_before() else sorted(
            {c.source for c in self.changes.since(since)})
        committed = self.hashes() if sources is None else {
            s: m.hash for s, m in self.metas(sources).items()}
        found = (pages(self._chunks, ["metadatas"]) if sources is None
                 else iter(versions_of(self._chunks, sources)))
        stale = [i for i, m in found
                 if committed.get(str(m["source"])) != m["doc_hash"]
                 and float(m.get("written_at", 0.0)) <= now - older_than]
        self._delete_chunks(stale)
        self.changes.prune(now)
        self.changes.mark_cleaned(now - older_than)  # younger writes: looked at next time
        return len(stale)

    def _delete_chunks(self, ids: list[str]) -> None:
        """Sentence vectors first: a write adds them after their chunks, so with this order
        a kill at any point leaves no sentence vectors without their chunk."""
        for i in range(0, len(ids), BATCH):
            self._sentvecs.delete(ids=ids[i : i + BATCH])
            self._chunks.delete(ids=ids[i : i + BATCH])

    # -- reading for answers ---------------------------------------------------------

    def nearest(self, vec: np.ndarray, n: int) -> list[tuple[str, float]]:
        """The ids of the n nearest chunks (of any version) with their cosine, best first.

        Chroma directly rather than ``ChromaVectorStore.query``, which always fetches and
        parses every result's text and metadata: on BBC 3.6 ms for 42 results against 0.55
        ms for ids and distances; on a 10k-chunk archive, for 12 results, 4.9 ms against 1.4
        (p95 10.3 against 2.9). Retrieval needs the text of its final top k only.
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

    def chunks_by_id(self, ids: Sequence[str],
                     cosine: Mapping[str, float] | np.ndarray) -> list[ScoredChunk]:
        """The stored chunks among ``ids``, in that order, scored by their known cosine, or,
        given the query vector, by their cosine to it (read in the same call: each Chroma
        call is a round trip to a server)."""
        if not ids:
            return []
        query = cosine if isinstance(cosine, np.ndarray) else None
        got = self._chunks.get(ids=list(ids), include=["metadatas", "documents"] + (
            [] if query is None else ["embeddings"]))
        scores = cosine if query is None else {
            i: float(np.dot(e, query)) for i, e in zip(got["ids"], got["embeddings"])}
        by_id = {i: records.scored(m, d, scores[i])
                 for i, m, d in zip(got["ids"], got["metadatas"], got["documents"])}
        return [by_id[i] for i in ids if i in by_id]

    def committed(self, ids: Sequence[str]) -> list[str]:
        """The chunk ids among ``ids``, in order, of committed document versions (see the
        module docstring): one look-up of their documents' records. (Questions ask the
        lexical index, which holds the committed versions and asks this only of sources
        written lately.)"""
        parsed = {i: parse_chunk_id(i) for i in ids}
        metas = self.metas(source for source, _ in parsed.values())
        return [
            i for i, (source, h) in parsed.items()
            if source in metas and names_version(h, metas[source].hash)
        ]

    def passages(self, ids: Sequence[str],
                 cosine: Mapping[str, float] | np.ndarray) -> Passages:
        """The chunks among ``ids`` (as ``chunks_by_id``), their sentence records and their
        documents: three reads that need only the ids, run side by side (``overlap``)."""
        records = soon(self._sentence_records, ids)
        documents = soon(self.get_many, sources_of(ids))
        chunks = self.chunks_by_id(ids, cosine)
        return Passages(chunks, _sentences(chunks, records.result()),
                        {d.meta.source: d for d in documents.result()})

    def sentences(self, chunks: Sequence[ScoredChunk]) -> Sentences:
        """The stored vector of every sentence of the given chunks, and the chunks'
        entities where they were stored under the current rules."""
        ids = [chunk_id(sc.chunk.source, sc.doc_hash, sc.chunk.index) for sc in chunks]
        return _sentences(chunks, self._sentence_records(ids))

    def _sentence_records(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        got = self._sentvecs.get(ids=list(ids), include=["metadatas"])
        return dict(zip(got["ids"], got["metadatas"]))

    def entity_gaps(self) -> dict[tuple[str, str], list[str]]:
        """The chunk ids, by (source, doc_hash), whose sentence record holds no entities
        found under the current rules: an archive written before they were stored, or by
        a release with other rules. Chroma filters them: ``$ne`` also matches a record
        without the key, and reading every record (~3 KB of packed vectors each) to find
        none took 150 s at 109k chunks."""
        gaps: dict[tuple[str, str], list[str]] = {}
        for i, m in pages(self._sentvecs, ["metadatas"], records.without_entities()):
            gaps.setdefault((str(m["source"]), str(m["doc_hash"])), []).append(i)
        return gaps

    def store_entities(self, found: Mapping[str, list[Entity]]) -> None:
        """Store chunks' entities in their sentence records (Chroma merges the keys into
        the record's metadata, and skips ids no longer stored: a chunk a write removed
        meanwhile)."""
        ids = list(found)
        for i in range(0, len(ids), BATCH):
            part = ids[i : i + BATCH]
            self._sentvecs.update(ids=part,
                                  metadatas=[records.entity_fields(found[c]) for c in part])

    # -- reading for caches (the lexical index) ---------------------------------------

    def committed_chunks(self) -> Iterator[tuple[list[str], list[str]]]:
        """Every committed chunk's id and text, a page at a time (memory stays bounded)."""
        committed = self.hashes()
        for page in page_lists(self._chunks, ["metadatas", "documents"]):
            keep = [(i, t) for i, m, t in zip(*page)
                    if committed.get(str(m["source"])) == m["doc_hash"]]
            yield [i for i, _ in keep], [t for _, t in keep]

    def version_chunks(self, metas: Mapping[str, DocumentMeta]) -> tuple[list[str], list[str]]:
        """The ids and texts of the chunks of these documents' versions, read by id (a
        read filtered by source costs ~55 ms at 300k chunks, by id under 1 ms)."""
        ids: list[str] = []
        texts: list[str] = []
        for found, docs in by_ids(self._chunks, _chunk_ids(metas), ["documents"]):
            ids += found
            texts += docs
        return ids, texts

    def warm(self, vec: np.ndarray) -> None:
        """Load the chunks' vector index now (~100 ms the first time) rather than on the
        first question."""
        if self._chunks.count():
            self._chunks.query(query_embeddings=[vec.tolist()], n_results=1,
                               include=["distances"])


def _sentences(chunks: Sequence[ScoredChunk], found: Mapping[str, dict[str, Any]]) -> Sentences:
    """The sentence vectors and entities of ``chunks`` from their sentence records (by
    chunk id; a chunk without one has none)."""
    out = Sentences({}, {})
    for sc in chunks:
        i = chunk_id(sc.chunk.source, sc.doc_hash, sc.chunk.index)
        if (m := found.get(i)) is None:
            continue
        chunk = sc.chunk
        for span, vec in zip(chunk.sentences, unpack(str(m["vectors"]), len(chunk.sentences))):
            out.vectors.setdefault((chunk.source, span.start, span.end), vec)
        if (ents := records.entities(m)) is not None:
            out.entities[i] = ents
    return out


def _chunk_ids(metas: Mapping[str, DocumentMeta]) -> list[str]:
    """The ids of the chunks of these documents' versions (their records count them)."""
    return [chunk_id(source, m.hash, i) for source, m in metas.items() for i in range(m.chunks)]
