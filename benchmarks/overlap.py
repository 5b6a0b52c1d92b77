"""A question's Chroma reads one after another vs side by side (``index/store/overlap.py``).

On an archive ``benchmarks/scale.py`` has grown (``--data``), for each retrieval mode and
each question, times the reads ``ask`` makes before it composes an answer, two ways,
alternated question by question so both see the same machine:
- ``serial``: as before the overlap, each read waiting for the previous one: the BM25
  scores, the nearest chunks, the cosines of lexical-only hits, the change log's head for
  the committed check, then the chunks, their sentence records and their documents;
- ``overlap``: what ``ask`` does now, ``Retriever.choose`` then ``Store.passages``.
Both return the same chunks (checked). Embedded Chroma, and with ``--chroma-run`` through
a ``chroma run`` server on the same folder (the several-replica deployment), where every
read is a round trip. The embedder is scale.py's STAND-IN (not the model; the query
vectors are computed before timing anyway).

    .venv/bin/python benchmarks/overlap.py --data /tmp/scale-data --chroma-run
"""

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scale import DATASETS, MODES, chroma_server, open_bot, pct  # noqa: E402
from standin import LABEL, Archive  # noqa: E402

from citebot.index.ask.retrieve import fuse  # noqa: E402
from citebot.index.service import Citebot  # noqa: E402
from citebot.index.settings import RetrievalMode  # noqa: E402
from citebot.index.store.ids import sources_of  # noqa: E402

K = 5


def serial(bot: Citebot, query: str, vec: np.ndarray, mode: RetrievalMode) -> list[str]:
    """The reads of one question, one after another, in the order of the code before the
    overlap (the change log's head read by the committed check, after the search)."""
    store, lexical, retriever = bot.store, bot.lexical, bot.retriever
    if mode == "dense":
        cosine: Any = dict(store.nearest(vec, 2 * K + 2))
        ids = lexical.committed(list(cosine))[:K]
    else:
        pool = max(4 * K, 20)
        scores = lexical.scores(query)
        hits = [i for i, _ in scores.top(pool)]
        if mode == "lexical":
            ids, cosine = retriever._committed(hits, K, store.changes.latest()), vec
        else:
            cosine = dict(store.nearest(vec, pool))
            cosine.update(store.cosines([i for i in hits if i not in cosine], vec))
            ids = retriever._committed(fuse(cosine, scores), K, store.changes.latest())
    chunks = store.chunks_by_id(ids, cosine)
    store.sentences(chunks)
    store.get_many(sources_of(ids))
    return ids


def overlapped(bot: Citebot, query: str, vec: np.ndarray, mode: RetrievalMode) -> list[str]:
    ids, cosine = bot.retriever.choose(query, vec, K, mode)
    bot.store.passages(ids, cosine)
    return ids


def run(bot: Citebot, questions: list[str], warm: int) -> dict[str, dict[str, list[float]]]:
    vecs = bot.embedder.embed_queries(questions)
    ways: dict[str, Callable[..., list[str]]] = {"serial": serial, "overlap": overlapped}
    out: dict[str, dict[str, list[float]]] = {}
    for mode in MODES:
        times: dict[str, list[float]] = {w: [] for w in ways}
        for n, (q, v) in enumerate(zip(questions, vecs)):
            got = {}
            for way, f in (ways.items() if n % 2 else reversed(ways.items())):
                t = time.perf_counter()
                got[way] = f(bot, q, v, mode)
                if n >= warm:
                    times[way].append(time.perf_counter() - t)
            if got["serial"] != got["overlap"]:
                raise SystemExit(f"{mode}: the two ways chose different chunks for {q!r}")
        out[mode] = times
    return out


def report(where: str, res: dict[str, dict[str, list[float]]]) -> list[str]:
    lines = [f"{where}: ms per question, serial -> overlap (ratio of medians)"]
    for mode, t in res.items():
        s, o = t["serial"], t["overlap"]
        lines.append(
            f"  {mode:8s} p50 {pct(s, 50):5.1f} -> {pct(o, 50):5.1f}   "
            f"p95 {pct(s, 95):5.1f} -> {pct(o, 95):5.1f}   "
            f"x{statistics.median(o) / statistics.median(s):.2f}  ({len(s)} questions)")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, required=True,
                        help="an archive benchmarks/scale.py --data has grown")
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--warm", type=int, default=20)
    parser.add_argument("--chroma-run", action="store_true",
                        help="also through a chroma run server on the same folder")
    args = parser.parse_args()
    if not (args.data / "chroma").is_dir():
        parser.error(f"{args.data} holds no archive: grow one with benchmarks/scale.py --data")
    print(LABEL, flush=True)
    questions = Archive(DATASETS).questions(args.questions + args.warm)
    bot = open_bot(args.data)
    bot.warm_up()
    lines = report(f"embedded, {bot.store.chunk_count():,} chunks", run(bot, questions,
                                                                       args.warm))
    bot.close()  # saves the BM25 cache; from here on the folder is only read (chromadb
    # never closes an embedded client, so it stays open beside the server)
    if args.chroma_run:
        with chroma_server(args.data, args.data / "overlap-chroma.log") as (port, _):
            served = open_bot(args.data, port)
            served.warm_up()
            lines += report("through chroma run", run(served, questions, args.warm))
    print("\n".join(lines), flush=True)


if __name__ == "__main__":
    main()
