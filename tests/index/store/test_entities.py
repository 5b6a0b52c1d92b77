"""The entity cache: entities of the stored chunks, computed once per version, in SQLite."""

from collections.abc import Callable

from citebot.index.service import Citebot
from citebot.index.store.entities import EntityCache


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
