"""The change log in a real (embedded) Chroma collection."""

import time
from pathlib import Path
from typing import Any

from citebot.index.store.changes import RETAIN, WINDOW, ChangeLog
from citebot.index.store.layout import connect
from citebot.settings import Settings


def _log(tmp_path: Path) -> ChangeLog:
    client = connect(Settings(data_dir=tmp_path))
    return ChangeLog(client.get_or_create_collection("t_changes", embedding_function=None))


def test_since_reads_the_window_before_a_position_oldest_first(tmp_path: Path) -> None:
    log = _log(tmp_path)
    log.record(["a.txt", "b.txt"])
    first = log.since(0.0)
    assert [c.source for c in first] == ["a.txt", "b.txt"]
    log.record(["c.txt"])
    later = log.since(first[-1].ts)  # the window's records come again: re-checked, cheap
    assert [c.source for c in later] == ["a.txt", "b.txt", "c.txt"]
    assert log.since(time.time() + WINDOW + 1) == []


def test_prune_drops_old_records_and_says_from_when(tmp_path: Path) -> None:
    log = _log(tmp_path)
    log.record(["a.txt"])
    assert log.pruned_before() == 0.0
    now = time.time()
    log.prune(now)  # nothing is old enough yet
    assert [c.source for c in log.since(0.0)] == ["a.txt"] and log.pruned_before() == 0.0
    log.prune(now + RETAIN + 1)
    assert log.since(0.0) == [] and log.pruned_before() > now


def test_more_changes_than_one_chroma_call_can_return(tmp_path: Path) -> None:
    """40,000 changes since the last clean (a large ingest): one ``get`` for all of them
    failed with "too many SQL variables"; the log reads them a page at a time."""
    log = ChangeLog(connect(Settings(data_dir=tmp_path)).get_or_create_collection(
        "big_changes", embedding_function=None))
    for start in range(0, 40_000, 5_000):
        log.record([f"s{i}" for i in range(start, start + 5_000)])
    changes = log.since(0.0)
    assert len(changes) == 40_000
    assert {c.source for c in changes} == {f"s{i}" for i in range(40_000)}


def test_the_cleaned_mark_never_moves_back(tmp_path: Path) -> None:
    log = _log(tmp_path)
    log.mark_cleaned(2000.0)
    log.mark_cleaned(1400.0)  # a later clean that holds back ten minutes of young writes
    assert log.cleaned_until() == 2000.0
    log.mark_cleaned(2500.0)
    assert log.cleaned_until() == 2500.0


def test_a_read_since_after_the_latest_write_skips_the_filtered_read(tmp_path: Path) -> None:
    """The head record says when the latest write was: a read a WINDOW past it is answered
    without Chroma's filtered scan (20–30 ms at 184k records); any write makes it read."""
    log = _log(tmp_path)
    filtered: list[object] = []
    get = log._records.get

    def spy(*args: object, **kwargs: object) -> object:
        if kwargs.get("where") is not None:
            filtered.append(kwargs["where"])
        return get(*args, **kwargs)

    log._records.get = spy  # type: ignore[method-assign]
    assert log.latest() is None
    assert log.since(0.0) == [] and len(filtered) == 1  # no head yet: read
    log.record(["a.txt"])
    stamped = log.latest()
    assert stamped is not None and stamped <= time.time()
    assert [c.source for c in log.since(stamped)] == ["a.txt"] and len(filtered) == 2
    assert log.since(stamped + WINDOW + 1) == [] and len(filtered) == 2  # skipped
    log.record(["b.txt"])
    assert [c.source for c in log.since(stamped + 0.001)] == ["a.txt", "b.txt"]
    assert len(filtered) == 3
    assert [c.source for c in log.since(0.0)] == ["a.txt", "b.txt"]  # the head is no change


class _Counted:
    """A collection that counts its write calls."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.writes = inner, 0

    def __getattr__(self, name: str) -> Any:
        if name in ("add", "upsert", "update", "delete"):
            self.writes += 1
        return getattr(self.inner, name)


def test_a_record_and_the_heads_stamp_are_one_chroma_write(tmp_path: Path) -> None:
    """A write logs twice, and each Chroma write costs ~8 ms however small."""
    counted = _Counted(connect(Settings(data_dir=tmp_path)).get_or_create_collection(
        "one_call", embedding_function=None))
    log = ChangeLog(counted)
    log.record(["a.txt", "b.txt"])
    assert counted.writes == 1
    (a, b) = log.since(0.0)
    assert log.latest() == a.ts == b.ts
    log.record(["c.txt"])
    assert counted.writes == 2
    assert log.latest() == log.since(0.0)[-1].ts > a.ts
