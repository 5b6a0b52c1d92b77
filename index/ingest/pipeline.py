"""Bring files into the store: incremental, idempotent, a group of documents at a time."""

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from citebot.index.embed.embedder import Embedder
from citebot.index.errors import CitebotError, EmptyCorpus
from citebot.index.ingest.chunking import chunk
from citebot.index.ingest.loader import KINDS, discover, load, unsupported
from citebot.index.models import Chunk, Document, IngestReport, unsupported_files
from citebot.index.settings import CoreSettings
from citebot.index.store.chroma import Store
from citebot.index.store.records import Version

Progress = Callable[[int], None]
_EMBED_GROUP = 256  # chunks embedded per model call across documents: fewer, fuller batches


class Ingestor:
    def __init__(self, settings: CoreSettings, embedder: Embedder, store: Store) -> None:
        self.settings = settings
        self.embedder = embedder
        self.store = store

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
        known = self.store.hashes()
        problems: list[str] = []
        docs: list[Document] = []
        first: dict[str, Path] = {}
        for file in files:
            if file.source in first:  # two folders given, one relative path: one article
                problems.append(
                    f"{file.path} has the same source name {file.source!r} as "
                    f"{first[file.source]}, which is indexed under it; give their common "
                    "parent folder so the names differ"
                )
                continue
            first[file.source] = file.path
            try:
                docs.append(load(file))
            except CitebotError as e:
                problems.append(str(e))
        fresh = [d for d in docs if known.get(d.meta.source) != d.meta.hash]
        tick = progress(len(fresh)) if progress and fresh else None
        chunks = self.write(fresh, tick)
        removed = 0
        if prune:
            present = {f.source for f in files}
            for source in sorted(set(known) - present):
                self.store.delete(source)
                removed += 1
        return IngestReport(
            added=sum(1 for d in fresh if d.meta.source not in known),
            updated=sum(1 for d in fresh if d.meta.source in known),
            unchanged=len(docs) - len(fresh),
            skipped=len(problems),
            removed=removed,
            chunks=chunks,
            seconds=time.perf_counter() - started,
            problems=problems,
            unsupported=others,
        )

    def write(self, docs: Iterable[Document], tick: Progress | None = None) -> int:
        """Chunk, embed and store documents; returns the number of chunks written.

        Documents are embedded and stored in groups for throughput; a group becomes visible
        only once all its chunks are stored, so a failure never leaves a document half
        indexed.
        """
        total = 0
        group: list[tuple[Document, list[Chunk]]] = []
        for doc in docs:
            pieces = chunk(
                doc,
                self.embedder.count_tokens,
                self.settings.chunk_tokens,
                self.settings.chunk_overlap_sentences,
            )
            group.append((doc, pieces))
            if sum(len(p) for _, p in group) >= _EMBED_GROUP:
                total += self._flush(group, tick)
                group = []
        return total + self._flush(group, tick)

    def _flush(self, group: list[tuple[Document, list[Chunk]]], tick: Progress | None) -> int:
        flat = [c for _, pieces in group for c in pieces]
        shown = _Shown(tick, len(group), len(flat))
        chunk_vecs, sentence_vecs = self.embedder.embed_chunks(flat, shown.embedded)
        versions, i = [], 0
        for doc, pieces in group:
            n = len(pieces)
            versions.append(Version(doc, pieces, chunk_vecs[i : i + n], sentence_vecs[i : i + n]))
            i += n
        self.store.write(versions)
        shown.stored()
        return len(flat)


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
