"""Sentence-transformers embeddings, loaded once, offline, from a path or a name."""

from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from . import offline  # noqa: F401  (sets the offline switches before transformers loads)
from .models import Chunk

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

MAX_TOKENS = 256  # all-MiniLM-L6-v2 reads 256 word pieces; the rest would be dropped


class Embedder:
    """Embeds questions, chunks, and the sentences inside chunks.

    Sentence vectors are "late-chunked": the mean of a chunk's contextual token vectors over
    the sentence's span. They cost no extra model pass and let answers pick sentences in
    milliseconds; sentence-transformers has no API for this, hence the hand-written pooling.
    """

    def __init__(self, model: str, *, batch_size: int = 32) -> None:
        self.model_name = model
        self.batch_size = batch_size

    @cached_property
    def model(self) -> "SentenceTransformer":
        import torch
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(max(1, torch.get_num_threads()))
        local = Path(self.model_name).expanduser()
        name = str(local) if local.exists() else self.model_name
        return SentenceTransformer(name, device="cpu", local_files_only=True)

    @property
    def dimension(self) -> int:
        return int(self.model.get_embedding_dimension())

    def count_tokens(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        ids = self.model.tokenizer(texts, add_special_tokens=False)["input_ids"]
        return [len(x) for x in ids]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        vecs = self.model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True
        )
        return np.asarray(vecs, dtype=np.float32)

    def embed_chunks(self, chunks: Sequence[Chunk]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Chunk vectors, and for each chunk one vector per sentence (rows in order)."""
        if not chunks:
            return np.zeros((0, self.dimension), np.float32), []
        texts = [c.text for c in chunks]
        outputs = self.model.encode(texts, batch_size=self.batch_size, output_value=None)
        offsets = self.model.tokenizer(
            texts, return_offsets_mapping=True, truncation=True, max_length=MAX_TOKENS
        )["offset_mapping"]
        chunk_vecs = np.stack([o["sentence_embedding"].float().numpy() for o in outputs])
        chunk_vecs /= np.linalg.norm(chunk_vecs, axis=1, keepdims=True)
        sentence_vecs = [
            _pool_sentences(c, o["token_embeddings"].float().numpy(), off, fallback)
            for c, o, off, fallback in zip(chunks, outputs, offsets, chunk_vecs)
        ]
        return chunk_vecs.astype(np.float32), sentence_vecs


def _pool_sentences(
    chunk: Chunk, tokens: np.ndarray, offsets: list[tuple[int, int]], fallback: np.ndarray
) -> np.ndarray:
    # token vectors are padded to the batch's longest text; offsets are not
    pad = len(tokens) - len(offsets)
    starts = np.array([a for a, _ in offsets] + [0] * pad)
    ends = np.array([b for _, b in offsets] + [0] * pad)
    real = ends > starts  # special and padding tokens have empty offsets
    rows = []
    for span in chunk.sentences:
        lo, hi = span.start - chunk.start, span.end - chunk.start
        mask = real & (starts >= lo) & (ends <= hi)
        vec = tokens[mask].mean(axis=0) if mask.any() else fallback
        rows.append(vec / (np.linalg.norm(vec) or 1.0))
    return np.asarray(rows, dtype=np.float32)
