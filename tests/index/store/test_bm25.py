"""Incremental BM25: bm25s's scores, exact after adds and removals, saved and loaded whole."""

import math
import random

import bm25s
import numpy as np
import pytest

from citebot.index.store.bm25 import Bm25

DOCS = {
    "a": "the quick brown fox jumps over the lazy dog".split(),
    "b": "a quick brown dog outpaces a quick fox".split(),
    "c": "lazy afternoons by the river bank".split(),
    "d": "the fox and the hound".split(),
}


def _scores(bm: Bm25, query: list[str]) -> dict[str, float]:
    """Every live chunk's score (0 where it holds no term of the query)."""
    hits, values, _ = bm.scores(query)
    got = dict(zip(hits.tolist(), values.tolist()))
    return {i: got.get(r, 0.0) for r, i in enumerate(bm.ids) if i is not None}


def test_scores_are_bm25s_lucene_scores() -> None:
    bm = Bm25()
    for id_, tokens in DOCS.items():
        bm.add(id_, tokens)
    ref = bm25s.BM25()  # lucene variant, k1=1.5, b=0.75: what citebot used before
    ref.index([DOCS[i] for i in DOCS], show_progress=False)
    for query in (["quick", "fox"], ["lazy"], ["hound", "river", "dog"]):
        ids = ref.get_tokens_ids(query)
        expected = ref.get_scores(ids)
        got = _scores(bm, query)
        assert [got[i] for i in DOCS] == pytest.approx(expected.tolist(), rel=1e-5)


def test_removals_and_compaction_keep_scores_exact() -> None:
    rng = random.Random(3)
    vocab = [f"w{i}" for i in range(40)]
    live: dict[str, list[str]] = {}
    bm = Bm25()
    for _ in range(3000):  # enough removals to compact several times
        id_ = f"d{rng.randrange(1200)}"
        if id_ in live and rng.random() < 0.5:
            bm.remove(id_)
            del live[id_]
        else:
            live[id_] = rng.choices(vocab, k=rng.randint(1, 15))
            bm.add(id_, live[id_])
    fresh = Bm25()
    for id_, tokens in live.items():
        fresh.add(id_, tokens)
    assert len(bm.ids) < 3000  # compacted at least once
    for query in (["w1", "w2"], ["w39"], vocab[:10]):
        assert _scores(bm, query) == pytest.approx(_scores(fresh, query), rel=1e-12)
        assert bm.scores(query)[2] == pytest.approx(fresh.scores(query)[2])
    assert bm.idf("w5") == pytest.approx(fresh.idf("w5"))


def test_state_round_trip_keeps_every_score_and_later_writes() -> None:
    bm = Bm25()
    for id_, tokens in DOCS.items():
        bm.add(id_, tokens)
    bm.remove("c")
    state = {k: np.array(v) for k, v in bm.state().items()}
    loaded = Bm25.from_state(state)
    assert _scores(loaded, ["fox", "lazy"]) == _scores(bm, ["fox", "lazy"])
    for index in (bm, loaded):
        index.add("e", ["lazy", "river"])
        index.remove("a")
    assert _scores(loaded, ["fox", "lazy", "river"]) == pytest.approx(
        _scores(bm, ["fox", "lazy", "river"]))


def test_an_empty_index_scores_nothing() -> None:
    hits, values, ceiling = Bm25().scores(["anything"])
    assert len(hits) == len(values) == 0 and ceiling == 1.0
    assert Bm25.from_state(Bm25().state()).scores(["x"])[0].shape == (0,)


def test_a_query_leaves_nothing_behind_for_the_next() -> None:
    bm, fresh = Bm25(), Bm25()
    for id_, tokens in DOCS.items():
        bm.add(id_, tokens)
        fresh.add(id_, tokens)
    bm.scores(["quick", "fox", "dog"])  # fills rows the next query does not touch
    assert _scores(bm, ["river"]) == _scores(fresh, ["river"])
    hits, values, _ = bm.scores(["river"])
    assert [bm.ids[r] for r in hits] == ["c"] and values.tolist() == [pytest.approx(
        _scores(fresh, ["river"])["c"])]
    bm.add("e", ["river"] * 3)  # a row added after queries: its slot is there, zeroed
    assert set(_scores(bm, ["river"])) == {"a", "b", "c", "d", "e"}
    assert _scores(bm, ["river"])["e"] > _scores(bm, ["river"])["c"] > 0


def test_a_query_that_fails_half_way_leaves_nothing_behind(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from citebot.index.store import bm25

    bm = Bm25()
    for id_, tokens in DOCS.items():
        bm.add(id_, tokens)
    expected = _scores(bm, ["lazy"])
    calls = []

    def failing(n: int, df: int) -> float:
        calls.append(df)
        if len(calls) == 2:  # the first term's scores are in the scratch by now
            raise KeyboardInterrupt
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    monkeypatch.setattr(bm25, "idf", failing)
    with pytest.raises(KeyboardInterrupt):
        bm.scores(["quick", "fox"])
    monkeypatch.undo()
    assert _scores(bm, ["lazy"]) == expected
