"""Dense, lexical or hybrid (reciprocal-rank-fused) chunk retrieval."""

import numpy as np

from .lexical import LexicalIndex
from .models import ScoredChunk
from .settings import RetrievalMode
from .store import Store

RRF_K = 20  # measured best on SciFact; the common default of 60 flattens the top ranks


class Retriever:
    def __init__(self, store: Store, lexical: LexicalIndex) -> None:
        self.store = store
        self.lexical = lexical

    def retrieve(
        self, query: str, vec: np.ndarray, k: int, mode: RetrievalMode = "hybrid"
    ) -> list[ScoredChunk]:
        """Top-k chunks. ``score`` is always the dense cosine, so thresholds mean one thing."""
        if mode == "dense":
            return self.store.query_chunks(vec, k)
        pool = max(4 * k, 20)
        lexical = self.store.fetch([i for i, _ in self.lexical.search(query, pool)], vec)
        if mode == "lexical":
            return lexical[:k]
        dense = self.store.query_chunks(vec, pool)
        return fuse(dense, lexical)[:k]


def fuse(dense: list[ScoredChunk], lexical: list[ScoredChunk]) -> list[ScoredChunk]:
    """Reciprocal rank fusion; hand-written (a few lines) because llama-index's
    QueryFusionRetriever would embed the query again and wants an LLM we do not have."""
    fused: dict[tuple[str, int], float] = {}
    by_key: dict[tuple[str, int], ScoredChunk] = {}
    for ranked in (dense, lexical):
        for rank, sc in enumerate(ranked):
            key = (sc.chunk.source, sc.chunk.index)
            fused[key] = fused.get(key, 0.0) + 1.0 / (RRF_K + rank + 1)
            by_key.setdefault(key, sc)
    return [by_key[key] for key in sorted(fused, key=fused.__getitem__, reverse=True)]
