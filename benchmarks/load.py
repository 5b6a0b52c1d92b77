"""Load on a real ``citebot serve``: many questions at once while documents come and go.

1. Burst: ``--asks`` ``POST /v1/ask`` (default 2,000) at concurrency 32.
2. Sustained: concurrency 8 for ``--duration`` seconds (default 300).
Throughout both, another client adds a document every second and deletes it the next
(``POST`` then ``DELETE /v1/documents``), as an editor's tool would.

Reported per phase: requests, errors (by status, or the exception's name), p50/p95/p99
latency, requests per second; the writer's operations and errors; the server's resident
memory (VmRSS) when ready, after the burst and at the end, and its peak (VmHWM). An error
is any answer that is not 200 (201 for an add): a healthy server has none. The server
indexes corpus/ (5 articles) on start; the questions are cycled from ``http_ask.py``'s.

    .venv/bin/python benchmarks/load.py
    .venv/bin/python benchmarks/load.py --asks 500 --duration 60
"""

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_ask import QUESTIONS  # noqa: E402
from serving import AUTH, Server  # noqa: E402

CHURN = {"source": "load/churn.txt", "title": "Churn",
         "text": "The harbour authority of Valparaiso reopened the northern pier on Monday, "
                 "after repairs that took eleven weeks, its director said."}


class Tally:
    def __init__(self, name: str) -> None:
        self.name, self.latencies, self.errors = name, [], Counter()
        self.started = time.perf_counter()
        self.wall = 0.0

    def record(self, started: float, outcome: str | None) -> None:
        self.latencies.append(time.perf_counter() - started)
        if outcome:
            self.errors[outcome] += 1

    def row(self) -> dict[str, Any]:
        ordered = sorted(self.latencies)

        def pct(p: float) -> float:
            return 1000 * ordered[min(len(ordered) - 1, round(p * len(ordered)))] if ordered \
                else 0.0

        return {"phase": self.name, "requests": len(ordered), "errors": dict(self.errors),
                "p50_ms": 1000 * statistics.median(ordered) if ordered else 0.0,
                "p95_ms": pct(0.95), "p99_ms": pct(0.99),
                "per_s": len(ordered) / self.wall if self.wall else 0.0}


async def ask(client: httpx.AsyncClient, i: int, tally: Tally) -> None:
    t = time.perf_counter()
    try:
        r = await client.post("/v1/ask", json={"question": QUESTIONS[i % len(QUESTIONS)]})
        tally.record(t, None if r.status_code == 200 else str(r.status_code))
    except httpx.HTTPError as e:
        tally.record(t, type(e).__name__)


async def burst(client: httpx.AsyncClient, total: int, concurrency: int) -> Tally:
    tally, gate = Tally(f"{total} asks, concurrency {concurrency}"), asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with gate:
            await ask(client, i, tally)

    await asyncio.gather(*(one(i) for i in range(total)))
    tally.wall = time.perf_counter() - tally.started
    return tally


async def sustained(client: httpx.AsyncClient, seconds: float, concurrency: int) -> Tally:
    tally = Tally(f"{seconds:.0f} s, concurrency {concurrency}")
    deadline = time.monotonic() + seconds

    async def worker(w: int) -> None:
        i = w
        while time.monotonic() < deadline:
            await ask(client, i, tally)
            i += concurrency

    await asyncio.gather(*(worker(w) for w in range(concurrency)))
    tally.wall = time.perf_counter() - tally.started
    return tally


async def writer(client: httpx.AsyncClient, stop: asyncio.Event, tally: Tally) -> None:
    """Add the churn document, a second later delete it, and so on until ``stop``."""
    adding = True
    while not stop.is_set():
        t = time.perf_counter()
        try:
            if adding:
                r = await client.post("/v1/documents", headers=AUTH, json=CHURN)
                ok = r.status_code in (200, 201)
            else:
                r = await client.delete(f"/v1/documents/{CHURN['source']}", headers=AUTH)
                ok = r.status_code == 200
            tally.record(t, None if ok else f"{'add' if adding else 'delete'} {r.status_code}")
        except httpx.HTTPError as e:
            tally.record(t, type(e).__name__)
        adding = not adding
        try:
            await asyncio.wait_for(stop.wait(), timeout=1.0)
        except TimeoutError:
            pass
    tally.wall = time.perf_counter() - tally.started


async def run(server: Server, args: argparse.Namespace) -> dict[str, Any]:
    limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
    async with httpx.AsyncClient(base_url=server.url, timeout=600, limits=limits) as client, \
            httpx.AsyncClient(base_url=server.url, timeout=600) as editor:
        for q in QUESTIONS:  # warm-up: the model, the store, the lexical index
            (await client.post("/v1/ask", json={"question": q})).raise_for_status()
        memory = {"ready": server.memory_mb()[0]}
        stop, writes = asyncio.Event(), Tally("writer: add/delete every 1 s")
        editing = asyncio.create_task(writer(editor, stop, writes))
        first = await burst(client, args.asks, args.concurrency)
        memory["after burst"] = server.memory_mb()[0]
        second = await sustained(client, args.duration, args.sustained_concurrency)
        stop.set()
        await editing
        memory["end"], memory["peak"] = server.memory_mb()
    return {"phases": [first.row(), second.row(), writes.row()], "rss_mb": memory}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--asks", type=int, default=2000, help="burst size (default 2000)")
    parser.add_argument("--concurrency", type=int, default=32, help="burst concurrency (32)")
    parser.add_argument("--duration", type=float, default=300.0,
                        help="seconds of the sustained phase (default 300)")
    parser.add_argument("--sustained-concurrency", type=int, default=8, help="(default 8)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="citebot-load-") as tmp:
        server = Server(Path(tmp) / "data", Path(tmp) / "serve.log")
        try:
            server.wait_ready()
            result = asyncio.run(run(server, args))
        finally:
            server.stop()
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{'':34} {'requests':>8} {'errors':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'req/s':>6}")
    for r in result["phases"]:
        errors = sum(r["errors"].values())
        print(f"{r['phase']:34} {r['requests']:>8} {errors:>7} {r['p50_ms']:>8.0f} "
              f"{r['p95_ms']:>8.0f} {r['p99_ms']:>8.0f} {r['per_s']:>6.1f}"
              + (f"  {r['errors']}" if errors else ""))
    print("server RSS MB: " + ", ".join(f"{k} {v:.0f}" for k, v in result["rss_mb"].items()))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (shared)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
