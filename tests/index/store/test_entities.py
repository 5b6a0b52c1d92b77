"""The entity cache: entities of the stored chunks, computed once per version, in SQLite."""

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from citebot.index.service import Citebot
from citebot.index.store import entities
from citebot.index.store.entities import EntityCache
from citebot.index.text.entities import Entity


def test_a_write_fills_the_cache_with_its_own_chunks_only(
    make_bot: Callable[..., Citebot], entity_calls: Callable[[], list[int]]
) -> None:
    bot = make_bot()
    bot.add_document("notes/a.txt", "Volodymyr Zelensky spoke in Kyiv on Tuesday.")
    computed = entity_calls()
    bot.add_document("notes/b.txt", "The ministry met in Donetsk on April 9.")
    assert computed == [1]  # the new document's one chunk, nothing else
    vec = bot.embedder.embed_queries(["Where did the ministry meet?"])[0]
    chunks = bot.retriever.retrieve("Where did the ministry meet?", vec, 1)
    assert chunks[0].chunk.source == "notes/b.txt"
    got = EntityCache(bot.settings.data_dir / "entities" / "citebot.db").of(chunks)
    assert computed == [1]  # read back from the file by another instance, not recomputed
    assert any(e.label == "DATE" for ents in got.values() for e in ents)


def test_entities_found_by_other_rules_are_found_again(
    make_bot: Callable[..., Citebot], entity_calls: Callable[[], list[int]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bot = make_bot()
    text = "Ukrainian troops met in Donetsk on April 9."
    bot.add_document("notes/b.txt", text)
    question = "Where did the troops meet?"
    chunks = bot.retriever.retrieve(question, bot.embedder.embed_queries([question])[0], 1)
    path = bot.settings.data_dir / "entities" / "citebot.db"
    # as kept by an older release, whose rules tagged "Ukrainian" a place
    monkeypatch.setattr(entities, "rules", lambda: "older")
    older = EntityCache(path)
    [key] = older.of(chunks)
    older._write([(key, [Entity(0, 9, "GPE")])])
    monkeypatch.undo()
    computed = entity_calls()
    got = EntityCache(path).of(chunks)  # the current rules: that row is not read
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
