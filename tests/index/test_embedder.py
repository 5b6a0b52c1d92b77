from pathlib import Path

import numpy as np
import pytest

from index.chunking import chunk
from index.embedder import Embedder
from index.loader import make_document
from index.settings import default_model

TEXTS = [
    "Who summoned the Chinese ambassador?",
    "China has strongly denied involvement in Russia’s war on Ukraine.",
    "x",
    "A much longer passage " * 40,
]


@pytest.fixture(scope="module")
def torch_embedder() -> Embedder:
    return Embedder(default_model(), backend="torch")


def test_onnx_and_torch_backends_agree_with_sentence_transformers(
    embedder: Embedder, torch_embedder: Embedder
) -> None:
    reference = torch_embedder.model.encode(TEXTS, normalize_embeddings=True)
    assert np.abs(torch_embedder.embed_queries(TEXTS) - reference).max() < 1e-5
    assert embedder.backend == "onnx"
    assert np.abs(embedder.embed_queries(TEXTS) - reference).max() < 1e-4
    assert embedder.embed_queries(TEXTS).shape == (4, 384)


def test_sentence_vectors_are_pooled_from_their_own_tokens(embedder: Embedder) -> None:
    doc = make_document("x.txt", "Lin Jian denied it.\nThe weather in Kyiv was mild and sunny.")
    chunks = chunk(doc, embedder.count_tokens, limit=200, overlap=0)
    chunk_vecs, sentence_vecs = embedder.embed_chunks(chunks)
    assert chunk_vecs.shape == (1, 384) and sentence_vecs[0].shape == (2, 384)
    q = embedder.embed_queries(["What was the weather like?"])[0]
    assert sentence_vecs[0][1] @ q > sentence_vecs[0][0] @ q
    assert np.allclose(np.linalg.norm(sentence_vecs[0], axis=1), 1.0, atol=1e-5)


def test_the_onnx_export_is_cached(embedder: Embedder, tmp_path: Path) -> None:
    fresh = Embedder(default_model(), cache_dir=tmp_path)
    fresh.embed_queries(["warm"])
    files = list(tmp_path.glob("*.onnx"))
    assert len(files) == 1
    again = Embedder(default_model(), cache_dir=tmp_path)
    stamp = files[0].stat().st_mtime_ns
    again.embed_queries(["warm"])
    assert files[0].stat().st_mtime_ns == stamp


def test_a_model_without_mean_pooling_is_refused(tmp_path: Path) -> None:
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text('{"pooling_mode_mean_tokens": false}')
    with pytest.raises(ValueError, match="mean pooling"):
        Embedder(str(tmp_path)).count_tokens(["x"])
