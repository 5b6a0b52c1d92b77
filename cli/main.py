"""``citebot`` subcommands. Each prints what the core returns; errors become one clear line.

Examples:
    citebot ingest corpus/ --prune
    citebot ask "Who summoned the Chinese ambassador?" --json
    citebot chat
    citebot verify "The Chinese side has never provided lethal weapons" --speaker "Lin Jian"
"""

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence

from pydantic import ValidationError

from citebot.index import offline  # noqa: F401  (before anything imports transformers)
from citebot.index.errors import CitebotError
from citebot.settings import get_settings

# Each subcommand lives in its own module, which adds its parser and runs it. Only the
# module of the command given is imported: `citebot ask` never loads the web server, the
# Telegram library or the evaluation code (see benchmarks/cli_startup.py).
COMMANDS = {
    "ingest": ("citebot.cli.ingest", "index a corpus folder (default: corpus/)"),
    "entities": ("citebot.cli.entities", "store the entities of documents stored without "
                                         "them (after an upgrade)"),
    "ask": ("citebot.cli.ask", "answer a question with verbatim citations"),
    "chat": ("citebot.cli.chat", "ask questions one after another, with follow-ups"),
    "verify": ("citebot.cli.verify", "check a quote: verified, unattributed, altered, "
                                     "misattributed or not found"),
    "eval": ("citebot.cli.evaluate", "measure retrieval (nDCG@10, recall@10, MRR@10, hit@3) "
                                     "or answer quality"),
    "serve": ("citebot.cli.serve", "run the HTTP API and web page (uvicorn)"),
    "telegram": ("citebot.cli.telegram", "run the Telegram bot (long polling or webhook)"),
}


def parser(command: str | None = None) -> argparse.ArgumentParser:
    """Every subcommand's parser; with ``command``, that one's in full and the others as
    their names and help lines only, so their modules are not imported."""
    p = argparse.ArgumentParser(prog="citebot", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="command", required=True)
    for name, (module, summary) in COMMANDS.items():
        if command is None or name == command:
            importlib.import_module(module).add_parser(sub)
        else:
            sub.add_parser(name, help=summary)
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
    argv = sys.argv[1:] if argv is None else list(argv)
    # the first word naming a command (the only options before it are -h/--help)
    command = next((word for word in argv if word in COMMANDS), "")
    args = parser(command).parse_args(argv)
    try:
        settings = get_settings()
    except ValidationError as e:
        for line in settings_problems(e):
            print(f"citebot: bad setting: {line}", file=sys.stderr)
        print("citebot: fix it in the environment or in .env (see the README's settings table)",
              file=sys.stderr)
        return 2
    from citebot.index.service import Citebot

    try:
        run: Callable[[Citebot, argparse.Namespace], int] = args.run
        bot = Citebot(settings)
        try:
            return run(bot, args)
        finally:
            bot.close()
    except CitebotError as e:
        print(f"citebot: {e}", file=sys.stderr)
        return 2
