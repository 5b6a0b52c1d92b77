"""Who the corpus says said it: attribution of quoted words from the text around them.

Hand-written heuristics, because no offline library does it: named-entity and coreference
models (spaCy's, say) are not on PyPI and would have to be downloaded, and news copy
attributes quotes with a handful of fixed patterns this module reads directly:
- a lead-in: ``X said, “…”``, ``Foreign Ministry spokesman Lin Jian said on Friday, “…”``,
  ``He added, “…”`` (the pronoun resolved to the person named just before);
- a tail: ``“…,” X said``, ``“…,” he said``, ``“…,” the ministry said``, ``“…,” said X``;
- a byline-style line holding only a name right after a quotation;
- reported speech in the same sentence: ``Zelenskyy has claimed that …``.
Titles are set aside (``Ukrainian President Volodymyr Zelenskyy`` → the person), and a role
("the Ukrainian president", "the ministry") resolves to the last person or body named with
that title or noun.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from citebot.index.ingest.chunking import sentences

_VERBS = frozenset(
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
_PARTICIPLES = frozenset(
    "saying adding stressing noting writing telling warning insisting explaining calling "
    "asserting declaring arguing".split()
)
# words that may stand between a subject and its verb ("Zelenskyy previously said")
_FILLERS = frozenset(
    "has have had was were is are also then later again once further previously earlier "
    "already recently would will could still even just since".split()
)
_PRONOUNS = frozenset({"he", "she", "they"})
_TITLES = frozenset(
    "president vice prime minister deputy secretary spokesman spokeswoman spokesperson "
    "ambassador chancellor mr mrs ms dr sir senator governor mayor leader chairman "
    "chairwoman director commander king queen prince princess pope premier envoy adviser "
    "advisor representative lieutenant colonel captain judge".split()
)
_BODIES = frozenset(
    "ministry government kremlin embassy office department agency army military police "
    "council commission committee court company administration parliament presidency "
    "service services".split()
)
_CONNECTORS = frozenset({"of", "for", "de", "van", "von", "bin", "al", "da", "du", "del"})
_DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their"})
# capitalised at a sentence's start, never a name
_NOT_NAMES = frozenset(
    "if it one this that these those but and when while as in on at for there here we i you "
    "our my some many all both such what which who the a an after before".split()
)
_TOKEN = re.compile(r"[^\W_](?:[\w’'.-]*[^\W_])?|[^\w\s]|\n")  # a line break ends a name
_OPENING = "“«„"
_CLOSING = "”»"
_STRAIGHT = '"'
_BYLINE = re.compile(r"[^\W\d_][\w’'.-]*(?:[ \t]+[^\W\d_][\w’'.-]*){0,4}")


@dataclass(frozen=True)
class _Tok:
    text: str
    start: int

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def cap(self) -> bool:
        return self.text[:1].isupper()


@dataclass(frozen=True)
class _Subject:
    kind: Literal["name", "pronoun", "role", "body"]
    words: tuple[str, ...]
    titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Mention:
    start: int
    name: str
    titles: frozenset[str]


def attribute(text: str, start: int, end: int) -> str | None:
    """Who the corpus says said ``text[start:end]`` (a name, a body such as a ministry)."""
    quote = _quotation(text, start, end)
    context = _context(text)
    if quote is None:
        lead = text[_sentence_start(text, start) : start]
        subject = _reported(lead)
        return context.resolve(subject, start) if subject else None
    opening, closing = quote
    subject = _lead_in(text, opening) or _tail(text, closing)
    if subject:
        return context.resolve(subject, opening)
    return _byline(text, closing)


def same_speaker(a: str, b: str) -> bool:
    """Whether two names can be the same speaker: "Zelensky" ~ "Volodymyr Zelenskyy"."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    return ka <= kb or kb <= ka


def name_key(name: str) -> frozenset[str]:
    """A name's distinctive words: folded, possessive and titles dropped, and romanisation
    endings (-y, -yy, -iy, -i) cut so Zelensky, Zelenskyy and Zelenskiy agree."""
    bare = unicodedata.normalize("NFKD", name.replace("’", "'"))
    bare = "".join(ch for ch in bare if not unicodedata.combining(ch)).casefold()
    words = (re.sub(r"'s$", "", w) for w in re.findall(r"[^\W_]+(?:'[^\W_]+)*", bare))
    return frozenset(
        re.sub(r"(?:yy|iy|yi|ii|y|i)$", "", w) if len(w) >= 5 else w
        for w in words
        if w not in _TITLES and w not in _DETERMINERS and w not in _CONNECTORS
    )


# -- where the words stand ----------------------------------------------------------------


def quotations(text: str) -> list[tuple[int, int]]:
    """``(opening mark, after closing mark)`` of every double-quoted passage. A quotation
    left open at a paragraph's end continues if the next paragraph opens with a quotation
    mark (the convention for quotes running over several paragraphs), else it ends there."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for m in re.finditer(r"[“”«»„\"]|\n", text):
        ch, at = m.group(), m.start()
        if ch == "\n":
            if opened is not None and not _continues(text, at):
                spans.append((opened, at))
                opened = None
        elif opened is None and (ch in _OPENING or ch == _STRAIGHT):
            opened = at
        elif opened is not None and (ch in _CLOSING or ch == _STRAIGHT):
            spans.append((opened, at + 1))
            opened = None
    if opened is not None:
        spans.append((opened, len(text)))
    return spans


def _continues(text: str, newline: int) -> bool:
    rest = text[newline:].lstrip()
    return bool(rest) and rest[0] in _OPENING + _STRAIGHT


def _quotation(text: str, start: int, end: int) -> tuple[int, int] | None:
    return next(((a, b) for a, b in _context(text).quoted if a < end and start < b), None)


def _line(text: str, at: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, len(text) if end < 0 else end


def _sentence_start(text: str, at: int) -> int:
    line_start, line_end = _line(text, at)
    spans = sentences(text, line_start, line_end)
    return next((s.start for s in spans if s.start <= at < s.end), line_start)


def _tokens(text: str, offset: int = 0) -> list[_Tok]:
    return [_Tok(m.group(), offset + m.start()) for m in _TOKEN.finditer(text)]


# -- the patterns --------------------------------------------------------------------------


def _lead_in(text: str, opening: int) -> _Subject | None:
    """``X said, “…`` (in the sentence that opens the quotation, or a line ending in ':')."""
    line_start, _ = _line(text, opening)
    lead = text[_sentence_start(text, opening) : opening]
    if not lead.strip() and line_start > 0:
        before = text[: line_start].rstrip()
        if before.endswith(":"):
            lead = before[_line(before, len(before) - 1)[0] :]
    return _reported(lead, quoted=True)


def _reported(lead: str, quoted: bool = False) -> _Subject | None:
    """The speaker of the last speech verb in ``lead`` (for reported speech: "X said that")."""
    toks = _tokens(lead)
    according = re.search(r"\baccording to\s+(\w[\w’'. -]*?)\s*,", lead, re.IGNORECASE)
    for k in range(len(toks) - 1, -1, -1):
        low = toks[k].low
        if low in _PARTICIPLES:
            return _first_subject(toks[:k])
        if low in _VERBS and toks[k].text.islower():
            after = {t.low for t in toks[k + 1 :]}
            # "X said, …" or "X said: …": the verb right before the closing mark; a comma
            # further on ends some other clause ("China and Russia maintain close ties, …")
            says = k == len(toks) - 2 and toks[-1].text in ",:"
            if quoted or not after or "that" in after or says:
                return _subject_before(toks, k) or _subject_after(toks, k)
    if according:
        return _parse_subject(_tokens(according.group(1)))
    return None


def _tail(text: str, closing: int) -> _Subject | None:
    """``“…,” X said`` / ``“…,” said X`` right after the closing mark."""
    _, line_end = _line(text, max(closing - 1, 0))
    rest = text[closing:line_end]
    inner = text[max(closing - 2, 0)]
    # "“…,” he said" continues the sentence; after "“….” He said" a new one begins
    if inner not in ",?!" and not re.match(r"\s*[,a-z]", rest):
        return None
    cut = re.search(r"[.!?](?:\s|$)", rest)
    toks = [t for t in _tokens(rest[: cut.start() if cut else 120]) if t.text != ","]
    for k, tok in enumerate(toks[:7]):
        if tok.low in _VERBS and tok.text.islower():
            return _subject_before(toks, k) if k else _subject_after(toks, k)
    return None


def _byline(text: str, closing: int) -> str | None:
    """A line holding only a name, right after a quotation that ends its own line."""
    _, line_end = _line(text, max(closing - 1, 0))
    if text[closing:line_end].strip():
        return None
    following = text[line_end:].lstrip("\r\n")
    line = following.split("\n", 1)[0].strip()
    words = line.split()
    if _BYLINE.fullmatch(line) and all(w[:1].isupper() for w in words) and len(words) >= 2:
        return line
    return None


def _subject_before(toks: list[_Tok], k: int) -> _Subject | None:
    """The subject just before the verb at ``k``: over fillers ("has", "previously") and a
    ", meanwhile," aside; a ", Lin Jian," apposition is the subject itself."""
    i = _skip_fillers(toks, k - 1)
    if i >= 1 and toks[i].text == ",":
        comma = next((j for j in range(i - 1, max(i - 5, -1), -1) if toks[j].text == ","), -1)
        between = toks[comma + 1 : i]
        if comma >= 0 and between and all(t.cap for t in between):
            return _parse_subject(between)
        if comma > 0 and between and all(t.text.islower() for t in between):
            i = _skip_fillers(toks, comma - 1)
    if i < 0:
        return None
    if toks[i].low in _PRONOUNS:
        return _Subject("pronoun", (toks[i].low,))
    end = i + 1
    if toks[i].cap:  # a name, perhaps after its titles: "Foreign Ministry spokesman Lin Jian"
        while i >= 0 and (toks[i].cap or toks[i].low in _TITLES
                          or (toks[i].low in _CONNECTORS and toks[i + 1].cap)):
            i -= 1
    else:  # a lower-case phrase: "the ministry", "the Ukrainian president"
        while (i >= 0 and end - i <= 4 and toks[i].text[:1].isalpha()
               and toks[i].low not in _DETERMINERS):
            i -= 1
    return _parse_subject(toks[i + 1 : end])


def _skip_fillers(toks: list[_Tok], i: int) -> int:
    while i >= 0 and (toks[i].low in _FILLERS or _adverb(toks[i])):
        i -= 1
    return i


def _subject_after(toks: list[_Tok], k: int) -> _Subject | None:
    """Inverted order: ``said Zelensky``."""
    run = []
    for tok in toks[k + 1 :]:
        if not (tok.cap or tok.low in _TITLES or tok.low in _CONNECTORS):
            break
        run.append(tok)
    return _parse_subject(run) if run else None


def _first_subject(toks: list[_Tok]) -> _Subject | None:
    """The sentence's subject, for a participle ("He urged …, saying, “…”")."""
    run = []
    for tok in toks:
        if tok.low in _PRONOUNS:
            return _Subject("pronoun", (tok.low,)) if not run else _parse_subject(run)
        if not (tok.cap or tok.low in _TITLES or tok.low in _CONNECTORS):
            break
        run.append(tok)
    return _parse_subject(run) if run else None


def _adverb(tok: _Tok) -> bool:
    return tok.text.islower() and tok.text.endswith("ly") and len(tok.text) > 4


def _parse_subject(run: list[_Tok]) -> _Subject | None:
    """Sort a phrase into a pronoun, a name (titles split off), a role or a body."""
    words = [t.text for t in run if t.text not in ",.;:"]
    while words and words[0].lower() in _DETERMINERS | _CONNECTORS:
        words.pop(0)
    if not words:
        return None
    if len(words) == 1 and words[0].lower() in _PRONOUNS:
        return _Subject("pronoun", (words[0].lower(),))
    titled = [i for i, w in enumerate(words) if w.lower() in _TITLES]
    name = words[titled[-1] + 1 :] if titled else words
    titles = tuple(words[i].lower() for i in titled)
    if name and name[0].lower() in _NOT_NAMES:
        return None
    if name and all(w[:1].isupper() or w.lower() in _CONNECTORS for w in name):
        return _Subject("name", tuple(name), titles)
    head = words[-1].lower()
    if head in _TITLES:
        return _Subject("role", tuple(words), (head,))
    if head in _BODIES:
        return _Subject("body", tuple(words), (head,))
    return None


# -- resolving pronouns, roles and bodies ---------------------------------------------------


@lru_cache(maxsize=16)
def _context(text: str) -> "_Context":
    return _Context(text)


class _Context:
    """The people and bodies one document names, to resolve "he" or "the ministry"."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.quoted = quotations(text)
        self.toks = _tokens(text)
        self.people = self._people()

    def resolve(self, subject: _Subject, at: int) -> str | None:
        if subject.kind == "name":
            return self.full_name(_name(subject.words))
        if subject.kind == "body":
            return self._last_body(at, subject.titles[0]) or "the " + " ".join(subject.words)
        if subject.kind == "pronoun":  # the person named last, in this paragraph or the last
            para = self.text.rfind("\n", 0, at) + 1
            since = self.text.rfind("\n", 0, max(para - 1, 0)) + 1 if para else 0
            found = [m for m in self.people if since <= m.start < at and self._person(m)]
        else:  # a role: the last person given that title
            found = [m for m in self.people if m.start < at and subject.titles[0] in m.titles]
        return self.full_name(found[-1].name) if found else None

    def full_name(self, name: str) -> str:
        """The longest form of the name the document uses ("Volodymyr Zelenskyy")."""
        forms = [m.name for m in self.people if same_speaker(m.name, name)]
        return max([name, *forms], key=lambda n: len(n.split()))

    def _person(self, mention: _Mention) -> bool:
        """Titled, or named in full somewhere ("Zelensky" is; "Beijing" and "NATO" are not)."""
        return bool(mention.titles) or len(self.full_name(mention.name).split()) > 1

    def _inside_quote(self, at: int) -> bool:
        return any(a < at < b for a, b in self.quoted)

    def _last_body(self, at: int, head: str) -> str | None:
        """The last capitalised name holding the noun: "the ministry" → "… Ministry of …"."""
        last = None
        i = 0
        while i < len(self.toks) and self.toks[i].start < at:
            j = i
            while j < len(self.toks) and (self.toks[j].cap or (
                    self.toks[j].low in _CONNECTORS and j + 1 < len(self.toks)
                    and self.toks[j + 1].cap and j > i)):
                j += 1
            run = self.toks[i:j]
            if any(t.low == head for t in run) and not self._inside_quote(run[0].start):
                last = _name(tuple(t.text for t in run))
            i = max(j, i + 1)
        return last

    def _people(self) -> list[_Mention]:
        """People: a name after a title ("President Zelenskyy"), or a name that speaks."""
        found: list[_Mention] = []
        toks = self.toks
        for k, tok in enumerate(toks):
            if tok.low in _VERBS and tok.text.islower():
                subject = _subject_before(toks, k)
            elif tok.cap and tok.low not in _TITLES and k and toks[k - 1].low in _TITLES:
                end = k
                while end < len(toks) and toks[end].cap:
                    end += 1
                subject = _parse_subject(toks[max(0, k - 3) : end])
            else:
                continue
            if subject is None or subject.kind != "name" or self._inside_quote(tok.start):
                continue
            titles = set(subject.titles) | _titles_before(toks, k)
            found.append(_Mention(tok.start, _name(subject.words), frozenset(titles)))
        return found


def _titles_before(toks: list[_Tok], k: int) -> set[str]:
    """Titles set off by a comma: "Deputy Foreign Minister, Yevhen Perebyinis stressed"."""
    i = k - 1
    while i >= 0 and (toks[i].cap or toks[i].low in _FILLERS or _adverb(toks[i])):
        i -= 1
    if i >= 1 and toks[i].text == ",":
        return {t.low for t in toks[max(0, i - 4) : i] if t.low in _TITLES}
    return set()


def _name(words: tuple[str, ...]) -> str:
    return re.sub(r"[’']s$", "", " ".join(words))
