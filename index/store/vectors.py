"""Sentence vectors packed per chunk: float16, base64, one record per chunk.

Answers score every sentence of the retrieved chunks against the question, so the vectors
are read by chunk id, never searched by nearest neighbour: one record per chunk holding all
its sentences' vectors costs one small dummy-vector index entry per chunk, where a record
per sentence cost ~5.5 full 384-dimension HNSW entries. float16 keeps a cosine within
~1e-3 of float32 (tests/index/store/test_vectors.py).
"""

import base64

import numpy as np


def pack(vectors: np.ndarray) -> str:
    """A (sentences x dims) float array as text (Chroma stores it as the record's document)."""
    return base64.b64encode(np.ascontiguousarray(vectors, dtype="<f2").tobytes()).decode()


def unpack(text: str, rows: int) -> np.ndarray:
    """The float32 (rows x dims) array ``pack`` wrote."""
    flat = np.frombuffer(base64.b64decode(text), dtype="<f2").astype(np.float32)
    return flat.reshape(rows, -1)
