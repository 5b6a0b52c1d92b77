"""``citebot`` subcommands. Each prints what the core returns; errors become one clear line.

Examples:
    citebot ingest corpus/ --prune
    citebot ask "Who summoned the Chinese ambassador?" --json
"""

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from citebot.index import offline  # noqa: F401  (before anything imports transformers)
from citebot.index.errors import CitebotError, EmptyCorpus
from citebot.index.ingest.pipeline import Progress
from citebot.index.models import Answer
from citebot.index.service import Citebot
from citebot.index.settings import get_settings
from pydantic import ValidationError


def _progress(total: int) -> Progress:
    from tqdm import tqdm

    bar = tqdm(total=total, unit="doc", desc="Embedding", file=sys.stderr,
               disable=total < 20 or not sys.stderr.isatty())

    def tick(n: int) -> None:
        bar.update(n)
        if bar.n >= total:
            bar.close()

    return tick


def cmd_ingest(bot: Citebot, args: argparse.Namespace) -> int:
    """citebot ingest [PATH ...] [--prune]: index new and changed files."""
    report = bot.ingest([Path(p) for p in args.paths] or None, prune=args.prune,
                        progress=_progress)
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


def render(answer: Answer) -> str:
    lines = [f"{answer.short.text} [{answer.short.n}]", ""] if answer.short else []
    lines.append(answer.answer)
    if answer.citations:
        lines.append("")
    for c in answer.citations:
        where = f"{c.title} ({c.source})" if c.title else c.source
        lines.append(f"[{c.n}] {where}, characters {c.start}-{c.end}, score {c.score:.2f}")
        lines.append(f"    “{c.text}”")
    return "\n".join(lines)


def require_index(bot: Citebot) -> None:
    """An error when nothing is indexed where the settings point: "I found nothing" from a
    mistyped CITEBOT_DATA_DIR would read like a verdict on the archive."""
    s = bot.settings
    if not s.chroma_host and not s.chroma_dir.exists():  # checked first: opening creates it
        raise EmptyCorpus(f"there is no index in {s.data_dir}: run `citebot ingest` first, "
                          "or set CITEBOT_DATA_DIR to the folder you ingested into")
    if bot.store.count() == 0:
        where = f"the Chroma server {s.chroma_host}:{s.chroma_port}" if s.chroma_host \
            else str(s.data_dir)
        raise EmptyCorpus(f"nothing is indexed in {where} (collection {s.collection!r}): "
                          "run `citebot ingest` first, or set CITEBOT_DATA_DIR / "
                          "CITEBOT_COLLECTION to where you ingested")


def cmd_ask(bot: Citebot, args: argparse.Namespace) -> int:
    """citebot ask "Who summoned the Chinese ambassador?" [-k 5] [--json]"""
    bot.check_question(args.question)  # a mistake in the input is named first
    bot.check_top_k(args.k)
    require_index(bot)
    answer = bot.ask(args.question, top_k=args.k)
    print(answer.model_dump_json(indent=2) if args.json else render(answer))
    return 0


def _commands() -> list[Callable[[argparse._SubParsersAction], None]]:  # type: ignore[type-arg]
    """Subcommands that live in their own modules (each adds its parser)."""
    from citebot.cli import evaluate, serve, telegram, verify

    return [evaluate.add_parser, serve.add_parser, telegram.add_parser, verify.add_parser]


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="citebot", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    ingest = sub.add_parser("ingest", help="index a corpus folder (default: corpus/)")
    ingest.add_argument("paths", nargs="*", help="folders or .txt/.md/.html/.htm/.pdf files")
    ingest.add_argument("--prune", action="store_true", help="drop documents whose files are gone")
    ingest.set_defaults(run=cmd_ingest)
    ask = sub.add_parser("ask", help="answer a question with verbatim citations")
    ask.add_argument("question")
    ask.add_argument("-k", type=int, default=None, help="chunks to retrieve (CITEBOT_TOP_K)")
    ask.add_argument("--json", action="store_true", help="print the answer object as JSON")
    ask.set_defaults(run=cmd_ask)
    for add in _commands():
        add(sub)
    return p


def settings_problems(error: ValidationError) -> list[str]:
    """One line per bad setting, named as it is set (``CITEBOT_TOP_K``), not as a traceback."""
    lines = []
    for e in error.errors():
        message = str(e["msg"]).removeprefix("Value error, ")
        if e["loc"]:
            name = "CITEBOT_" + "_".join(str(part) for part in e["loc"]).upper()
            secret = any(word in name for word in ("KEY", "TOKEN", "SECRET"))
            value = "" if secret else f"={e['input']!r}"  # never echo a secret
            lines.append(f"{name}{value}: {message}")
        else:
            lines.append(message)
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as e:
        for line in settings_problems(e):
            print(f"citebot: bad setting: {line}", file=sys.stderr)
        print("citebot: fix it in the environment or in .env (see the README's settings table)",
              file=sys.stderr)
        return 2
    try:
        run: Callable[[Citebot, argparse.Namespace], int] = args.run
        return run(Citebot(settings), args)
    except CitebotError as e:
        print(f"citebot: {e}", file=sys.stderr)
        return 2
