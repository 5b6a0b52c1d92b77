"""``citebot verify``: check a quote against the corpus.

Examples:
    citebot verify "The Chinese side has never provided lethal weapons" --speaker "Lin Jian"
    citebot verify "Our military captured three Chinese citizens" --json
    citebot verify "…stole these technologies." --format claimreview
"""

import argparse
import json
from typing import TYPE_CHECKING

from citebot.cli.shared import quoted, require_index
from citebot.index.models import Verdict
from citebot.index.verify.claimreview import EXPLANATIONS, explanation, to_claimreview
from citebot.index.verify.verdicts import check_quote

if TYPE_CHECKING:
    from citebot.index.service import Citebot

# The exit status says the verdict, so a script can branch on it without parsing output.
# 1 and 2 keep their meaning for every citebot command: 2 is a usage or input error.
EXIT_CODES = {"verified": 0, "unattributed": 3, "altered": 4, "misattributed": 5,
              "not_found": 6}
EXIT_STATUS = "exit status:\n" + "".join(
    f"  {code}  {verdict.replace('_', ' '):<14} {EXPLANATIONS[verdict]}\n"
    for verdict, code in EXIT_CODES.items()
) + "  2  the quote or an option is wrong, or nothing is indexed (the message says which)\n"


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("verify", help="check a quote: verified, unattributed, altered, "
                       "misattributed or not found", description=__doc__, epilog=EXIT_STATUS,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("quote", help="the words to check (quotation marks and ellipses are fine)")
    p.add_argument("--speaker", help="who is said to have said it, e.g. 'Zelensky'")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the verdict as JSON")
    out.add_argument("--format", choices=["text", "json", "claimreview"], default="text",
                     help="text (default), json, or schema.org ClaimReview JSON-LD")
    p.set_defaults(run=run)


def run(bot: "Citebot", args: argparse.Namespace) -> int:
    check_quote(args.quote, args.speaker, bot.settings.max_question_chars)  # input first
    require_index(bot)
    verdict = bot.verify(args.quote, args.speaker)
    fmt = "json" if args.json else args.format
    if fmt == "json":
        print(verdict.model_dump_json(indent=2))
    elif fmt == "claimreview":
        print(json.dumps(to_claimreview(verdict), indent=2, ensure_ascii=False))
    else:
        print(render(verdict))
    return EXIT_CODES[verdict.verdict]


def render(verdict: Verdict) -> str:
    """The verdict, then each match: where, who said it, the words, what changed."""
    name = verdict.verdict.replace("_", " ").upper()
    lines = [f"{name}: {explanation(verdict)}"]
    for n, m in enumerate(verdict.matches, start=1):
        said = f", said by {m.speaker}" if m.speaker else ", no speaker named"
        lines += ["", f"[{n}] {m.label}, characters {m.start}-{m.end}{said}, "
                      f"similarity {m.similarity:.2f}", f"    {quoted(m.text)}"]
        if m.differences:
            lines.append(f"    changes (archive → quote): {'; '.join(m.differences)}")
        if m.url:
            lines.append(f"    {m.url}")
    return "\n".join(lines)
