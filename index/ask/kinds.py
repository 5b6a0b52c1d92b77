"""What kind of thing a question asks for, and which entities of a sentence are of that kind.

"Where were the soldiers captured?" asks for a place: a sentence naming none (beyond the
places the question names itself) talks about the capture but does not answer. The kinds
are spaCy's entity labels (OntoNotes); the question's kind is read from its wh-phrase by
pattern, which costs microseconds where running spaCy on the question would cost
milliseconds and tag it no better (questions are not what its model was trained on).
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from citebot.index.text.entities import PLACES, Entity
from citebot.index.text.words import POSSESSIVE, Words

_PEOPLE = frozenset({"PERSON", "ORG"})
_TIMES = frozenset({"DATE", "TIME"})
_NUMBERS = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
_WHAT = r"\b(?:what|which)\s+(?:\w+\s+)?"  # "what year", "which European country"
# Words of a date that names no time when it has nothing else ("the years", "Days",
# "recent decades", "annual"): spaCy tags them DATE; "the following year", "Christmas",
# "that day" keep theirs
_TIMELESS = frozenset(
    "the these those recent many some all year years day days week weeks month months "
    "decade decades dynasty era period times annual daily weekly monthly yearly "
    "quarterly seasonal".split()
)
_ARTICLES = ("the", "a", "an")
_WH = re.compile(r"\b(?:what|which|who|whom|whose|when|where|why|how)\b", re.IGNORECASE)
# "Who is Lin Jian?" asks what he is, not for another person or body ("Foreign Ministry"
# of "Foreign Ministry spokesman Lin Jian"); "Who is the President?", "Who was Kennedy's
# vice president?", "Who was the 2015 NFL MVP?" ask for one
_WHO_IS_NAMED = re.compile(r"\s*(?i:who\s+(?:is|was|are|were)\s+)"
                           r"[A-Z][\w.-]*(?:\s+[A-Z][\w.-]*)*\s*\?*\s*")  # capitalised words


@dataclass(frozen=True)
class Kind:
    name: str
    labels: frozenset[str]
    # The part of such an entity that answers, when it holds exactly one: "2012" of "early
    # 2012" for "What year …?", "38" of "age 38" for "How old …?"
    part: re.Pattern[str] | None = None


_YEAR = re.compile(r"\b\d{4}\b")
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)*\b")

# The first of these to match at the question's first wh-word is the kind.
_KINDS: tuple[tuple[re.Pattern[str], Kind], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), Kind(name, labels, part))
    for pattern, name, labels, part in [
        (r"\bhow\s+many\b", "number", frozenset({"CARDINAL", "QUANTITY"}), None),
        # "how much" is money, a share or a measure; a bare count ("two") is not one
        (r"\bhow\s+much\b", "amount", frozenset({"MONEY", "PERCENT", "QUANTITY"}), None),
        (_WHAT + r"(?:percentage|percent|proportion|share|fraction)\b", "percentage",
         frozenset({"PERCENT"}), None),
        (r"\bhow\s+old\b", "duration", _TIMES | frozenset({"QUANTITY", "CARDINAL"}), _NUMBER),
        (r"\bhow\s+long\b", "duration", _TIMES | frozenset({"QUANTITY", "CARDINAL"}), None),
        (r"\bhow\s+(?:far|tall|high|big|large|heavy|fast|wide|deep)\b", "measure",
         frozenset({"QUANTITY", "CARDINAL", "PERCENT", "MONEY"}), None),
        (r"\bwhen\b", "time", _TIMES, None),
        (_WHAT + r"year\b", "time", _TIMES, _YEAR),
        (_WHAT + r"(?:years|decade|century|date|day|month|era|season)\b", "time", _TIMES, None),
        (_WHAT + r"(?:number|amount|age)\b", "amount", _NUMBERS, None),
        (r"\bwhere\b", "place", PLACES, None),
        (_WHAT + r"(?:city|country|state|region|place|location|town|continent|county|"
         r"province|island|nation|capital|river|mountain|ocean|sea|lake|venue|stadium)\b",
         "place", PLACES, None),
        (r"\bwho(?:m|se)?\b", "who", _PEOPLE, None),
        (_WHAT + r"(?:person|man|woman|president|king|queen|leader|minister|company|"
         r"organi[sz]ation|team|group|university|party|agency|network|station|channel|"
         r"newspaper|band|club|general|doctor|player|scientist|emperor)\b", "who", _PEOPLE, None),
        (_WHAT + r"language\b", "language", frozenset({"LANGUAGE", "NORP"}), None),
    ]
)


def asked(question: str) -> Kind | None:
    """The kind of thing the question asks for, or None ("What did he say?", "Why …?",
    "Who is Lin Jian?").
    Read at the question's first wh-word only: in "What did she say about the men who
    fought?" the "who" opens a clause, it does not ask for a person."""
    first = _WH.search(question)
    if first is None or _WHO_IS_NAMED.fullmatch(question):
        return None
    for pattern, kind in _KINDS:
        if pattern.match(question, first.start()):
            return kind
    return None


def of_kind(kind: Kind | None, entities: Sequence[Entity], text: str, offset: int,
            question: str) -> list[Entity]:
    """The entities of the asked kind in ``text`` (which starts at ``offset`` in the
    document) that the question does not name itself ("the Kennedy Space Center" for
    "… at Kennedy Space Center?", "ABC" for "ABC's …"), and for a time ("when", "what
    year", "what era" …) less dates that name none (``_TIMELESS``); each cut to the kind's
    ``part`` when it holds one ("2012" of "early 2012" for "What year …?"). The first and
    the last lift the short answers on SQuAD's even half, the other leaves it unchanged
    (README: `citebot eval --squad`)."""
    if kind is None:
        return []
    asked_words = _bare(question)
    out = []
    for e in entities:
        said = text[e.start - offset : e.end - offset]
        # spaCy runs a figure on across an unspaced dash: "$240 billion—26%" is two
        if (cut := said.find("—")) > 0 and said[:cut].strip():
            said = said[:cut].rstrip()
            e = e._replace(end=e.start + len(said))
        if e.label not in kind.labels or _bare(said) in asked_words:
            continue
        if kind.name == "time" and set(Words.of(said).words) <= _TIMELESS:
            continue
        out.append(_narrowed(e, said, kind.part))
    return out


def _narrowed(entity: Entity, said: str, part: re.Pattern[str] | None) -> Entity:
    found = list(part.finditer(said)) if part else []
    if len(found) != 1:
        return entity
    return entity._replace(start=entity.start + found[0].start(),
                           end=entity.start + found[0].end())


@lru_cache(maxsize=4096)  # the question's, once per question, not once per span (~15 µs)
def _bare(text: str) -> str:
    """Its words as compared with the question's: no possessive "'s", no leading article."""
    words = [POSSESSIVE.sub("", w) for w in Words.of(text).words]
    while words and words[0] in _ARTICLES:
        words.pop(0)
    return " " + " ".join(words) + " "
