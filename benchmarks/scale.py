"""Archive scale (issue 12): write, start and query costs at ~10k, 100k and 300k chunks.

A synthetic archive is grown from the real texts in ../shared/datasets/ (BBC articles and
SciFact abstracts), repeated in "editions" with light changes so every document differs
(body sentences shuffled, numbers changed, an edition sentence appended). Documents are
written the way ``Citebot.add_document`` writes them, in batches (``Ingestor.write``, then
``lexical.catch_up``), and each size is built on top of the previous one; ``--data DIR``
keeps the archive for the next run. Embedding is done by a deterministic stand-in
(``standin.py``): THE VECTORS ARE NOT THE MODEL'S, so the model is not what is timed. The
chunks' entities are then found (spaCy, for real) and stored as a real write stores them
(``Citebot.refill_entities``, timed on its own: ~10 ms a chunk, the slow part of a build),
so the asks read them as a replica of a real archive does.

Each measurement runs in a process of its own, after the building process has closed
(embedded Chroma is one process at a time), per size:
- ``write``: a fresh process's time to its first write, then add / replace / delete of a
  typical BBC article (10 each), and the RSS of that writing process;
- ``serve``: a fresh process (bm25.npz present: a replica that has seen the archive)
  starting as ``citebot serve`` does (``return_large_blocks``, ``clean_up``, ``warm_up``),
  its time to the first answer, then ``ask`` in each retrieval mode, its RSS, and the
  chunks run through spaCy while asking (0 when every chunk's entities are stored);
- ``serve`` again with the vectors in a ``chroma run`` server on the same folder (how
  several replicas share one archive): that process's RSS and the server's;
- ``serve`` again with bm25.npz deleted (a brand-new replica), to the first answer;
- ``bm25s``: the cost one write had before, a full ``bm25s.BM25().index`` of the same tokens.
RSS per chunk is the RSS after the work minus that of the same kind of process on an empty
store. Timings from spawn include Python's start and imports (stated separately).

    .venv/bin/python benchmarks/scale.py --quick
    nohup .venv/bin/python benchmarks/scale.py --data /tmp/scale-data --json scale.json &
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import free_port, memory_mb  # noqa: E402
from standin import LABEL, Archive, StandInEmbedder  # noqa: E402

from citebot.cli.memory import return_large_blocks  # noqa: E402
from citebot.index.ingest.pipeline import Ingestor  # noqa: E402
from citebot.index.service import Citebot  # noqa: E402
from citebot.index.settings import CoreSettings  # noqa: E402

IMPORTED = time.time()
DATASETS = Path(__file__).resolve().parent.parent.parent / "shared" / "datasets"
BATCH_DOCS = 200  # documents per write while growing the archive
WRITES = 10  # timed writes of each kind
QUESTIONS, WARM = 100, 10
MODES = ("dense", "lexical", "hybrid")


def open_bot(data: Path, chroma_port: int | None = None) -> Citebot:
    """Over the embedded store in ``data``, or over ``chroma run`` on ``chroma_port``."""
    server = {"chroma_host": "127.0.0.1", "chroma_port": chroma_port} if chroma_port else {}
    settings = CoreSettings(_env_file=None, data_dir=data, **server)  # type: ignore[call-arg]
    return Citebot(settings, embedder=StandInEmbedder())  # type: ignore[arg-type]


@contextmanager
def chroma_server(data: Path, log: Path) -> Iterator[tuple[int, subprocess.Popen[bytes]]]:
    """``chroma run`` on the archive's own Chroma folder (the deployment of several
    replicas), on a free loopback port, until the block ends."""
    import httpx

    port = free_port()
    args = [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(data / "chroma"),
            "--host", "127.0.0.1", "--port", str(port)]
    with log.open("ab") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"chroma run did not start:\n{log.read_text()}")
        yield port, proc
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def rss_mb() -> float:
    return memory_mb(os.getpid())[0]


def _cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)  # every thread: Chroma's too
    return r.ru_utime + r.ru_stime


# -- workers (each in a fresh process) --------------------------------------------------------


def build(job: dict[str, Any]) -> dict[str, Any]:
    """Grow the archive to at least job["size"] chunks, a batch of documents at a time."""
    data, archive = Path(job["data"]), Archive(DATASETS)
    bot = open_bot(data)
    bot.clean_up()
    state = data / "scale-state.json"
    done = json.loads(state.read_text())["docs"] if state.exists() else 0
    start_chunks, catch_up_s = bot.store.chunk_count(), 0.0
    chunks, wall, cpu = start_chunks, time.perf_counter(), _cpu()
    embedder = bot.embedder
    assert isinstance(embedder, StandInEmbedder)
    ingestor = Ingestor(bot.settings, embedder, bot.store)  # type: ignore[arg-type]
    while chunks < job["size"]:
        chunks += ingestor.write(archive.documents(done, BATCH_DOCS))
        t = time.perf_counter()
        bot.lexical.catch_up()
        catch_up_s += time.perf_counter() - t
        done += BATCH_DOCS
        state.write_text(json.dumps({"docs": done}))
    bot.clean_up()  # as ``citebot ingest`` ends
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    entities_s = time.perf_counter()
    entities_docs = bot.refill_entities()  # what the writes would have stored
    entities_s = time.perf_counter() - entities_s
    bot.close()
    added = chunks - start_chunks
    return {"chunks": bot.store.chunk_count(), "docs": bot.count(), "added": added,
            "wall_s": wall, "cpu_s": cpu, "embed_s": embedder.seconds, "catch_up_s": catch_up_s,
            "entities_s": entities_s, "entities_docs": entities_docs,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def write(job: dict[str, Any]) -> dict[str, Any]:
    """A fresh writing process: its first write, then add / replace / delete timed."""
    at = {"imported": IMPORTED}
    bot = open_bot(Path(job["data"]))
    bot.store.count()
    at["store opened"] = time.time()
    texts = job["texts"]
    bot.add_document("bench/first.txt", texts[0])
    at["first write"] = time.time()
    bot.delete_document("bench/first.txt")
    times: dict[str, list[float]] = {"add": [], "replace": [], "delete": []}
    cpu: dict[str, list[float]] = {kind: [] for kind in times}
    sources = [f"bench/w{i}.txt" for i in range(WRITES)]
    for kind in times:
        for i, source in enumerate(sources):
            t, c = time.perf_counter(), _cpu()
            if kind == "delete":
                bot.delete_document(source)
            else:
                bot.add_document(source, texts[i + 1] + (" Revised." if kind == "replace" else ""))
            times[kind].append(time.perf_counter() - t)
            cpu[kind].append(_cpu() - c)
    rss = rss_mb()
    bot.close()
    return {"at": at, "times": times, "cpu": cpu, "rss_mb": rss,
            "chunks": bot.store.chunk_count()}


def serve(job: dict[str, Any]) -> dict[str, Any]:
    """A fresh serving process, started as ``citebot serve`` starts; then ``ask`` timed."""
    at, rss = {"imported": IMPORTED}, {"imported": rss_mb()}
    return_large_blocks()
    bot = open_bot(Path(job["data"]), job.get("chroma_port"))
    bot.store.count()
    at["store opened"], rss["store opened"] = time.time(), rss_mb()
    bot.clean_up()
    at["clean_up"], rss["clean_up"] = time.time(), rss_mb()
    bot.warm_up()
    at["warm_up"], rss["warm_up"] = time.time(), rss_mb()
    questions = job["questions"]
    bot.ask(questions[0])
    at["first answer"] = time.time()
    result: dict[str, Any] = {"at": at, "rss_at": rss, "chunks": bot.store.chunk_count()}
    if job.get("first_only"):
        return result
    asks: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    found = {}
    spacy, spacy_runs = {}, count_spacy()
    for mode in MODES:
        for q in questions[:WARM]:
            bot.ask(q, mode=mode)
        asks[mode], cpu[mode], hits = [], [], 0
        before = spacy_runs[0]
        for q in questions[WARM:]:
            t, c = time.perf_counter(), _cpu()
            hits += bot.ask(q, mode=mode).found
            asks[mode].append(time.perf_counter() - t)
            cpu[mode].append(_cpu() - c)
        found[mode], spacy[mode] = hits, spacy_runs[0] - before
    result.update(asks=asks, cpu=cpu, found=found, rss_mb=rss_mb(), spacy=spacy,
                  at_cpu=_cpu())  # CPU seconds from start to the end of the asks
    return result


def count_spacy() -> list[int]:
    """A counter of the chunks run through spaCy on the question path from here on."""
    from citebot.index.store import entities

    count = [0]
    real = entities.find

    def counted(texts: Any, offsets: Any = ()) -> Any:
        count[0] += len(texts)
        return real(texts, offsets)

    entities.find = counted
    return count


def baseline(job: dict[str, Any]) -> dict[str, Any]:
    """What one write cost before: bm25s indexing every chunk's tokens from scratch."""
    import bm25s

    from citebot.index.text.tokens import tokenize

    bot = open_bot(Path(job["data"]))
    tokens: list[list[str]] = []
    interned: dict[str, str] = {}  # one string object per term keeps 300k chunks in memory
    for _, texts in bot.store.committed_chunks():
        if texts:
            tokens += [[interned.setdefault(w, w) for w in ws] for ws in tokenize(texts)]
    t, c = time.perf_counter(), time.process_time()
    bm25s.BM25().index(tokens, show_progress=False)
    return {"index_s": time.perf_counter() - t, "index_cpu_s": time.process_time() - c,
            "chunks": len(tokens)}


WORKERS = {"build": build, "write": write, "serve": serve, "baseline": baseline}


def spawn(job: dict[str, Any], tmp: Path) -> dict[str, Any]:
    """Run one worker in a fresh Python process; its times are made relative to the spawn."""
    path = tmp / f"{job['kind']}.json"
    path.write_text(json.dumps(job))
    started = time.time()
    done = subprocess.run([sys.executable, __file__, "--worker", str(path)], stdout=sys.stderr)
    if done.returncode:
        raise SystemExit(f"the {job['kind']} worker failed (exit {done.returncode})")
    out: dict[str, Any] = json.loads(path.with_suffix(".out.json").read_text())
    out["at"] = {k: v - started for k, v in out.get("at", {}).items()}  # seconds from spawn
    return out


def measure(size: int, data: Path, tmp: Path, given: dict[str, Any],
            empty: dict[str, Any]) -> dict[str, Any]:
    def step(what: str, job: dict[str, Any]) -> dict[str, Any]:
        t = time.perf_counter()
        out = spawn({**job, **given, "data": str(data)}, tmp)
        print(f"  {size:,}: {what} done in {time.perf_counter() - t:.0f} s", file=sys.stderr)
        return out

    r = {"size": size, "build": step("build", {"kind": "build", "size": size})}
    # the build leaves gigabytes of dirty pages: measured while the kernel writes them back,
    # a write took twice as long (100k chunks: add p50 529 ms, 255 ms on the same archive
    # once written back)
    t = time.perf_counter()
    os.sync()
    r["sync_s"] = time.perf_counter() - t
    r["write"] = step("writes", {"kind": "write"})
    r["serve"] = step("asks", {"kind": "serve"})
    r["served"] = served(data, tmp, given, step)
    settings = CoreSettings(_env_file=None, data_dir=data)  # type: ignore[call-arg]
    cache = settings.lexical_dir / settings.collection / "bm25.npz"
    r["cache_mb"] = cache.stat().st_size / 2**20 if cache.exists() else None
    cache.unlink(missing_ok=True)
    r["cold"] = step("brand-new replica", {"kind": "serve", "first_only": True})
    r["bm25s"] = step("bm25s baseline", {"kind": "baseline"})
    r["chunks"] = r["serve"]["chunks"]
    r["disk_mb"] = sum(f.stat().st_size for f in data.rglob("*") if f.is_file()) / 2**20
    r["empty"] = empty
    r["loadavg"] = os.getloadavg()  # the cores are shared: how busy they were
    return r


def served(data: Path, tmp: Path, given: dict[str, Any],
           step: Callable[[str, dict[str, Any]], dict[str, Any]] | None = None) -> dict[str, Any]:
    """The serving process again, with the vectors in a ``chroma run`` server on the same
    folder (how several replicas share one archive): its RSS, and the server's."""
    with chroma_server(data, tmp / "chroma.log") as (port, proc):
        job = {"kind": "serve", "chroma_port": port}
        out = step("asks through chroma run", job) if step else spawn(
            {**job, **given, "data": str(data)}, tmp)
        out["server_rss_mb"] = memory_mb(proc.pid)[0]
    return out


# -- report ------------------------------------------------------------------------------------


def pct(xs: list[float], p: int) -> float:
    """The p-th percentile in ms (p95 of 10 values interpolates between the top two)."""
    ms = sorted(1000 * x for x in xs)
    return statistics.median(ms) if p == 50 else \
        statistics.quantiles(ms, n=100, method="inclusive")[p - 1]


def summary(r: dict[str, Any]) -> dict[str, float]:
    """The figures of one size, by name (ms, s, KB per chunk)."""
    b, w, s, e, n = r["build"], r["write"], r["serve"], r["empty"], r["chunks"]
    out = {"chunks": n, "docs": b["docs"],
           "ingest chunks/s": b["added"] / b["wall_s"] if b["added"] else float("nan"),
           "  without the stand-in's embedding": b["added"] / (b["wall_s"] - b["embed_s"])
           if b["added"] else float("nan"),
           "ingest CPU ms/chunk": 1000 * b["cpu_s"] / b["added"] if b["added"] else float("nan"),
           "  lexical catch_up share of ingest": b["catch_up_s"] / b["wall_s"] if b["added"]
           else float("nan"),
           "build process peak RSS MB": b["peak_rss_mb"],
           "entities stored by the build s": b.get("entities_s", float("nan")),
           "written back after the build s": r.get("sync_s", float("nan"))}
    for kind in ("add", "replace", "delete"):
        out[f"write {kind} p50 ms"] = pct(w["times"][kind], 50)
        out[f"write {kind} p95 ms"] = pct(w["times"][kind], 95)
        out[f"  {kind} CPU ms p50"] = pct(w["cpu"][kind], 50)
    out["bm25s full index s (old write)"] = r["bm25s"]["index_s"]
    out["  write add p50 / old"] = out["write add p50 ms"] / 1000 / r["bm25s"]["index_s"]
    out["fresh process: first write s"] = w["at"]["first write"]
    out["fresh replica: first answer s"] = s["at"]["first answer"]
    out["brand-new replica: first answer s"] = r["cold"]["at"]["first answer"]
    for mode in MODES:
        out[f"ask {mode} p50 ms"] = pct(s["asks"][mode], 50)
        out[f"ask {mode} p95 ms"] = pct(s["asks"][mode], 95)
        out[f"  {mode} CPU ms p50"] = pct(s["cpu"][mode], 50)
        out[f"  {mode} CPU ms p95"] = pct(s["cpu"][mode], 95)
        out[f"  {mode}: chunks through spaCy"] = s.get("spacy", {}).get(mode, float("nan"))
    out["serving RSS KB/chunk"] = 1024 * (s["rss_mb"] - e["serve"]["rss_mb"]) / n
    out["  with chroma run: serving RSS KB/chunk"] = (
        1024 * (r["served"]["rss_mb"] - e["served"]["rss_mb"]) / n)
    out["  with chroma run: its server RSS KB/chunk"] = (
        1024 * (r["served"]["server_rss_mb"] - e["served"]["server_rss_mb"]) / n)
    for mode in MODES:
        out[f"  with chroma run: ask {mode} p95 ms"] = pct(r["served"]["asks"][mode], 95)
    out["writing RSS KB/chunk"] = 1024 * (w["rss_mb"] - e["write"]["rss_mb"]) / n
    out["disk KB/chunk"] = 1024 * r["disk_mb"] / n
    out["  bm25.npz MB"] = r["cache_mb"] or float("nan")
    return out


def report(r: dict[str, Any]) -> str:
    s, b = summary(r), r["build"]
    lines = [f"== {s['chunks']:,} chunks, {s['docs']:,} documents ({LABEL}); built "
             f"+{b['added']:,} chunks in {b['wall_s']:.0f} s (stand-in embedding "
             f"{b['embed_s']:.0f} s); serving RSS {r['serve']['rss_mb']:.0f} MB (empty store "
             f"{r['empty']['serve']['rss_mb']:.0f} MB), writing {r['write']['rss_mb']:.0f} MB "
             f"(empty {r['empty']['write']['rss_mb']:.0f} MB); answers found "
             + ", ".join(f"{m} {r['serve']['found'][m]}/{QUESTIONS}" for m in MODES)
             + f"; load average {', '.join(f'{x:.1f}' for x in r['loadavg'])} on "
             f"{os.cpu_count()} CPUs"]
    lines += [f"  {k:<40} {_fmt(v)}" for k, v in s.items() if k not in ("chunks", "docs")]
    for name, kind in (("fresh writer", "write"), ("fresh replica", "serve"),
                       ("brand-new replica", "cold")):
        lines.append(f"  {name}, seconds from spawn: "
                     + ", ".join(f"{k} {v:.1f}" for k, v in r[kind]["at"].items()))
    return "\n".join(lines)


def _fmt(v: float) -> str:
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:.3g}"


def table(results: list[dict[str, Any]]) -> list[str]:
    rows = [summary(r) for r in results]
    head = f"  {'':<40} " + " ".join(f"{r['chunks']:>12,}" for r in rows)
    ratios = [f"  {'write ' + k + ' p50 / its first size':<40} "
              + " ".join(f"{r[f'write {k} p50 ms'] / rows[0][f'write {k} p50 ms']:>12.2f}"
                         for r in rows) for k in ("add", "replace", "delete")]
    return ["== scale table (" + LABEL + ")", head] + [
        f"  {k:<40} " + " ".join(f"{_fmt(r[k]):>12}" for r in rows) for k in rows[0]
    ] + ratios


def targets(results: list[dict[str, Any]]) -> list[str]:
    """Issue 12's targets, judged at the sizes nearest 10k, 100k and 300k chunks run."""
    rows = {round(r["chunks"], -4): summary(r) for r in results}
    at = {want: next((v for k, v in rows.items() if abs(k - want) <= want * 0.1), None)
          for want in (10_000, 100_000, 300_000)}
    lines = []

    def judge(what: str, ok: bool | None, got: str) -> None:
        verdict = "n/a (size not run)" if ok is None else "MET" if ok else "NOT MET"
        lines.append(f"target {what}: {got} — {verdict}")

    small, mid, big = at[10_000], at[100_000], at[300_000]
    for k in ("add", "replace", "delete"):
        key = f"write {k} p50 ms"
        judge(f"one write ({k}) <= 0.3 s at 100k", mid and mid[key] <= 300,
              f"{mid[key]:.0f} ms" if mid else "-")
        judge(f"one write ({k}) at 100k <= 1.5x its 10k cost",
              mid and small and mid[key] <= 1.5 * small[key],
              f"{mid[key] / small[key]:.2f}x" if mid and small else "-")
    for m in MODES:
        key = f"ask {m} p95 ms"
        judge(f"ask p95 ({m}) <= 40 ms at 300k", big and big[key] <= 40,
              f"{big[key]:.1f} ms" if big else "-")
    for row in rows.values():  # named by its chunks (the key rounds 2,561 to 0)
        size = int(row["chunks"])
        judge(f"serving RSS <= 6 KB/chunk at {size:,}", row["serving RSS KB/chunk"] <= 6,
              f"{row['serving RSS KB/chunk']:.2f} KB")
        key = "  with chroma run: serving RSS KB/chunk"
        judge(f"serving RSS <= 6 KB/chunk at {size:,}, vectors in chroma run", row[key] <= 6,
              f"{row[key]:.2f} KB")
    key = "fresh replica: first answer s"
    judge("a fresh replica answers within 10 s at 100k", mid and mid[key] <= 10,
          f"{mid[key]:.1f} s" if mid else "-")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,300000",
                        help="archive sizes in chunks, comma-separated, ascending")
    parser.add_argument("--quick", action="store_true", help="sizes 2000,10000 (a trial run)")
    parser.add_argument("--data", type=Path,
                        help="keep the archive here and grow it on the next run (default: "
                        "a temporary folder)")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        job = json.loads(Path(args.worker).read_text())
        out = WORKERS[job["kind"]](job)
        Path(args.worker).with_suffix(".out.json").write_text(json.dumps(out))
        return
    sizes = [int(s) for s in ("2000,10000" if args.quick else args.sizes).split(",")]
    if sizes != sorted(sizes) or sizes[0] < 1:
        parser.error("--sizes must be ascending positive numbers of chunks")
    print(LABEL, flush=True)
    with tempfile.TemporaryDirectory(prefix="citebot-scale-") as name:
        tmp = Path(name)
        data = args.data or tmp / "archive"
        archive = Archive(DATASETS)  # the workers get their texts: loading them is not timed
        given = {"texts": archive.typical(WRITES + 1, str(time.time_ns())),
                 "questions": archive.questions(QUESTIONS + WARM)}
        empty_dir = tmp / "empty"
        empty = {kind: spawn({"kind": kind, **given, "data": str(empty_dir)}, tmp)
                 for kind in ("write", "serve")}
        empty["served"] = served(empty_dir, tmp, given)
        shutil.rmtree(empty_dir)
        results = []
        for size in sizes:
            results.append(measure(size, data, tmp, given, empty))
            print(report(results[-1]), flush=True)
            if args.json:  # after each size: a long run stopped midway keeps what it measured
                meta = {"label": LABEL, "cpus": os.cpu_count(), "loadavg": os.getloadavg()}
                args.json.write_text(json.dumps({"meta": meta, "sizes": results}, indent=2))
    print("\n".join(table(results) + targets(results)), flush=True)


if __name__ == "__main__":
    main()
