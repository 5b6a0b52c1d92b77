"""Wall time of whole ``citebot`` commands, start-up included, as a user runs them.

Each command is a fresh process (``--help``, ``ask`` and ``verify`` on the 5-article
sample index), run in turn with a baseline in the same invocation, so a ratio stays
meaningful when the shared cores slow down or speed up:
- ``import core``: ``python -c "import citebot.index.service"``, the floor of any command
  that answers from the index (the core and its libraries, nothing run);
- ``--vs-citebot PATH``: optionally another checkout's ``citebot`` (e.g. an older commit's
  virtualenv, ``git worktree add /tmp/old <commit>``), timed on the same commands with its
  own index of the same corpus (in ``DATA_DIR/other``: store layouts change).

Prints min and median wall seconds over ``--runs`` runs, the median CPU seconds
(user + system, the process's own accounting) and each median's ratio to the baseline's.

    .venv/bin/python benchmarks/cli_startup.py
    .venv/bin/python benchmarks/cli_startup.py --runs 9 --data-dir /tmp/citebot-sample
    .venv/bin/python benchmarks/cli_startup.py --vs-citebot /tmp/old/.venv/bin/citebot

The sample index is built once into ``--data-dir`` (a new temporary folder by default:
about 20 s, most of it exporting the model to ONNX).
"""

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
QUESTION = "Who summoned the Chinese ambassador?"
QUOTE = "The Chinese side has never provided lethal weapons"


def environment(data: Path) -> dict[str, str]:
    return os.environ | {"CITEBOT_DATA_DIR": str(data), "CITEBOT_CORPUS_DIR": str(ROOT / "corpus")}


def timed(argv: Sequence[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of ``argv`` (its output thrown away)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode in (1, 2):  # a crash or a usage error (3-6 are verify's verdicts)
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def commands(citebot: str) -> dict[str, list[str]]:
    return {
        "--help": [citebot, "--help"],
        "ask": [citebot, "ask", QUESTION],
        "verify": [citebot, "verify", QUOTE],
    }


def ensure_index(citebot: str, data: Path) -> dict[str, str]:
    """The environment of a citebot answering from ``data``, indexed first if need be."""
    env = environment(data)
    if not (data / "chroma").exists():
        print(f"indexing {ROOT / 'corpus'} into {data} (once) …", file=sys.stderr)
        subprocess.run([citebot, "ingest", str(ROOT / "corpus")], env=env, check=True,
                       stdout=subprocess.DEVNULL)
    return env


Case = tuple[list[str], dict[str, str]]


def measure(runs: int, data: Path, other: str | None) -> dict[str, tuple[list[float], list[float]]]:
    env = ensure_index(str(BIN / "citebot"), data)
    cases: dict[str, Case] = {
        "import core": ([sys.executable, "-c", "import citebot.index.service"], env)}
    cases |= {name: (argv, env) for name, argv in commands(str(BIN / "citebot")).items()}
    if other:
        other_env = ensure_index(other, data / "other")
        cases |= {f"{name} (other)": (argv, other_env)
                  for name, argv in commands(other).items()}
    for argv, env in cases.values():  # warm the file cache and the ONNX file once
        timed(argv, env)
    results: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in cases}
    for _ in range(runs):  # interleaved: a slow spell of the machine hits every command
        for name, (argv, env) in cases.items():
            wall, cpu = timed(argv, env)
            results[name][0].append(wall)
            results[name][1].append(cpu)
    return results


def report(results: dict[str, tuple[list[float], list[float]]]) -> None:
    base = statistics.median(results["import core"][0])
    print(f"{'command':<18}{'wall min':>10}{'wall median':>13}{'cpu median':>12}"
          f"{'÷ import core':>15}")
    for name, (walls, cpus) in results.items():
        median = statistics.median(walls)
        print(f"{name:<18}{min(walls):>10.2f}{median:>13.2f}{statistics.median(cpus):>12.2f}"
              f"{median / base:>14.2f}×")
    for name in ("--help", "ask", "verify"):
        if f"{name} (other)" in results:
            ratio = statistics.median(results[name][0]) / statistics.median(
                results[f"{name} (other)"][0])
            print(f"{name}: {ratio:.2f}× the other citebot's median wall time")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5, help="timed runs of each command (5)")
    p.add_argument("--data-dir", type=Path, help="where the sample index is (built if absent)")
    p.add_argument("--vs-citebot", help="another citebot executable to time alongside")
    args = p.parse_args()
    if args.data_dir:
        results = measure(args.runs, args.data_dir, args.vs_citebot)
    else:
        with tempfile.TemporaryDirectory(prefix="citebot-startup-") as tmp:
            results = measure(args.runs, Path(tmp), args.vs_citebot)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, {args.runs} runs")
    report(results)


if __name__ == "__main__":
    main()
