"""The ONNX files the embedder runs: cached by weights and recipe, written atomically, and
the one rule between backend and precision."""

from pathlib import Path

import numpy as np
import pytest

from citebot.index.embed import onnx
from citebot.index.embed.embedder import Embedder


def model_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "all-MiniLM-L6-v2"
    folder.mkdir()
    (folder / "model.safetensors").write_bytes(b"weights")
    return folder


def test_a_file_is_built_once_and_then_reused(tmp_path: Path) -> None:
    model, cache, builds = model_dir(tmp_path), tmp_path / "cache", []

    def build(tmp: Path) -> None:
        builds.append(tmp)
        tmp.write_bytes(b"onnx")

    first = onnx.cached(model, cache, "fp32", build)
    again = onnx.cached(model, cache, "fp32", build)
    assert first == again and first.read_bytes() == b"onnx" and len(builds) == 1
    assert first.name.startswith("all-MiniLM-L6-v2-") and first.name.endswith("-fp32.onnx")
    other = onnx.cached(model, cache, "int8", build)  # another precision: another file
    assert other != first and len(builds) == 2
    (model / "model.safetensors").write_bytes(b"new weights!")  # other weights: rebuilt
    assert onnx.cached(model, cache, "fp32", build) not in (first, other)
    assert not list(cache.glob("*.tmp"))


def test_a_failed_build_leaves_no_file_behind(tmp_path: Path) -> None:
    def half_written(tmp: Path) -> None:
        tmp.write_bytes(b"half an ONNX file")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        onnx.cached(model_dir(tmp_path), tmp_path / "cache", "int8", half_written)
    assert list((tmp_path / "cache").iterdir()) == []


def test_int8_needs_the_onnx_backend() -> None:
    onnx.check_precision("onnx", "int8")
    onnx.check_precision("torch", "fp32")
    with pytest.raises(ValueError, match="CITEBOT_EMBED_PRECISION=int8 needs the onnx backend"):
        onnx.check_precision("torch", "int8")


def test_a_session_runs_the_exported_model(embedder: Embedder) -> None:
    session = onnx.session(embedder._onnx_file(), threads=1)
    assert [i.name for i in session.get_inputs()] == list(onnx.INPUTS)
    ids = np.array([[101, 7592, 102]], dtype=np.int64)
    feed = {"input_ids": ids, "attention_mask": np.ones_like(ids),
            "token_type_ids": np.zeros_like(ids)}
    [hidden] = session.run(None, feed)
    assert hidden.shape == (1, 3, 384)  # one 384-dimensional vector per word piece
