"""The lexical index as a cache of the store: incremental, shared through the change log,
saved atomically, rebuilt when its file is torn."""

import json
import logging
import random
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np
import pytest

from citebot.index.models import DocumentMeta
from citebot.index.service import Citebot
from citebot.index.store import changes
from citebot.index.store.lexical import SYNC_SECONDS, LexicalIndex, Scores

QUERIES = ["Chinese ambassador summoned", "quokka Rottnest", "drone factories", "wombat",
           "island council"]


def _by_id(index: LexicalIndex, query: str) -> dict[str, float]:
    scores = index.scores(query)
    return {i: float(v) for r, v in zip(scores.hits, scores.values)
            if (i := scores.ids[r]) is not None}


def test_scores_name_the_rows_that_hold_the_query_and_zero_for_the_rest() -> None:
    ids = ["a", None, "c", "d", "e"]  # row 1 was removed
    scores = Scores(ids, {"a": 0, "c": 2, "d": 3, "e": 4}, hits=np.array([0, 3, 4]),
                    values=np.array([1.5, 2.5, 0.5]), ceiling=3.0)
    assert scores.top(2) == [("d", 2.5), ("a", 1.5)]
    assert scores.top(10) == [("d", 2.5), ("a", 1.5), ("e", 0.5)]
    assert scores.of(["e", "c", "zz", "a"]) == [0.5, 0.0, 0.0, 1.5]
    nothing = Scores(ids, {"a": 0}, hits=np.zeros(0, dtype=np.int64), values=np.zeros(0))
    assert nothing.top(5) == [] and nothing.of(["a", "zz"]) == [0.0, 0.0]


def _same_as_a_fresh_build(bot: Citebot, tmp_path: Path) -> None:
    """Scores, ceilings and idf equal those of an index built from scratch from the store."""
    fresh = LexicalIndex(tmp_path / f"fresh-{time.monotonic_ns()}", bot.store)
    fresh.rebuild()
    for query in QUERIES:
        mine, theirs = _by_id(bot.lexical, query), _by_id(fresh, query)
        assert mine.keys() == theirs.keys()
        assert mine == pytest.approx(theirs, rel=1e-12, abs=1e-12)
        assert bot.lexical.scores(query).ceiling == pytest.approx(fresh.scores(query).ceiling)
    terms = {"chines", "quokka", "wombat", "never-seen"}
    assert bot.lexical.idf(terms) == pytest.approx(fresh.idf(terms))
    assert bot.lexical.check() == []


def _spy_reads(bot: Citebot) -> list[dict[str, str]]:
    """Record the versions each ``store.version_chunks`` call reads."""
    calls: list[dict[str, str]] = []
    read = bot.store.version_chunks

    def spy(metas: Mapping[str, DocumentMeta]) -> tuple[list[str], list[str]]:
        calls.append({s: m.hash for s, m in metas.items()})
        return read(metas)

    bot.store.version_chunks = spy  # type: ignore[method-assign]
    return calls


def test_a_write_reads_only_its_own_document(
    make_bot: Callable[..., Citebot], tmp_path: Path
) -> None:
    bot = make_bot()
    bot.ingest()
    reads = _spy_reads(bot)
    meta = bot.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island. " * 3)
    assert reads == [{"notes/a.txt": meta.hash}]
    _same_as_a_fresh_build(bot, tmp_path)
    bot.delete_document("notes/a.txt")
    assert reads[1:] in ([], [{}])  # a delete reads no text at all
    assert bot.lexical.search("quokka", 5) == []
    _same_as_a_fresh_build(bot, tmp_path)


def test_incremental_equals_a_fresh_build_after_random_writes(
    make_bot: Callable[..., Citebot], tmp_path: Path
) -> None:
    bot = make_bot()
    rng = random.Random(5)
    words = ("quokka wombat island council drone factory ambassador Chinese summoned "
             "Rottnest Tasmania ministry river bridge").split()
    for _ in range(24):
        source = f"notes/{rng.randrange(6)}.txt"
        if rng.random() < 0.25 and bot.has_document(source):
            bot.delete_document(source)
            continue
        sentences = [" ".join(rng.choices(words, k=rng.randint(3, 9))).capitalize() + "."
                     for _ in range(rng.randint(1, 12))]
        bot.add_document(source, " ".join(sentences))
    _same_as_a_fresh_build(bot, tmp_path)


def test_another_process_sees_a_same_size_replacement_and_a_deletion(
    make_bot: Callable[..., Citebot], tmp_path: Path
) -> None:
    """Two caches of one store: B applies A's writes from the change log, including a
    replacement with as many chunks as before (a chunk count cannot tell)."""
    a = make_bot()
    a.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
    b = LexicalIndex(tmp_path / "replica-b", a.store)
    assert [i.split("@")[0] for i, _ in b.search("quokka", 5)] == ["notes/a.txt"]
    a.add_document("notes/a.txt", "The wombat Wilma lives in Tasmania.")  # one chunk, again
    time.sleep(SYNC_SECONDS)
    assert b.search("quokka", 5) == [] and len(b.search("wombat", 5)) == 1
    a.delete_document("notes/a.txt")
    time.sleep(SYNC_SECONDS)
    assert b.search("wombat", 5) == []
    assert b.check() == []


def test_a_quiet_log_is_not_read_again(
    make_bot: Callable[..., Citebot], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once no write has come for a WINDOW, a sync reads no record; a later write is still
    seen."""
    monkeypatch.setattr(changes, "WINDOW", 2.0)
    a = make_bot()
    a.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
    b = LexicalIndex(tmp_path / "replica-b", a.store)
    read: list[int] = []
    log = a.store.changes.read
    monkeypatch.setattr(a.store.changes, "read",
                        lambda ts, **kw: read.append(len((r := log(ts, **kw))[1])) or r)
    b.search("quokka", 5)
    for _ in range(4):  # a sync a SYNC_SECONDS, for over a WINDOW
        time.sleep(SYNC_SECONDS)
        b.search("quokka", 5)
    assert read[0] > 0  # the write, within the window
    assert read[-1] == 0  # stamped a WINDOW before the last read: not read again
    a.add_document("notes/a.txt", "The wombat Wilma lives in Tasmania.")
    time.sleep(SYNC_SECONDS)
    assert b.search("quokka", 5) == [] and len(b.search("wombat", 5)) == 1
    assert b.check() == []


def _committed_lookups(bot: Citebot, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The ids each call of ``Store.committed`` (a look-up in Chroma) is given."""
    asked: list[list[str]] = []
    real = bot.store.committed
    monkeypatch.setattr(bot.store, "committed",
                        lambda ids: asked.append(list(ids)) or real(ids))
    return asked


def test_committed_versions_come_from_the_index_once_the_log_is_quiet(
    make_bot: Callable[..., Citebot], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks of a superseded version (still in Chroma until removed, or still arriving
    from a dense result) are dropped as Chroma would drop them, without asking it once the
    writes are a WINDOW old."""
    monkeypatch.setattr(changes, "WINDOW", 1.0)
    a = make_bot()
    a.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
    old = [i for i, _ in a.lexical.search("quokka", 5)]
    a.add_document("notes/a.txt", "The wombat Wilma lives in Tasmania.")
    new = [i for i, _ in a.lexical.search("wombat", 5)]
    a.add_document("notes/b.txt", "The island council met on Tuesday.")
    b = LexicalIndex(tmp_path / "replica-b", a.store)
    ids = old + new + ["notes/gone.txt@0123456789abcdef#0"]
    assert b.committed(ids) == a.store.committed(ids) == new
    time.sleep(2 * changes.WINDOW)
    b.committed(ids)  # the last sync to read the writes: a WINDOW after them
    time.sleep(SYNC_SECONDS)
    b.committed(ids)  # reads nothing: the writes are settled
    asked = _committed_lookups(a, monkeypatch)
    assert b.committed(new + old) == new
    assert asked == []


def test_a_write_elsewhere_is_seen_by_the_next_committed_check(
    make_bot: Callable[..., Citebot], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No SYNC_SECONDS of staleness: the log's head moved, so the check syncs first; the
    source just written may still be committing, so Chroma decides for it."""
    a = make_bot()
    a.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
    old = [i for i, _ in a.lexical.search("quokka", 5)]
    b = LexicalIndex(tmp_path / "replica-b", a.store)
    assert b.committed(old) == old
    a.add_document("notes/a.txt", "The wombat Wilma lives in Tasmania.")  # same size
    new = [i for i, _ in a.lexical.search("wombat", 5)]
    asked = _committed_lookups(a, monkeypatch)
    assert b.committed(old + new) == new  # at once, not a SYNC_SECONDS later
    assert asked == [old + new]  # the source was logged within the window
    a.store.changes.record(["notes/a.txt"])  # a write's first record: not committed yet
    assert b.committed(old + new) == new
    a.delete_document("notes/a.txt")
    assert b.committed(old + new) == []


def _replica_with_a_short_window(
    make_bot: Callable[..., Citebot], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Citebot, list[str], LexicalIndex]:
    """A store holding one document (its chunk ids), and another process's index of it
    that has checked them once; the change log's WINDOW is a second."""
    monkeypatch.setattr(changes, "WINDOW", 1.0)
    a = make_bot()
    a.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
    ids = [i for i, _ in a.lexical.search("quokka", 5)]
    b = LexicalIndex(tmp_path / "replica-b", a.store)
    assert b.committed(ids) == ids
    return a, ids, b


def test_a_writer_whose_clock_is_behind_is_seen_at_once(
    make_bot: Callable[..., Citebot], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its records are stamped before the window a quiet log's read starts from; the head
    moved, so they are read all the same."""
    a, old, b = _replica_with_a_short_window(make_bot, tmp_path, monkeypatch)
    time.sleep(SYNC_SECONDS + 2 * changes.WINDOW)
    b.committed(old)  # a quiet log: read from a WINDOW before this read
    clock = time.time
    monkeypatch.setattr(changes.time, "time", lambda: clock() - 10 * changes.WINDOW)
    a.add_document("notes/a.txt", "The wombat Wilma lives in Tasmania.")
    monkeypatch.setattr(changes.time, "time", clock)
    new = [i for i, _ in a.lexical.search("wombat", 5)]
    assert b.committed(old + new) == new
    assert [i for i, _ in b.search("wombat", 5)] == new


def test_a_commit_that_lands_late_is_read_once_the_window_has_passed(
    make_bot: Callable[..., Citebot], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A source whose record was read is asked of Chroma for a WINDOW (its commit may land
    without another record moving the head), then read once more and held."""
    monkeypatch.setattr(changes, "WINDOW", 1.0)
    a = make_bot()
    a.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
    old = [i for i, _ in a.lexical.search("quokka", 5)]
    b = LexicalIndex(tmp_path / "replica-b", a.store)
    a.store.changes.record(["notes/a.txt"])  # a write's record, read now by b
    assert b.committed(old) == old
    monkeypatch.setattr(a.store.changes, "record", lambda sources: None)  # lands unlogged
    a.add_document("notes/a.txt", "The wombat Wilma lives in Tasmania.")
    new = [i for i, _ in a.lexical.search("wombat", 5)]
    assert b.committed(old + new) == new  # within the window: Chroma says
    time.sleep(changes.WINDOW)
    asked = _committed_lookups(a, monkeypatch)
    assert b.committed(old + new) == new  # settled: read once more, then held
    assert asked == []
    assert [i for i, _ in b.search("wombat", 5)] == new


def test_a_settling_read_that_fails_leaves_the_source_checked_in_chroma(
    make_bot: Callable[..., Citebot], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    a, ids, b = _replica_with_a_short_window(make_bot, tmp_path, monkeypatch)
    time.sleep(changes.WINDOW)
    monkeypatch.setattr(b, "_sync", lambda: None)  # the record is not read again
    real = a.store.metas

    def lost(sources: object) -> None:
        raise ConnectionError("the store went away")

    monkeypatch.setattr(a.store, "metas", lost)
    with pytest.raises(ConnectionError):
        b.committed(ids)  # its settling read fails
    monkeypatch.setattr(a.store, "metas", real)
    asked = _committed_lookups(a, monkeypatch)
    monkeypatch.setattr(b, "_settle", lambda: None)  # no second try: still unsettled
    assert b.committed(ids) == ids
    assert asked == [ids]


def test_without_a_head_every_committed_check_asks_chroma(
    make_bot: Callable[..., Citebot], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store last written by a release that did not stamp the head: the index cannot
    tell whether it is current."""
    a = make_bot()
    a.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
    ids = [i for i, _ in a.lexical.search("quokka", 5)]
    a.store.changes._records.delete(ids=[changes._HEAD])
    asked = _committed_lookups(a, monkeypatch)
    assert LexicalIndex(tmp_path / "replica-b", a.store).committed(ids) == ids
    assert asked == [ids]


def test_a_new_process_loads_the_saved_index_and_applies_only_later_changes(
    make_bot: Callable[..., Citebot], tmp_path: Path
) -> None:
    bot = make_bot()
    bot.ingest()
    bot.close()  # saves the cache
    assert (bot.settings.lexical_dir / bot.settings.collection / "bm25.npz").exists()
    bot.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
    again = make_bot()
    reads = _spy_reads(again)
    assert [i.split("@")[0] for i, _ in again.lexical.search("quokka", 5)] == ["notes/a.txt"]
    assert list(reads[0]) == ["notes/a.txt"]  # loaded, then only the newer change applied
    assert again.lexical.check() == []


def _damage(path: Path, damage: str) -> None:
    if damage != "format 1":
        data = path.read_bytes()
        path.write_bytes({"truncate": data[: len(data) // 2], "garbage": b"\x00garbage" * 64,
                          "empty": b""}[damage])
        return
    # format 1 held no posting lists (they were sorted out at every load): read as format 2
    # it would lack keys
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files if not k.startswith(("post_", "df"))}
    meta = json.loads(arrays["meta"].tobytes().decode())
    arrays["meta"] = np.frombuffer(json.dumps({**meta, "format": 1}).encode(), dtype=np.uint8)
    with open(path, "wb") as f:
        np.savez(f, **arrays)


@pytest.mark.parametrize("damage", ["truncate", "garbage", "empty", "format 1"])
def test_a_torn_or_outdated_index_file_is_rebuilt_with_a_log_line(
    make_bot: Callable[..., Citebot], damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    bot = make_bot()
    bot.ingest()
    bot.close()
    _damage(bot.settings.lexical_dir / bot.settings.collection / "bm25.npz", damage)
    caplog.set_level(logging.WARNING, logger="citebot.lexical")
    again = make_bot()
    assert again.ask("Who summoned the Chinese ambassador?").found
    said = "format 1, not 2" if damage == "format 1" else "unreadable"
    assert any(said in r.getMessage() and "rebuilding" in r.getMessage()
               for r in caplog.records)
    assert again.lexical.check() == []


def test_a_head_a_sync_has_seen_starts_no_other(
    make_bot: Callable[..., Citebot], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A question checks its chunks in steps with the one head it read, and concurrent
    questions may have read the same head before another's sync: one sync covers it (a
    sync is a filtered read of the log, 20-56 ms at 300k chunks)."""
    a, old, b = _replica_with_a_short_window(make_bot, tmp_path, monkeypatch)
    syncs = []
    real = b._sync
    monkeypatch.setattr(b, "_sync", lambda: syncs.append(1) or real())
    first = a.store.changes.latest()
    a.add_document("notes/a.txt", "The wombat Wilma lives in Tasmania.")  # same size
    new = [i for i, _ in a.lexical.search("wombat", 5)]
    read = a.store.changes.latest()  # as a question reads it after its search
    assert read != first
    assert b.committed_at(read, old + new) == new
    assert b.committed_at(read, old + new) == new  # the question's next step
    assert len(syncs) == 1
    a.add_document("notes/b.txt", "The island council met on Tuesday.")
    assert b.committed_at(read, old + new) == new  # an earlier question's head: covered
    assert b.committed_at(first, old + new) == new  # seen by the sync before
    assert len(syncs) == 1
    assert b.committed_at(a.store.changes.latest(), old + new) == new  # a new head: syncs
    assert len(syncs) == 2
