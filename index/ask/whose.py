"""Whose thing a sentence names: the "soldiers" of "two injured North Korean soldiers" are
not the "Chinese soldiers" a question asks about, though the word is the same.

A question's noun behind a capitalised modifier ("Chinese soldiers", "French king") is
compared with its occurrences in a sentence: when every one of them stands right behind a
nationality or place of another name (spaCy's NORP/GPE entities, stored with the chunks),
the sentence does not share that word with the question. Hand-written: a few patterns
over the entities already found, no parse in the request path.
"""

import re
from collections.abc import Iterable, Mapping

from citebot.index.text.entities import Entity
from citebot.index.text.tokens import tokenize
from citebot.index.text.words import POSSESSIVE

_MODIFIED = re.compile(r"\b((?:[A-Z][\w’'-]*\s+)+)([a-z][\w-]+)")
_QUALIFIERS = frozenset({"NORP", "GPE"})


def qualified(question: str) -> dict[str, str]:
    """The question's nouns behind a capitalised modifier (not its first word), as stems,
    with the modifier lower-cased: {"soldier": "chinese"}."""
    first = re.match(r"\s*\S+\s*", question)
    out = {}
    for m in _MODIFIED.finditer(question, first.end() if first else 0):
        stems = tokenize([m.group(2)])[0]
        if stems:
            out[stems[0]] = " ".join(m.group(1).split()).lower()
    return out


def others(text: str, offset: int, entities: Iterable[Entity],
           asked: Mapping[str, str]) -> set[str]:
    """Those of ``asked``'s stems that ``text`` (at ``offset`` in its document) holds only
    behind another NORP/GPE than the question's modifier ("North Korean soldiers")."""
    out: set[str] = set()
    ends = {e.end - offset: text[e.start - offset : e.end - offset].lower()
            for e in entities if e.label in _QUALIFIERS}
    if not ends:
        return out
    for stem, modifier in asked.items():
        found = [m for m in re.finditer(rf"\b{re.escape(stem)}\w*", text, re.IGNORECASE)
                 if tokenize([m.group()])[0] == [stem]]
        if found and all(_behind(text, m.start(), ends, modifier) for m in found):
            out.add(stem)
    return out


def _behind(text: str, at: int, ends: Mapping[int, str], modifier: str) -> bool:
    """Whether the word at ``at`` stands right behind a qualifier that is not ``modifier``."""
    before = text[:at].rstrip()
    name = ends.get(len(before))
    return name is not None and not _same(name, modifier) and at - len(before) <= 2


def _same(name: str, modifier: str) -> bool:
    """One country in its forms ("china's", "chinese", "china"; "ukraine", "ukrainian"):
    a shared start is taken as the same, so a doubt keeps the word shared."""
    a, b = POSSESSIVE.sub("", name), POSSESSIVE.sub("", modifier)
    return a[:4] == b[:4]
