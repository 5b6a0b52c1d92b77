"""Compose an extractive answer from ranked candidates: verbatim spans with citations, and
the short answer when the best span holds exactly one thing of the kind asked for."""

from collections.abc import Sequence

from citebot.index.ask.candidates import Candidate
from citebot.index.models import Answer, Citation, Short
from citebot.index.text.tokens import terms
from citebot.index.text.words import POSSESSIVE

NOT_FOUND = "I found nothing in the corpus that answers this question."
# One span when the best is this likely to hold the answer, else the next ones while they
# are at least this share of its chance. Chosen with the grid of evaluate/fit_weights.py
# on the even half of SQuAD: 0.8 / 0.5 answers as often as the old rule (every span within
# 0.12 of the best, at most 3) in fewer characters (`citebot eval --squad`, 1,000
# questions: 0.815 vs 0.812, 375 vs 390); 0.6 / 0.7 keeps under 300 characters but
# answers about 0.77, and loses three answers of tests/questions.jsonl.
SURE = 0.8
CLOSE = 0.5
MARGIN = 0.12  # spans whose match score is this far below the best one are not cited


def compose(
    question: str, ranked: Sequence[Candidate], *, min_score: float, max_sentences: int,
    unmentioned: Sequence[str] = (),
) -> Answer:
    """The likeliest spans with their citations; "I found nothing" when no span's match
    score reaches ``min_score``, or when the passages never mention a name the question
    asks about (``unmentioned``; the answer says which)."""
    if unmentioned:
        missing = ", ".join(f"“{w}”" for w in unmentioned)
        return Answer(question=question, citations=[], found=False,
                      answer=f"{NOT_FOUND} None of the passages retrieved mentions {missing}.")
    if max((c.score for c in ranked), default=0.0) < min_score:
        return Answer(question=question, answer=NOT_FOUND, citations=[], found=False)
    picked = cited(ranked, max_sentences)
    citations = [
        Citation(n=i, source=c.source, title=c.title, start=c.start, end=c.end, text=c.text,
                 score=round(c.chance, 4))
        for i, c in enumerate(picked, start=1)
    ]
    text = " ".join(f"{c.text} [{c.n}]" for c in citations)
    return Answer(question=question, answer=text, citations=citations, found=True,
                  short=short(picked[0], ranked))


def cited(ranked: Sequence[Candidate], most: int, *, sure: float = SURE,
          close: float = CLOSE) -> list[Candidate]:
    """The spans to cite: among those within ``MARGIN`` of the best match score, the ones
    holding what the question asks for (a place for "where") come before those holding
    none, however likely the weights find them (neutral on SQuAD: best span 0.739 vs
    0.741; right where a follow-up's words favour the earlier answer's sentences)."""
    top = max(c.score for c in ranked)
    near = [c for c in ranked if c.score >= top - MARGIN]
    near.sort(key=lambda c: not c.answers)  # stable: the order by chance is kept otherwise
    return pick(near, most, sure=sure, close=close)


def pick(ranked: Sequence[Candidate], most: int, *, sure: float = SURE,
         close: float = CLOSE) -> list[Candidate]:
    """The best span, and when it is not clearly the answer, those close behind it; a
    sentence quoted by two articles, or one inside a span already picked, is cited once."""
    best = ranked[0]
    picked = [best]
    if best.chance >= sure:
        return picked
    seen = {frozenset(terms(best.text))}
    for cand in ranked[1:]:
        if len(picked) == most or cand.chance < close * best.chance:
            break
        norm = frozenset(terms(cand.text))
        if norm in seen or any(_overlaps(cand, p) for p in picked):
            continue
        seen.add(norm)
        picked.append(cand)
    return picked


def _overlaps(a: Candidate, b: Candidate) -> bool:
    return a.source == b.source and a.start < b.end and b.start < a.end


def short(best: Candidate, ranked: Sequence[Candidate] = ()) -> Short | None:
    """The one thing of the asked kind the best span holds, verbatim, as a part of citation
    1. When the span is two sentences (one referring back) holding several, the likeliest
    of its sentences that holds exactly one decides. ``None`` when none does: picking one
    of several would be a guess."""
    inside = [c for c in ranked if c.source == best.source and best.start <= c.start
              and c.end <= best.end and c is not best]
    for cand in [best, *inside]:
        texts = {cand.text[e.start - cand.start : e.end - cand.start] for e in cand.answers}
        if len(texts) == 1:
            e = cand.answers[0]
            text = best.text[e.start - best.start : e.end - best.start]
            end = e.end - len(text) + len(POSSESSIVE.sub("", text))  # "Ungar's" → "Ungar"
            return Short(text=best.text[e.start - best.start : end - best.start], n=1,
                         start=e.start, end=end)
    return None
