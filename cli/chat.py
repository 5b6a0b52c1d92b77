"""``citebot chat``: questions one after another, each answered with the earlier turns in
mind (as the API's ``history``), so a follow-up like "What did he say about weapons?"
works.

Reads one question per line. On a terminal it prompts, keeps a line history (arrow keys,
saved in CITEBOT_DATA_DIR/chat_history) and goes on after a mistake. From a pipe it prints
one answer per question and no prompts; notices go to standard error.

Examples:
    citebot chat
    printf 'Who summoned the Chinese ambassador?\\nWhat did he express?\\n' | citebot chat
"""

import argparse
import re
import sys
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING

from citebot.cli import ask, verify
from citebot.cli.shared import require_index
from citebot.index.errors import CitebotError, InvalidInput
from citebot.index.models import Turn

if TYPE_CHECKING:
    from citebot.index.service import Citebot

PROMPT = "› "
HELP = """commands:
  /verify WORDS [--speaker NAME]   check a quote instead of asking (not added to the turns)
  /reset                           forget the earlier questions
  /help                            these lines
  /quit                            leave (or Ctrl-D)"""
_VERIFY = re.compile(r"^(?P<quote>.*?)(?:\s+--speaker(?:\s+|=)(?P<speaker>.+))?$", re.S)
_STRAIGHT = re.compile(r'^(["\'])(.*)\1$', re.S)


def add_parser(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    p = sub.add_parser("chat", help="ask questions one after another, with follow-ups",
                       description=__doc__, epilog=HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-k", type=int, default=None, help="chunks to retrieve (CITEBOT_TOP_K)")
    p.add_argument("--json", action="store_true",
                   help="print each answer or verdict as one line of JSON")
    p.set_defaults(run=run)


def run(bot: "Citebot", args: argparse.Namespace) -> int:
    bot.check_top_k(args.k)
    require_index(bot)
    chat = Chat(bot, top_k=args.k, as_json=args.json)
    interactive = sys.stdin.isatty()
    if interactive:
        print("Ask a question about the archive; /help lists the commands, Ctrl-D leaves.",
              file=sys.stderr)
    try:
        for line in _terminal(bot) if interactive else sys.stdin:
            if not chat.handle(line.strip()):
                break
    except KeyboardInterrupt:  # Ctrl-C while an answer is worked out: leave quietly
        print(file=sys.stderr)
        return 130
    return 0


class Chat:
    """One conversation: its turns, and what each line does with them."""

    def __init__(self, bot: "Citebot", *, top_k: int | None, as_json: bool) -> None:
        self.bot, self.top_k, self.as_json = bot, top_k, as_json
        self.turns: deque[Turn] = deque(maxlen=bot.settings.history_turns)
        self.answered = 0

    def handle(self, line: str) -> bool:
        """Act on one line; False when it asks to leave."""
        command, _, rest = line.partition(" ") if line.startswith("/") else ("", "", line)
        if command in ("/quit", "/exit"):
            return False
        try:
            if command == "/reset":
                self.turns.clear()
                print("(earlier questions forgotten)", file=sys.stderr)
            elif command == "/help":
                print(HELP)
            elif command == "/verify":
                self.verify(rest.strip())
            elif command:
                raise InvalidInput(f"there is no command {command}: try /help")
            elif line:
                self.ask(line)
        except CitebotError as e:
            print(f"citebot: {e}", file=sys.stderr, flush=True)
        return True

    def ask(self, question: str) -> None:
        answer = self.bot.ask(question, top_k=self.top_k, history=list(self.turns))
        self.turns.append(Turn(question=question, answer=answer.answer))
        self._print(answer.model_dump_json() if self.as_json else ask.render(answer))

    def verify(self, text: str) -> None:
        found = _VERIFY.match(text)
        quote, speaker = (found["quote"], found["speaker"]) if found else (text, None)
        if not quote.strip():
            raise InvalidInput('put the words after /verify, e.g. /verify "The Chinese side '
                               'has never provided lethal weapons" --speaker "Lin Jian"')
        verdict = self.bot.verify(_unquote(quote), speaker and _unquote(speaker))
        self._print(verdict.model_dump_json() if self.as_json else verify.render(verdict))

    def _print(self, text: str) -> None:
        """Answers apart by a blank line (JSON: one per line), flushed for a reader waiting
        on the pipe."""
        if self.answered and not self.as_json:
            print()
        print(text, flush=True)
        self.answered += 1


def _unquote(text: str) -> str:
    """``"It's over"`` -> ``It's over``: shell-style straight quotes around the argument."""
    text = text.strip()
    quoted = _STRAIGHT.match(text)
    return quoted[2] if quoted else text


def _terminal(bot: "Citebot") -> Iterator[str]:
    """Lines typed at the prompt, with readline editing and a history kept across runs.
    Ctrl-C drops the line being typed; Ctrl-D leaves."""
    import readline

    history = bot.settings.data_dir / "chat_history"
    if history.exists():
        readline.read_history_file(history)
    readline.set_history_length(1000)
    try:
        while True:
            try:
                yield input(PROMPT)
            except KeyboardInterrupt:
                print(file=sys.stderr)
            except EOFError:
                print(file=sys.stderr)
                return
    finally:
        readline.write_history_file(history)
