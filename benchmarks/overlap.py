"""A question's Chroma reads one after another vs side by side (``index/store/overlap.py``).

On an archive ``benchmarks/scale.py`` has grown (``--data``), for each retrieval mode and
each question, times the reads ``ask`` makes before it composes an answer, three ways,
alternated question by question so all see the same machine:
- ``serial``: as before the overlap, each read waiting for the previous one: the BM25
  scores, the nearest chunks, the cosines of lexical-only hits, the change log's head for
  the committed check, then the chunks, their sentence records and their documents;
- ``overlap``: side by side as of 7 December, ``Retriever.choose`` then ``Store.passages``;
- ``early``: what ``ask`` does now: as soon as the search has returned, the likeliest
  chunks' passages are read beside the reads that settle the choice (the change log's
  head, the cosines of lexical-only hits), and only what that read missed after. Printed
  with how often the early read held the final top k.
All read the same chunks, scores and documents (checked). Embedded, and with
``--chroma-run`` through a ``chroma run`` server on the same folder (the several-replica
deployment), where every read is a round trip. The embedder is scale.py's STAND-IN (not
the model; the query vectors are computed before timing anyway).

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
from citebot.index.models import ScoredChunk  # noqa: E402
from citebot.index.service import Citebot  # noqa: E402
from citebot.index.settings import RetrievalMode  # noqa: E402
from citebot.index.store.ids import sources_of  # noqa: E402

K = 5


Chosen = tuple[list[str], list[tuple[str, int, float]], list[str]]  # ids, chunks, documents


def _shown(ids: list[str], chunks: list[ScoredChunk], docs: Any) -> Chosen:
    """What a way read, to check the ways agree: ids, chunks with scores, documents."""
    return (ids, [(c.chunk.source, c.chunk.start, round(c.score, 6)) for c in chunks],
            sorted(docs))


def serial(bot: Citebot, query: str, vec: np.ndarray, mode: RetrievalMode) -> Chosen:
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
    return _shown(ids, chunks, {d.meta.source for d in store.get_many(sources_of(ids))})


def overlapped(bot: Citebot, query: str, vec: np.ndarray, mode: RetrievalMode) -> Chosen:
    """Side by side, the choice settled before its passages are read (7 December)."""
    ids, cosine, _ = bot.retriever.choose(query, vec, K, mode)
    read = bot.store.passages(ids, cosine)
    return _shown(ids, read.chunks, read.documents)




def early(bot: Citebot, query: str, vec: np.ndarray, mode: RetrievalMode) -> Chosen:
    """What ``ask`` does now: the likeliest chunks' passages read beside the reads that
    settle the choice, the rest (if any) after."""
    choice = bot.retriever.choose(query, vec, K, mode, read_early=True)
    read = bot.store.passages(choice.ids, choice.cosine, choice.early)
    return _shown(choice.ids, read.chunks, read.documents)


def held(bot: Citebot, query: str, vec: np.ndarray, mode: RetrievalMode) -> bool:
    """Whether the early read held the final top k (not timed: the choice once more)."""
    choice = bot.retriever.choose(query, vec, K, mode, read_early=True)
    return choice.early is not None and set(choice.ids) <= choice.early.ids


Result = tuple[dict[str, list[float]], float]  # times by way; share the early read held


def run(bot: Citebot, questions: list[str], warm: int) -> dict[str, Result]:
    vecs = bot.embedder.embed_queries(questions)
    ways: dict[str, Callable[..., Chosen]] = {"serial": serial, "overlap": overlapped,
                                              "early": early}
    out: dict[str, Result] = {}
    for mode in MODES:
        times: dict[str, list[float]] = {w: [] for w in ways}
        for n, (q, v) in enumerate(zip(questions, vecs)):
            got = {}
            order = list(ways.items())
            for way, f in order[n % 3:] + order[: n % 3]:  # each way first in turn
                t = time.perf_counter()
                got[way] = f(bot, q, v, mode)
                if n >= warm:
                    times[way].append(time.perf_counter() - t)
            if not got["serial"] == got["overlap"] == got["early"]:
                raise SystemExit(f"{mode}: the ways read different passages for {q!r}")
        kept = [held(bot, q, v, mode) for q, v in list(zip(questions, vecs))[warm:]]
        out[mode] = times, statistics.mean(kept)
    return out


def report(where: str, res: dict[str, Result]) -> list[str]:
    lines = [f"{where}: ms per question, serial -> overlap -> early (ratios of medians: "
             "overlap / serial, early / overlap)"]
    for mode, (t, share) in res.items():
        s, o, e = t["serial"], t["overlap"], t["early"]
        lines.append(
            f"  {mode:8s} p50 {pct(s, 50):5.1f} -> {pct(o, 50):5.1f} -> {pct(e, 50):5.1f}   "
            f"p95 {pct(s, 95):5.1f} -> {pct(o, 95):5.1f} -> {pct(e, 95):5.1f}   "
            f"x{statistics.median(o) / statistics.median(s):.2f} "
            f"x{statistics.median(e) / statistics.median(o):.2f}  ({len(s)} questions; the "
            f"early read held the top {K} for {share:.0%})")
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
