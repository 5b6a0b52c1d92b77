"""One large upload through ``POST /v1/documents`` on a real ``citebot serve``: its time and
the server's peak memory, per chunk against ordinary articles, and how long another,
small write waits meanwhile.

The large document is what issue 14 reported: an HTML file holding one long line of
words (BBC words, sentence punctuation removed, so it has no sentence breaks either).
The baseline, in the same run, is ordinary news articles (BBC, one upload each) through the
same endpoint: seconds per chunk. Every case gets a fresh server (so its peak RSS, VmHWM,
is the case's own), indexing the 5-document corpus/ on start. While the large upload runs,
a small document is added every 2 s and each of those writes is timed: before the fix they
waited for the whole large write (the write lock was held while it was chunked and embedded).

    .venv/bin/python benchmarks/big_upload.py
    .venv/bin/python benchmarks/big_upload.py --sizes 0.5 --citebot /work/main/.venv/bin/citebot
"""

import argparse
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from serving import AUTH, CITEBOT, Server  # noqa: E402

BBC = Path("/work/shared/datasets/bbc")


def articles(n: int) -> list[Path]:
    return sorted(BBC.rglob("*.txt"))[:n]


def long_line(size: int, seed: int = 14) -> bytes:
    """An HTML page of ``size`` bytes: one paragraph, one line, words and no sentence ends."""
    words = [w for p in articles(200) for w in re.findall(r"[A-Za-z0-9'-]+", p.read_text())]
    rng = random.Random(seed)
    body, length = [], 0
    while length < size:
        body.append(rng.choice(words))
        length += len(body[-1]) + 1
    return f"<html><body><p>{' '.join(body)}</p></body></html>".encode()


def upload(client: httpx.Client, source: str, data: bytes, kind: str) -> tuple[float, int]:
    t = time.perf_counter()
    response = client.post("/v1/documents", headers=AUTH,
                           files={"file": (source, data, kind)})
    response.raise_for_status()
    return time.perf_counter() - t, int(response.json()["chunks"])


def small_writes(url: str, stop: threading.Event, waits: list[float]) -> None:
    with httpx.Client(base_url=url, timeout=3600) as client:
        i = 0
        while not stop.wait(2.0):
            t = time.perf_counter()
            client.post("/v1/documents", headers=AUTH, json={
                "source": f"small/{i}.txt", "text": f"A short note, number {i}."}
            ).raise_for_status()
            waits.append(time.perf_counter() - t)
            i += 1


def case(name: str, docs: list[tuple[str, bytes, str]], citebot: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="citebot-big-") as tmp:
        server = Server(Path(tmp) / "data", Path(tmp) / "serve.log", citebot)
        try:
            server.wait_ready()
            rss_before, _ = server.memory_mb()
            stop, waits = threading.Event(), []
            other = threading.Thread(target=small_writes, args=(server.url, stop, waits))
            seconds, chunks = 0.0, 0
            with httpx.Client(base_url=server.url, timeout=3600) as client:
                if len(docs) == 1:
                    other.start()
                for source, data, kind in docs:
                    s, c = upload(client, source, data, kind)
                    seconds, chunks = seconds + s, chunks + c
            stop.set()
            if other.is_alive():
                other.join()
            _, peak = server.memory_mb()
        finally:
            server.stop()
    return {"case": name, "bytes": sum(len(d) for _, d, _ in docs), "seconds": seconds,
            "chunks": chunks, "ms_per_chunk": 1000 * seconds / max(chunks, 1),
            "rss_before_mb": rss_before, "peak_rss_mb": peak,
            "small_writes": len(waits), "small_write_max_s": max(waits, default=0.0)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.5, 2.0],
                        help="sizes of the long-line HTML upload, in MB (default 0.5 2)")
    parser.add_argument("--articles", type=int, default=40, help="baseline articles (40)")
    parser.add_argument("--citebot", type=Path, default=CITEBOT,
                        help="the citebot executable to serve with (another checkout's "
                             "venv to measure an older version)")
    parser.add_argument("--json", action="store_true", help="print the rows as JSON")
    args = parser.parse_args()

    baseline = [(f"bbc/{i}.txt", p.read_bytes(), "text/plain")
                for i, p in enumerate(articles(args.articles))]
    rows = [case(f"{args.articles} BBC articles", baseline, args.citebot)]
    for mb in args.sizes:
        big = long_line(int(mb * 1_000_000))
        rows.append(case(f"{mb:g} MB, one line", [("big.html", big, "text/html")], args.citebot))
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    base = rows[0]["ms_per_chunk"]
    print(f"{'':22} {'bytes':>10} {'s':>7} {'chunks':>6} {'ms/chunk':>8} {'×':>5} "
          f"{'peak RSS MB':>11} {'(ready)':>7} {'small writes':>12} {'max wait s':>10}")
    for r in rows:
        print(f"{r['case']:22} {r['bytes']:>10,} {r['seconds']:>7.1f} {r['chunks']:>6} "
              f"{r['ms_per_chunk']:>8.0f} {r['ms_per_chunk'] / base:>5.2f} "
              f"{r['peak_rss_mb']:>11.0f} {r['rss_before_mb']:>7.0f} {r['small_writes']:>12} "
              f"{r['small_write_max_s']:>10.1f}")
    print(f"citebot: {args.citebot}; load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
