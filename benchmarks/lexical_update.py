"""What one API write costs the BM25 index: a rebuild that reuses its tokens vs a full one.

Every add or delete of a document rebuilds the BM25 index (bm25s precomputes per-chunk
scores that depend on the whole corpus). The baseline is a full rebuild, what every write
cost before: read every chunk's text back from Chroma, tokenize all, index. ``Citebot``
keeps the tokens of the chunks it has seen, so after a write it reads and tokenizes only
the new chunks. Timed on the BBC index (built once into ``--cache`` and reused, as
``benchmarks/verify.py`` does), in the same run:

- ``full rebuild``: a fresh ``LexicalIndex`` on the same store (nothing cached);
- ``add``: ``Citebot.add_document`` of a new article (embedding and Chroma writes
  included), and the rebuild inside it;
- ``delete``: ``Citebot.delete_document`` of it, and the rebuild inside it.

    .venv/bin/python benchmarks/lexical_update.py
    .venv/bin/python benchmarks/lexical_update.py --rounds 10 --cache /tmp/citebot-bench
"""

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

# benchmarks/ is on sys.path when run as a script; verify puts the project root there too
from verify import BBC, open_bot

from citebot.index.service import Citebot
from citebot.index.store.lexical import LexicalIndex


def timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def rebuild_seconds(bot: Citebot, write: Callable[[], Any]) -> tuple[float, float]:
    """(whole write, the rebuild inside it), in seconds."""
    spent: list[float] = []
    rebuild = bot.lexical.rebuild

    def timed_rebuild() -> None:
        spent.append(timed(rebuild))

    bot.lexical.rebuild = timed_rebuild  # type: ignore[method-assign]
    try:
        return timed(write), sum(spent)
    finally:
        del bot.lexical.rebuild


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "citebot-bench")
    args = p.parse_args()
    bot = open_bot(BBC, args.cache / "bbc-data")
    bot.lexical.rebuild()  # the process's first rebuild reads everything, as after a start
    chunks = len(bot.store.chunk_ids())
    with tempfile.TemporaryDirectory() as tmp:
        full = [timed(LexicalIndex(Path(tmp) / str(i), bot.store).rebuild)
                for i in range(args.rounds)]
    text = (BBC / "business" / "001.txt").read_text(encoding="utf-8")
    adds, deletes = [], []
    for i in range(args.rounds):
        source = f"bench/update-{os.getpid()}-{i}.txt"
        adds.append(rebuild_seconds(bot, partial(bot.add_document, source, f"{i}. {text}")))
        deletes.append(rebuild_seconds(bot, partial(bot.delete_document, source)))
    load = os.getloadavg()[0]
    base = statistics.median(full)
    print(f"BBC index: {bot.store.count():,} documents, {chunks:,} chunks; "
          f"{args.rounds} rounds, medians; load average {load:.2f} (shared cores)")
    print(f"{'':32}{'seconds':>9}{'vs full rebuild':>17}")
    rows = [
        ("full rebuild (baseline)", base),
        ("add: rebuild", statistics.median(r for _, r in adds)),
        ("add: whole add_document", statistics.median(w for w, _ in adds)),
        ("delete: rebuild", statistics.median(r for _, r in deletes)),
        ("delete: whole delete_document", statistics.median(w for w, _ in deletes)),
    ]
    for label, seconds in rows:
        print(f"{label:32}{seconds:9.3f}{seconds / base:16.2f}x")


if __name__ == "__main__":
    main()
