"""Resolve a follow-up question ("What did he say about weapons?") from earlier turns.

Stateless by design: the caller sends the turns, so any process can serve a conversation.
Hand-written because there is no language model to rewrite the question: the retrieval
query gets the earlier question and the names its answer mentioned, which is what
pronouns and "that"/"there" usually point at. A personal pronoun ("he", "her") points at
the person the earlier question was about: the answer keeps to sentences naming them.
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from citebot.index.models import ScoredChunk, Turn
from citebot.index.store.ids import chunk_id
from citebot.index.text.entities import Entity
from citebot.index.text.names import full_names, named

_DEPENDENT = re.compile(
    r"\b(he|him|his|she|her|hers|they|them|their|it|its|this|that|these|those|there|"
    r"the same|also|else|more|further)\b",
    re.IGNORECASE,
)
_PERSONAL = re.compile(r"\b(he|him|his|she|her|hers)\b", re.IGNORECASE)
# Two or more capitalised words in a row ("Lin Jian", "Ma Shengkun"), or one after a title.


@dataclass(frozen=True)
class Context:
    """What a question is asked with: ``query`` to retrieve by, ``about`` the words a
    sentence should share with it (the question's, and a follow-up's context too)."""

    query: str
    about: str
    people: tuple[str, ...] = ()  # whom a pronoun may stand for, likeliest first


def is_follow_up(question: str) -> bool:
    return bool(_DEPENDENT.search(question)) or len(question.split()) <= 3


def resolve(question: str, history: Sequence[Turn]) -> Context:
    if not history or not is_follow_up(question):
        return Context(question, question)
    last = history[-1]
    context = " ".join([last.question, *full_names(last.answer)[:4]])
    query = f"{question} ({context})"
    if not _PERSONAL.search(question):
        # "When did that happen?" after "… in the Donetsk region": what "that" is, is in
        # the earlier answer's names as much as in its question
        return Context(query, " ".join([query, *named(_unmarked(last.answer))[:4]]))
    # the earlier question's names first: "What did Zelensky say …?" is about Zelensky
    people = tuple(dict.fromkeys([*named(last.question), *full_names(last.answer)]))
    return Context(query, query, people)


def _unmarked(answer: str) -> str:
    """An answer without its [n] markers (numbers the names would otherwise include)."""
    return re.sub(r"\s*\[\d+\]", "", answer)


def about_whom(context: Context, question: str, chunks: Sequence[ScoredChunk],
               entities: Mapping[str, list[Entity]]) -> str:
    """The words an answer's sentences should share: for a question with a personal pronoun,
    the question and the person it stands for (the first of ``context.people`` the
    retrieved passages tag as a person), not the whole earlier turn, whose other words would
    favour sentences about the earlier topic by whoever said them."""
    if not context.people:
        return context.about
    words = {
        w
        for sc in chunks
        for e in entities.get(chunk_id(sc.chunk.source, sc.doc_hash, sc.chunk.index), ())
        if e.label == "PERSON"
        for w in sc.chunk.text[e.start - sc.chunk.start : e.end - sc.chunk.start].split()
    }
    for name in context.people:
        if any(_same_name(part, w) for part in name.split() for w in words):
            return f"{question} {name}"
    return f"{question} {context.people[0]}"


def _same_name(a: str, b: str) -> bool:
    """"Zelensky" and "Zelenskyy" (transliterations differ in their ending)."""
    n = min(len(a), len(b))
    return n >= 4 and a[:n - 1].lower() == b[:n - 1].lower() and abs(len(a) - len(b)) <= 2
