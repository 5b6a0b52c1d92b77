"""Who the corpus says said it: attribution of quoted words from the text around them.

Hand-written heuristics, because no offline library does it: news copy attributes quotes
with a handful of fixed patterns this module reads directly:
- a lead-in: ``X said, “…”``, ``Foreign Ministry spokesman Lin Jian said on Friday, “…”``,
  ``He added, “…”`` (the pronoun resolved to the person named just before);
- a tail: ``“…,” X said``, ``“…,” he said``, ``“…,” the ministry said``, ``“…,” said X``;
- a byline-style line holding only a name right after a quotation;
- reported speech in the same sentence: ``Zelenskyy has claimed that …``.
Titles are set aside (``Ukrainian President Volodymyr Zelenskyy`` → the person), and a role
("the Ukrainian president", "the ministry") resolves to the last person or body named with
that title or noun (``people.Context``).

When the patterns find nobody, spaCy's parse is asked (``parsed.py``): on 61 BBC quotations
the patterns were not written on, right 0.295 alone, 0.574 with it; on the sample's 28,
0.821 either way (``python -m citebot.evaluate.speakers``).
"""

import re

from citebot.index.text.sentences import sentences
from citebot.index.verify import parsed
from citebot.index.verify.people import context
from citebot.index.verify.quotations import line_of
from citebot.index.verify.subjects import (
    PARTICIPLES,
    VERBS,
    Subject,
    first_subject,
    parse_subject,
    subject_after,
    subject_before,
    tokens,
)

_BYLINE = re.compile(r"[^\W\d_][\w’'.-]*(?:[ \t]+[^\W\d_][\w’'.-]*){0,4}")


def attribute(text: str, start: int, end: int) -> str | None:
    """Who the corpus says said ``text[start:end]`` (a name, a body such as a ministry):
    the patterns, else spaCy's parse of the quotation's sentences."""
    return patterns(text, start, end) or parsed.attribute(text, start, end)


def patterns(text: str, start: int, end: int) -> str | None:
    """Who the hand-written patterns say said ``text[start:end]``."""
    quote = _quotation(text, start, end)
    people = context(text)
    if quote is None:
        lead = text[_sentence_start(text, start) : start]
        subject = _reported(lead)
        return people.resolve(subject, start) if subject else None
    opening, closing = quote
    subject = _lead_in(text, opening) or _tail(text, closing)
    if subject:
        return people.resolve(subject, opening)
    return _byline(text, closing)


def _quotation(text: str, start: int, end: int) -> tuple[int, int] | None:
    return next(((a, b) for a, b in context(text).quoted if a < end and start < b), None)


def _sentence_start(text: str, at: int) -> int:
    line_start, line_end = line_of(text, at)
    spans = sentences(text, line_start, line_end)
    return next((s.start for s in spans if s.start <= at < s.end), line_start)


# -- the patterns --------------------------------------------------------------------------


def _lead_in(text: str, opening: int) -> Subject | None:
    """``X said, “…`` (in the sentence that opens the quotation, or a line ending in ':')."""
    line_start, _ = line_of(text, opening)
    lead = text[_sentence_start(text, opening) : opening]
    if not lead.strip() and line_start > 0:
        before = text[: line_start].rstrip()
        if before.endswith(":"):
            lead = before[line_of(before, len(before) - 1)[0] :]
    return _reported(lead, quoted=True)


def _reported(lead: str, quoted: bool = False) -> Subject | None:
    """The speaker of the last speech verb in ``lead`` (for reported speech: "X said that")."""
    toks = tokens(lead)
    according = re.search(r"\baccording to\s+(\w[\w’'. -]*?)\s*,", lead, re.IGNORECASE)
    for k in range(len(toks) - 1, -1, -1):
        low = toks[k].low
        if low in PARTICIPLES:
            return first_subject(toks[:k])
        if low in VERBS and toks[k].text.islower():
            after = {t.low for t in toks[k + 1 :]}
            # "X said, …" or "X said: …": the verb right before the closing mark; a comma
            # further on ends some other clause ("China and Russia maintain close ties, …")
            says = k == len(toks) - 2 and toks[-1].text in ",:"
            if quoted or not after or "that" in after or says:
                return subject_before(toks, k) or subject_after(toks, k)
    if according:
        return parse_subject(tokens(according.group(1)))
    return None


def _tail(text: str, closing: int) -> Subject | None:
    """``“…,” X said`` / ``“…,” said X`` right after the closing mark."""
    _, line_end = line_of(text, max(closing - 1, 0))
    rest = text[closing:line_end]
    inner = text[max(closing - 2, 0)]
    # "“…,” he said" continues the sentence; after "“….” He said" a new one begins
    if inner not in ",?!" and not re.match(r"\s*[,a-z]", rest):
        return None
    cut = re.search(r"[.!?](?:\s|$)", rest)
    toks = [t for t in tokens(rest[: cut.start() if cut else 120]) if t.text != ","]
    for k, tok in enumerate(toks[:7]):
        if tok.low in VERBS and tok.text.islower():
            return subject_before(toks, k) if k else subject_after(toks, k)
    return None


def _byline(text: str, closing: int) -> str | None:
    """A line holding only a name, right after a quotation that ends its own line."""
    _, line_end = line_of(text, max(closing - 1, 0))
    if text[closing:line_end].strip():
        return None
    following = text[line_end:].lstrip("\r\n")
    line = following.split("\n", 1)[0].strip()
    words = line.split()
    if _BYLINE.fullmatch(line) and all(w[:1].isupper() for w in words) and len(words) >= 2:
        return line
    return None
