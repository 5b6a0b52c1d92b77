"""Who spoke quoted words, read from spaCy's dependency parse (the small English pipeline).

The fallback of the hand-written patterns of ``speakers.py`` when they find nobody,
measured against them by ``evaluate/speakers.py``; for quotations only. Only the
quotation's sentences and their neighbours are parsed (never the whole document): a
speech verb (lemma in ``subjects.VERBS``) that governs the quotation, else one in the same
sentence, else, for a quotation that opens its sentence, the last one before it; its
subject (``nsubj``, a passive's agent, or the subject of the clause a participle hangs
from) is expanded to its PERSON/ORG/NORP/GPE entity or noun phrase. Pronouns resolve to the
nearest person parsed before them outside quotations, roles and bodies ("the ministry") as
``people.Context`` resolves them for the patterns.
"""

import re
from functools import lru_cache
from typing import Any

from citebot.index.text.names import join_name
from citebot.index.text.nlp import load
from citebot.index.text.sentences import sentences
from citebot.index.verify.people import Context, context
from citebot.index.verify.quotations import line_of
from citebot.index.verify.subjects import PRONOUNS, VERBS, Subject, parse_subject, tokens

_QUOTED = re.compile(
    r'(?:(?<![^\s(\[—–-])"|“)[^"“”\n]*?(?:"(?=[\s,.;:!?)]|$)|”|(?=[.!?]\s+["“])|$)',
    re.MULTILINE,
)
SPEAKERS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
# a participle or a second verb takes the subject of the clause it hangs from
_BORROWS = frozenset({"advcl", "xcomp", "conj", "ccomp"})


@lru_cache(maxsize=1)
def pipeline() -> Any:
    """The full small pipeline: the parser and the lemmatizer find the verb and its subject."""
    return load()


def attribute(text: str, start: int, end: int) -> str | None:
    """Who the corpus says said ``text[start:end]``, when it stands in quotation marks (a
    name, a body such as a ministry); reported speech is left to the patterns."""
    people = context(text)
    first, last = next(((a, b) for a, b in people.quoted if a < end and start < b),
                       (start, end))
    lo, hi = _window(text, first, last)
    quoted = _quoted(text[lo:hi])
    if (first, last) == (start, end) and not any(a <= start - lo < b for a, b in quoted):
        return None
    doc = pipeline()(text[lo:hi])
    # words inside any quotation are what was said, not who said it
    outside = [t for t in doc if not any(a <= t.idx < b for a, b in
                                         [*quoted, (first - lo, last - lo)])]
    verb = _speech_verb(doc, outside, first - lo, last - lo)
    who = _subject(verb) if verb is not None else _according(outside)
    return _resolve(who, outside, people, lo) if who is not None else None


def _quoted(window: str) -> list[tuple[int, int]]:
    """Quoted stretches of the window, from an opening mark to its closing mark or the end
    of the sentence: straight marks pair up by their side (an opening one follows a space),
    since news copy often leaves a quotation unclosed when the next one opens ("…
    problems. "He has …")."""
    return [(m.start(), m.end()) for m in _QUOTED.finditer(window)]


def _window(text: str, first: int, last: int) -> tuple[int, int]:
    """The sentences holding ``[first, last)``, one before and one after (the one before
    may end the previous paragraph: ``X said:`` then the quotation on a line of its own)."""
    line_start, _ = line_of(text, first)
    _, line_end = line_of(text, max(last - 1, first))
    spans = sentences(text, line_start, line_end)
    if not spans:
        return line_start, line_end
    at = next((i for i, s in enumerate(spans) if s.end > first), len(spans) - 1)
    upto = next((i for i, s in enumerate(spans) if s.end >= last), len(spans) - 1)
    lo = spans[at - 1].start if at else _last_sentence(text, line_start)
    return lo, max(spans[min(upto + 1, len(spans) - 1)].end, last)


def _last_sentence(text: str, line_start: int) -> int:
    """Where the last sentence of the paragraph before ``line_start`` starts."""
    before = text[:line_start].rstrip()
    if not before:
        return line_start
    spans = sentences(text, *line_of(before, len(before) - 1))
    return spans[-1].start if spans else line_start


def _speech_verb(doc: Any, outside: list[Any], first: int, last: int) -> Any:
    """The speech verb that governs the quotation, else one in its sentence, else for a
    quotation that opens its sentence ("“A,” X said. “B.”") the last one before it."""
    verbs = [t for t in outside if t.pos_ == "VERB" and t.lemma_.lower() in VERBS
             and not first <= t.idx < last]
    inside = [t for t in doc if first <= t.idx < last]
    if not verbs or not inside:
        return None
    governing = [v for v in verbs
                 if any(v.left_edge.i <= t.i <= v.right_edge.i for t in inside)
                 and not any(first <= t.idx < last for t in v.ancestors)]
    if governing:
        return min(governing, key=lambda v: _distance(v, first, last))
    sents = {inside[0].sent.start, inside[-1].sent.start}
    same = [v for v in verbs if v.sent.start in sents]
    if same:
        return min(same, key=lambda v: _distance(v, first, last))
    opening = inside[0].sent
    if opening[0].idx >= first - 1:
        before = [v for v in verbs if v.idx < first]
        return before[-1] if before else None
    return None


def _distance(tok: Any, first: int, last: int) -> int:
    at = int(tok.idx)
    return first - at if at < first else at - last


def _subject(verb: Any) -> Any:
    """The verb's subject ("described by Jobs": the agent), or that of the clause it hangs
    from ("…, saying …")."""
    for _ in range(3):
        agents = [c for a in verb.children if a.dep_ == "agent"
                  for c in a.children if c.dep_ == "pobj"]
        found = agents or [c for c in verb.children if c.dep_ in _SUBJECTS]
        if found:
            return found[0]
        if verb.dep_ not in _BORROWS or verb.head is verb:
            return None
        verb = verb.head
    return None


def _according(outside: list[Any]) -> Any:
    """``according to X``."""
    for tok in outside:
        if tok.lower_ == "according":
            objects = [c for to in tok.children if to.lower_ == "to"
                       for c in to.children if c.dep_ == "pobj"]
            if objects:
                return objects[0]
    return None


def _resolve(tok: Any, outside: list[Any], people: Context, lo: int) -> str | None:
    """A name for the subject: its entity, a pronoun's antecedent, a role's holder, a
    body's full name, else the noun phrase itself ("the suit")."""
    at = lo + tok.idx
    if tok.lower_ in PRONOUNS:
        return _antecedent(tok, outside, people, at)
    entity = _entity(tok, (tok, *(c for c in tok.children if c.dep_ == "appos")))
    if entity is not None:
        return people.full_name(join_name(tuple(entity.text.split())))
    phrase = tok.doc[tok.left_edge.i : tok.i + 1]
    subject = parse_subject(tokens(phrase.text))
    found = people.resolve(subject, at) if subject is not None else None
    # "a Vodafone spokesman": the body the role speaks for
    entity = _entity(tok, [c for c in tok.children if c.dep_ in ("compound", "poss")])
    if found is None and entity is not None and entity.label_ == "ORG":
        found = people.full_name(join_name(tuple(entity.text.split())))
    definite = any(c.dep_ == "det" and c.lower_ == "the" for c in tok.children)
    # an unresolved role ("the spokesman") names nobody: unattributed beats misattributed
    if found is None and tok.pos_ in ("NOUN", "PROPN") and definite and (
            subject is None or subject.kind != "role"):
        found = str(phrase.text)
    return found


def _antecedent(tok: Any, outside: list[Any], people: Context, at: int) -> str | None:
    """The last person named before the pronoun outside quotations, in the parsed window
    (one who is a clause's subject first), else as the patterns resolve it."""
    persons = [t for t in outside if t.i < tok.i and t.ent_type_ == "PERSON"]
    subjects = [t for t in persons if t.dep_ in _SUBJECTS]
    for t in (subjects or persons)[-1:]:
        ent = next(e for e in t.doc.ents if e.start <= t.i < e.end)
        return people.full_name(join_name(tuple(ent.text.split())))
    return people.resolve(Subject("pronoun", (tok.lower_,)), at)


def _entity(tok: Any, candidates: Any) -> Any:
    """The first speaker entity among ``candidates``: "Richard Moffat", "one of their
    lawyers, Michalis Dimitrakopoulos" (the apposition)."""
    for cand in candidates:
        ent = next((e for e in tok.doc.ents
                    if e.start <= cand.i < e.end and e.label_ in SPEAKERS), None)
        if ent is not None:
            return ent
    return None
