"""The lexical (BM25) index: a per-process cache of the chunks Chroma holds.

It is kept up to date incrementally: this process's own writes are applied when they are
made (``catch_up``), and other processes' writes are read from the store's change log at
most ``SYNC_SECONDS`` apart (``changes.ChangeLog``): the sources logged since the last
change applied or the last read, whichever is later, less ``changes.WINDOW``. Applying a
change looks up the source's committed version in Chroma, so the index converges on the
truth whatever order changes arrive in.

The versions it holds also decide which retrieved chunks are committed (``committed``):
at 300k chunks looking them up in Chroma was a fifth of a question's time. That is safe
only when nothing was written since the last sync, so every question reads the log's
head (one read by id) once its search has returned, and the check syncs first when the
head is one no sync has seen (``committed_at``). A logged source may still be
committing for a WINDOW (a commit lands at most that long after its record): for a
WINDOW after this process first read the record, by its own clock (writers' clocks may
differ from it), the source is looked up in Chroma, and then read once more, settled.

The index is saved to ``bm25.npz`` (written to a temporary file, then renamed) at most
every ``SAVE_SECONDS`` and on close, with the change-log position it reflects; a new
process loads it and applies only the changes since. A missing, torn or foreign file is
rebuilt from the store, with a log line.
"""

import json
import logging
import os
import threading
import time
import zipfile
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from citebot.index.store import changes
from citebot.index.store.bm25 import Bm25
from citebot.index.store.changes import Change
from citebot.index.store.chroma import Store
from citebot.index.store.ids import names_version, parse_chunk_id
from citebot.index.text.tokens import tokenize

log = logging.getLogger("citebot.lexical")

SYNC_SECONDS = 1.0  # how stale another process's write may be here (the goal: within 2 s)
SAVE_SECONDS = 60.0
_FORMAT = 2  # 2: the posting lists saved as they are (bm25.Bm25.state)
_UNREAD = -1.0  # the head before the first sync (no write is stamped before 1970)


@dataclass(frozen=True)
class Scores:
    """A query's BM25 scores at the time of the query: the rows holding any of its terms
    (ascending) and their scores; every other chunk scores 0."""

    ids: Sequence[str | None]  # row -> chunk id
    rows: Mapping[str, int]  # chunk id -> row
    hits: np.ndarray
    values: np.ndarray
    ceiling: float = 1.0  # what no chunk's score exceeds for this query (bm25.Bm25.scores)

    def top(self, k: int) -> list[tuple[str, float]]:
        """The k best chunk ids with their scores, best first; chunks scoring 0 are left out."""
        k = min(k, len(self.values))
        if k <= 0:
            return []
        best = np.argpartition(-self.values, k - 1)[:k]
        best = best[np.argsort(-self.values[best], kind="stable")]
        return [(i, float(self.values[b])) for b in best
                if (i := self.ids[self.hits[b]]) is not None]

    def of(self, ids: Sequence[str]) -> list[float]:
        """Scores of the given chunk ids (0 for a chunk this index does not hold)."""
        if not len(self.hits):
            return [0.0] * len(ids)
        rows = np.array([self.rows.get(i, -1) for i in ids], dtype=np.int64)
        at = np.minimum(np.searchsorted(self.hits, rows), len(self.hits) - 1)
        return [float(v) for v in np.where(self.hits[at] == rows, self.values[at], 0.0)]


class LexicalIndex:
    def __init__(self, path: Path, store: Store) -> None:
        self.file = path / "bm25.npz"
        self.store = store
        self._lock = threading.RLock()  # the index is read and changed under it
        self._write_lock = threading.Lock()  # one file write at a time
        self._bm: Bm25 | None = None
        self._held: dict[str, str] = {}  # source -> the hash of the version indexed
        self._by_source: dict[str, list[str]] = {}  # source -> its indexed chunk ids
        self._position = 0.0  # change-log time applied up to
        self._read_at = 0.0  # wall-clock time of this process's last read of the log
        self._head: float | None = _UNREAD  # the log's head at that read (None: unstamped)
        # heads the latest syncs read or were started by: everything stamped up to any of
        # them is applied here (heads are not ordered: two racing writers may stamp the
        # earlier time last)
        self._heads: deque[float] = deque(maxlen=16)
        # records read within the last WINDOW (their sources may still be committing), with
        # the monotonic time each was first read
        self._unsettled: dict[Change, float] = {}
        self._synced = 0.0
        self._saved = time.monotonic()
        self._dirty = False

    # -- keeping up with the store ----------------------------------------------------

    def catch_up(self) -> None:
        """Apply every change logged so far now (after this process wrote: its own writes
        are in the log too), rather than at the next sync."""
        with self._lock:
            if self._bm is None:
                self._open()
            self._synced = time.monotonic()
            self._sync()

    def _index(self) -> Bm25:
        """The index, opened on first use and synced with the change log."""
        with self._lock:
            if self._bm is None:
                self._open()
            now = time.monotonic()
            if now - self._synced >= SYNC_SECONDS:
                self._synced = now
                self._sync()
            assert self._bm is not None
            return self._bm

    def _sync(self) -> None:
        # every source logged in the window is checked again (a no-op once its version is
        # held): a record is written just before its commit, which may land a little later.
        # A record stamped a WINDOW before the last read was visible to it, so the read
        # starts from the later of the two: once writes stop, syncs read nothing, where they
        # re-read the last WINDOW of writes every SYNC_SECONDS (at 300k chunks, 56 ms each
        # time, a question's p95). ``min``: a clock set back must not skip what follows.
        now = time.time()
        self._head, logged = self.store.changes.read(
            max(self._position, min(self._read_at, now)),
            seen=None if self._head == _UNREAD else self._head)
        self._read_at = now
        if self._head is not None:
            self._heads.append(self._head)
        seen = time.monotonic()
        for c in logged:
            self._unsettled.setdefault(c, seen)
        if logged:
            self._refresh({c.source for c in logged})
            self._position = max(self._position, logged[-1].ts)
        self._settle()
        if self._dirty and time.monotonic() - self._saved >= SAVE_SECONDS:
            # copied under the lock (fast), written by a thread: no question waits on disk
            snapshot = self._snapshot()
            threading.Thread(target=self._write, args=snapshot, daemon=True).start()

    def committed(self, ids: Sequence[str]) -> list[str]:
        """The chunk ids among ``ids``, in order, of committed document versions: those of
        the versions held here, synced first if the log's head moved since the last sync;
        those of sources maybe still committing (or unknown here) as Chroma says
        (``Store.committed``). Without a head (a store last written by a release that did
        not stamp it) every id is looked up in Chroma."""
        return self.committed_at(self.store.changes.latest(), ids)

    def committed_at(self, head: float | None, ids: Sequence[str]) -> list[str]:
        """``committed``, given the log's head as this question read it once its search
        had returned (beside another read: ``overlap``). A head that a sync since has
        seen, or that started one, needs no other: the question's steps share one head,
        and concurrent questions may have read the same one."""
        with self._lock:
            if self._bm is None:
                self._open()
            if head is None:
                return self.store.committed(ids)
            if head not in self._heads:
                self._synced = time.monotonic()
                self._sync()
                self._heads.append(head)  # the sync read the log after it was read
            else:
                self._settle()
            unsettled = {c.source for c in self._unsettled}
            parsed = {i: parse_chunk_id(i) for i in ids}
            held = {i: self._held.get(s) for i, (s, _) in parsed.items() if s not in unsettled}
        ask = [i for i in ids if held.get(i) is None]
        truth = set(self.store.committed(ask)) if ask else set()
        return [i for i in ids if i in truth
                or ((h := held.get(i)) is not None and names_version(parsed[i][1], h))]

    def _settle(self) -> None:
        """Read once more the sources whose records were first read a WINDOW ago (their
        commits have landed by now, whatever their writers' clocks said), and stop
        looking them up in Chroma."""
        due = time.monotonic() - changes.WINDOW
        settled = [c for c, seen in self._unsettled.items() if seen <= due]
        if not settled:
            return
        self._refresh({c.source for c in settled})  # first: if Chroma fails, they stay
        for c in settled:
            del self._unsettled[c]

    def _refresh(self, sources: set[str]) -> None:
        metas = self.store.metas(sources)
        want = {s: m.hash for s, m in metas.items()}
        stale = {s for s in sources if self._held.get(s) != want.get(s)}
        if not stale:
            return
        assert self._bm is not None
        for s in stale:
            for id_ in self._by_source.pop(s, ()):
                self._bm.remove(id_)
            self._held.pop(s, None)
        ids, texts = self.store.version_chunks({s: metas[s] for s in stale if s in metas})
        self._add(ids, texts)
        self._held.update((s, want[s]) for s in stale if s in want)
        self._dirty = True

    def _add(self, ids: list[str], texts: list[str]) -> None:
        assert self._bm is not None
        for id_, tokens in zip(ids, tokenize(texts) if texts else []):
            self._bm.add(id_, tokens)
            self._by_source.setdefault(parse_chunk_id(id_)[0], []).append(id_)

    # -- opening, rebuilding and saving -------------------------------------------------

    def _open(self) -> None:
        if self.file.exists():
            try:
                self._load()
                if self._position >= self.store.changes.pruned_before():
                    return
                log.info("lexical index %s predates the change log's oldest record; "
                         "rebuilding it from the store", self.file)
            except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile) as e:  # torn
                log.warning("lexical index %s is unreadable (%s: %s); rebuilding it from the "
                            "store", self.file, type(e).__name__, e)
        self.rebuild()

    def rebuild(self) -> None:
        """Index every committed chunk again, from Chroma (a page at a time)."""
        with self._lock:
            started = time.time()  # changes from here on are applied again (idempotent)
            self._bm, self._by_source = Bm25(), {}
            self._held = self.store.hashes()
            for ids, texts in self.store.committed_chunks():
                self._add(ids, texts)
            self._position = started
            self._synced = time.monotonic()
            self._dirty = True
            self.save()

    def save(self) -> None:
        """Write the index now (on close: the next start applies only newer changes)."""
        with self._lock:
            if self._bm is None:
                return
            snapshot = self._snapshot()
        self._write(*snapshot)

    def _snapshot(self) -> tuple[dict[str, Any], dict[str, Any]]:
        assert self._bm is not None
        self._dirty = False
        self._saved = time.monotonic()
        meta = {"format": _FORMAT, "position": self._position, "held": dict(self._held)}
        return self._bm.state(), meta

    def _write(self, state: dict[str, Any], meta: dict[str, Any]) -> None:
        """Atomically: a temporary file, then a rename (a kill leaves the old file whole)."""
        with self._write_lock:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
            with open(tmp, "wb") as f:
                blob = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
                np.savez(f, meta=blob, **state)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.file)

    def _load(self) -> None:
        with np.load(self.file) as data:
            meta: dict[str, Any] = json.loads(data["meta"].tobytes().decode())
            if meta.get("format") != _FORMAT:
                raise ValueError(f"format {meta.get('format')}, not {_FORMAT}")
            bm = Bm25.from_state(data)
        self._bm, self._held = bm, dict(meta["held"])
        self._by_source = {}
        for id_ in bm.rows:
            self._by_source.setdefault(parse_chunk_id(id_)[0], []).append(id_)
        self._position = float(meta["position"])
        self._synced = 0.0  # apply what changed since the file was written, now

    def check(self) -> list[str]:
        """How this cache differs from the store (empty when it agrees): sources whose
        indexed version is not the committed one, and chunk ids it lacks or has extra."""
        with self._lock:
            bm = self._index()
            truth = self.store.hashes()
            problems = [f"{s}: indexed {self._held.get(s)}, committed {truth.get(s)}"
                        for s in sorted(set(truth) | set(self._held))
                        if truth.get(s) != self._held.get(s)]
            committed = {i for ids, _ in self.store.committed_chunks() for i in ids}
            problems += [f"missing chunk {i}" for i in sorted(committed - set(bm.rows))]
            problems += [f"extra chunk {i}" for i in sorted(set(bm.rows) - committed)]
            return problems

    # -- reading ------------------------------------------------------------------------

    def scores(self, query: str) -> Scores:
        with self._lock:
            bm = self._index()
            hits, values, ceiling = bm.scores(tokenize([query])[0])
            return Scores(bm.ids, bm.rows, hits, values, ceiling)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Chunk ids with their BM25 scores, best first (empty when nothing matches)."""
        return self.scores(query).top(k)

    def holds(self, terms: Iterable[str]) -> set[str]:
        """Those of the stemmed ``terms`` that some chunk contains."""
        with self._lock:
            bm = self._index()
            return {t for t in terms if (tid := bm.vocab.get(t)) is not None and bm.df[tid]}

    def idf(self, terms: Iterable[str]) -> dict[str, float]:
        """BM25's inverse document frequency of stemmed terms; a term no chunk holds gets
        the highest value (it is as rare as a term can be)."""
        with self._lock:
            bm = self._index()
            return {t: bm.idf(t) for t in terms}
