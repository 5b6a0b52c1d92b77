"""Compose an extractive answer: verbatim sentences from retrieved chunks, with citations."""

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import Stemmer

from citebot.index.models import Answer, Citation, ScoredChunk

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


_CLAUSE = re.compile(r"[.!?:;]\s+|^")
_NAMED = re.compile(r"[^\W_](?:[\w’'-]*[^\W_])?")  # no closing quote: 'in US'"


def named(question: str) -> list[str]:
    """What a question names: runs of capitalised words that do not start a sentence
    ("Mali", "Xi Jinping", "NATO") and numbers ("2023"), possessives dropped. When small
    words have capitals too ("WHO SENT TANKS?", "What Did He Say"), capitals say nothing:
    numbers only."""
    found: list[tuple[str, bool]] = []  # (words, is a number)
    shouting = False
    for clause in _CLAUSE.split(question):
        last = -2  # where the previous capitalised word of this clause was
        for i, word in enumerate(_NAMED.findall(clause)):
            word = re.sub(r"[’']s$", "", word)
            if word.lower() in _STOP or re.match(r"i[’']", word, re.IGNORECASE):
                # small words ("who", "did", "I'd") name nothing; capitalised inside a
                # clause, they mean the capitals are typography, not names
                shouting |= i > 0 and word[0].isupper()
                continue
            if any(ch.isdigit() for ch in word):
                found.append((word, True))
            elif i > 0 and word[0].isupper():
                if last == i - 1:  # "Xi" then "Jinping": one name
                    found[-1] = (f"{found[-1][0]} {word}", False)
                else:
                    found.append((word, False))
                last = i
    return list(dict.fromkeys(w for w, number in found if number or not shouting))


def unmentioned(question: str, chunks: Sequence[ScoredChunk]) -> list[str]:
    """The names in the question that none of the retrieved chunks mentions. Asked "What
    did Xi Jinping say about the captured soldiers?", retrieval still returns the passages
    about captured soldiers, and their sentences score well; citing them would answer a
    question nobody asked. Hand-written: no library checks an answer's coverage of the
    question. A spelling the chunks share a long prefix with counts ("Zelensky" for
    "Zelenskyy", "Japan" for "Japanese"); other transliterations ("Kiev" for "Kyiv") do
    not, and the answer then names the word, so the asker can try another spelling."""
    text = " ".join(sc.chunk.text for sc in chunks).lower()
    wanted = {  # a name in the passages word for word needs no stemming (the usual case)
        w: ts for w in named(question)
        if (ts := terms(w)) and not re.search(rf"\b{re.escape(w.lower())}\b", text)
    }
    if not wanted:
        return []
    have = terms(text)
    return [w for w, ts in wanted.items() if not all(_mentioned(t, have) for t in ts)]


def _mentioned(term: str, have: set[str]) -> bool:
    if term in have:
        return True
    for other in have:
        shared = len(os.path.commonprefix([term, other]))
        short, long = sorted((len(term), len(other)))
        # "zelenski"/"zelenskyy", "japan"/"japanes", "china"/"chines"; not "india"/"individu"
        if shared >= 4 and shared >= 0.8 * short and long - short <= 2:
            return True
    return False


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
    question: str, ranked: Sequence[Candidate], *, min_score: float, max_sentences: int,
    unmentioned: Sequence[str] = (),
) -> Answer:
    """The best sentences with their citations; "I found nothing" when none scores
    ``min_score``, or when the passages never mention a name the question asks about
    (``unmentioned``; the answer says which)."""
    if unmentioned:
        missing = ", ".join(f"“{w}”" for w in unmentioned)
        return Answer(question=question, citations=[], found=False,
                      answer=f"{NOT_FOUND} None of the passages retrieved mentions {missing}.")
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
