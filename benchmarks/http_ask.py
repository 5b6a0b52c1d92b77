"""``POST /v1/ask`` over HTTP against the core's own ``Citebot.ask``: what the API adds.

1. Baseline, in this process: ``Citebot`` on a fresh temporary data folder, ``ingest(corpus/)``.
2. The real server: ``citebot serve`` on a free loopback port with its own temporary data
   folder (it indexes corpus/ itself on start), polled on ``/readyz``; then ``GET /healthz``
   (the floor: HTTP, JSON and the event loop with no work behind them).
3. Concurrency 1: ``Citebot.ask`` and ``POST /v1/ask`` alternately, question by question, so
   the ratio compares the two under the same load. Then, for concurrency 8 and 32, the same
   number of ``POST /v1/ask`` with ``httpx.AsyncClient``, that many in flight at a time.

Both sides use the default settings (hybrid retrieval, top 5) and the same questions, cycled.
Ratios are against the baseline measured in the same run: latency ratio = HTTP p50 / in-process
p50; throughput ratio = HTTP requests/s / in-process asks/s. The client runs on the same
2 shared cores as the server, so its own CPU time is part of what "HTTP" costs here; the
load average is printed with the results.

    .venv/bin/python benchmarks/http_ask.py
    .venv/bin/python benchmarks/http_ask.py --requests 100 --levels 4 --json
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from serving import Server  # noqa: E402

QUESTIONS = [
    "Who summoned the Chinese ambassador?",
    "How many Chinese citizens are fighting for Russia?",
    "Where were the two Chinese nationals captured?",
    "What did Lin Jian say about lethal weapons?",
    "Which Chinese companies provide optical components for Russian tanks?",
    "What share of Russia's microelectronics came from China in 2023?",
    "How were the Chinese fighters recruited?",
    "What did NATO call China?",
    "What is the capital of Peru?",
    "What dual-use goods did China send to Russia?",
]


def summary(name: str, latencies: list[float], wall: float) -> dict[str, Any]:
    ordered = sorted(latencies)
    return {
        "name": name,
        "requests": len(latencies),
        "p50_ms": 1000 * statistics.median(ordered),
        "p95_ms": 1000 * ordered[max(0, round(0.95 * len(ordered)) - 1)],
        "per_s": len(latencies) / wall,
    }


def make_bot(data: Path) -> Any:
    from citebot.index.service import Citebot
    from citebot.settings import Settings

    bot = Citebot(Settings(data_dir=data, corpus_dir=ROOT / "corpus"))
    bot.ingest()
    return bot


def sequential(bot: Any, url: str, requests: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """``Citebot.ask`` and ``POST /v1/ask`` one at a time, alternating question by question,
    so both see the same load on the shared cores (separate runs minutes apart do not)."""
    local, remote = [], []
    with httpx.Client(base_url=url, timeout=300) as client:
        for q in QUESTIONS:  # warm-up: model, store, lexical index, connection
            bot.ask(q)
            client.post("/v1/ask", json={"question": q}).raise_for_status()
        for i in range(requests):
            q = QUESTIONS[i % len(QUESTIONS)]
            t = time.perf_counter()
            bot.ask(q)
            local.append(time.perf_counter() - t)
            t = time.perf_counter()
            client.post("/v1/ask", json={"question": q}).raise_for_status()
            remote.append(time.perf_counter() - t)
    return (summary("in-process Citebot.ask", local, sum(local)),
            summary("POST /v1/ask, concurrency 1", remote, sum(remote)))


Call = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


async def ask(client: httpx.AsyncClient, i: int) -> httpx.Response:
    return await client.post("/v1/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]})


async def health(client: httpx.AsyncClient, i: int) -> httpx.Response:
    return await client.get("/healthz")


async def over_http(url: str, name: str, call: Call, requests: int,
                    concurrency: int) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as client:

        async def timed(i: int) -> float:
            t = time.perf_counter()
            (await call(client, i)).raise_for_status()
            return time.perf_counter() - t

        await gather_bounded([lambda i=i: timed(i) for i in range(len(QUESTIONS))], concurrency)
        start = time.perf_counter()
        latencies = await gather_bounded([lambda i=i: timed(i) for i in range(requests)],
                                         concurrency)
        wall = time.perf_counter() - start
    return summary(f"{name}, concurrency {concurrency}", latencies, wall)


async def gather_bounded(jobs: list[Callable[[], Awaitable[float]]], limit: int) -> list[float]:
    gate = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[float]]) -> float:
        async with gate:
            return await job()

    return list(await asyncio.gather(*(run(job) for job in jobs)))


def table(rows: list[dict[str, Any]], base: dict[str, Any]) -> str:
    lines = [f"{'':30} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} "
             f"{'p50 ×':>7} {'req/s ×':>8}"]
    for r in [base, *rows]:
        lines.append(
            f"{r['name']:30} {r['requests']:>8} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} "
            f"{r['per_s']:>7.1f} {r['p50_ms'] / base['p50_ms']:>7.2f} "
            f"{r['per_s'] / base['per_s']:>8.2f}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="per level (default 200)")
    parser.add_argument("--levels", type=int, nargs="+", default=[8, 32],
                        help="concurrency levels besides 1 (default 8 32)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="citebot-bench-") as tmp:
        bot = make_bot(Path(tmp) / "inprocess")
        server = Server(Path(tmp) / "server", Path(tmp) / "server.log")
        url = server.url
        try:
            ready = server.wait_ready()
            # the floor: what HTTP, JSON and the event loop cost on a route with no work
            rows = [asyncio.run(over_http(url, "GET /healthz", health, args.requests, 1))]
            base, one = sequential(bot, url, args.requests)
            rows.append(one)
            rows += [asyncio.run(over_http(url, "POST /v1/ask", ask, args.requests, c))
                     for c in args.levels]
        finally:
            server.stop()
    load = os.getloadavg()
    if args.json:
        print(json.dumps({"baseline": base, "http": rows, "ready_s": ready,
                          "loadavg": load}, indent=2))
        return 0
    print(table(rows, base))
    print(f"\nServer ready (model loaded, corpus/ indexed) after {ready:.1f} s. "
          f"Load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores, shared).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
