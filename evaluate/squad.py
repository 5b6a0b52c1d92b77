"""SQuAD v1.1 as an archive: does the answer hold the gold answer, and is it short?

Each article is one document (its title line, a blank line, then its paragraphs separated
by blank lines), so a citation's offsets say which paragraph it comes from. A question
counts as answered when the answer's cited text contains a gold answer after SQuAD's own
normalisation (lower case, no punctuation, no a/an/the, single spaces: the official
``evaluate-v1.1.py``). With ``holdout``, the last K articles are not ingested and their
questions must get "I found nothing".
"""

import json
import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from citebot.index.errors import InvalidInput
from citebot.index.ingest.loader import make_document
from citebot.index.ingest.pipeline import Progress
from citebot.index.models import Answer, Document
from citebot.index.service import Citebot

_ARTICLES = re.compile(r"\b(a|an|the)\b")
_PUNCTUATION = str.maketrans("", "", string.punctuation)


def normalize(text: str) -> str:
    """SQuAD's answer normalisation (``normalize_answer`` of its evaluation script)."""
    return " ".join(_ARTICLES.sub(" ", text.lower().translate(_PUNCTUATION)).split())


def holds(text: str, golds: Sequence[str]) -> bool:
    """Whether ``text`` contains a gold answer, word for word after normalisation."""
    norm = f" {normalize(text)} "
    return any(f" {g} " in norm for g in map(normalize, golds) if g)


@dataclass(frozen=True)
class Question:
    question: str
    answers: tuple[str, ...]
    source: str
    start: int  # the gold paragraph's characters in the document
    end: int


@dataclass(frozen=True)
class Article:
    document: Document
    questions: tuple[Question, ...]


def load(path: Path) -> list[Article]:
    """Every article of a SQuAD v1.1 file, as a document with its questions."""
    if not path.is_file():
        raise InvalidInput(f"{path} does not exist: give a SQuAD v1.1 JSON file")
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))["data"]
        return [_article(n, a) for n, a in enumerate(data)]
    except (ValueError, KeyError, TypeError) as e:
        raise InvalidInput(
            f"{path} is not in SQuAD v1.1 format ({type(e).__name__}: {e}): expected "
            '{"data": [{"title", "paragraphs": [{"context", "qas": [...]}]}]}'
        ) from None


def _article(n: int, raw: dict[str, Any]) -> Article:
    title = str(raw["title"]).replace("_", " ")
    text, questions = title + "\n\n", []
    source = f"{n:03d}_{re.sub(r'[^A-Za-z0-9]+', '_', title).strip('_')[:40]}.txt"
    for p in raw["paragraphs"]:
        context = str(p["context"]).strip()
        start = len(text)
        text += context + "\n\n"
        questions += [
            Question(str(qa["question"]).strip(), tuple(str(a["text"]) for a in qa["answers"]),
                     source, start, start + len(context))
            for qa in p["qas"]
        ]
    return Article(make_document(source, text.rstrip("\n") + "\n", title=title),
                   tuple(questions))


def spread(items: Sequence[Question], limit: int | None) -> list[Question]:
    """``limit`` items evenly spread over ``items`` (all of them without a limit)."""
    if limit is None or limit >= len(items):
        return list(items)
    return [items[i * len(items) // limit] for i in range(limit)]


@dataclass
class Tally:
    """Per-question outcomes, summed into the rates ``Result.rates`` reports."""

    asked: int = 0
    found: int = 0
    answer_holds: int = 0
    best_holds: int = 0
    paragraph_cited: int = 0
    answer_chars: int = 0
    short_given: int = 0
    short_exact: int = 0
    held_out: int = 0
    held_out_nothing: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def add(self, q: Question, answer: Answer) -> None:
        self.asked += 1
        if not answer.found:
            self.misses.append({"question": q.question, "gold": q.answers[0], "answer": ""})
            return
        self.found += 1
        cited = " ".join(c.text for c in answer.citations)
        self.answer_chars += len(cited)
        self.answer_holds += holds(cited, q.answers)
        self.best_holds += holds(answer.citations[0].text, q.answers)
        self.paragraph_cited += any(
            c.source == q.source and q.start <= c.start < q.end for c in answer.citations
        )
        if answer.short is not None:
            self.short_given += 1
            self.short_exact += normalize(answer.short.text) in map(normalize, q.answers)
        if not holds(cited, q.answers):
            self.misses.append({"question": q.question, "gold": q.answers[0], "answer": cited})

    def rates(self) -> dict[str, float]:
        def share(n: int, of: int) -> float:
            return round(n / of, 4) if of else 0.0

        return {
            "questions": self.asked,
            "answer holds gold": share(self.answer_holds, self.asked),
            "best sentence holds gold": share(self.best_holds, self.asked),
            "gold paragraph cited": share(self.paragraph_cited, self.asked),
            "found": share(self.found, self.asked),
            "mean answer chars": round(self.answer_chars / self.found, 1) if self.found else 0.0,
            "short given": share(self.short_given, self.asked),
            "short exact match": share(self.short_exact, self.short_given),
            "held-out questions": self.held_out,
            "held-out found nothing": share(self.held_out_nothing, self.held_out),
        }


def evaluate(bot: Citebot, articles: Sequence[Article], *, holdout: int = 0,
             limit: int | None = None,
             progress: Callable[[int], Progress] | None = None) -> Tally:
    """Ask the (spread) questions of the ingested articles, and those of the held-out ones
    (up to ``limit`` of them too); ``bot`` must hold exactly the ingested articles."""
    kept, out = split(articles, holdout)
    asked = spread([q for a in kept for q in a.questions], limit)
    left_out = spread([q for a in out for q in a.questions], limit)
    tick = progress(len(asked) + len(left_out)) if progress else None
    tally = Tally()
    for q in asked:
        tally.add(q, bot.ask(q.question))
        if tick:
            tick(1)
    for q in left_out:
        tally.held_out += 1
        tally.held_out_nothing += not bot.ask(q.question).found
        if tick:
            tick(1)
    return tally


def split(articles: Sequence[Article], holdout: int) -> tuple[list[Article], list[Article]]:
    """(ingested, held out): the last ``holdout`` articles are left out."""
    if not 0 <= holdout < len(articles):
        raise InvalidInput(f"--holdout must be between 0 and {len(articles) - 1} "
                           f"(the file has {len(articles)} articles), not {holdout}")
    cut = len(articles) - holdout
    return list(articles[:cut]), list(articles[cut:])
