"""Every sentence of the retrieved chunks as a candidate answer, with what it is scored by.

A sentence that opens by referring back ("This happened in the Donetsk region.", "He
added, …") says little on its own: it is read, scored and cited together with the sentence
before it (on the same line of the same chunk), as one verbatim span.
"""

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from citebot.index.ask import weights
from citebot.index.ask.kinds import Kind, of_kind
from citebot.index.ask.whose import others
from citebot.index.models import ScoredChunk, Span
from citebot.index.store.ids import chunk_id
from citebot.index.text.entities import Entity, in_span
from citebot.index.text.tokens import terms

# Weights of the match score, which decides whether anything answers at all (see
# ``compose``): the sentence's similarity to the question, its chunk's (the context), and
# the share of the question's content words it holds, weighted by their rarity.
_SENTENCE, _CHUNK, _OVERLAP = 0.5, 0.3, 0.3
_REFERS_BACK = re.compile(
    r"[\"“‘']?(?:this|that|these|those|it|its|he|she|his|her|they|their|such)\b"
    r"(?![’']s\b)",  # "That’s …" opens many sentences that refer to nothing
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Candidate:
    source: str
    title: str | None
    start: int
    end: int
    text: str
    score: float  # the match score (module constants above)
    chance: float  # learned: how likely the span holds the answer (``weights``)
    answers: tuple[Entity, ...]  # entities of the asked kind, document offsets
    features: tuple[float, ...]  # what ``chance`` was computed from (``weights.NAMES``)


@dataclass(frozen=True)
class _Piece:
    """A sentence, or a referring sentence with the one before it."""

    chunk: ScoredChunk
    span: Span
    cosine: float
    joined: bool
    own: int = 0  # where the sentence itself starts (after the one it refers back to)


def refers_back(sentence: str) -> bool:
    return bool(_REFERS_BACK.match(sentence))


def pieces(chunks: Sequence[ScoredChunk],
           sentence_vecs: Mapping[tuple[str, int, int], np.ndarray],
           q_vec: np.ndarray) -> list[_Piece]:
    """The spans to score: each sentence, a referring one joined to the sentence before it
    (its cosine is the better of the two: one of them holds what the question asks)."""
    out: list[_Piece] = []
    for sc in chunks:
        c = sc.chunk
        previous: tuple[Span, float] | None = None
        for span in c.sentences:
            vec = sentence_vecs.get((c.source, span.start, span.end))
            if vec is None:
                previous = None
                continue
            cosine = float(vec @ q_vec)
            text = c.text[span.start - c.start : span.end - c.start]
            between = c.text[previous[0].end - c.start : span.start - c.start] if previous else ""
            if previous and "\n" not in between and refers_back(text):
                joined = Span(start=previous[0].start, end=span.end)
                out.append(_Piece(sc, joined, max(cosine, previous[1]), True, span.start))
            else:
                out.append(_Piece(sc, span, cosine, False))
            previous = (span, cosine)
    return out


def candidates(
    question: str,
    chunks: Sequence[ScoredChunk],
    sentence_vecs: Mapping[tuple[str, int, int], np.ndarray],
    q_vec: np.ndarray,
    q_terms: Mapping[str, float],
    *,
    kind: Kind | None = None,
    entities: Mapping[str, list[Entity]] | None = None,
    qualifiers: Mapping[str, str] | None = None,
) -> list[Candidate]:
    """Every span worth citing, best first by the learned chance. ``q_terms`` maps the
    question's terms to their weights (``LexicalIndex.idf``): a rare name or number shared
    with the question counts for more than a word every article uses. ``entities`` (by
    chunk id) and ``kind`` tell whether a span holds the kind of thing asked for;
    ``qualifiers`` (``whose.qualified``: "Chinese" of "Chinese soldiers") with the entities,
    whether a noun it shares with the question is the same one's."""
    total = sum(q_terms.values())
    asked = qualifiers or {}

    def overlap(text: str, offset: int, ents: Sequence[Entity]) -> float:
        shared = q_terms.keys() & terms(text)
        if asked and (nouns := shared & asked.keys()):
            # "North Korean soldiers" do not share "soldiers" with "Chinese soldiers"
            shared -= others(text, offset, ents, {n: asked[n] for n in nouns})
        return sum(q_terms[t] for t in shared) / total if total else 0.0

    rows: list[tuple[_Piece, str, float, float, tuple[Entity, ...]]] = []
    for p in pieces(chunks, sentence_vecs, q_vec):
        c = p.chunk.chunk
        text = c.text[p.span.start - c.start : p.span.end - c.start]
        cut = p.own - p.span.start
        # whether anything answers is judged by single sentences, as before spans were
        # joined: the words of two together lift questions the archive cannot answer
        # (SQuAD, left-out articles: 0.808 "found nothing" against 0.816)
        key = chunk_id(c.source, p.chunk.doc_hash, c.index)
        ents = in_span(entities or {}, key, p.span.start, p.span.end)
        start = p.span.start
        alone = (max(overlap(text[:cut], start, ents), overlap(text[cut:], p.own, ents))
                 if p.joined else overlap(text, start, ents))
        rows.append((p, text, overlap(text, start, ents), alone,
                     tuple(of_kind(kind, ents, text, start, question))))
    if not rows:
        return []
    best_cos = max(p.cosine for p, *_ in rows)
    best_overlap = max(r[2] for r in rows)
    best: dict[tuple[str, int, int], Candidate] = {}
    for p, text, shares, alone, answers in rows:
        x = features(p, text, shares, answers, kind, best_cos, best_overlap)
        score = _SENTENCE * p.cosine + _CHUNK * p.chunk.score + _OVERLAP * alone
        cand = Candidate(p.chunk.chunk.source, p.chunk.title, p.span.start, p.span.end, text,
                         score, weights.chance(x), answers, tuple(x))
        span = (cand.source, cand.start, cand.end)
        if span not in best or best[span].chance < cand.chance:
            best[span] = cand
    return sorted(best.values(), key=lambda x: x.chance, reverse=True)


def features(p: _Piece, text: str, overlap: float, answers: tuple[Entity, ...],
             kind: Kind | None, best_cos: float, best_overlap: float) -> list[float]:
    """The numbers ``weights.NAMES`` names, in that order. The chunk's cosine and its
    retrieval rank were tried too: they added nothing on SQuAD, and on the sample corpus
    they held back sentences of a lower chunk that answer better."""
    return [
        p.cosine,
        overlap,
        p.cosine - best_cos,
        overlap - best_overlap,
        float(kind is not None and bool(answers)),
        float(kind is not None and not answers),
        math.log(max(len(text), 1)),
        float(p.joined),
    ]
