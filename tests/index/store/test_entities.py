"""Entities of the stored chunks: found by the write and stored with the chunks in Chroma;
otherwise computed once per version and kept in SQLite."""

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from citebot.index.ingest.loader import make_document
from citebot.index.ingest.pipeline import Ingestor
from citebot.index.models import ScoredChunk
from citebot.index.service import Citebot
from citebot.index.store import entities, records
from citebot.index.store.entities import EntityCache
from citebot.index.store.ids import chunk_id
from citebot.index.text.entities import Entity


def _retrieve(bot: Citebot, question: str, k: int = 1) -> list[ScoredChunk]:
    return bot.retriever.retrieve(question, bot.embedder.embed_queries([question])[0], k)


def test_a_write_stores_its_chunks_entities_for_every_process(
    make_bot: Callable[..., Citebot], entity_calls: Callable[[], list[int]], tmp_path: Path
) -> None:
    """Found once, by the writer, and stored with the chunk in Chroma: a process with
    another data folder (another replica) answers from them without running spaCy."""
    bot = make_bot()
    bot.add_document("notes/a.txt", "Volodymyr Zelensky spoke in Kyiv on Tuesday.")
    computed = entity_calls()
    bot.add_document("notes/b.txt", "The ministry met in Donetsk on April 9.")
    assert computed == [1]  # the new document, nothing else
    chunks = _retrieve(bot, "Where did the ministry meet?")
    assert chunks[0].chunk.source == "notes/b.txt"
    other = EntityCache(tmp_path / "replica-b" / "entities" / "citebot.db")
    got = other.of(chunks, bot.store.sentences(chunks).entities)
    assert computed == [1]  # read from the store, not recomputed
    text = "The ministry met in Donetsk on April 9."
    assert ("DATE", "April 9") in {(e.label, text[e.start : e.end])
                                   for ents in got.values() for e in ents}
    assert other._read(list(got)) == {}  # nothing needed keeping locally


def test_entities_stored_under_other_rules_are_found_again_and_kept_here(
    make_bot: Callable[..., Citebot], entity_calls: Callable[[], list[int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An archive written by another release: its stored entities are not read; this
    process finds the chunks' entities once and keeps them in its own file."""
    bot = make_bot()
    monkeypatch.setattr(records, "rules", lambda: "older")  # the writer's rules
    text = "Ukrainian troops met in Donetsk on April 9."
    bot.add_document("notes/b.txt", text)
    monkeypatch.undo()
    chunks = _retrieve(bot, "Where did the troops meet?")
    assert bot.store.sentences(chunks).entities == {}
    computed = entity_calls()
    got = bot.entities.of(chunks, {})
    assert computed == [1]
    [key] = got
    assert ("NORP", "Ukrainian") in {(e.label, text[e.start : e.end]) for e in got[key]}
    assert EntityCache(bot.settings.data_dir / "entities" / "citebot.db").of(chunks, {}) == got
    assert computed == [1]  # kept in the file: read back by another instance


def test_entities_kept_under_other_rules_are_found_again(
    make_bot: Callable[..., Citebot], entity_calls: Callable[[], list[int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot = make_bot()
    text = "Ukrainian troops met in Donetsk on April 9."
    with monkeypatch.context() as m:
        m.setattr(records, "rules", lambda: "older")  # not stored under today's rules
        bot.add_document("notes/b.txt", text)
    chunks = _retrieve(bot, "Where did the troops meet?")
    path = bot.settings.data_dir / "entities" / "citebot.db"
    # as kept by an older release, whose rules tagged "Ukrainian" a place
    monkeypatch.setattr(entities, "rules", lambda: "older")
    older = EntityCache(path)
    [key] = older.of(chunks, {})
    older._write([(key, [Entity(0, 9, "GPE")])])
    monkeypatch.undo()
    computed = entity_calls()
    got = EntityCache(path).of(chunks, {})  # the current rules: that row is not read
    assert computed == [1]
    assert ("NORP", "Ukrainian") in {(e.label, text[e.start : e.end]) for e in got[key]}
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM found WHERE rules = 'older'").fetchone() == (0,)


def test_a_cache_from_before_rules_were_kept_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "citebot.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE ents (id TEXT PRIMARY KEY, spans TEXT)")
        db.execute("INSERT INTO ents VALUES ('a', '[[0, 9, \"GPE\"]]')")
    cache = EntityCache(path)
    cache._write([("a", [Entity(0, 9, "NORP")])])
    assert cache._read(["a"]) == {"a": [Entity(0, 9, "NORP")]}
    with sqlite3.connect(path) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert "ents" not in tables


def test_refill_stores_the_entities_of_documents_stored_without_them(
    make_bot: Callable[..., Citebot], entity_calls: Callable[[], list[int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An archive written under other rules: ``refill`` finds each committed document's
    entities once (the whole text, as a write does) and stores them for every process;
    a second run has nothing to do. A killed write's leftover version is not read."""
    bot = make_bot()
    text = "The ministry met in Donetsk on April 9. " * 30  # several chunks
    with monkeypatch.context() as m:
        m.setattr(records, "rules", lambda: "older")
        bot.add_document("notes/a.txt", text)
        bot.add_document("notes/b.txt", "Volodymyr Zelensky spoke in Kyiv on Tuesday.")
        real_upsert = bot.store._docs.upsert
        m.setattr(bot.store._docs, "upsert", lambda *a, **k: 1 / 0)  # a write that fails
        with pytest.raises(ZeroDivisionError):
            bot.add_document("notes/b.txt", "A version never committed.")
        m.setattr(bot.store._docs, "upsert", real_upsert)
    # written as a release before stored entities wrote: no entity fields at all
    Ingestor(bot.settings, bot.embedder, bot.store).write(
        [make_document("notes/c.txt", "Lin Jian spoke in Beijing on Monday.")])
    bot.lexical.catch_up()
    assert len(bot.store.entity_gaps()) == 4  # three committed versions and the leftover
    computed = entity_calls()
    assert bot.refill_entities() == 3
    assert computed == [3]  # the documents in one spaCy run, chunk by chunk never
    assert [s for s, _ in bot.store.entity_gaps()] == ["notes/b.txt"]  # the leftover only
    chunks = _retrieve(bot, "When did the ministry meet?", 5)
    stored = bot.store.sentences(chunks).entities
    assert len(stored) == len(chunks) > 1
    for sc in chunks:  # each chunk's own entities, at document offsets
        ents = stored[chunk_id(sc.chunk.source, sc.doc_hash, sc.chunk.index)]
        assert ents and all(sc.chunk.start <= e.start < e.end <= sc.chunk.end for e in ents)
        doc = bot.document(sc.chunk.source).text
        assert {"notes/a.txt": "April 9", "notes/b.txt": "Tuesday",
                "notes/c.txt": "Monday"}[sc.chunk.source] in {
            doc[e.start : e.end] for e in ents}
    assert bot.refill_entities() == 0 and computed == [3]
