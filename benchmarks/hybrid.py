"""What hybrid retrieval costs over dense-only, on BEIR SciFact (5,183 abstracts).

Measured in one process, dense-only being the baseline of the same run:

- ingest: ``--docs`` abstracts written into a fresh store (chunk + embed + Chroma: all that
  dense-only needs), then the BM25 rebuild that hybrid adds; and the BM25 rebuild over the
  whole SciFact index (what every ``add_document`` / ``delete_document`` pays at that size);
- disk and memory of the BM25 index next to Chroma's;
- query latency (p50/p95 over the test queries, modes interleaved so load swings hit all
  alike): ``Retriever.retrieve`` (query vector given) and ``Citebot.ask`` end to end.

``--tuning`` replays the fusion choices of ``index/retrieve.py`` with exact scores (every
chunk's cosine and BM25, no ANN) on a qrels split, so the numbers in its docstring can be
checked: tune on ``train``, report ``test``.

The full index is the one ``citebot eval`` builds, so both share ``--data-dir``:

    .venv/bin/citebot eval ../shared/datasets/scifact --data-dir /tmp/scifact-eval
    .venv/bin/python benchmarks/hybrid.py --data-dir /tmp/scifact-eval
    .venv/bin/python benchmarks/hybrid.py --data-dir /tmp/scifact-eval --tuning --split train
"""

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from citebot.evaluate import beir  # noqa: E402
from citebot.evaluate.runs import METRICS, documents_ranked, eval_bot, ingest_beir, mean, score  # noqa: E402
from citebot.index import offline  # noqa: E402, F401
from citebot.index.ingest.pipeline import Ingestor  # noqa: E402
from citebot.index.models import Chunk, ScoredChunk  # noqa: E402
from citebot.index.service import Citebot  # noqa: E402
from citebot.index.text.tokens import tokenize  # noqa: E402
from citebot.settings import Settings  # noqa: E402

SCIFACT = ROOT.parent / "shared" / "datasets" / "scifact"


def rss_mb() -> float:
    """Resident memory now (VmRSS), not the peak: the BM25 index's share is a difference."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def du_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def ingest_cost(base: Citebot, docs: int) -> dict[str, float]:
    """Dense-only ingest of ``docs`` abstracts into a fresh store, then hybrid's extra."""
    with tempfile.TemporaryDirectory(prefix="hybrid-bench-") as tmp:
        bot = Citebot(base.settings.model_copy(update={"data_dir": Path(tmp)}),
                      embedder=base.embedder)
        subset = list(islice(beir.documents(SCIFACT), docs))
        write = timed(lambda: Ingestor(bot.settings, bot.embedder, bot.store).write(subset))
        rebuild = timed(bot.lexical.rebuild)
        return {"docs": docs, "chunks": bot.store.chunk_count(), "dense_s": write,
                "bm25_rebuild_s": rebuild, "hybrid_over_dense": (write + rebuild) / write}


def percentiles(ms: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(ms, n=20)
    return {"p50_ms": statistics.median(ms), "p95_ms": cuts[18], "mean_ms": statistics.fmean(ms)}


def query_cost(bot: Citebot, dataset: beir.Dataset, warm: int = 10) -> dict[str, Any]:
    ids = sorted(dataset.queries)
    texts = [dataset.queries[q] for q in ids]
    vecs = bot.embedder.embed_queries(texts)
    modes = ("dense", "lexical", "hybrid")
    retrieve: dict[str, list[float]] = {m: [] for m in modes}
    ask: dict[str, list[float]] = {m: [] for m in modes}
    for n, (text, vec) in enumerate(zip(texts, vecs)):
        for m in modes:  # interleaved: a load swing on the shared cores hits every mode
            started = time.perf_counter()
            bot.retriever.retrieve(text, vec, 5, m)
            r = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            bot.ask(text, mode=m)
            a = (time.perf_counter() - started) * 1000
            if n >= warm:
                retrieve[m].append(r)
                ask[m].append(a)
    out: dict[str, Any] = {"queries": len(ids) - warm}
    for name, table in (("retrieve_top5", retrieve), ("ask", ask)):
        out[name] = {m: percentiles(v) for m, v in table.items()}
        base = out[name]["dense"]["p50_ms"]
        out[name]["hybrid_over_dense_p50"] = out[name]["hybrid"]["p50_ms"] / base
    return out


def index_cost(bot: Citebot) -> dict[str, float]:
    import bm25s  # noqa: F401  (imported before the reading: the library is not the index)

    bot.store.count()
    before = rss_mb()
    bot.lexical.search("warm", 1)  # loads the persisted BM25 index
    loaded = rss_mb()
    rebuild = timed(bot.lexical.rebuild)
    return {
        "chunks": bot.store.chunk_count(),
        "bm25_rebuild_full_s": rebuild,
        "bm25_load_rss_mb": loaded - before,
        "bm25_disk_mb": du_mb(bot.settings.lexical_dir),
        "chroma_disk_mb": du_mb(bot.settings.chroma_dir),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# -- --tuning: exact-score replay of fusion variants -------------------------------------


def all_chunks(bot: Citebot) -> tuple[list[str], list[str], np.ndarray]:
    """Every chunk's source, text and vector, in pages (Chroma caps variables per call)."""
    sources: list[str] = []
    texts: list[str] = []
    vecs: list[Any] = []
    total = bot.store.chunk_count()
    for offset in range(0, total, 5000):
        got = bot.store._chunks.get(include=["metadatas", "documents", "embeddings"],
                                   limit=5000, offset=offset)
        sources += [str(m["source"]) for m in got["metadatas"]]
        texts += got["documents"]
        vecs += list(got["embeddings"])
    return sources, texts, np.asarray(vecs, dtype=np.float32)


def tuning(bot: Citebot, dataset: beir.Dataset) -> dict[str, dict[str, float]]:
    """nDCG@10 etc. of fusion variants on one split, from exact scores over all chunks."""
    import bm25s

    sources, texts, vecs = all_chunks(bot)
    bm25 = bm25s.BM25()
    bm25.index(tokenize(texts), show_progress=False)
    df = np.diff(np.asarray(bm25.scores["indptr"]))
    n = len(texts)
    ids = sorted(dataset.queries)
    qvecs = bot.embedder.embed_queries([dataset.queries[q] for q in ids])
    pool = 200
    variants: dict[str, Callable[[np.ndarray, np.ndarray, float], np.ndarray]] = {}

    def rrf(k: int) -> Callable[[np.ndarray, np.ndarray, float], np.ndarray]:
        def order(cos: np.ndarray, lex: np.ndarray, _: float) -> np.ndarray:
            fused: dict[int, float] = {}
            lexical = [i for i in np.argsort(-lex)[:pool] if lex[i] > 0]
            for ranked in (np.argsort(-cos)[:pool], lexical):
                for rank, i in enumerate(ranked):
                    fused[int(i)] = fused.get(int(i), 0.0) + 1 / (k + rank + 1)
            return np.array(sorted(fused, key=fused.__getitem__, reverse=True))
        return order

    def convex(alpha: float, norm: str) -> Callable[[np.ndarray, np.ndarray, float], np.ndarray]:
        def order(cos: np.ndarray, lex: np.ndarray, ceiling: float) -> np.ndarray:
            cand = np.union1d(np.argsort(-cos)[:pool], np.argsort(-lex)[:pool])
            c, b = cos[cand], lex[cand]
            if norm == "ceiling":
                b = b / ceiling
            elif norm == "max":
                b = b / (b.max() or 1.0)
            else:  # min-max over the candidates, both sides
                c = (c - c.min()) / ((c.max() - c.min()) or 1.0)
                b = (b - b.min()) / ((b.max() - b.min()) or 1.0)
            return cand[np.argsort(-(alpha * c + (1 - alpha) * b))]
        return order

    variants["dense"] = lambda cos, lex, _: np.argsort(-cos)
    variants["lexical"] = lambda cos, lex, _: np.argsort(-lex)
    for k in (10, 20, 60):
        variants[f"rrf k={k}"] = rrf(k)
    for alpha in (0.2, 0.25, 0.3, 0.35, 0.4, 0.5):
        variants[f"ceiling a={alpha}"] = convex(alpha, "ceiling")
    for alpha in (0.6, 0.7, 0.75, 0.8):
        variants[f"max a={alpha}"] = convex(alpha, "max")
        variants[f"minmax a={alpha}"] = convex(alpha, "minmax")
    rows: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
    for qid, qvec in zip(ids, qvecs):
        cos = vecs @ qvec
        known = bm25.get_tokens_ids(tokenize([dataset.queries[qid]])[0])
        lex = np.asarray(bm25.get_scores(known), dtype=np.float32) if known else np.zeros(n)
        idf = np.log(1 + (n - df[known] + 0.5) / (df[known] + 0.5))
        ceiling = float(idf.sum()) * (bm25.k1 + 1) or 1.0
        judged = dataset.qrels[qid]
        for name, order in variants.items():
            ranked = documents_ranked(_as_scored(sources, order(cos, lex, ceiling)[:100]))
            rows[name].append(score([judged.get(d, 0) for d in ranked], list(judged.values())))
    return {name: mean(r) for name, r in rows.items()}


def _as_scored(sources: list[str], order: np.ndarray) -> Iterator[ScoredChunk]:
    """Just enough of a ScoredChunk for ``documents_ranked`` (which reads the source)."""
    for i in order:
        chunk = Chunk(source=sources[int(i)], index=int(i), start=0, end=0, text="",
                      sentences=())
        yield ScoredChunk(chunk=chunk, title=None, score=0.0)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", required=True, type=Path,
                   help="the SciFact index of `citebot eval --data-dir` (built if missing)")
    p.add_argument("--docs", type=int, default=300, help="abstracts for the ingest timing")
    p.add_argument("--split", default="test")
    p.add_argument("--tuning", action="store_true", help="replay fusion variants instead")
    p.add_argument("--json", action="store_true")
    args = p.parse_args()

    base = Citebot(Settings())
    bot = eval_bot(base, args.data_dir, SCIFACT)
    if bot.store.count() < 5183:
        print("building the SciFact index (many minutes on 2 cores)...", file=sys.stderr)
        ingest_beir(bot, SCIFACT)
    dataset = beir.load(SCIFACT, args.split)
    if args.tuning:
        result: dict[str, Any] = {"split": args.split, "tuning": tuning(bot, dataset)}
    else:
        result = {"load_average": os.getloadavg(), "index": index_cost(bot),
                  "ingest": ingest_cost(base, args.docs), "query": query_cost(bot, dataset)}
    if args.json:
        print(json.dumps(result, indent=2))
    elif args.tuning:
        print(f"SciFact {args.split}: exact-score replay, chunks ranked then max per document")
        print(f"{'variant':<18}" + "".join(f"{m:>11}" for m in METRICS))
        for name, values in result["tuning"].items():
            print(f"{name:<18}" + "".join(f"{values[m]:>11.4f}" for m in METRICS))
    else:
        print_report(result)


def print_report(r: dict[str, Any]) -> None:
    i, g, q = r["index"], r["ingest"], r["query"]
    print(f"load average {r['load_average'][0]:.1f} (2 shared cores: compare ratios)")
    print(f"\nIngest {g['docs']} abstracts ({g['chunks']} chunks) into a fresh store:")
    print(f"  dense-only (chunk, embed, Chroma)  {g['dense_s']:8.1f} s")
    print(f"  + BM25 rebuild (hybrid)            {g['bm25_rebuild_s']:8.2f} s"
          f"   hybrid/dense = {g['hybrid_over_dense']:.3f}")
    print(f"\nFull SciFact index ({i['chunks']} chunks):")
    print(f"  BM25 rebuild (each add/delete)     {i['bm25_rebuild_full_s']:8.2f} s")
    print(f"  BM25 on disk / Chroma on disk      {i['bm25_disk_mb']:8.1f} MB / "
          f"{i['chroma_disk_mb']:.1f} MB")
    print(f"  BM25 index in memory (RSS delta)   {i['bm25_load_rss_mb']:8.1f} MB"
          f"   (process peak {i['peak_rss_mb']:.0f} MB)")
    print(f"\nQuery latency over {q['queries']} test queries, ms (p50 / p95):")
    for name in ("retrieve_top5", "ask"):
        cells = "  ".join(f"{m} {v['p50_ms']:6.1f} / {v['p95_ms']:6.1f}"
                          for m, v in q[name].items() if isinstance(v, dict))
        print(f"  {name:<14} {cells}   hybrid/dense p50 = {q[name]['hybrid_over_dense_p50']:.2f}")


if __name__ == "__main__":
    main()
