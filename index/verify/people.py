"""The people and bodies one document names, to resolve "he" or "the ministry"."""

from dataclasses import dataclass
from functools import lru_cache

from citebot.index.text.names import CONNECTORS, TITLES, join_name, same_speaker
from citebot.index.verify.quotations import quotations
from citebot.index.verify.subjects import (
    VERBS,
    Subject,
    parse_subject,
    subject_before,
    titles_before,
    tokens,
)


@dataclass(frozen=True)
class Mention:
    start: int
    name: str
    titles: frozenset[str]


@lru_cache(maxsize=16)
def context(text: str) -> "Context":
    return Context(text)


class Context:
    """The people and bodies one document names, to resolve "he" or "the ministry"."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.quoted = quotations(text)
        self.toks = tokens(text)
        self.people = self._people()

    def resolve(self, subject: Subject, at: int) -> str | None:
        if subject.kind == "name":
            return self.full_name(join_name(subject.words))
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

    def _person(self, mention: Mention) -> bool:
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
                    self.toks[j].low in CONNECTORS and j + 1 < len(self.toks)
                    and self.toks[j + 1].cap and j > i)):
                j += 1
            run = self.toks[i:j]
            if any(t.low == head for t in run) and not self._inside_quote(run[0].start):
                last = join_name(tuple(t.text for t in run))
            i = max(j, i + 1)
        return last

    def _people(self) -> list[Mention]:
        """People: a name after a title ("President Zelenskyy"), or a name that speaks."""
        found: list[Mention] = []
        toks = self.toks
        for k, tok in enumerate(toks):
            if tok.low in VERBS and tok.text.islower():
                subject = subject_before(toks, k)
            elif tok.cap and tok.low not in TITLES and k and toks[k - 1].low in TITLES:
                end = k
                while end < len(toks) and toks[end].cap:
                    end += 1
                subject = parse_subject(toks[max(0, k - 3) : end])
            else:
                continue
            if subject is None or subject.kind != "name" or self._inside_quote(tok.start):
                continue
            titles = set(subject.titles) | titles_before(toks, k)
            found.append(Mention(tok.start, join_name(subject.words), frozenset(titles)))
        return found
