from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from citebot.index.embed.embedder import Embedder
from citebot.index.errors import StoreMismatch
from citebot.index.ingest.chunking import chunk
from citebot.index.ingest.loader import discover, load, make_document
from citebot.index.models import Chunk
from citebot.index.service import Citebot
from citebot.index.settings import default_model
from citebot.settings import Settings
from tests.conftest import CORPUS

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


# -- int8 precision ---------------------------------------------------------------------

# Measured on the sample corpus: chunk vectors min 0.995 / mean 0.9965, sentence vectors
# min 0.992 / mean 0.996, the one-letter query 0.985 (2,000 BBC chunks in
# benchmarks/embedder.py: chunks 0.991 / 0.996, sentences 0.963 / 0.996). The bounds leave a
# margin for ORT kernel differences between CPUs; a broken quantisation (per-tensor scales:
# chunk mean 0.95) lands below them.
INT8_CHUNK_MIN, INT8_CHUNK_MEAN = 0.99, 0.994
INT8_SENTENCE_MIN, INT8_SENTENCE_MEAN = 0.98, 0.993
INT8_QUERY_MIN = 0.975


@pytest.fixture(scope="module")
def int8_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("int8-models")


@pytest.fixture(scope="module")
def int8_embedder(int8_cache: Path) -> Embedder:
    return Embedder(default_model(), precision="int8", cache_dir=int8_cache)


def _corpus_chunks(embedder: Embedder) -> list[Chunk]:
    return [c for f in discover([CORPUS]) for c in chunk(load(f), embedder.count_tokens, 200, 1)]


def test_int8_vectors_stay_within_the_stated_cosine_of_fp32(
    embedder: Embedder, int8_embedder: Embedder
) -> None:
    chunks = _corpus_chunks(embedder)
    fp32_vecs, fp32_sentences = embedder.embed_chunks(chunks)
    int8_vecs, int8_sentences = int8_embedder.embed_chunks(chunks)
    chunk_cos = np.einsum("ij,ij->i", fp32_vecs, int8_vecs)
    sentence_cos = np.einsum(
        "ij,ij->i", np.concatenate(fp32_sentences), np.concatenate(int8_sentences)
    )
    assert len(chunk_cos) == len(chunks) > 10
    assert chunk_cos.min() > INT8_CHUNK_MIN and chunk_cos.mean() > INT8_CHUNK_MEAN
    assert sentence_cos.min() > INT8_SENTENCE_MIN and sentence_cos.mean() > INT8_SENTENCE_MEAN
    assert chunk_cos.max() < 0.99999  # really another model, not the fp32 file again
    query_cos = np.einsum("ij,ij->i", embedder.embed_queries(TEXTS),
                          int8_embedder.embed_queries(TEXTS))
    assert query_cos.min() > INT8_QUERY_MIN
    # and it still ranks like fp32: the passage about the summons wins for that question
    q = int8_embedder.embed_queries(["Who summoned the Chinese ambassador?"])[0]
    best = chunks[int(np.argmax(int8_vecs @ q))]
    assert best.text == chunks[int(np.argmax(fp32_vecs @ embedder.embed_queries(
        ["Who summoned the Chinese ambassador?"])[0]))].text
    assert "summoned" in best.text


def test_the_int8_file_is_quantised_cached_and_reused(
    int8_embedder: Embedder, int8_cache: Path
) -> None:
    import onnx

    int8_embedder.embed_queries(["warm"])
    files = {p.name.rsplit("-", 1)[1]: p for p in int8_cache.glob("*.onnx")}
    assert sorted(files) == ["fp32.onnx", "int8.onnx"]  # the export, and its int8 variant
    assert not list(int8_cache.glob("*.tmp"))
    graph = onnx.load(str(files["int8.onnx"])).graph
    weights = {i.name for i in graph.initializer}
    assert sum(n.op_type == "MatMulInteger" for n in graph.node) == 6 * 6 - 2
    kept = [n.name for n in graph.node if n.op_type == "MatMul" and n.input[1] in weights]
    assert kept == [f"/inner/encoder/layer.{i}/output/dense/MatMul" for i in (0, 2)]
    assert files["int8.onnx"].stat().st_size < 0.7 * files["fp32.onnx"].stat().st_size
    stamps = {name: p.stat().st_mtime_ns for name, p in files.items()}
    again = Embedder(default_model(), precision="int8", cache_dir=int8_cache)
    fp32 = Embedder(default_model(), cache_dir=int8_cache)  # same folder, other precision
    assert np.allclose(again.embed_queries(TEXTS), int8_embedder.embed_queries(TEXTS), atol=1e-6)
    fp32_vecs = fp32.embed_queries(TEXTS)
    assert {p.name for p in int8_cache.glob("*.onnx")} == {p.name for p in files.values()}
    assert {name: p.stat().st_mtime_ns for name, p in files.items()} == stamps
    # the fp32 embedder got the fp32 file, not the int8 one sitting next to it
    assert np.abs(fp32_vecs - int8_embedder.embed_queries(TEXTS)).max() > 1e-3
    assert fp32._onnx_file() == files["fp32.onnx"]


def test_the_torch_backend_is_unchanged_and_refuses_int8(
    torch_embedder: Embedder, tmp_path: Path
) -> None:
    with pytest.raises(ValueError, match="needs the onnx backend"):
        Embedder(default_model(), backend="torch", precision="int8")
    assert torch_embedder.precision == "fp32"
    plain = Embedder(default_model(), backend="torch", cache_dir=tmp_path)
    reference = plain.model.encode(TEXTS, normalize_embeddings=True)
    assert np.abs(plain.embed_queries(TEXTS) - reference).max() < 1e-5
    assert list(tmp_path.iterdir()) == []  # no ONNX file is made for torch


def test_the_precision_setting() -> None:
    assert Settings().embed_precision == "fp32"
    assert Settings(embed_precision="int8").embed_precision == "int8"
    with pytest.raises(ValidationError, match="fp32"):
        Settings(embed_precision="int4")


def test_kind_names_the_weights_and_precision_not_the_backend(
    embedder: Embedder, int8_embedder: Embedder, torch_embedder: Embedder, tmp_path: Path
) -> None:
    assert embedder.kind == torch_embedder.kind == Embedder(default_model()).kind
    assert embedder.kind.endswith(" fp32")
    assert int8_embedder.kind.startswith(embedder.kind.removesuffix("fp32") + "int8/")
    # the weights' bytes, not the folder's path or the files' dates, tell models apart
    for name, weights in (("a", b"weights one"), ("b", b"weights one"), ("c", b"weights two")):
        (tmp_path / name / "model").mkdir(parents=True)
        (tmp_path / name / "model" / "model.safetensors").write_bytes(weights)
    kinds = {n: Embedder(str(tmp_path / n / "model")).kind for n in "abc"}
    assert kinds["a"] == kinds["b"] != kinds["c"]


def test_a_store_built_at_one_precision_refuses_the_other(
    embedder: Embedder, int8_embedder: Embedder, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path / "data", corpus_dir=CORPUS)
    assert Citebot(settings, embedder=int8_embedder).ingest().added == 5
    with pytest.raises(StoreMismatch, match="int8"):
        Citebot(settings, embedder=embedder).store  # noqa: B018
    answer = Citebot(settings, embedder=int8_embedder).ask("Who summoned the Chinese ambassador?")
    assert answer.found and "summoned" in answer.citations[0].text


# -- the tokenizer ------------------------------------------------------------------------

TOKENIZER_TEXTS = [*TEXTS, "Ukraine’s “serious concerns” — naïve café, 中文, 🎉 and\ttabs  ",
                   "", "word " * 400]


def test_the_tokenizer_is_the_one_transformers_builds(embedder: Embedder) -> None:
    # read with the `tokenizers` library (no transformers, hence no torch, on the ONNX
    # path): the same ids, masks, offsets and counts as transformers' AutoTokenizer
    from transformers import AutoTokenizer

    reference = AutoTokenizer.from_pretrained(default_model())
    expected = reference(TOKENIZER_TEXTS, padding=True, truncation=True, max_length=256,
                         return_offsets_mapping=True, return_tensors="np")
    with embedder._lock:
        got = embedder._encode(TOKENIZER_TEXTS)
    for key in ("input_ids", "attention_mask", "token_type_ids"):
        assert np.array_equal(got[key], expected[key]), key
    assert got["input_ids"].shape == (len(TOKENIZER_TEXTS), 256)  # cut at what the model reads
    for row, offsets in enumerate(expected["offset_mapping"]):
        assert got["offset_mapping"][row] == [tuple(o) for o in offsets]
    counts = [len(ids) for ids in reference(TOKENIZER_TEXTS, add_special_tokens=False)["input_ids"]]
    assert embedder.count_tokens(TOKENIZER_TEXTS) == counts and counts[-1] == 400  # not cut


def test_a_model_folder_without_tokenizer_json_gets_the_same_tokens(
    embedder: Embedder, tmp_path: Path
) -> None:
    source = Path(default_model())
    for name in ("vocab.txt", "tokenizer_config.json", "special_tokens_map.json",
                 "config.json", "sentence_bert_config.json"):
        (tmp_path / name).write_bytes((source / name).read_bytes())
    assert not (tmp_path / "tokenizer.json").exists()
    vocabulary_only = Embedder(str(tmp_path))
    with embedder._lock:
        expected = embedder._encode(TOKENIZER_TEXTS)
    with vocabulary_only._lock:
        got = vocabulary_only._encode(TOKENIZER_TEXTS)
    for key in ("input_ids", "attention_mask", "token_type_ids", "offset_mapping"):
        assert np.array_equal(np.asarray(got[key]), np.asarray(expected[key])), key
    assert vocabulary_only.count_tokens(TOKENIZER_TEXTS) == embedder.count_tokens(TOKENIZER_TEXTS)
