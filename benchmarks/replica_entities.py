"""A new replica's first questions: entities stored with the chunks, against found by the
replica itself.

A question that asks for a kind (who / where / when / how many) reads the entities of the
chunks it retrieves. A write stores them with its chunks in Chroma; an archive written
before that (or under other rules: ``text.entities.rules``) has none, and each process
runs spaCy over a chunk the first time it retrieves it (~10 ms a chunk), keeping the result
in its own data folder. So a new replica of such an archive pays spaCy on its first
questions about every part of it.

The archive is SQuAD's articles (``--squad``, one document per article), written once into
``--data-dir`` with the real model (~1.5 minutes on 2 cores; reused after). Then, in
rounds, two fresh processes over it, each with an empty entity cache (a new replica):
"stored" reads the stored entities; "found here" ignores them, as for an archive without
them. Both ask the same questions in the same order; the first one each asks is not timed
(imports and loads). Printed: p50 / p95 / mean of ``ask``, chunks run through spaCy, and
the ratio stored / found here.

    .venv/bin/python benchmarks/replica_entities.py --data-dir /tmp/bench-entities
"""

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from scale import count_spacy  # noqa: E402

from citebot.evaluate import squad  # noqa: E402
from citebot.index.ask.kinds import asked  # noqa: E402
from citebot.index.service import Citebot  # noqa: E402
from citebot.settings import Settings  # noqa: E402

SQUAD = ROOT.parent / "shared" / "datasets" / "squad" / "dev-v1.1-even.json"
VARIANTS = ("stored", "found here")


def questions(path: Path, n: int) -> list[str]:
    """``n`` questions asking for a kind, spread over every article."""
    every = [q for a in squad.load(path) for q in a.questions if asked(q.question)]
    return [q.question for q in squad.spread(every, n)]


def build(data: Path, path: Path) -> None:
    bot = Citebot(Settings(_env_file=None, data_dir=data))  # type: ignore[call-arg]
    if bot.count():
        return
    t = time.perf_counter()
    chunks = bot.ingest_documents([a.document for a in squad.load(path)])
    print(f"archive: {bot.count()} articles, {chunks} chunks written with their entities "
          f"in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    bot.close()


def worker(job: dict[str, Any]) -> dict[str, Any]:
    """One new replica: an empty entity cache, then the questions asked and timed."""
    from citebot.index.store import records

    data = Path(job["data"])
    shutil.rmtree(data / "entities", ignore_errors=True)  # a cache: a new replica has none
    if job["variant"] == "found here":
        records.entities = lambda m: None  # as for an archive stored without them
    spacy_chunks = count_spacy()
    bot = Citebot(Settings(_env_file=None, data_dir=data))  # type: ignore[call-arg]
    bot.warm_up()
    bot.ask(job["questions"][0])  # first calls: lazy imports, caches
    spacy_chunks[0] = 0
    times = []
    for q in job["questions"][1:]:
        t = time.perf_counter()
        bot.ask(q)
        times.append((time.perf_counter() - t) * 1000)
    bot.close()
    return {"ms": times, "spacy_chunks": spacy_chunks[0]}


def run(job: dict[str, Any], tmp: Path) -> dict[str, Any]:
    path = tmp / "job.json"
    path.write_text(json.dumps(job))
    subprocess.run([sys.executable, __file__, "--data-dir", job["data"], "--worker", str(path)],
                   check=True)
    out: dict[str, Any] = json.loads(path.with_suffix(".out.json").read_text())
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--data-dir", type=Path, required=True)
    p.add_argument("--squad", type=Path, default=SQUAD)
    p.add_argument("--questions", type=int, default=200)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        job = json.loads(args.worker.read_text())
        args.worker.with_suffix(".out.json").write_text(json.dumps(worker(job)))
        return
    build(args.data_dir, args.squad)
    asked_ = questions(args.squad, args.questions + 1)
    tmp = args.data_dir / "bench-jobs"
    tmp.mkdir(exist_ok=True)
    got: dict[str, list[dict[str, Any]]] = {v: [] for v in VARIANTS}
    for _ in range(args.rounds):  # alternated: a busy spell hits both
        for v in VARIANTS:
            got[v].append(run({"variant": v, "data": str(args.data_dir),
                               "questions": asked_}, tmp))
    print(f"{args.questions} questions asking for a kind, a new replica each run "
          f"({args.rounds} runs each, alternated)")
    print(f"{'entities':12} {'p50 ms':>8} {'p95 ms':>8} {'mean ms':>8} {'spaCy chunks':>13}")
    summary = {}
    for v in VARIANTS:
        ms = [x for r in got[v] for x in r["ms"]]
        cuts = statistics.quantiles(ms, n=20)
        summary[v] = (statistics.median(ms), cuts[18], statistics.fmean(ms))
        chunks = "/".join(str(r["spacy_chunks"]) for r in got[v])
        print(f"{v:12} {summary[v][0]:8.1f} {summary[v][1]:8.1f} {summary[v][2]:8.1f} "
              f"{chunks:>13}")
    (s50, s95, smean), (f50, f95, fmean) = summary["stored"], summary["found here"]
    print(f"ratio stored / found here: p50 {s50 / f50:.2f}, p95 {s95 / f95:.2f}, "
          f"mean {smean / fmean:.2f}")


if __name__ == "__main__":
    main()
