"""Resolve a follow-up question ("What did he say about weapons?") from earlier turns.

Stateless by design: the caller sends the turns, so any process can serve a conversation.
Hand-written because there is no language model to rewrite the question: the retrieval
query gets the earlier question and the names its answer mentioned, which is what
pronouns and "that"/"there" usually point at.
"""

import re
from collections.abc import Sequence

from citebot.index.models import Turn

_DEPENDENT = re.compile(
    r"\b(he|him|his|she|her|hers|they|them|their|it|its|this|that|these|those|there|"
    r"the same|also|else|more|further)\b",
    re.IGNORECASE,
)
# Two or more capitalised words in a row ("Lin Jian", "Ma Shengkun"), or one after a title.
_NAME = re.compile(r"\b(?:[A-Z][a-z]+(?:[’'][a-z]+)?\s){1,3}[A-Z][a-z]+\b")


def is_follow_up(question: str) -> bool:
    return bool(_DEPENDENT.search(question)) or len(question.split()) <= 3


def names(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(0) for m in _NAME.finditer(text)))


def contextualize(question: str, history: Sequence[Turn]) -> str:
    """The text to retrieve with: the question, plus context when it depends on earlier turns."""
    if not history or not is_follow_up(question):
        return question
    last = history[-1]
    context = " ".join([last.question, *names(last.answer)[:4]])
    return f"{question} ({context})"
