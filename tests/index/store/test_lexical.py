"""The BM25 index's rebuilds: only new chunks are read, and the result is a full rebuild's."""

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from citebot.index.service import Citebot
from citebot.index.store.lexical import LexicalIndex

QUERIES = ["Chinese ambassador summoned", "quokka Rottnest", "drone factories", "wombat"]


def _spy_reads(bot: Citebot) -> list[list[str]]:
    """Record the chunk ids each ``store.chunk_texts`` call reads."""
    calls: list[list[str]] = []
    read = bot.store.chunk_texts

    def spy(ids: Sequence[str]) -> dict[str, str]:
        calls.append(list(ids))
        return read(ids)

    bot.store.chunk_texts = spy  # type: ignore[method-assign]
    return calls


def _same_as_full_rebuild(bot: Citebot, tmp_path: Path) -> None:
    full = LexicalIndex(tmp_path / "full-rebuild", bot.store)
    full.rebuild()
    assert bot.lexical._snapshot is not None and full._snapshot is not None
    assert bot.lexical._snapshot.ids == full._snapshot.ids
    for query in QUERIES:
        mine, theirs = bot.lexical.scores(query), full.scores(query)
        np.testing.assert_allclose(mine.values, theirs.values, rtol=1e-6)
        assert mine.ceiling == theirs.ceiling
    assert bot.lexical.idf({"chines", "quokka"}) == full.idf({"chines", "quokka"})


def test_adding_a_document_reads_only_its_chunks(
    make_bot: Callable[..., Citebot], tmp_path: Path
) -> None:
    bot = make_bot()
    bot.ingest()
    before = set(bot.store.chunk_ids())
    reads = _spy_reads(bot)
    bot.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island. " * 3)
    new = set(bot.store.chunk_ids()) - before
    assert new and [set(ids) for ids in reads] == [new]
    _same_as_full_rebuild(bot, tmp_path)


def test_replacing_and_deleting_read_nothing_old_and_forget_the_old_tokens(
    make_bot: Callable[..., Citebot], tmp_path: Path
) -> None:
    bot = make_bot()
    bot.ingest()
    bot.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
    reads = _spy_reads(bot)
    bot.add_document("notes/a.txt", "The wombat Wilma lives in Tasmania.")
    assert [[i.split("@")[0] for i in ids] for ids in reads] == [["notes/a.txt"]]
    assert bot.lexical.search("quokka", 5) == []
    assert set(bot.lexical._tokens) == set(bot.store.chunk_ids())
    _same_as_full_rebuild(bot, tmp_path)  # (reads everything, through the same store)
    done = len(reads)
    bot.delete_document("notes/a.txt")
    assert reads[done:] == [[]]  # a delete reads no text at all
    assert bot.lexical.search("wombat", 5) == []
    assert set(bot.lexical._tokens) == set(bot.store.chunk_ids())
    _same_as_full_rebuild(bot, tmp_path)
