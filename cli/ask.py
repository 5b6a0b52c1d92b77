"""``citebot ask``: one question, answered with verbatim citations.

Examples:
    citebot ask "Who summoned the Chinese ambassador?"
    citebot ask "What did China say about weapons?" -k 8 --json
"""

import argparse
from typing import TYPE_CHECKING

from citebot.cli.shared import quoted, require_index
from citebot.index.models import Answer

if TYPE_CHECKING:
    from citebot.index.service import Citebot


# as grep's: a script can tell "I found nothing" from an answer without parsing output
EXIT_STATUS = ("exit status:\n  0  answered, with citations\n  1  I found nothing (no "
               "citation)\n  2  the question or an option is wrong, or nothing is indexed\n")


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("ask", help="answer a question with verbatim citations",
                       description=__doc__, epilog=EXIT_STATUS,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("question")
    p.add_argument("-k", type=int, default=None, help="chunks to retrieve (CITEBOT_TOP_K)")
    p.add_argument("--json", action="store_true", help="print the answer object as JSON")
    p.set_defaults(run=run)


def run(bot: "Citebot", args: argparse.Namespace) -> int:
    bot.check_question(args.question)  # a mistake in the input is named first
    bot.check_top_k(args.k)
    require_index(bot)
    answer = bot.ask(args.question, top_k=args.k)
    print(answer.model_dump_json(indent=2) if args.json else render(answer))
    return 0 if answer.found else 1


def render(answer: Answer) -> str:
    """The short answer when there is one, the answer, then each citation: where it is,
    and its words."""
    lines = [f"{answer.short.text} [{answer.short.n}]", ""] if answer.short else []
    lines.append(answer.answer)
    if answer.citations:
        lines.append("")
    for c in answer.citations:
        lines.append(f"[{c.n}] {c.label}, characters {c.start}-{c.end}, score {c.score:.2f}")
        lines.append(f"    {quoted(c.text)}")
    return "\n".join(lines)
