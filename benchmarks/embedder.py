"""Embedding speed and fidelity: the fp32 ONNX export against fused and int8 variants.

Throughput (default mode): ``--chunks`` of citebot's own chunks of BBC articles (files taken
round-robin from the five sections, chunked with the default settings) are embedded by every
variant with ``Embedder.embed_chunks`` — tokenizer, model, chunk and sentence pooling: what
ingest pays. The chunks are cut into ``--rounds`` slices; each round runs every variant on
the same slice, one after another, so a load swing on the shared cores hits all of them.
Printed per variant:

- tokens/s: model-seen tokens (each chunk's word pieces, at most 254) over wall time, all
  rounds summed; ``ratio`` is the median over rounds of fp32's time / the variant's time
  in the same round (robust to a round that another job slowed down);
- forward share: the part of that time spent in the ONNX session;
- cpu tok/s: tokens per process CPU second (threads summed; ORT's idle threads spin, so a
  2-thread pool shows more CPU time than it needs);
- cosine to fp32 of every chunk vector and every late-chunked sentence vector: min, mean.

Variants: ``fp32`` is the default export (``Embedder(precision="fp32")``, ORT's own
run-time fusions, ``graph_optimization_level=ORT_ENABLE_ALL``, which is ORT's default);
``int8`` is ``Embedder(precision="int8")``; the others are built here from the same export
to show why the int8 recipe is what it is. ``int8`` keeps two feed-forward projections in
fp32 (see ``index/embedder.py``); ``int8 all MatMul`` quantises them too, and the variants
after it start from that: ``fused`` runs onnxruntime's offline BERT optimizer first (then
quantises its fused Attention too), ``+embeddings`` quantises the embedding tables as well,
and the last three change ``quantize_dynamic``'s options.

Retrieval quality (``--scifact DIR --variant V``): builds (once; reused on the next run) the
SciFact index in ``DIR/V`` with one variant through ``index.evaluate``'s machinery, as
``citebot eval`` does, and prints nDCG@10 etc. on the test split, plus the build time. Run
one variant at a time: each build takes minutes on 2 cores.

    .venv/bin/python benchmarks/embedder.py
    .venv/bin/python benchmarks/embedder.py --chunks 400 --rounds 2 --variants fp32,int8
    .venv/bin/python benchmarks/embedder.py --scifact /tmp/int8-eval --variant int8
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citebot.index import offline  # noqa: E402, F401
from citebot.index.embed.embedder import Embedder  # noqa: E402
from citebot.index.embed.onnx import Precision, quantise_int8  # noqa: E402
from citebot.index.ingest.chunking import chunk  # noqa: E402
from citebot.index.ingest.loader import make_document  # noqa: E402
from citebot.index.models import Chunk  # noqa: E402
from citebot.settings import Settings  # noqa: E402

BBC = ROOT.parent / "shared" / "datasets" / "bbc"
SCIFACT = ROOT.parent / "shared" / "datasets" / "scifact"
MODEL_TOKENS = 254  # 256 word pieces minus [CLS] and [SEP]
CPUS = os.cpu_count() or 1


# -- variants -----------------------------------------------------------------------------


class Variant(Embedder):
    """An Embedder on a given ONNX file and thread count that times its model calls."""

    def __init__(self, settings: Settings, cache: Path, file: Path | None, threads: int,
                 precision: Precision = "fp32") -> None:
        super().__init__(settings.embed_model, batch_size=settings.embed_batch_size,
                         precision=precision, cache_dir=cache, threads=threads)
        self.file = file
        self.forward_s = 0.0

    def _onnx_file(self) -> Path:
        return self.file or super()._onnx_file()

    def _forward(self, enc: Any) -> np.ndarray:
        started = time.perf_counter()
        out = super()._forward(enc)
        self.forward_s += time.perf_counter() - started
        return out


def fuse_bert(fp32: Path, model_dir: Path) -> Any:
    """onnxruntime's offline BERT fusions (attention, skip-LayerNorm, bias-GELU,
    embeddings) as a ModelProto; the fused attention has an int8 kernel (QAttention)."""
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((model_dir / "config.json").read_text())
    return optimize_model(str(fp32), model_type="bert", num_heads=config["num_attention_heads"],
                          hidden_size=config["hidden_size"]).model


def _fused(fp32: Path, model_dir: Path, target: Path) -> None:
    import onnx

    onnx.save(fuse_bert(fp32, model_dir), str(target))


def _int8(fused: bool = False, **options: Any) -> Callable[[Path, Path, Path], None]:
    """An int8 variant: ``Embedder``'s recipe with ``quantize_dynamic`` options changed."""
    def build(fp32: Path, model_dir: Path, target: Path) -> None:
        quantise_int8(fuse_bert(fp32, model_dir) if fused else fp32, target, **options)
    return build


def _qtype(name: str) -> Any:
    from onnxruntime.quantization import QuantType

    return getattr(QuantType, name)


# name -> (precision for Embedder, or a builder from the fp32 export; threads)
VARIANTS: dict[str, tuple[Precision | Callable[[Path, Path, Path], None], int]] = {
    "fp32": ("fp32", CPUS),
    "fp32 1 thread": ("fp32", 1),
    "fp32 fused": (_fused, CPUS),
    "int8": ("int8", CPUS),
    "int8 1 thread": ("int8", 1),
    "int8 all MatMul": (_int8(nodes_to_exclude=[]), CPUS),
    "int8 fused": (_int8(fused=True, op_types_to_quantize=["MatMul", "Attention"],
                         nodes_to_exclude=[]), CPUS),
    "int8 +embeddings": (_int8(op_types_to_quantize=None, nodes_to_exclude=[]), CPUS),
    "int8 reduce_range": (_int8(reduce_range=True, nodes_to_exclude=[]), CPUS),
    "int8 QUInt8 weights": (_int8(weight_type=_qtype("QUInt8"), nodes_to_exclude=[]), CPUS),
    "int8 per-tensor": (_int8(per_channel=False, nodes_to_exclude=[]), CPUS),
}


def make_variants(names: Sequence[str], settings: Settings, cache: Path) -> dict[str, Variant]:
    fp32 = Embedder(settings.embed_model, cache_dir=cache)._onnx_file()
    model_dir = Path(Embedder(settings.embed_model)._path)
    out: dict[str, Variant] = {}
    for name in names:
        how, threads = VARIANTS[name]
        if isinstance(how, str):
            out[name] = Variant(settings, cache, None, threads, how)
            continue
        target = cache / f"bench-{name.replace(' ', '_')}.onnx"
        if not target.exists():
            how(fp32, model_dir, target)
        out[name] = Variant(settings, cache, target, threads)
    return out


# -- chunks -------------------------------------------------------------------------------


def bbc_chunks(n: int, settings: Settings, count: Callable[[list[str]], list[int]]) -> list[Chunk]:
    """The first ``n`` chunks of BBC files taken round-robin from the sections (valid UTF-8
    only: ``sport/199.txt`` is not)."""
    sections = [sorted(d.glob("*.txt")) for d in sorted(BBC.iterdir()) if d.is_dir()]
    chunks: list[Chunk] = []
    for path in (p for row in zip_longest(*sections) for p in row if p):
        try:
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            continue
        doc = make_document(path.relative_to(BBC).as_posix(), text)
        chunks += chunk(doc, count, settings.chunk_tokens, settings.chunk_overlap_sentences)
        if len(chunks) >= n:
            break
    return chunks[:n]


# -- throughput ---------------------------------------------------------------------------


@dataclass
class Result:
    wall_s: list[float] = field(default_factory=list)  # per round
    cpu_s: float = 0.0
    chunk_cos: list[np.ndarray] = field(default_factory=list)
    sentence_cos: list[np.ndarray] = field(default_factory=list)


def _rowwise_cos(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", a, b)  # both sides are unit vectors


def throughput(variants: dict[str, Variant], chunks: list[Chunk], rounds: int,
               tokens: list[int]) -> dict[str, Any]:
    for v in variants.values():  # loads the session and sizes ORT's buffers
        v.embed_chunks(chunks[:8])
        v.forward_s = 0.0
    size = -(-len(chunks) // rounds)
    slices = [chunks[i : i + size] for i in range(0, len(chunks), size)]
    results = {name: Result() for name in variants}
    for n, part in enumerate(slices, start=1):
        reference: tuple[np.ndarray, list[np.ndarray]] | None = None
        for name, v in variants.items():
            wall, cpu = time.perf_counter(), time.process_time()
            vecs, sentences = v.embed_chunks(part)
            r = results[name]
            r.wall_s.append(time.perf_counter() - wall)
            r.cpu_s += time.process_time() - cpu
            if reference is None:  # the first variant (fp32) is the reference
                reference = vecs, sentences
            r.chunk_cos.append(_rowwise_cos(vecs, reference[0]))
            r.sentence_cos.append(_rowwise_cos(np.concatenate(sentences),
                                               np.concatenate(reference[1])))
        print(f"  round {n}/{len(slices)} done, load {os.getloadavg()[0]:.1f}", file=sys.stderr)
    total = sum(tokens)
    base = results[next(iter(variants))].wall_s
    out: dict[str, Any] = {}
    for name, r in results.items():
        wall = sum(r.wall_s)
        chunk_cos, sentence_cos = np.concatenate(r.chunk_cos), np.concatenate(r.sentence_cos)
        out[name] = {
            "tokens_per_s": total / wall,
            "ratio": statistics.median(b / w for b, w in zip(base, r.wall_s)),
            "forward_share": variants[name].forward_s / wall,
            "cpu_tokens_per_s": total / r.cpu_s,
            "threads": variants[name].threads,
            "chunk_cos_min": float(chunk_cos.min()), "chunk_cos_mean": float(chunk_cos.mean()),
            "sentence_cos_min": float(sentence_cos.min()),
            "sentence_cos_mean": float(sentence_cos.mean()),
            "file_mb": variants[name]._onnx_file().stat().st_size / 2**20,
        }
    return out


def print_throughput(meta: dict[str, Any], rows: dict[str, Any]) -> None:
    print(f"{meta['chunks']} BBC chunks, {meta['tokens']:,} model-seen tokens, {meta['rounds']} "
          f"rounds; {CPUS} cores, load average {meta['load'][0]:.1f} (shared: compare ratios)")
    print(f"{'variant':<21}{'tokens/s':>9}{'ratio':>7}{'fwd':>6}{'cpu tok/s':>10}{'MB':>5}"
          f"{'chunk cos min/mean':>21}{'sentence cos min/mean':>24}")
    for name, r in rows.items():
        print(f"{name:<21}{r['tokens_per_s']:>9,.0f}{r['ratio']:>6.2f}×{r['forward_share']:>6.0%}"
              f"{r['cpu_tokens_per_s']:>10,.0f}{r['file_mb']:>5.0f}"
              f"{r['chunk_cos_min']:>12.4f} / {r['chunk_cos_mean']:.4f}"
              f"{r['sentence_cos_min']:>15.4f} / {r['sentence_cos_mean']:.4f}")


# -- SciFact ------------------------------------------------------------------------------


def scifact(root: Path, variant: str, split: str) -> dict[str, Any]:
    from citebot.evaluate import beir
    from citebot.evaluate.runs import eval_bot, evaluate_beir, ingest_beir
    from citebot.index.service import Citebot

    data = root / variant.replace(" ", "_")  # eval_bot's collection key knows no variant
    settings = Settings(data_dir=data)
    embedder = make_variants([variant], settings, data / "models")[variant]
    bot = eval_bot(Citebot(settings, embedder=embedder), data, SCIFACT)
    dataset = beir.load(SCIFACT, split)  # fails fast, before minutes of embedding
    started, cpu = time.perf_counter(), time.process_time()
    chunks = ingest_beir(bot, SCIFACT)
    build = {"chunks_embedded": chunks, "wall_s": time.perf_counter() - started,
             "cpu_s": time.process_time() - cpu, "load": os.getloadavg()}
    report = evaluate_beir(bot, dataset)
    return {"variant": variant, "split": split, "queries": report.queries,
            "build": build, "scores": report.scores}


# -- main ---------------------------------------------------------------------------------


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--chunks", type=int, default=2000)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--variants", default=",".join(VARIANTS),
                   help="comma-separated, fp32 first (the reference); default: all")
    p.add_argument("--cache-dir", type=Path,
                   help="keep the ONNX variants here (default: a temporary folder)")
    p.add_argument("--scifact", type=Path, metavar="DIR",
                   help="measure SciFact retrieval quality instead, index kept in DIR/VARIANT")
    p.add_argument("--variant", choices=list(VARIANTS), default="fp32",
                   help="with --scifact: the variant to build the index with")
    p.add_argument("--split", default="test")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()
    if args.scifact:
        result = scifact(args.scifact, args.variant, args.split)
        if args.json:
            print(json.dumps(result, indent=2))
            return
        b = result["build"]
        print(f"SciFact {args.split}, {args.variant}: {result['queries']} queries; index "
              f"build {b['chunks_embedded']} chunks in {b['wall_s']:.0f} s "
              f"(cpu {b['cpu_s']:.0f} s, load {b['load'][0]:.1f})")
        print(f"{'mode':<9}" + "".join(f"{m:>11}" for m in next(iter(result['scores'].values()))))
        for mode, values in result["scores"].items():
            print(f"{mode:<9}" + "".join(f"{v:>11.4f}" for v in values.values()))
        return
    names = [n.strip() for n in args.variants.split(",") if n.strip()]
    if unknown := set(names) - set(VARIANTS):
        p.error(f"unknown variants {sorted(unknown)}; choose from {list(VARIANTS)}")
    if not names or names[0] != "fp32":
        p.error("the first variant must be fp32: it is the reference")
    if args.chunks < args.rounds or args.rounds < 1:
        p.error("--rounds must be at least 1 and at most --chunks")
    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="embedder-bench-") as tmp:
        cache = args.cache_dir or Path(tmp)
        variants = make_variants(names, settings, cache)
        reference = variants[names[0]]
        chunks = bbc_chunks(args.chunks, settings, reference.count_tokens)
        tokens = [min(n, MODEL_TOKENS) for n in reference.count_tokens([c.text for c in chunks])]
        rows = throughput(variants, chunks, args.rounds, tokens)
    meta = {"chunks": len(chunks), "tokens": sum(tokens), "rounds": args.rounds,
            "load": os.getloadavg(), "cpus": CPUS}
    if args.json:
        print(json.dumps({"meta": meta, "variants": rows}, indent=2))
    else:
        print_throughput(meta, rows)


if __name__ == "__main__":
    main()
