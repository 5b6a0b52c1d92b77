"""Sentence embeddings (mean-pooled, normalised), loaded once, offline, from a path or name.

Two backends compute the same vectors: ``torch`` runs the sentence-transformers model as
loaded; ``onnx`` (the default) runs the same weights exported once to ONNX and cached under
the data folder — 1.5–4× faster on these CPUs, max difference ~1e-7 (see the tests).
``precision="int8"`` (ONNX only) runs that export with int8 weights (onnxruntime's dynamic
quantisation): ~1.7× the tokens per second, but the vectors move a little (cosine 0.996 to
fp32 on average; numbers in ``benchmarks/embedder.py``), so a store must be queried with the
precision it was built with (``kind``).

The pooling is done here rather than by ``SentenceTransformer.encode`` because citebot also
needs the per-token vectors: a sentence's vector is the mean of its chunk's contextual
token vectors over the sentence's span ("late chunking"), which costs no extra model pass
and lets answers pick sentences in milliseconds.
"""

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
import warnings
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np

from citebot.index import offline  # noqa: F401  (sets the offline switches before transformers loads)
from citebot.index.models import Chunk

Backend = Literal["onnx", "torch"]
Precision = Literal["fp32", "int8"]
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# How each cached file is made; part of its cache key, so a changed recipe builds a new file.
_RECIPES: dict[Precision, str] = {
    "fp32": "torch.onnx.export opset 17",
    "int8": "quantize_dynamic QInt8 per-channel MatMul, FFN-out of layers 0 and 2 fp32 v2",
}


class Embedder:
    def __init__(
        self,
        model: str,
        *,
        batch_size: int = 32,
        backend: Backend = "onnx",
        precision: Precision = "fp32",
        cache_dir: Path | None = None,
        threads: int | None = None,
    ) -> None:
        if precision != "fp32" and backend != "onnx":
            raise ValueError(
                f"embedding precision {precision} needs the onnx backend; set "
                "CITEBOT_EMBED_BACKEND=onnx or CITEBOT_EMBED_PRECISION=fp32"
            )
        self.model_name = model
        self.batch_size = batch_size
        self.backend = backend
        self.precision = precision
        self.cache_dir = cache_dir or Path(tempfile.gettempdir()) / "citebot-models"
        self.threads = threads or os.cpu_count() or 1  # ORT's intra-op pool
        self._lock = threading.Lock()  # tokenizers and ORT sessions: one batch at a time

    # -- loading -------------------------------------------------------------------------

    @cached_property
    def model(self) -> Any:
        """The sentence-transformers model (the torch backend, and the ONNX export's source)."""
        from sentence_transformers import SentenceTransformer

        local = Path(self.model_name).expanduser()
        name = str(local) if local.exists() else self.model_name
        return SentenceTransformer(name, device="cpu", local_files_only=True)

    @cached_property
    def tokenizer(self) -> Any:
        _check_mean_pooling(Path(self._path))  # the pooling below assumes it
        if self.backend == "torch":
            return self.model.tokenizer
        from transformers import AutoTokenizer

        return AutoTokenizer.from_pretrained(self._path, local_files_only=True)

    @cached_property
    def max_tokens(self) -> int:
        config = Path(self._path) / "sentence_bert_config.json"
        if config.exists():
            return int(json.loads(config.read_text())["max_seq_length"])
        return int(self.model.max_seq_length)

    @cached_property
    def kind(self) -> str:
        """What produces these vectors, e.g. ``model@1a2b3c4d5e6f fp32``: the model folder,
        a digest of its weights' content (not their file dates, which differ between
        installs), and the precision, with a digest of the int8 recipe. The torch and onnx
        backends give the same fp32 vectors (~1e-7 apart), so the backend is not part of it.
        The store records it and refuses vectors of another kind."""
        digest = hashlib.sha256()
        for weights in sorted(Path(self._path).glob("*.safetensors")) or sorted(
            Path(self._path).glob("*.bin")
        ):
            with weights.open("rb") as f:
                digest.update(hashlib.file_digest(f, "sha256").digest())  # ~0.1 s for 90 MB
        kind = f"{Path(self._path).name}@{digest.hexdigest()[:12]} {self.precision}"
        if self.precision == "fp32":
            return kind
        return f"{kind}/{hashlib.sha256(_RECIPES[self.precision].encode()).hexdigest()[:6]}"

    @cached_property
    def _path(self) -> str:
        local = Path(self.model_name).expanduser()
        if local.exists():
            return str(local)
        from huggingface_hub import snapshot_download

        return snapshot_download(self.model_name, local_files_only=True)

    @cached_property
    def _session(self) -> Any:
        import onnxruntime as ort

        options = ort.SessionOptions()  # graph_optimization_level is ORT_ENABLE_ALL already
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        path = self._onnx_file()
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def _onnx_file(self) -> Path:
        """This precision's ONNX file, built once; later processes reuse it."""
        fp32 = self._cached("fp32", self._export)
        if self.precision == "fp32":
            return fp32
        return self._cached(self.precision, lambda tmp: quantise_int8(fp32, tmp))

    def _cached(self, precision: Precision, build: Callable[[Path], None]) -> Path:
        """``build`` writes a temporary file that is then renamed into place: a concurrent
        process never reads half a file. The name carries the precision and a digest of the
        weights and the recipe, so variants never mix in one cache folder."""
        weights = sorted(p for p in Path(self._path).glob("*.safetensors"))
        stamp = "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in weights)
        recipe = _RECIPES[precision]
        key = hashlib.sha256(f"{self._path}|{stamp}|{recipe}".encode()).hexdigest()[:16]
        target = self.cache_dir / f"{Path(self._path).name}-{key}-{precision}.onnx"
        if target.exists():
            return target
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
        try:
            build(tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return target

    def _export(self, tmp: Path) -> None:
        import torch
        from transformers import AutoModel

        model = AutoModel.from_pretrained(
            self._path, attn_implementation="eager", local_files_only=True
        ).eval()

        class LastHidden(torch.nn.Module):  # ONNX export passes positional arguments
            def __init__(self) -> None:
                super().__init__()
                self.inner = model

            def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
                return self.inner(
                    input_ids=input_ids,
                    attention_mask=attention_mask,
                    token_type_ids=token_type_ids,
                ).last_hidden_state

        sample = self.tokenizer(["citebot"], return_tensors="pt")
        with warnings.catch_warnings():  # tracer chatter about shapes; equality is tested
            warnings.simplefilter("ignore")
            torch.onnx.export(
                LastHidden(),
                tuple(sample[k] for k in _INPUTS),
                str(tmp),
                input_names=list(_INPUTS),
                output_names=["last_hidden_state"],
                dynamic_axes={
                    k: {0: "batch", 1: "tokens"} for k in (*_INPUTS, "last_hidden_state")
                },
                opset_version=17,
                dynamo=False,
            )

    # -- encoding --------------------------------------------------------------------------

    @property
    def dimension(self) -> int:
        return int(self.embed_queries(["x"]).shape[1])

    def count_tokens(self, texts: list[str]) -> list[int]:
        if not texts:
            return []
        with self._lock:
            ids = self.tokenizer(texts, add_special_tokens=False)["input_ids"]
        return [len(x) for x in ids]

    def _tokens(self, texts: Sequence[str]) -> list[tuple[np.ndarray, list[tuple[int, int]]]]:
        """For each text, its contextual token vectors and their character offsets."""
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # less padding
        result: list[Any] = [None] * len(texts)
        for b in range(0, len(order), self.batch_size):
            idx = order[b : b + self.batch_size]
            batch = [texts[i] for i in idx]
            with self._lock:
                enc = self.tokenizer(
                    batch, padding=True, truncation=True, max_length=self.max_tokens,
                    return_offsets_mapping=True, return_tensors="np",
                )
                hidden = self._forward(enc)
            for row, i in enumerate(idx):
                n = int(enc["attention_mask"][row].sum())
                result[i] = (hidden[row, :n], [tuple(o) for o in enc["offset_mapping"][row, :n]])
        return result

    def _forward(self, enc: Any) -> np.ndarray:
        if self.backend == "onnx":
            feed = {k: enc[k].astype(np.int64) for k in _INPUTS}
            return np.asarray(self._session.run(None, feed)[0], dtype=np.float32)
        import torch

        with torch.inference_mode():
            out = self.model[0].auto_model(**{k: torch.from_numpy(enc[k]) for k in _INPUTS})
        return np.asarray(out.last_hidden_state.float().numpy(), dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), np.float32)
        return np.stack([_normalise(t.mean(axis=0)) for t, _ in self._tokens(texts)])

    def embed_chunks(self, chunks: Sequence[Chunk]) -> tuple[np.ndarray, list[np.ndarray]]:
        """Chunk vectors, and for each chunk one vector per sentence (rows in order)."""
        if not chunks:
            return np.zeros((0, 0), np.float32), []
        tokens = self._tokens([c.text for c in chunks])
        chunk_vecs = np.stack([_normalise(t.mean(axis=0)) for t, _ in tokens])
        sentence_vecs = [
            _pool_sentences(c, t, off, v) for c, (t, off), v in zip(chunks, tokens, chunk_vecs)
        ]
        return chunk_vecs, sentence_vecs


# The feed-forward output projections of layers 0 and 2 stay fp32: of all layers, their
# int8 error moves the pooled vectors most (found by keeping one layer at a time in fp32 on
# BBC chunks). Keeping them cuts the error by a third (mean cosine to fp32 0.994 -> 0.996;
# SciFact dense nDCG@10 -0.007 -> -0.003 on 809 train queries) for a tenth of the speed
# (~1.8× -> 1.68× fp32's tokens/s). The names are those of the torch export of a BERT-style
# model; in another graph nothing matches and every product is int8.
_KEEP_FP32 = re.compile(r"/layer\.[02]/output/dense/MatMul$")


def quantise_int8(model: Any, target: Path, **options: Any) -> None:
    """Dynamic int8 quantisation of the fp32 export (a path or an ONNX ModelProto): the
    weights of its matrix products become int8, one scale per output channel; activations
    are quantised on the fly. ORT's run-time fusions still apply around the integer
    products. ``options`` override ``quantize_dynamic``'s (the benchmark's other variants)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    graph = (model if isinstance(model, onnx.ModelProto) else onnx.load(str(model))).graph
    chosen: dict[str, Any] = {
        "per_channel": True,  # one scale per tensor loses too much (cosine ~0.95)
        "weight_type": QuantType.QInt8,
        # the embedding tables (Gather) stay fp32: they cost no compute
        "op_types_to_quantize": ["MatMul"],
        "nodes_to_exclude": [n.name for n in graph.node if _KEEP_FP32.search(n.name)],
        # fused graphs hold ORT contrib ops that ONNX shape inference cannot type
        "extra_options": {"DefaultTensorType": onnx.TensorProto.FLOAT},
    }
    root = logging.getLogger()
    hush = _Hush("Please consider to run pre-processing")  # generic advice for static
    root.addFilter(hush)  # quantisation; the graph here is used as exported
    try:
        quantize_dynamic(model, target, **(chosen | options))
    finally:
        root.removeFilter(hush)


class _Hush(logging.Filter):
    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.prefix = prefix

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(self.prefix)


def _normalise(vec: np.ndarray) -> np.ndarray:
    return (vec / (np.linalg.norm(vec) or 1.0)).astype(np.float32)


def _pool_sentences(
    chunk: Chunk, tokens: np.ndarray, offsets: list[tuple[int, int]], fallback: np.ndarray
) -> np.ndarray:
    starts = np.array([a for a, _ in offsets])
    ends = np.array([b for _, b in offsets])
    real = ends > starts  # special tokens have empty offsets
    rows = []
    for span in chunk.sentences:
        lo, hi = span.start - chunk.start, span.end - chunk.start
        mask = real & (starts >= lo) & (ends <= hi)
        rows.append(_normalise(tokens[mask].mean(axis=0)) if mask.any() else fallback)
    return np.asarray(rows, dtype=np.float32)


def _check_mean_pooling(path: Path) -> None:
    config = path / "1_Pooling" / "config.json"
    if config.exists() and not json.loads(config.read_text()).get("pooling_mode_mean_tokens"):
        raise ValueError(
            f"{path} does not use mean pooling; citebot's embedder needs a mean-pooled "
            "sentence-transformers model (like all-MiniLM-L6-v2)"
        )
