"""Entities of the stored chunks (spaCy's small English model), cached in SQLite."""

import sqlite3
from pathlib import Path

from citebot.index.service import Citebot
from citebot.index.text.entities import EntityCache, find


def test_find_labels_people_places_dates_and_numbers() -> None:
    text = ("Ukrainian President Volodymyr Zelensky revealed on Tuesday that 155 Chinese "
            "nationals had been captured in the Donetsk region.")
    (got,) = find([text], [1000])
    spans = {text[e.start - 1000 : e.end - 1000]: e.label for e in got}
    assert spans["Volodymyr Zelensky"] == "PERSON"
    assert spans["Tuesday"] == "DATE"
    assert spans["155"] == "CARDINAL"
    # the small model tags no place here: the pattern added before it does
    assert spans["Donetsk region"] == "LOC"


def test_cache_computes_once_and_follows_the_store(corpus_bot: Citebot, tmp_path: Path) -> None:
    path = tmp_path / "entities.db"
    cache = EntityCache(path)
    assert cache.fill(corpus_bot.store) == len(corpus_bot.store.chunk_ids())
    assert cache.fill(corpus_bot.store) == 0  # nothing left to compute
    vec = corpus_bot.embedder.embed_queries(["Who summoned the Chinese ambassador?"])[0]
    chunks = corpus_bot.retriever.retrieve("Who summoned the Chinese ambassador?", vec, 3)
    got = EntityCache(path).of(chunks)  # another instance reads the same file
    for sc in chunks:
        ents = next(v for k, v in got.items() if k.startswith(sc.chunk.source + "@")
                    and k.endswith(f"#{sc.chunk.index}"))
        assert ents and all(sc.chunk.start <= e.start < e.end <= sc.chunk.end for e in ents)
    with sqlite3.connect(path) as db:  # a chunk no longer stored is dropped on the next fill
        db.execute("INSERT INTO ents VALUES ('gone.txt@0#0', '[]')")
    assert cache.fill(corpus_bot.store) == 0
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM ents WHERE id = 'gone.txt@0#0'").fetchone() == (0,)
