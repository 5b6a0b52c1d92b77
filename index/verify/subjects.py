"""Subjects: who a speech verb's subject is (a name, a pronoun, a role or a body).

Hand-written: news copy attributes quotes with a handful of fixed patterns (``X said``,
``said X``, ``Foreign Ministry spokesman Lin Jian said``), read directly from a token stream
of its own: unlike the matching tokenizer (``text.tokens``) and quote words (``text.words``)
it keeps punctuation and line breaks, which end a name, and dotted or hyphenated names
("U.S.", "Jean-Pierre") whole.
"""

import re
from dataclasses import dataclass
from typing import Literal

from citebot.index.text.names import CONNECTORS, DETERMINERS, NOT_NAMES, TITLES

VERBS = frozenset(
    "say says said state states stated add adds added stress stresses stressed tell tells "
    "told reiterate reiterates reiterated note notes noted write writes wrote assert asserts "
    "asserted claim claims claimed announce announces announced declare declares declared "
    "warn warns warned explain explains explained emphasize emphasizes emphasized emphasise "
    "emphasises emphasised insist insists insisted argue argues argued remark remarked "
    "reveal reveals revealed reply replies replied respond responds responded post posted "
    "tweet tweeted urge urges urged disclose disclosed suggest suggests suggested allege "
    "alleged acknowledge acknowledged confirm confirms confirmed admit admits admitted "
    "mention mentioned continue continued conclude concluded comment commented observe "
    "observed recall recalled concede conceded counter countered promise promised vow vowed "
    "pledge pledged accuse accused ask asked answer answered caution cautioned maintain "
    "maintains maintained advise advised call calls called describe described deny denies "
    "denied".split()
)
PARTICIPLES = frozenset(
    "saying adding stressing noting writing telling warning insisting explaining calling "
    "asserting declaring arguing".split()
)
# words that may stand between a subject and its verb ("Zelenskyy previously said")
FILLERS = frozenset(
    "has have had was were is are also then later again once further previously earlier "
    "already recently would will could still even just since".split()
)
PRONOUNS = frozenset({"he", "she", "they"})
BODIES = frozenset(
    "ministry government kremlin embassy office department agency army military police "
    "council commission committee court company administration parliament presidency "
    "service services".split()
)
_TOKEN = re.compile(r"[^\W_](?:[\w’'.-]*[^\W_])?|[^\w\s]|\n")  # a line break ends a name


@dataclass(frozen=True)
class Tok:
    text: str
    start: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()


@dataclass(frozen=True)
class Subject:
    kind: Literal["name", "pronoun", "role", "body"]
    words: tuple[str, ...]
    titles: tuple[str, ...] = ()


def tokens(text: str, offset: int = 0) -> list[Tok]:
    return [Tok(m.group(), offset + m.start()) for m in _TOKEN.finditer(text)]


def subject_before(toks: list[Tok], k: int) -> Subject | None:
    """The subject just before the verb at ``k``: over fillers ("has", "previously") and a
    ", meanwhile," aside; a ", Lin Jian," apposition is the subject itself."""
    i = skip_fillers(toks, k - 1)
    if i >= 1 and toks[i].text == ",":
        comma = next((j for j in range(i - 1, max(i - 5, -1), -1) if toks[j].text == ","), -1)
        between = toks[comma + 1 : i]
        if comma >= 0 and between and all(t.cap for t in between):
            return parse_subject(between)
        if comma > 0 and between and all(t.text.islower() for t in between):
            i = skip_fillers(toks, comma - 1)
    if i < 0:
        return None
    if toks[i].low in PRONOUNS:
        return Subject("pronoun", (toks[i].low,))
    end = i + 1
    if toks[i].cap:  # a name, perhaps after its titles: "Foreign Ministry spokesman Lin Jian"
        while i >= 0 and (toks[i].cap or toks[i].low in TITLES
                          or (toks[i].low in CONNECTORS and toks[i + 1].cap)):
            i -= 1
    else:  # a lower-case phrase: "the ministry", "the Ukrainian president"
        while (i >= 0 and end - i <= 4 and toks[i].text[:1].isalpha()
               and toks[i].low not in DETERMINERS):
            i -= 1
    return parse_subject(toks[i + 1 : end])


def skip_fillers(toks: list[Tok], i: int) -> int:
    while i >= 0 and (toks[i].low in FILLERS or adverb(toks[i])):
        i -= 1
    return i


def subject_after(toks: list[Tok], k: int) -> Subject | None:
    """Inverted order: ``said Zelensky``."""
    run = []
    for tok in toks[k + 1 :]:
        if not (tok.cap or tok.low in TITLES or tok.low in CONNECTORS):
            break
        run.append(tok)
    return parse_subject(run) if run else None


def first_subject(toks: list[Tok]) -> Subject | None:
    """The sentence's subject, for a participle ("He urged …, saying, “…”")."""
    run: list[Tok] = []
    for tok in toks:
        if tok.low in PRONOUNS:
            return Subject("pronoun", (tok.low,)) if not run else parse_subject(run)
        if not (tok.cap or tok.low in TITLES or tok.low in CONNECTORS):
            break
        run.append(tok)
    return parse_subject(run) if run else None


def adverb(tok: Tok) -> bool:
    return tok.text.islower() and tok.text.endswith("ly") and len(tok.text) > 4


def parse_subject(run: list[Tok]) -> Subject | None:
    """Sort a phrase into a pronoun, a name (titles split off), a role or a body."""
    words = [t.text for t in run if t.text not in ",.;:"]
    while words and words[0].lower() in DETERMINERS | CONNECTORS:
        words.pop(0)
    if not words:
        return None
    if len(words) == 1 and words[0].lower() in PRONOUNS:
        return Subject("pronoun", (words[0].lower(),))
    titled = [i for i, w in enumerate(words) if w.lower() in TITLES]
    name = words[titled[-1] + 1 :] if titled else words
    titles = tuple(words[i].lower() for i in titled)
    if name and name[0].lower() in NOT_NAMES:
        return None
    if name and all(w[:1].isupper() or w.lower() in CONNECTORS for w in name):
        return Subject("name", tuple(name), titles)
    head = words[-1].lower()
    if head in TITLES:
        return Subject("role", tuple(words), (head,))
    if head in BODIES:
        return Subject("body", tuple(words), (head,))
    return None


def titles_before(toks: list[Tok], k: int) -> set[str]:
    """Titles set off by a comma: "Deputy Foreign Minister, Yevhen Perebyinis stressed"."""
    i = k - 1
    while i >= 0 and (toks[i].cap or toks[i].low in FILLERS or adverb(toks[i])):
        i -= 1
    if i >= 1 and toks[i].text == ",":
        return {t.low for t in toks[max(0, i - 4) : i] if t.low in TITLES}
    return set()
