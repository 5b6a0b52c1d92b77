"""The ONNX files the default backend runs: the fp32 export of the model's weights, and its
int8 variant, each built once and cached under the data folder.

torch (for the export) and onnx/onnxruntime.quantization (for int8) are imported only while a
file is built; a process that finds the files cached loads onnxruntime alone.
"""

import hashlib
import logging
import os
import re
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

Precision = Literal["fp32", "int8"]
Backend = Literal["onnx", "torch"]
INPUTS = ("input_ids", "attention_mask", "token_type_ids")
# How each cached file is made; part of its cache key, so a changed recipe builds a new file.
RECIPES: dict[Precision, str] = {
    "fp32": "torch.onnx.export opset 17",
    "int8": "quantize_dynamic QInt8 per-channel MatMul, FFN-out of layers 0 and 2 fp32 v2",
}


def check_precision(backend: Backend, precision: Precision) -> None:
    """The one rule between the two settings: int8 weights exist only as an ONNX export."""
    if precision != "fp32" and backend != "onnx":
        raise ValueError(
            f"CITEBOT_EMBED_PRECISION={precision} needs the onnx backend: set "
            "CITEBOT_EMBED_BACKEND=onnx or CITEBOT_EMBED_PRECISION=fp32"
        )


def cached(model_dir: Path, cache_dir: Path, precision: Precision,
           build: Callable[[Path], None]) -> Path:
    """The cached file for this model and precision; ``build`` writes it when missing, to a
    temporary file that is then renamed into place, so a concurrent process never reads
    half a file. The name carries the precision and a digest of the weights and the
    recipe, so variants never mix in one cache folder."""
    weights = sorted(p for p in model_dir.glob("*.safetensors"))
    stamp = "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in weights)
    key = hashlib.sha256(f"{model_dir}|{stamp}|{RECIPES[precision]}".encode()).hexdigest()[:16]
    target = cache_dir / f"{model_dir.name}-{key}-{precision}.onnx"
    if target.exists():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        build(tmp)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def session(path: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()  # graph_optimization_level is ORT_ENABLE_ALL already
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def export(model_dir: Path, sample: dict[str, Any], target: Path) -> None:
    """``torch.onnx.export`` of the model's last hidden state; ``sample`` is one tokenised
    text (numpy arrays of shape (1, n) by input name) to trace with."""
    import torch
    from transformers import AutoModel

    model = AutoModel.from_pretrained(
        str(model_dir), attn_implementation="eager", local_files_only=True
    ).eval()

    class LastHidden(torch.nn.Module):  # ONNX export passes positional arguments
        def __init__(self) -> None:
            super().__init__()
            self.inner = model

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    with warnings.catch_warnings():  # tracer chatter about shapes; equality is tested
        warnings.simplefilter("ignore")
        torch.onnx.export(
            LastHidden(),
            tuple(torch.from_numpy(sample[k]) for k in INPUTS),
            str(target),
            input_names=list(INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes={k: {0: "batch", 1: "tokens"} for k in (*INPUTS, "last_hidden_state")},
            opset_version=17,
            dynamo=False,
        )


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
