"""Resident memory of ``citebot serve`` over the sample corpus: when ready (warmed up: the
model, spaCy's two pipelines, the store) and after a few answers and verifications.

What is measured is a restart, a server's everyday start: a first run over the same data
folder builds the store and the model's ONNX file (that export alone imports torch), then
the measured run starts from them.

    .venv/bin/python benchmarks/memory.py [--vs-citebot OTHER]

``--vs-citebot`` starts another citebot executable the same way, one after the other, and
prints this one's memory as a ratio of it (compare two versions on one machine, one run).
"""

import argparse
import os
import tempfile
from pathlib import Path

import httpx
from serving import AUTH, CITEBOT, Server

QUESTIONS = ["Where were the Chinese soldiers captured?", "Who summoned the Chinese ambassador?",
             "How many Chinese citizens are fighting for Russia?"]
QUOTES = ["Our military captured two Chinese citizens who fought in the Russian army.",
          "China has never provided lethal weapons to any party."]


def measure(citebot: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="citebot-memory-") as tmp:
        first = Server(Path(tmp) / "data", Path(tmp) / "first.log", citebot)
        try:
            first.wait_ready()
        finally:
            first.stop()
        server = Server(Path(tmp) / "data", Path(tmp) / "serve.log", citebot)
        try:
            ready_s = server.wait_ready()
            ready = server.memory_mb()[0]
            with httpx.Client(base_url=server.url, headers=AUTH, timeout=120) as client:
                for q in QUESTIONS:
                    client.post("/v1/ask", json={"question": q}).raise_for_status()
                for quote in QUOTES:
                    client.post("/v1/verify", json={"quote": quote}).raise_for_status()
            now, peak = server.memory_mb()
        finally:
            server.stop()
    return {"ready s": ready_s, "ready MB": ready, "answered MB": now, "peak MB": peak}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--vs-citebot", type=Path, help="another citebot executable to compare")
    args = p.parse_args()
    runs = {"this": measure(CITEBOT)}
    if args.vs_citebot:
        runs["other"] = measure(args.vs_citebot)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}")
    print(f"{'citebot':<8}" + "".join(f"{k:>14}" for k in runs["this"]))
    for name, row in runs.items():
        print(f"{name:<8}" + "".join(f"{v:>14.1f}" for v in row.values()))
    if "other" in runs:
        print("this ÷ other: " + ", ".join(
            f"{k} {runs['this'][k] / runs['other'][k]:.2f}×" for k in runs["this"]))


if __name__ == "__main__":
    main()
