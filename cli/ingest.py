"""``citebot ingest``: index new and changed files (.txt, .md, .html, .htm, .pdf).

Progress goes to standard error: a bar moving per document on a terminal, otherwise a line
per 100 documents. Empty files and files citebot cannot read are skipped and named; files
of other types in the folders are counted and named in the summary.

Examples:
    citebot ingest
    citebot ingest corpus/ more-articles/ --prune
"""

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from citebot.index.ingest.pipeline import Progress
    from citebot.index.service import Citebot

LINE_EVERY = 100  # documents between two progress lines when stderr is not a terminal


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("ingest", help="index a corpus folder (default: corpus/)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", help="folders or .txt/.md/.html/.htm/.pdf files")
    p.add_argument("--prune", action="store_true", help="drop documents whose files are gone")
    p.set_defaults(run=run)


def run(bot: "Citebot", args: argparse.Namespace) -> int:
    report = bot.ingest([Path(p) for p in args.paths] or None, prune=args.prune,
                        progress=progress)
    for problem in report.problems:
        print(f"skipped: {problem}", file=sys.stderr)
    if report.skipped and not (report.added or report.updated or report.unchanged):
        print(report.summary())
        print("citebot: nothing was ingested: every file was skipped (the reasons are above)",
              file=sys.stderr)
        return 1
    if not report.chunks and not report.removed:
        print("Nothing to embed: the index is up to date.")
    print(report.summary())
    return 0


def progress(total: int, *, doing: str = "Ingesting", done: str = "ingested") -> "Progress":
    """Told the number of files to go through, returns what to call as they are done
    (unchanged files are done at once; the others once embedded and stored)."""
    return _bar(total, doing) if sys.stderr.isatty() else _lines(total, done)


def _bar(total: int, doing: str) -> "Progress":
    from tqdm import tqdm

    bar = tqdm(total=total, unit="doc", desc=doing, file=sys.stderr)

    def tick(n: int) -> None:
        bar.update(n)
        if bar.n >= total:
            bar.close()

    return tick


def _lines(total: int, done_word: str) -> "Progress":
    """A line each time another LINE_EVERY documents are done: a log, not a redrawn bar."""
    started = time.perf_counter()
    done = 0

    def tick(n: int) -> None:
        nonlocal done
        before, done = done, done + n
        if done // LINE_EVERY > before // LINE_EVERY:
            print(f"citebot: {done:,} of {total:,} documents {done_word} "
                  f"({time.perf_counter() - started:.0f} s)", file=sys.stderr, flush=True)

    return tick
