"""Store behaviour the ingest tests do not reach: paging, failed commits, duplicates,
mixed embeddings."""

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from citebot.index.service import Citebot
from citebot.index.store.chroma import Store
from citebot.index.store.layout import connect
from citebot.index.store.pages import BATCH
from citebot.settings import Settings


def test_committed_chunks_pages_past_one_chroma_call(tmp_path: Path) -> None:
    store = Store(connect(Settings(data_dir=tmp_path)), "paging", "test vectors")
    n = BATCH + 250
    rng = np.random.default_rng(0)
    store._docs.add(ids=["doc"], documents=["text"], embeddings=[[1.0]],
                    metadatas=[{"source": "doc", "hash": "h" * 64}])
    for start in range(0, n, BATCH):
        ids = [f"doc@{'h' * 16}#{i}" for i in range(start, min(n, start + BATCH))]
        store._chunks.add(ids=ids, documents=[f"text {i}" for i in ids],
                          embeddings=rng.random((len(ids), 4)).tolist(),
                          metadatas=[{"source": "doc", "doc_hash": "h" * 64}] * len(ids))
    pages = list(store.committed_chunks())
    assert len(pages) == 2  # two Chroma calls, each within its per-call limit
    ids = [i for page, _ in pages for i in page]
    texts = [t for _, page in pages for t in page]
    assert len(ids) == n == len(set(ids))
    assert texts[ids.index(f"doc@{'h' * 16}#5100")] == f"text doc@{'h' * 16}#5100"


class _FailingUpsert:
    """A docs collection whose commit (the upsert) fails: Chroma down mid-ingest."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def upsert(self, **_: Any) -> None:
        raise RuntimeError("simulated failure while committing")


def _stored_versions(bot: Citebot) -> Counter[tuple[str, str]]:
    got = bot.store._chunks.get(include=["metadatas"])
    return Counter((m["source"], m["doc_hash"]) for m in got["metadatas"])


def test_failed_commit_keeps_old_versions_and_the_retry_cleans_up(
    make_bot: Callable[..., Citebot], corpus_copy: Path
) -> None:
    bot = make_bot(corpus_dir=corpus_copy)
    bot.ingest()
    before = bot.store.hashes()
    for name in ("001_7bffb0ae13b85e22.txt", "003_c2cc60b2651c84c4.txt"):
        path = corpus_copy / name
        path.write_text(path.read_text() + "\nA sentence added about zeppelins.\n")
    broken = Citebot(bot.settings, embedder=bot.embedder)
    broken.store._docs = _FailingUpsert(broken.store._docs)
    with pytest.raises(RuntimeError, match="committing"):
        broken.ingest()
    assert bot.store.hashes() == before
    assert len({h for _, h in _stored_versions(bot)}) > len(before)  # the failed try's rows
    answer = bot.ask("What was said about zeppelins?")
    assert all("zeppelin" not in c.text for c in answer.citations)

    report = bot.ingest()
    assert (report.updated, report.unchanged) == (2, 3)
    after = bot.store.hashes()
    committed = {(s, h) for s, h in after.items()}
    stored = _stored_versions(bot)
    assert set(stored) == committed  # no leftover of the failed try, no superseded version
    metas = {m.source: m.chunks for m in bot.documents()}
    assert all(stored[(s, h)] == metas[s] for s, h in committed)
    assert any("zeppelin" in c.text for c in bot.ask("What was said about zeppelins?").citations)


def test_two_files_with_the_same_text_are_kept_apart(
    make_bot: Callable[..., Citebot], corpus_copy: Path
) -> None:
    original = corpus_copy / "000_86393d9dbeceabfc.txt"
    copy = corpus_copy / "copy_of_000.txt"
    copy.write_bytes(original.read_bytes())
    bot = make_bot(corpus_dir=corpus_copy)
    bot.ingest()
    hashes = bot.store.hashes()
    assert hashes[original.name] == hashes[copy.name]
    copy.write_text(copy.read_text() + "\nAn added closing line.\n")
    bot.ingest()
    stored = _stored_versions(bot)
    chunks = {m.source: m.chunks for m in bot.documents()}
    assert stored[(original.name, hashes[original.name])] == chunks[original.name]
    assert stored[(copy.name, bot.store.hashes()[copy.name])] == chunks[copy.name]
    assert len(stored) == 6  # one version per file


def test_a_replaced_document_keeps_none_of_the_old_metadata(
    make_bot: Callable[..., Citebot]
) -> None:
    bot = make_bot()
    bot.add_document("notes/a.txt", "The council met on Monday. Alpha beta gamma, it said.",
                     title="First title", url="https://example.org/a", published="2025-01-02")
    bot.add_document("notes/a.txt", "The council met on Tuesday. Delta epsilon, it said.")
    meta = bot.document("notes/a.txt").meta
    assert (meta.title, meta.url, meta.published) == (None, None, None)
    cited = bot.ask("What did the council say about delta epsilon?").citations
    assert cited and {c.title for c in cited} == {meta.title}  # answers and records agree


class _Killed(Exception):
    """The process dies here."""


class _DiesAt:
    """A collection whose writes count down a shared budget; the last one kills the write."""

    def __init__(self, inner: Any, budget: list[int]) -> None:
        self.inner, self.budget = inner, budget

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.inner, name)
        if name not in ("add", "upsert", "delete"):
            return attr

        def write(**kwargs: Any) -> Any:
            self.budget[0] -= 1
            if self.budget[0] < 0:
                raise _Killed(name)
            return attr(**kwargs)

        return write


# a replacement: change record, chunks, sentence vectors, change record, commit, old x2
WRITE_STEPS = 7


def _dying(bot: Citebot, steps: int) -> Citebot:
    """``bot`` with a store whose writes die after ``steps`` Chroma writes."""
    budget = [steps]
    store = bot.store
    store._chunks = _DiesAt(store._chunks, budget)
    store._vectors._collection = store._chunks
    store._sentvecs = _DiesAt(store._sentvecs, budget)
    store._docs = _DiesAt(store._docs, budget)
    store.changes._records = _DiesAt(store.changes._records, budget)
    return bot


@pytest.mark.parametrize("step", range(WRITE_STEPS))
def test_a_write_killed_at_any_step_leaves_one_whole_version_after_a_restart(
    make_bot: Callable[..., Citebot], step: int
) -> None:
    bot = make_bot()
    old = bot.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
    bot.close()
    dying = _dying(make_bot(), step)
    with pytest.raises(_Killed):
        dying.add_document("notes/a.txt", "The wombat Wilma lives in Tasmania. " * 2)
        raise _Killed("after the last step")  # the step count above is the write's
    restarted = make_bot()
    restarted.clean_up()
    committed = restarted.store.hashes()["notes/a.txt"]
    assert set(_stored_versions(restarted)) == {("notes/a.txt", committed)}
    kept = restarted.store._sentvecs.get(include=["metadatas"])["metadatas"]
    assert {(m["source"], m["doc_hash"]) for m in kept} == {("notes/a.txt", committed)}
    assert restarted.lexical.check() == []
    text = restarted.document("notes/a.txt").text
    found = restarted.lexical.search("quokka wombat", 5)
    assert len(found) == 1 and ("quokka" in text) == (committed == old.hash)


def test_a_delete_removes_its_version_by_id_and_the_next_clean_a_killed_writes(
    make_bot: Callable[..., Citebot]
) -> None:
    bot = make_bot()
    bot.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
    bot.add_document("notes/b.txt", "The wombat Wilma lives in Tasmania.")
    bot.close()
    # change record, chunks, sentence vectors: killed before the commit
    dying = _dying(make_bot(), 3)
    with pytest.raises(_Killed):
        dying.add_document("notes/a.txt", "The quokka Quentin moved to Perth. " * 2)
    restarted = make_bot()
    assert len({h for s, h in _stored_versions(restarted) if s == "notes/a.txt"}) == 2
    restarted.delete_document("notes/a.txt")
    # the committed version's chunks are gone at once; the killed write's, never
    # committed and never cited, stay until the next clean
    assert {s for s, _ in _stored_versions(restarted)} == {"notes/a.txt", "notes/b.txt"}
    assert restarted.ask("Where does Quentin live?").citations == []
    assert restarted.clean_up() > 0
    assert {s for s, _ in _stored_versions(restarted)} == {"notes/b.txt"}
    kept = restarted.store._sentvecs.get(include=["metadatas"])["metadatas"]
    assert {m["source"] for m in kept} == {"notes/b.txt"}
    assert restarted.lexical.check() == []


def test_cleaning_after_the_first_time_reads_only_the_sources_written_since(
    make_bot: Callable[..., Citebot]
) -> None:
    bot = make_bot()
    bot.ingest()
    assert bot.clean_up() == 0  # the first clean reads every record once
    store = bot.store
    read: list[object] = []
    real = store._chunks.get

    def spy(**kwargs: Any) -> Any:
        read.append(kwargs.get("where"))
        return real(**kwargs)

    store._chunks = _Spy(store._chunks, spy)
    bot.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
    read.clear()
    assert bot.clean_up() == 0
    # only the sources logged lately (this write's, and the window's before it), by a
    # filtered look-up: never a read of every record
    assert len(read) == 1 and read[0] is not None
    assert "notes/a.txt" in read[0]["source"]["$in"]  # type: ignore[index]


class _Spy:
    def __init__(self, inner: Any, get: Callable[..., Any]) -> None:
        self.inner, self.get = inner, get

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_passages_reads_the_chunks_their_sentences_and_their_documents(
    corpus_bot: Citebot,
) -> None:
    question = "How many Chinese citizens are fighting for Russia?"
    vec = corpus_bot.embedder.embed_queries([question])[0]
    ids, cosine = corpus_bot.retriever.choose(question, vec, 5, "hybrid")
    read = corpus_bot.store.passages(ids, cosine)
    chunks = corpus_bot.store.chunks_by_id(ids, cosine)
    assert read.chunks == chunks
    alone = corpus_bot.store.sentences(chunks)
    assert read.sentences.entities == alone.entities
    assert read.sentences.vectors.keys() == alone.vectors.keys()
    assert all(np.array_equal(v, alone.vectors[k]) for k, v in read.sentences.vectors.items())
    assert sorted(read.documents) == sorted({c.chunk.source for c in chunks})
    for c in chunks:  # a citation's characters are its document's at its offsets
        doc = read.documents[c.chunk.source]
        assert doc.text[c.chunk.start : c.chunk.end] == c.chunk.text


def test_passages_of_no_ids_reads_nothing(corpus_bot: Citebot) -> None:
    read = corpus_bot.store.passages([], np.zeros(4))
    assert read.chunks == [] and read.documents == {}
    assert read.sentences.vectors == {} and read.sentences.entities == {}
