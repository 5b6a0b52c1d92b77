"""Bring files into the store: incremental, idempotent, a group of documents at a time."""

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import numpy as np

from citebot.index.embed.embedder import Embedder
from citebot.index.errors import CitebotError, EmptyCorpus
from citebot.index.ingest.chunking import chunk
from citebot.index.ingest.loader import KINDS, discover, load
from citebot.index.models import Chunk, Document, IngestReport
from citebot.index.settings import CoreSettings
from citebot.index.store.chroma import Store, Version

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
        if not files:
            where = ", ".join(str(p) for p in paths)
            raise EmptyCorpus(f"no {KINDS} files under {where}: add some, or give a path")
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
            group.append((doc, self._chunk(doc)))
            if sum(len(p) for _, p in group) >= _EMBED_GROUP:
                total += self._store(self._embed(group), tick)
                group = []
        return total + self._store(self._embed(group), tick)

    def prepare(self, doc: Document) -> list[Version]:
        """``doc`` chunked and embedded, ready for ``Store.write``: the slow part of a
        write, which needs no lock (it does not touch the store)."""
        return self._embed([(doc, self._chunk(doc))])

    def _chunk(self, doc: Document) -> list[Chunk]:
        return chunk(doc, self.embedder.count_tokens, self.settings.chunk_tokens,
                     self.settings.chunk_overlap_sentences)

    def _embed(self, group: list[tuple[Document, list[Chunk]]]) -> list[Version]:
        flat = [c for _, pieces in group for c in pieces]
        parts, sentence_vecs = [], []
        # a slice at a time: the model's per-token vectors of a slice are dropped once its
        # chunks are pooled, so one large document holds the memory of one slice, not of all
        for i in range(0, len(flat), _EMBED_GROUP):
            vecs, sentences = self.embedder.embed_chunks(flat[i : i + _EMBED_GROUP])
            parts.append(vecs)
            sentence_vecs.extend(sentences)
        chunk_vecs = np.concatenate(parts) if parts else np.zeros((0, 0), np.float32)
        versions, i = [], 0
        for doc, pieces in group:
            n = len(pieces)
            versions.append(Version(doc, pieces, chunk_vecs[i : i + n], sentence_vecs[i : i + n]))
            i += n
        return versions

    def _store(self, versions: list[Version], tick: Progress | None) -> int:
        self.store.write(versions)
        if tick:
            tick(len(versions))
        return sum(len(v.chunks) for v in versions)
