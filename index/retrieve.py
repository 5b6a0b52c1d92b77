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

from .lexical import LexicalIndex, Scores
from .models import ScoredChunk
from .settings import RetrievalMode
from .store import Store, chunk_id

DENSE_WEIGHT = 0.3


class Retriever:
    def __init__(self, store: Store, lexical: LexicalIndex) -> None:
        self.store = store
        self.lexical = lexical

    def retrieve(
        self, query: str, vec: np.ndarray, k: int, mode: RetrievalMode = "hybrid"
    ) -> list[ScoredChunk]:
        """Top-k chunks, best first."""
        if mode == "dense":
            return self.store.query_chunks(vec, k)
        pool = max(4 * k, 20)  # per side: at 20, the top 5 is 99.4% that of fusing all chunks
        scores = self.lexical.scores(query)
        hits = [i for i, _ in scores.top(pool)]
        if mode == "lexical":
            return self.store.fetch(hits, vec)[:k]
        dense = self.store.query_chunks(vec, pool, committed_only=False)
        have = {_id(sc) for sc in dense}  # their cosine is known: fetch only the others
        lexical = self.store.fetch([i for i in hits if i not in have], vec, committed_only=False)
        committed = self.store.current([*dense, *lexical])  # one look-up for both lists
        return fuse(committed, scores)[:k]


def _id(sc: ScoredChunk) -> str:
    return chunk_id(sc.chunk.source, sc.doc_hash, sc.chunk.index)


def fuse(candidates: list[ScoredChunk], bm25: Scores) -> list[ScoredChunk]:
    """The dense and lexical candidates in one order, by the weighted score in the module
    docstring (each candidate's ``score`` is its cosine).
    Hand-written (a few lines): llama-index's QueryFusionRetriever would embed the query
    again and only fuses ranks or per-list normalised scores."""
    by_id = {_id(sc): sc for sc in candidates}
    fused = {
        key: DENSE_WEIGHT * sc.score + (1 - DENSE_WEIGHT) * lex / bm25.ceiling
        for (key, sc), lex in zip(by_id.items(), bm25.of(list(by_id)))
    }
    return [by_id[key] for key in sorted(fused, key=fused.__getitem__, reverse=True)]
