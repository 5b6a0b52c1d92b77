"""``index/ask/candidates.py``: the spans worth citing (a sentence referring back is read with
the one before it), their features, match score and learned chance, computed by hand."""

import math

import numpy as np
import pytest

from citebot.index.ask import weights
from citebot.index.ask.candidates import candidates, pieces, refers_back
from citebot.index.ask.kinds import asked
from citebot.index.models import Chunk, ScoredChunk, Span
from citebot.index.store.ids import chunk_id
from citebot.index.text.entities import Entity
from citebot.index.text.tokens import terms


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("This happened on the territory of Ukraine.", True),
        ("He added, “Our military captured them.”", True),
        ("“It is a clear signal,” Zelensky said.", True),
        ("That’s not the point.", False),
        ("Thousands fled the town.", False),
        ("The army captured two men.", False),
    ],
)
def test_refers_back(sentence: str, expected: bool) -> None:
    assert refers_back(sentence) is expected


def test_a_referring_sentence_is_read_with_the_one_before_it() -> None:
    text = "Troops captured two men. This happened in Donetsk.\nThey fled."
    spans = (Span(start=0, end=24), Span(start=25, end=50), Span(start=51, end=61))
    chunk = Chunk(source="a.txt", index=0, start=100, end=161, text=text,
                  sentences=tuple(Span(start=s.start + 100, end=s.end + 100) for s in spans))
    sc = ScoredChunk(chunk=chunk, title=None, score=0.5, doc_hash="h")
    unit = np.eye(3, dtype=np.float32)
    vecs = {("a.txt", s.start, s.end): unit[i] for i, s in enumerate(chunk.sentences)}
    got = pieces([sc], vecs, unit[0])
    assert [(p.span.start, p.span.end, p.joined) for p in got] == [
        (100, 124, False),
        (100, 150, True),  # "This happened …" with the capture; its cosine is the better one
        (151, 161, False),  # "They fled." is on the next line: nothing to join
    ]
    assert got[1].cosine == 1.0


# A chunk at characters 100.. of a.txt: a sentence, one referring back to it, and one on
# the next line; each sentence's vector is a unit axis, so its cosine with the question's
# vector is that vector's coordinate.
S1 = "Vlamingh landed on the island in 1696."
S2 = "He named it after rats."
S3 = "Quokkas live there."
TEXT = f"{S1} {S2}\n{S3}"
START = 100
YEAR = Entity(START + S1.index("1696"), START + S1.index("1696") + 4, "DATE")


def _chunk(score: float = 0.5) -> ScoredChunk:
    spans, at = [], START
    for sentence, gap in ((S1, 1), (S2, 1), (S3, 0)):
        spans.append(Span(start=at, end=at + len(sentence)))
        at += len(sentence) + gap
    chunk = Chunk(source="a.txt", index=0, start=START, end=START + len(TEXT), text=TEXT,
                  sentences=tuple(spans))
    return ScoredChunk(chunk=chunk, title="Rottnest", score=score, doc_hash="h")


def _vectors(sc: ScoredChunk) -> dict[tuple[str, int, int], np.ndarray]:
    unit = np.eye(3, dtype=np.float32)
    return {("a.txt", s.start, s.end): unit[i] for i, s in enumerate(sc.chunk.sentences)}


def test_features_score_and_chance_by_hand() -> None:
    sc = _chunk()
    question = "When did Vlamingh land on the island?"  # asks for a time
    q_vec = np.array([0.6, 0.8, 0.0], dtype=np.float32)  # cosines: S1 0.6, S2 0.8, S3 0
    # two question terms of equal weight: one in S1, one in S2
    q_terms = dict.fromkeys(terms("Vlamingh rats"), 1.0)
    assert len(q_terms) == 2
    got = candidates(question, [sc], _vectors(sc), q_vec, q_terms, kind=asked(question),
                     entities={chunk_id("a.txt", "h", 0): [YEAR]})
    by_text = {c.text: c for c in got}
    joined = f"{S1} {S2}"
    assert set(by_text) == {S1, joined, S3}  # S2 only with the sentence it refers to
    log = math.log
    # [cosine, overlap, cosine - best (0.8), overlap - best (1), holds the kind, lacks it,
    #  log characters, joined]; only S1 and the joined span hold the year
    expected = {
        S1: [0.6, 0.5, -0.2, -0.5, 1.0, 0.0, log(len(S1)), 0.0],
        joined: [0.8, 1.0, 0.0, 0.0, 1.0, 0.0, log(len(joined)), 1.0],
        S3: [0.0, 0.0, -0.8, -1.0, 0.0, 1.0, log(len(S3)), 0.0],
    }
    # match score: 0.5 x cosine + 0.3 x the chunk's 0.5 + 0.3 x overlap, where a joined
    # span's overlap is its better sentence's alone (0.5), not the two together (1.0)
    scores = {S1: 0.3 + 0.15 + 0.15, joined: 0.4 + 0.15 + 0.15, S3: 0.15}
    for text, c in by_text.items():
        assert list(c.features) == pytest.approx(expected[text], abs=1e-6), text
        assert c.score == pytest.approx(scores[text], abs=1e-6), text
        assert c.chance == pytest.approx(weights.chance(expected[text]), abs=1e-6), text
        assert TEXT[c.start - START : c.end - START] == c.text  # verbatim at its offsets
        assert (c.source, c.title) == ("a.txt", "Rottnest")
    assert by_text[S1].answers == by_text[joined].answers == (YEAR,)
    assert by_text[S3].answers == ()
    assert [c.chance for c in got] == sorted((c.chance for c in got), reverse=True)


def test_without_an_asked_kind_no_span_holds_or_lacks_it() -> None:
    sc = _chunk()
    q_vec = np.array([0.6, 0.8, 0.0], dtype=np.float32)
    got = candidates("What did he say?", [sc], _vectors(sc), q_vec, {}, kind=None,
                     entities={chunk_id("a.txt", "h", 0): [YEAR]})
    assert len(got) == 3
    for c in got:
        assert c.answers == () and c.features[4:6] == (0.0, 0.0)
        assert c.features[1] == c.features[3] == 0.0  # no question terms: no overlap


def test_a_sentence_in_two_overlapping_chunks_is_one_candidate() -> None:
    first = _chunk()
    again = ScoredChunk(chunk=first.chunk.model_copy(update={"index": 1}), title="Rottnest",
                        score=0.4, doc_hash="h")
    q_vec = np.array([0.6, 0.8, 0.0], dtype=np.float32)
    got = candidates("Who landed?", [first, again], _vectors(first), q_vec, {})
    assert len(got) == 3 and len({(c.start, c.end) for c in got}) == 3


def test_sentences_without_a_vector_are_not_candidates() -> None:
    sc = _chunk()
    vectors = _vectors(sc)
    first = sc.chunk.sentences[0]
    del vectors[("a.txt", first.start, first.end)]
    q_vec = np.array([0.6, 0.8, 0.0], dtype=np.float32)
    got = candidates("Who named it?", [sc], vectors, q_vec, {})
    # without S1 there is nothing for S2 to join: it stands alone
    assert sorted(c.text for c in got) == sorted([S2, S3])
    assert candidates("Who named it?", [sc], {}, q_vec, {}) == []
    assert candidates("Who named it?", [], vectors, q_vec, {}) == []
