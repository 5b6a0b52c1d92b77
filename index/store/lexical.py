"""BM25 over chunk texts (bm25s), persisted next to the Chroma store.

The index is derived data: it is rebuilt from the chunks in Chroma whenever this process
changes them, or when its chunk count no longer matches Chroma's (another process wrote).
Results are still filtered against the committed document versions, so a stale index can
miss a passage but never cite a wrong one.

bm25s's defaults (Lucene BM25, k1=1.5, b=0.75) are kept: on SciFact's train queries no
(k1, b) in [0.9, 2.0] x [0.4, 0.9] moved hybrid nDCG@10 by more than ±0.004 (noise).
"""

import json
import math
import sys
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from citebot.index.store.chroma import Store
from citebot.index.text.tokens import tokenize


@dataclass(frozen=True)
class _Snapshot:
    """One built index; replaced whole, so readers never see a half-updated one."""

    bm25: Any
    ids: list[str]
    rows: dict[str, int]  # chunk id -> row
    df: np.ndarray  # per vocabulary entry: the number of chunks holding it

    @classmethod
    def of(cls, bm25: Any, ids: list[str]) -> "_Snapshot":
        # the score matrix is stored by term (CSC): a term's column length is its df
        df = np.diff(np.asarray(bm25.scores["indptr"]))
        return cls(bm25, ids, {i: n for n, i in enumerate(ids)}, df)


@dataclass(frozen=True)
class Scores:
    """A query's BM25 score for every chunk of the index."""

    snapshot: _Snapshot | None
    values: np.ndarray
    ceiling: float = 1.0  # the score of a chunk with every query term in abundance

    def top(self, k: int) -> list[tuple[str, float]]:
        """The k best chunk ids with their scores, best first; chunks scoring 0 are left out."""
        if self.snapshot is None or k <= 0:
            return []
        k = min(k, len(self.values))
        best = np.argpartition(-self.values, k - 1)[:k]
        best = best[np.argsort(-self.values[best], kind="stable")]
        return [(self.snapshot.ids[i], float(self.values[i])) for i in best if self.values[i] > 0]

    def of(self, ids: Sequence[str]) -> list[float]:
        """Scores of the given chunk ids (0 for a chunk this index does not hold)."""
        rows = self.snapshot.rows if self.snapshot else {}
        return [float(self.values[rows[i]]) if i in rows else 0.0 for i in ids]



STALE_CHECK_SECONDS = 1.0


class LexicalIndex:
    def __init__(self, path: Path, store: Store) -> None:
        self.path = path
        self.store = store
        self._lock = threading.Lock()  # one rebuild or load at a time
        self._snapshot: _Snapshot | None = None
        self._checked = 0.0
        self._tokens: dict[str, list[str]] = {}  # chunk id -> its tokens, for rebuilds

    def rebuild(self) -> None:
        """Index every stored chunk again. bm25s precomputes each chunk's term scores, which
        depend on every chunk (idf, mean length), so a change means a new index; but the
        tokens of chunks this process has seen are kept, and only new chunks are read and
        tokenized (the first rebuild after a start reads them all)."""
        import bm25s

        with self._lock:
            ids = self.store.chunk_ids()
            new = [i for i in ids if i not in self._tokens]
            texts = self.store.chunk_texts(new)
            got = [i for i in new if i in texts]  # another process may delete meanwhile
            kept = {i: self._tokens[i] for i in ids if i in self._tokens}
            # interned: the same word in many chunks is one string in memory
            self._tokens = kept | {
                i: [sys.intern(t) for t in ts]
                for i, ts in zip(got, tokenize([texts[i] for i in got]) if got else [])
            }
            ids = [i for i in ids if i in self._tokens]
            tokens = [self._tokens[i] for i in ids]
            if not any(tokens):  # none, or only stop words and one-letter words: no match
                self._snapshot = None
                return
            bm25 = bm25s.BM25()
            bm25.index(tokens, show_progress=False)
            self.path.mkdir(parents=True, exist_ok=True)
            bm25.save(str(self.path))
            (self.path / "ids.json").write_text(json.dumps(ids))
            self._snapshot = _Snapshot.of(bm25, ids)

    def _ensure(self) -> _Snapshot | None:
        snap = self._snapshot
        now = time.monotonic()
        # this process's own writes rebuild at once; asking Chroma whether another process
        # wrote costs a call per question, so it is asked at most once per STALE_CHECK
        if snap is not None and now - self._checked < STALE_CHECK_SECONDS:
            return snap
        self._checked = now
        count = self.store.chunk_count()
        if snap is not None and len(snap.ids) == count:
            return snap
        ids_file = self.path / "ids.json"
        if snap is None and ids_file.exists():
            import bm25s

            ids = json.loads(ids_file.read_text())
            if len(ids) == count:
                with self._lock:
                    self._snapshot = _Snapshot.of(bm25s.BM25.load(str(self.path)), ids)
                return self._snapshot
        if count or snap is not None:
            self.rebuild()
        return self._snapshot

    def scores(self, query: str) -> Scores:
        snap = self._ensure()
        if snap is None:
            return Scores(None, np.zeros(0, dtype=np.float32))
        known = snap.bm25.get_tokens_ids(tokenize([query])[0])
        if not known:  # only stop words or words no chunk holds
            return Scores(snap, np.zeros(len(snap.ids), dtype=np.float32))
        # BM25 saturates each term at idf * (k1 + 1): the sum is what no chunk exceeds
        n = len(snap.ids)
        ceiling = sum(math.log(1 + (n - d + 0.5) / (d + 0.5)) for d in snap.df[known])
        return Scores(snap, np.asarray(snap.bm25.get_scores(known), dtype=np.float32),
                      ceiling * (snap.bm25.k1 + 1))

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Chunk ids with their BM25 scores, best first (empty when nothing matches)."""
        return self.scores(query).top(k)

    def idf(self, terms: Iterable[str]) -> dict[str, float]:
        """BM25's inverse document frequency of stemmed terms; a term no chunk holds gets
        the highest value (it is as rare as a term can be)."""
        snap = self._ensure()
        n = len(snap.ids) if snap else 0
        vocab = snap.bm25.vocab_dict if snap else {}
        df = {t: int(snap.df[vocab[t]]) if snap and t in vocab else 0 for t in terms}
        return {t: math.log(1 + (n - d + 0.5) / (d + 0.5)) for t, d in df.items()}
