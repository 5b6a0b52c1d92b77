"""Who spoke a quotation: the hand-written patterns against spaCy's parse, on quotations
labelled by hand (``tests/data/speakers.json``).

Two sets: every quotation of the five sample articles (``corpus/``, the texts the patterns
were written on) and one quotation from each of 61 BBC News articles, none of which the
patterns were tuned on (every 32nd file, in path order, of those holding a double-quoted
passage; in the k-th, the passage ``quotations()`` finds at index k mod their number, or the
real quotation holding or following it where the straight marks put it out of step). A
label is the speaker as the text names them, in full where it gives a full name (``null``
when it names nobody). Only file names, quotes and labels are stored: the texts are read
from ``corpus/`` and the BBC folder at run time.

A method is right when it names someone ``same_speaker`` accepts (verification's own rule)
or, for an unattributed quotation, nobody. Each call is timed; every method starts with an
empty document cache (``people.context``); spaCy and the sentence splitter load before.

    .venv/bin/python -m citebot.evaluate.speakers [--bbc DIR] [--show]
"""

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from citebot.index.errors import InvalidInput
from citebot.index.text.names import same_speaker
from citebot.index.verify import parsed, speakers
from citebot.index.verify.people import context

ROOT = Path(__file__).resolve().parent.parent
LABELS = ROOT / "tests" / "data" / "speakers.json"
SAMPLE = ROOT / "corpus"
BBC = ROOT.parent / "shared" / "datasets" / "bbc"
_MARKS = "“\"‘'"

Method = Callable[[str, int, int], str | None]


def _either(a: Method, b: Method) -> Method:
    return lambda text, start, end: a(text, start, end) or b(text, start, end)


METHODS: dict[str, Method] = {
    "heuristics": speakers.patterns,
    "spacy": parsed.attribute,
    "heuristics, else spacy": speakers.attribute,  # the product's path
    "spacy, else heuristics": _either(parsed.attribute, speakers.patterns),
}
OUTCOMES = ("right", "right none", "wrong", "missed", "spurious")


@dataclass(frozen=True)
class Quote:
    file: str
    text: str  # the whole document
    start: int  # the quoted words in it
    end: int
    speaker: str | None


@dataclass
class Tally:
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(OUTCOMES, 0))
    seconds: float = 0.0
    misses: list[tuple[Quote, str | None]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def accuracy(self) -> float:
        return (self.counts["right"] + self.counts["right none"]) / max(self.total, 1)


def outcome(label: str | None, found: str | None) -> str:
    """right, right none, wrong (someone else), missed (nobody) or spurious (nobody named)."""
    if label is None:
        return "right none" if found is None else "spurious"
    if found is None:
        return "missed"
    return "right" if same_speaker(label, found) else "wrong"


def load(labels: Path, folders: dict[str, Path | None]) -> dict[str, list[Quote]]:
    """The labelled quotations of each set whose folder is given, located in their texts."""
    try:
        raw = json.loads(labels.read_text(encoding="utf-8"))
        return {name: [_locate(folder, row) for row in raw[name]]
                for name, folder in folders.items() if folder is not None}
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise InvalidInput(f"cannot read the labelled quotations ({type(e).__name__}: {e}): "
                           f"check {labels} and the text folders") from None


def _locate(folder: Path, row: dict[str, str | None]) -> Quote:
    """The first occurrence of the quote that follows a quotation mark."""
    name, quote = str(row["file"]), str(row["quote"])
    # bytes decoded leniently: one BBC file holds a Latin-1 byte
    text = (folder / name).read_bytes().decode("utf-8", "replace")
    at = next((i for i in _find_all(text, quote) if i and text[i - 1] in _MARKS), -1)
    if at < 0:
        raise ValueError(f"{quote[:40]!r} does not follow a quotation mark in {name}")
    return Quote(name, text, at, at + len(quote), row["speaker"])


def _find_all(text: str, part: str) -> list[int]:
    found, at = [], text.find(part)
    while at >= 0:
        found.append(at)
        at = text.find(part, at + 1)
    return found


def run(quotes: Sequence[Quote], method: Method) -> Tally:
    """The method's outcome on every quote, each call timed."""
    context.cache_clear()
    tally = Tally()
    for q in quotes:
        began = time.perf_counter()
        found = method(q.text, q.start, q.end)
        tally.seconds += time.perf_counter() - began
        kind = outcome(q.speaker, found)
        tally.counts[kind] += 1
        if kind not in ("right", "right none"):
            tally.misses.append((q, found))
    return tally


def report(name: str, tallies: dict[str, Tally]) -> list[str]:
    n = next(iter(tallies.values())).total
    lines = [f"{name} ({n} quotations)",
             f"{'method':<24}{'accuracy':>9}" + "".join(f"{k:>12}" for k in OUTCOMES)
             + f"{'ms/call':>9}"]
    for method, t in tallies.items():
        lines.append(f"{method:<24}{t.accuracy:>9.3f}"
                     + "".join(f"{t.counts[k]:>12}" for k in OUTCOMES)
                     + f"{1000 * t.seconds / max(t.total, 1):>9.2f}")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    bbc = args.bbc if args.bbc.is_dir() else None
    try:
        sets = load(args.labels, {"sample": SAMPLE, "bbc": bbc})
    except InvalidInput as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for method in METHODS.values():  # spaCy and Punkt load once, outside the timings
        method('Jane Doe said, "We will win."', 16, 27)
    for name, quotes in sets.items():
        run(quotes, speakers.patterns)  # warms what every method shares (Punkt's caches)
        tallies = {m: run(quotes, fn) for m, fn in METHODS.items()}
        print("\n".join(report(name, tallies)) + "\n")
        if args.show:
            for label, t in tallies.items():
                for q, found in t.misses:
                    print(f"  {label}: {q.file} {q.text[q.start:q.end][:50]!r} "
                          f"label={q.speaker!r} found={found!r}")
    if bbc is None:
        print(f"(no BBC folder at {args.bbc}: give --bbc DIR for the second set)")
    return 0


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m citebot.evaluate.speakers",
                                description=__doc__.split("\n\n")[0])
    p.add_argument("--bbc", type=Path, default=BBC, help="the BBC News folder (bbc/)")
    p.add_argument("--labels", type=Path, default=LABELS, help="the labelled quotations")
    p.add_argument("--show", action="store_true", help="list every quotation a method got wrong")
    return p


if __name__ == "__main__":
    sys.exit(main())
