"""``citebot entities``: store the named entities of documents stored without them.

A write finds its chunks' entities (spaCy) and stores them with the chunks, so no process
runs spaCy on a question. An archive written by an earlier release, or one whose entities
were found under other rules (a new spaCy model or pattern after an upgrade), has none
that count: each process then finds a chunk's the first time a question retrieves it
(~10 ms a chunk) and keeps them in its own data folder. This command stores them once, for
every process. It reads every document, ~10 ms a chunk on one core; it can run beside a
server, and a run stopped half-way keeps what it stored (the next run does the rest).

Examples:
    citebot entities
    CITEBOT_CHROMA_HOST=10.0.0.5 citebot entities
"""

import argparse
from functools import partial
from typing import TYPE_CHECKING

from citebot.cli.ingest import progress

if TYPE_CHECKING:
    from citebot.index.service import Citebot


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("entities", help="store the entities of documents stored without them "
                                        "(after an upgrade)",
                       description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.set_defaults(run=run)


def run(bot: "Citebot", args: argparse.Namespace) -> int:
    done = bot.refill_entities(
        progress=partial(progress, doing="Finding entities", done="done"))
    if done:
        print(f"Stored the entities of {done:,} documents.")
    else:
        print("Every document's entities are stored: nothing to do.")
    return 0
