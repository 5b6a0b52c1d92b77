"""Dense, lexical and hybrid retrieval on the sample corpus, and the BM25 index's upkeep."""

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from citebot.index.service import Citebot
from citebot.index.settings import RetrievalMode
from citebot.index.store import lexical
from citebot.index.store.ids import chunk_id
from citebot.index.store.lexical import SYNC_SECONDS
from tests.conftest import CORPUS


def top_texts(bot: Citebot, question: str, mode: RetrievalMode, k: int = 3) -> list[str]:
    vec = bot.embedder.embed_queries([question])[0]
    return [sc.chunk.text for sc in bot.retriever.retrieve(question, vec, k, mode)]


# Exact names, numbers and quoted phrases: found by the lexical side, so by hybrid too.
EXACT = [
    ("Perebyinis", "Yevhen Perebyinis"),
    ("Alabuga", "Alabuga"),
    ("Hikvision", "Hikvision"),
    ("Wuhan Tongsheng Technology Co. Ltd.", "Wuhan Tongsheng"),
    ("$240 billion", "$240 billion"),
    ("155 Chinese", "at least 155 Chinese"),
    ("“decisive enabler”", "decisive enabler"),
    ("\"groundless accusations and political manipulation\"", "groundless accusations"),
]


@pytest.mark.parametrize("mode", ["lexical", "hybrid"])
@pytest.mark.parametrize(("question", "needle"), EXACT)
def test_exact_terms_are_found(
    corpus_bot: Citebot, mode: RetrievalMode, question: str, needle: str
) -> None:
    texts = top_texts(corpus_bot, question, mode)
    assert any(needle in t for t in texts), [t[:80] for t in texts]


# Paraphrases sharing (almost) no content word with the passage: the dense side finds them.
# (Hybrid ranks the last one below chunks that match "China", "Moscow" and "army" by word:
# its paraphrase share is measured over the whole question file in test_eval_questions.py.)
PARAPHRASED = [
    ("Had the prisoner ever shot a gun before?", "never even fired a weapon"),
    ("Where were the men from China taken prisoner by Ukrainian troops?", "Donetsk region"),
    ("Which firms supply optics for armoured vehicles used by Moscow?", "Hikvision"),
    ("What number of people from China serve in Moscow's army?", "155 Chinese"),
    ("Did Moscow pilfer know-how for unmanned aircraft?", "stole"),
]


@pytest.mark.parametrize(("question", "needle"), PARAPHRASED)
def test_paraphrases_are_found_densely(corpus_bot: Citebot, question: str, needle: str) -> None:
    texts = top_texts(corpus_bot, question, "dense")
    assert any(needle in t for t in texts), [t[:80] for t in texts]


def test_an_unknown_word_finds_nothing_lexically(corpus_bot: Citebot) -> None:
    assert corpus_bot.lexical.search("Zyxwvut", 5) == []
    assert corpus_bot.lexical.search("the of and", 5) == []  # stop words only
    assert top_texts(corpus_bot, "Zyxwvut", "lexical") == []


def test_rare_terms_weigh_more(corpus_bot: Citebot) -> None:
    weights = corpus_bot.lexical.idf({"chines", "perebyini", "zyxwvut"})
    assert weights["zyxwvut"] > weights["perebyini"] > weights["chines"] > 0


def test_lexical_index_follows_add_update_delete(
    make_bot: Callable[..., Citebot], tmp_path: Path
) -> None:
    bot = make_bot()
    bot.ingest([CORPUS])
    bot.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
    assert [i.split("@")[0] for i, _ in bot.lexical.search("quokka", 5)] == ["notes/a.txt"]
    bot.add_document("notes/a.txt", "The wombat Wilma lives in Tasmania.")
    assert bot.lexical.search("quokka", 5) == []
    assert top_texts(bot, "wombat Wilma", "lexical", 1) == ["The wombat Wilma lives in Tasmania."]
    # persisted next to the Chroma store: a new process loads it instead of rebuilding
    again = make_bot()
    assert (again.settings.lexical_dir / again.settings.collection / "bm25.npz").exists()
    assert top_texts(again, "wombat Wilma", "hybrid", 1) == ["The wombat Wilma lives in Tasmania."]
    bot.delete_document("notes/a.txt")
    assert bot.lexical.search("wombat", 5) == []
    # the other instance never cites it (results are checked against committed versions)...
    wombat = "The wombat Wilma lives in Tasmania."
    assert wombat not in top_texts(again, "wombat Wilma", "hybrid", 3)
    # ...and its index applies the logged deletion once its next sync is due
    time.sleep(SYNC_SECONDS)
    assert again.lexical.search("wombat", 5) == []


def test_modes_return_k_distinct_chunks(corpus_bot: Citebot) -> None:
    question = "Chinese citizens fighting for Russia"
    vec = corpus_bot.embedder.embed_queries([question])[0]
    for mode in ("dense", "lexical", "hybrid"):
        got = corpus_bot.retriever.retrieve(question, vec, 7, mode)
        keys = [(sc.chunk.source, sc.chunk.index) for sc in got]
        assert len(got) == 7 and len(set(keys)) == 7, mode


def test_a_corpus_with_no_indexable_words_still_answers(make_bot: Callable[..., Citebot]) -> None:
    bot = make_bot()
    bot.add_document("x.txt", "x")  # no term survives stop words: BM25 has no vocabulary
    bot.warm_up()
    assert bot.lexical.search("x", 5) == []
    assert not bot.ask("What is the capital of Peru?").found


def test_every_mode_scores_a_chunk_by_its_cosine(corpus_bot: Citebot) -> None:
    question = "Who summoned the Chinese ambassador?"
    vec = corpus_bot.embedder.embed_queries([question])[0]
    for mode in ("dense", "lexical", "hybrid"):
        got = corpus_bot.retriever.retrieve(question, vec, 5, mode)
        ids = [chunk_id(sc.chunk.source, sc.doc_hash, sc.chunk.index) for sc in got]
        cosine = corpus_bot.store.cosines(ids, vec)
        assert [round(sc.score, 5) for sc in got] == [round(cosine[i], 5) for i in ids], mode
    dense = corpus_bot.retriever.retrieve(question, vec, 5, "dense")
    assert [sc.score for sc in dense] == sorted((sc.score for sc in dense), reverse=True)


@pytest.mark.parametrize("mode", ["dense", "lexical", "hybrid"])
def test_a_question_reads_the_change_logs_head_once_after_its_search(
    corpus_bot: Citebot, mode: RetrievalMode, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once (each read is a round trip to a Chroma server), and after the search has
    returned: a write committed before the search has moved it, so the check syncs."""
    question = "Who summoned the Chinese ambassador?"
    vec = corpus_bot.embedder.embed_queries([question])[0]
    monkeypatch.setattr(lexical, "SYNC_SECONDS", 3600.0)  # no periodic sync in between
    corpus_bot.retriever.retrieve(question, vec, 5, mode)
    events: list[str] = []

    def logged(name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any) -> Any:
            events.append(f"{name} starts")
            out = real(*args)
            events.append(f"{name} returns")
            return out
        return call

    store, index = corpus_bot.store, corpus_bot.lexical
    monkeypatch.setattr(store.changes, "latest", logged("head", store.changes.latest))
    monkeypatch.setattr(store, "nearest", logged("nearest", store.nearest))
    monkeypatch.setattr(index, "scores", logged("scores", index.scores))
    ids, cosine = corpus_bot.retriever.choose(question, vec, 5, mode)
    assert events.count("head starts") == 1
    searches = [e for e in events if e.endswith("returns") and not e.startswith("head")]
    assert searches
    assert all(events.index(e) < events.index("head starts") for e in searches), events
    assert len(ids) == 5
    got = corpus_bot.store.chunks_by_id(ids, cosine)
    assert [chunk_id(sc.chunk.source, sc.doc_hash, sc.chunk.index) for sc in got] == ids
