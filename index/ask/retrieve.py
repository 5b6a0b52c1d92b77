"""Dense, lexical or hybrid chunk retrieval.

Hybrid is a weighted fusion of the two scores, both exact for every candidate (the union
of the dense and the BM25 top lists):

    fused = 0.3 * cosine + 0.7 * BM25 / ceiling

where ``ceiling`` is the highest BM25 score any chunk could have for this query (every term
saturated: the sum of idf * (k1 + 1)), so a chunk matching only the query's common words
gains little. Tuned on SciFact's train queries (``benchmarks/hybrid.py --tuning``):
nDCG@10 0.741 against 0.729 for reciprocal rank fusion (k=20), which throws the scores
away. Normalising by the best BM25 score or min-max over the candidates tunes about as
well on train, but lifts weak lexical matches to full weight, and min-max depends on the
number of candidates (so on ``top_k``). The fused value only orders the chunks:
``ScoredChunk.score`` stays the dense cosine, so answer thresholds mean one thing.
"""

import numpy as np

from citebot.index.models import ScoredChunk
from citebot.index.settings import RetrievalMode
from citebot.index.store.chroma import Store
from citebot.index.store.lexical import LexicalIndex, Scores
from citebot.index.store.overlap import soon

DENSE_WEIGHT = 0.3


class Retriever:
    def __init__(self, store: Store, lexical: LexicalIndex) -> None:
        self.store = store
        self.lexical = lexical

    def retrieve(
        self, query: str, vec: np.ndarray, k: int, mode: RetrievalMode = "hybrid"
    ) -> list[ScoredChunk]:
        """Top-k chunks of committed document versions, best first."""
        return self.store.chunks_by_id(*self.choose(query, vec, k, mode))

    def choose(
        self, query: str, vec: np.ndarray, k: int, mode: RetrievalMode = "hybrid"
    ) -> tuple[list[str], dict[str, float] | np.ndarray]:
        """The ids of the top-k chunks of committed document versions, best first, with
        their cosines to the query, or the query vector when they are not known yet
        (``Store.chunks_by_id`` and ``Store.passages`` read them with the chunks)."""
        # The change log's head is read once the search has returned (``committed_at``): a
        # write committed before the search then moves it, and the check syncs first.
        if mode == "dense":
            # a few extra: results of uncommitted or superseded versions are dropped
            cosine = dict(self.store.nearest(vec, 2 * k + 2))
            return self.lexical.committed(list(cosine))[:k], cosine
        pool = max(4 * k, 20)  # per side: at 20, the top 5 is 99.4% that of fusing all chunks
        dense = soon(self.store.nearest, vec, pool) if mode == "hybrid" else None
        scores = self.lexical.scores(query)  # meanwhile (CPU): see ``overlap``
        hits = [i for i, _ in scores.top(pool)]
        if dense is None:
            return self._committed(hits, k, self.store.changes.latest()), vec
        cosine = dict(dense.result())
        head = soon(self.store.changes.latest)  # beside the cosines' read
        cosine.update(self.store.cosines([i for i in hits if i not in cosine], vec))
        return self._committed(fuse(cosine, scores), k, head.result()), cosine

    def _committed(self, order: list[str], k: int, head: float | None) -> list[str]:
        """The first k ids of committed versions, checked a few at a time: almost always
        the first 2k hold them, and checking only those keeps any look-up small."""
        kept: list[str] = []
        step = 2 * k
        for start in range(0, len(order), step):
            kept += self.lexical.committed_at(head, order[start : start + step])
            if len(kept) >= k:
                break
        return kept[:k]


def fuse(cosine: dict[str, float], bm25: Scores) -> list[str]:
    """Candidate chunk ids in one order, by the weighted score in the module docstring.
    Hand-written (a few lines): llama-index's QueryFusionRetriever would embed the query
    again and only fuses ranks or per-list normalised scores."""
    ids = list(cosine)
    fused = {
        i: DENSE_WEIGHT * cosine[i] + (1 - DENSE_WEIGHT) * lex / bm25.ceiling
        for i, lex in zip(ids, bm25.of(ids))
    }
    return sorted(ids, key=fused.__getitem__, reverse=True)
