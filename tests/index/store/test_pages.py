"""Reading a Chroma collection in pages of at most BATCH ids (one call would be refused)."""

from pathlib import Path
from typing import Any

from citebot.index.settings import CoreSettings as Settings
from citebot.index.store.layout import connect
from citebot.index.store.pages import BATCH, of_sources, page_lists, pages, versions_of


def filled(tmp_path: Path, n: int) -> Any:
    """A collection of n records spread over three sources."""
    client = connect(Settings(data_dir=tmp_path))
    collection = client.get_or_create_collection("paged", embedding_function=None)
    for start in range(0, n, BATCH):
        ids = [f"r{i:06d}" for i in range(start, min(n, start + BATCH))]
        collection.add(ids=ids, embeddings=[[1.0]] * len(ids), documents=ids,
                       metadatas=[{"source": f"s{int(i[1:]) % 3}"} for i in ids])
    return collection


def test_every_record_is_read_once_past_one_call(tmp_path: Path) -> None:
    n = BATCH + 123
    collection = filled(tmp_path, n)
    sizes = [len(page[0]) for page in page_lists(collection, ["documents"])]
    assert sizes == [BATCH, 123]
    seen = dict(pages(collection, ["metadatas"]))
    assert len(seen) == n and seen["r000004"] == {"source": "s1"}


def test_a_full_last_page_ends_with_an_empty_one(tmp_path: Path) -> None:
    collection = filled(tmp_path, BATCH)
    assert [len(page[0]) for page in page_lists(collection, [])] == [BATCH, 0]


def test_records_of_some_sources(tmp_path: Path) -> None:
    collection = filled(tmp_path, 30)
    got = versions_of(collection, ["s0", "s2"])
    assert sorted(i for i, _ in got) == [f"r{i:06d}" for i in range(30) if i % 3 != 1]
    [[ids, texts]] = list(of_sources(collection, ["s1"], ["documents"]))
    assert sorted(ids) == sorted(texts) == [f"r{i:06d}" for i in range(30) if i % 3 == 1]
    assert versions_of(collection, []) == []


def test_records_of_one_source_past_one_call(tmp_path: Path) -> None:
    client = connect(Settings(data_dir=tmp_path))
    collection = client.get_or_create_collection("one", embedding_function=None)
    n = 2 * BATCH + 7
    for start in range(0, n, BATCH):
        ids = [f"r{i:06d}" for i in range(start, min(n, start + BATCH))]
        collection.add(ids=ids, embeddings=[[1.0]] * len(ids),
                       metadatas=[{"source": "big"}] * len(ids))
    assert len({i for i, _ in versions_of(collection, ["big"])}) == n
