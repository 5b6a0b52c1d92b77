"""Bring files into the store: incremental, idempotent, a group of documents at a time."""

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from citebot.index.embed.embedder import Embedder
from citebot.index.errors import CitebotError, EmptyCorpus
from citebot.index.ingest.chunking import chunk
from citebot.index.ingest.loader import KINDS, SourceFile, discover, load, stamp, unsupported
from citebot.index.models import (
    Chunk,
    Document,
    DocumentMeta,
    IngestReport,
    unsupported_files,
)
from citebot.index.settings import CoreSettings
from citebot.index.store.chroma import Store
from citebot.index.store.entities import found
from citebot.index.store.records import Version

Progress = Callable[[int], None]
_EMBED_GROUP = 256  # chunks embedded per model call across documents: fewer, fuller batches
_FILE_BATCH = 256  # files compared with the store, read and written at a time


@dataclass
class _Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    chunks: int = 0
    problems: list[str] = field(default_factory=list)


def _label(meta: DocumentMeta) -> tuple[str | None, ...]:
    return meta.title, meta.url, meta.outlet, meta.published


def _batches(items: Sequence[SourceFile], size: int) -> Iterator[list[SourceFile]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


class Ingestor:
    """Chunks and embeds documents on the calling thread while a background thread stores
    the group before (with ``find_entities``, first finding its entities, stored with it so
    questions never wait for them): the model keeps ~1.2 of the 2 cores busy, and spaCy's
    NER, ~40% of an ingest's time when it ran after the model, fits in the rest
    (``benchmarks/ingest_query.py``)."""

    def __init__(self, settings: CoreSettings, embedder: Embedder, store: Store,
                 find_entities: bool = False) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store
        self.find_entities = find_entities
        self._behind = _Behind()

    def ingest_paths(
        self,
        paths: Sequence[Path],
        *,
        prune: bool = False,
        progress: Callable[[int], Progress] | None = None,
    ) -> IngestReport:
        """Index new and changed files under ``paths``; with ``prune``, drop vanished ones."""
        started = time.perf_counter()
        files = discover(paths)
        others = [str(p) for p in unsupported(paths)]
        if not files:
            where = ", ".join(str(p) for p in paths)
            found = f" ({unsupported_files(others)})" if others else ""
            raise EmptyCorpus(f"no {KINDS} files under {where}{found}: add some, or give a path")
        counts = _Counts()
        shown = _Files(progress, len(files))
        first: dict[str, Path] = {}
        with self._behind:  # every group stored when this ends, or the first failure raised
            for batch in _batches(files, _FILE_BATCH):
                self._ingest_batch(batch, first, counts, shown)
        shown.finish()
        if prune:
            present = {f.source for f in files}
            for source in sorted(set(self.store.hashes()) - present):
                self.store.delete(source)
                counts.removed += 1
        return IngestReport(
            added=counts.added, updated=counts.updated, unchanged=counts.unchanged,
            skipped=len(counts.problems), removed=counts.removed, chunks=counts.chunks,
            seconds=time.perf_counter() - started, problems=counts.problems,
            unsupported=others,
        )

    def _ingest_batch(self, batch: list[SourceFile], first: dict[str, Path], counts: "_Counts",
                      shown: "_Files") -> None:
        """One batch of files: those whose stamp (size, modification time) is the stored
        one are skipped unread; the others are read and hashed, and written if their text
        changed. Only a batch's documents are in memory at a time."""
        known = self.store.metas(f.source for f in batch)
        docs: list[Document] = []
        for file in batch:
            if file.source in first:  # two folders given, one relative path: one article
                counts.problems.append(
                    f"{file.path} has the same source name {file.source!r} as "
                    f"{first[file.source]}, which is indexed under it; give their common "
                    "parent folder so the names differ"
                )
            elif (held := known.get(file.source)) and held.stamp == stamp(file):
                counts.unchanged += 1
            else:
                try:
                    docs.append(load(file))
                except CitebotError as e:
                    counts.problems.append(str(e))
            first.setdefault(file.source, file.path)
        fresh = [d for d in docs if (m := known.get(d.meta.source)) is None
                 or m.hash != d.meta.hash]
        written = {d.meta.source for d in fresh}
        same = [d.meta.model_copy(update={"chunks": known[d.meta.source].chunks})
                for d in docs if d.meta.source not in written]
        # the same text under a new stamp, or with new metadata (a sidecar changed)
        self.store.update_metas(same)
        relabelled = sum(1 for m in same if _label(m) != _label(known[m.source]))
        counts.unchanged += len(same) - relabelled
        counts.updated += relabelled
        counts.added += sum(1 for d in fresh if d.meta.source not in known)
        counts.updated += sum(1 for d in fresh if d.meta.source in known)
        shown.skip(len(batch) - len(fresh))
        counts.chunks += self._write(fresh, shown.tick() if fresh else None)

    def write(self, docs: Iterable[Document], tick: Progress | None = None) -> int:
        """Chunk, embed and store documents; returns the number of chunks written, once
        all are stored.

        Documents are embedded and stored in groups for throughput; a group becomes visible
        only once all its chunks are stored, so a failure never leaves a document half
        indexed.
        """
        with self._behind:
            return self._write(docs, tick)

    def _write(self, docs: Iterable[Document], tick: Progress | None) -> int:
        total = 0
        group: list[tuple[Document, list[Chunk]]] = []
        for doc in docs:
            group.append((doc, self._chunk(doc)))
            if sum(len(p) for _, p in group) >= _EMBED_GROUP:
                total += self._flush(group, tick)
                group = []
        return total + self._flush(group, tick)

    def prepare(self, doc: Document) -> list[Version]:
        """``doc`` chunked and embedded, ready for ``Store.write``: the slow part of a
        write, which needs no lock (it does not touch the store)."""
        return self._embed([(doc, self._chunk(doc))], None)

    def _chunk(self, doc: Document) -> list[Chunk]:
        return chunk(doc, self.embedder.count_tokens, self.settings.chunk_tokens,
                     self.settings.chunk_overlap_sentences)

    def _embed(self, group: list[tuple[Document, list[Chunk]]],
               done: Callable[[int], None] | None) -> list[Version]:
        flat = [c for _, pieces in group for c in pieces]
        parts, sentence_vecs = [], []
        # a slice at a time: the model's per-token vectors of a slice are dropped once its
        # chunks are pooled, so one large document holds the memory of one slice, not of all
        for i in range(0, len(flat), _EMBED_GROUP):
            vecs, sentences = self.embedder.embed_chunks(flat[i : i + _EMBED_GROUP], done)
            parts.append(vecs)
            sentence_vecs.extend(sentences)
        chunk_vecs = np.concatenate(parts) if parts else np.zeros((0, 0), np.float32)
        versions, i = [], 0
        for doc, pieces in group:
            n = len(pieces)
            versions.append(Version(doc, pieces, chunk_vecs[i : i + n], sentence_vecs[i : i + n]))
            i += n
        return versions

    def _flush(self, group: list[tuple[Document, list[Chunk]]], tick: Progress | None) -> int:
        if not group:
            return 0
        shown = _Shown(tick, len(group), sum(len(p) for _, p in group))
        versions = self._embed(group, shown.embedded)
        self._behind.run(lambda: self._store(versions), then=shown.stored)
        return shown.chunks

    def _store(self, versions: list[Version]) -> None:
        self.store.write(found(versions) if self.find_entities else versions)


class _Behind:
    """One job at a time on a background thread, at most one waiting: memory holds the
    group being stored and the one being embedded, never more. A job's failure is raised
    on the calling thread at the next ``run`` or at the end of the ``with`` block; ``then``
    (progress) runs on the calling thread too, after its job succeeded."""

    def __init__(self) -> None:
        self._pool: ThreadPoolExecutor | None = None
        self._last: tuple[Future[None], Callable[[], None]] | None = None
        self._depth = 0

    def run(self, job: Callable[[], None], then: Callable[[], None]) -> None:
        self.wait()
        if self._pool is None:
            self._pool = ThreadPoolExecutor(1, thread_name_prefix="citebot-store")
        self._last = (self._pool.submit(job), then)

    def wait(self) -> None:
        if self._last is not None:
            (future, then), self._last = self._last, None
            future.result()
            then()

    def __enter__(self) -> "_Behind":
        self._depth += 1
        return self

    def __exit__(self, *exc: object) -> None:
        self._depth -= 1
        if self._depth:
            return
        try:
            self.wait()  # on a failure too: no write goes on after the caller has moved on
        finally:
            if self._pool is not None:
                self._pool.shutdown()
                self._pool = None


class _Files:
    """Progress over the files of one ingest, shown only once something is embedded (an
    ingest with nothing new shows nothing); files skipped before then are counted in."""

    def __init__(self, progress: Callable[[int], Progress] | None, total: int) -> None:
        self.progress, self.total = progress, total
        self.pending = 0
        self._tick: Progress | None = None

    def skip(self, n: int) -> None:
        self.pending += n
        if self._tick and self.pending:
            self._tick(self.pending)
            self.pending = 0

    def tick(self) -> Progress | None:
        if self.progress and self._tick is None:
            self._tick = self.progress(self.total)
            self.skip(0)
        return self._tick

    def finish(self) -> None:
        self.skip(0)


class _Shown:
    """Progress through one group in documents: a group is embedded in several model calls
    (a 256-chunk group is ~70 BBC articles), so the count moves with each call, in
    proportion to the chunks embedded, and reaches the group's documents once they are
    stored."""

    def __init__(self, tick: Progress | None, docs: int, chunks: int) -> None:
        self.tick, self.docs, self.chunks = tick, docs, chunks
        self.done = self.shown = 0

    def embedded(self, n: int) -> None:
        self.done += n
        self._show(min(self.docs - 1, self.docs * self.done // max(self.chunks, 1)))

    def stored(self) -> None:
        self._show(self.docs)

    def _show(self, docs: int) -> None:
        if self.tick and docs > self.shown:
            self.tick(docs - self.shown)
            self.shown = docs
