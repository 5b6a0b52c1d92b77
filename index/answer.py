"""Compose an extractive answer: verbatim sentences from retrieved chunks, with citations."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import Stemmer

from .models import Answer, Citation, ScoredChunk

NOT_FOUND = "I found nothing in the corpus that answers this question."
_MARGIN = 0.12  # sentences this far below the best one are not worth citing
# Weights of a sentence's score, tuned with `citebot eval --questions` (see
# benchmarks/hybrid.py): its own similarity to the question, its chunk's (the context), and
# the share of the question's content words it contains, weighted by their rarity.
_SENTENCE, _CHUNK, _OVERLAP = 0.5, 0.3, 0.3
_WORD = re.compile(r"[\w’']+")
_STOP = frozenset(
    "a an and are as at be by did do does for from had has have how i in is it of on or "
    "say said says that the their there this to was were what when where which who whom "
    "whose why will with about after before been being into than then they them he she his "
    "her its can could would should any all also".split()
)


@dataclass(frozen=True)
class Candidate:
    source: str
    title: str | None
    start: int
    end: int
    text: str
    score: float


def terms(text: str) -> set[str]:
    """Content words, lower-cased, possessives dropped, stemmed with the lexical index's
    stemmer ("China’s" → "china", "recruited" → "recruit"), so they match its vocabulary."""
    words = (re.sub(r"[’']s$", "", w.lower()) for w in _WORD.findall(text))
    kept = [w for w in words if w not in _STOP and (len(w) > 2 or w.isdigit())]
    # a stemmer per call: PyStemmer objects are not thread-safe, and one costs under 1 µs
    return set(Stemmer.Stemmer("english").stemWords(kept))


def candidates(
    chunks: Sequence[ScoredChunk],
    sentence_vecs: dict[tuple[str, int, int], np.ndarray],
    q_vec: np.ndarray,
    q_terms: Mapping[str, float],
) -> list[Candidate]:
    """Every sentence of the retrieved chunks, scored against the question. ``q_terms``
    maps the question's terms to their weights (``LexicalIndex.idf``): a rare name or
    number shared with the question counts for more than a word every article uses."""
    total = sum(q_terms.values())
    best: dict[tuple[str, int, int], Candidate] = {}
    for sc in chunks:
        c = sc.chunk
        for span in c.sentences:
            key = (c.source, span.start, span.end)
            vec = sentence_vecs.get(key)
            if vec is None:
                continue
            text = c.text[span.start - c.start : span.end - c.start]
            shared = q_terms.keys() & terms(text)
            overlap = sum(q_terms[t] for t in shared) / total if total else 0.0
            score = _SENTENCE * float(vec @ q_vec) + _CHUNK * sc.score + _OVERLAP * overlap
            if key not in best or best[key].score < score:
                best[key] = Candidate(c.source, sc.title, span.start, span.end, text, score)
    return sorted(best.values(), key=lambda x: x.score, reverse=True)


def compose(
    question: str, ranked: Sequence[Candidate], *, min_score: float, max_sentences: int
) -> Answer:
    if not ranked or ranked[0].score < min_score:
        return Answer(question=question, answer=NOT_FOUND, citations=[], found=False)
    floor = max(min_score, ranked[0].score - _MARGIN)
    picked: list[Candidate] = []
    seen_text: set[frozenset[str]] = set()
    for cand in ranked:
        norm = frozenset(terms(cand.text))
        if cand.score < floor or len(picked) == max_sentences:
            break
        if norm in seen_text:  # the same sentence quoted by two articles: cite it once
            continue
        seen_text.add(norm)
        picked.append(cand)
    citations = [
        Citation(
            n=i, source=c.source, title=c.title, start=c.start, end=c.end, text=c.text,
            score=round(c.score, 4),
        )
        for i, c in enumerate(picked, start=1)
    ]
    text = " ".join(f"{c.text} [{c.n}]" for c in citations)
    return Answer(question=question, answer=text, citations=citations, found=True)
