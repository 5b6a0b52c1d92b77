"""Reading Chroma collections in pages: a call takes at most ``BATCH`` ids, and one call for
every record would overflow SQLite's variable limit and hold the whole archive in memory."""

from collections.abc import Iterator
from typing import Any

BATCH = 5000  # Chroma refuses more than 5,461 items per call


def of_sources(collection: Any, sources: list[str],
                include: list[str]) -> Iterator[list[list[Any]]]:
    """Every record of the given sources as [ids, *included], one call per BATCH sources."""
    for i in range(0, len(sources), BATCH):
        got = collection.get(where={"source": {"$in": sources[i : i + BATCH]}},
                             include=include)
        yield [got["ids"], *(got[k] for k in include)]


def versions_of(collection: Any, sources: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """(id, metadata) of every record of the given sources."""
    return [(i, m) for ids, metas in of_sources(collection, sources, ["metadatas"])
            for i, m in zip(ids, metas)]


def page_lists(collection: Any, include: list[str]) -> Iterator[list[list[Any]]]:
    """Every record, a page at a time, as [ids, *included]: one call for all overflows
    SQLite's variable limit, and a page keeps memory bounded."""
    offset = 0
    while True:
        got = collection.get(include=include, limit=BATCH, offset=offset)
        yield [got["ids"], *(got[k] for k in include)]
        offset += len(got["ids"])
        if len(got["ids"]) < BATCH:
            return


def pages(collection: Any, include: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, metadata) of every record, paged."""
    for page in page_lists(collection, include):
        yield from zip(page[0], page[1])
