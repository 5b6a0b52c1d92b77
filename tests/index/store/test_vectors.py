"""Sentence vectors packed as float16 text keep cosines within 1e-3 of float32."""

import numpy as np

from citebot.index.store.vectors import pack, unpack


def test_pack_round_trip_keeps_shape_and_cosines() -> None:
    rng = np.random.default_rng(0)
    vecs = rng.normal(size=(7, 384)).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    query = vecs[0] + 0.5 * vecs[3]
    query /= np.linalg.norm(query)
    back = unpack(pack(vecs), 7)
    assert back.shape == (7, 384) and back.dtype == np.float32
    assert np.max(np.abs(back @ query - vecs @ query)) < 1e-3


def test_a_chunk_of_one_sentence() -> None:
    vec = np.ones((1, 4), dtype=np.float32) / 2
    assert unpack(pack(vec), 1).tolist() == [[0.5, 0.5, 0.5, 0.5]]
