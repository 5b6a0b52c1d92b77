"""Reading Chroma collections in pages: a call takes at most ``BATCH`` ids, and one call for
every record would overflow SQLite's variable limit and hold the whole archive in memory."""

from collections.abc import Iterator
from typing import Any

BATCH = 5000  # Chroma refuses more than 5,461 items per call


def of_sources(collection: Any, sources: list[str],
               include: list[str]) -> Iterator[list[list[Any]]]:
    """Every record of the given sources as [ids, *included], a page at a time."""
    for i in range(0, len(sources), BATCH):
        yield from page_lists(collection, include, {"source": {"$in": sources[i : i + BATCH]}})


def by_ids(collection: Any, ids: list[str], include: list[str]) -> Iterator[list[list[Any]]]:
    """The records of ``ids`` that exist as [ids, *included], ``BATCH`` ids a call."""
    for i in range(0, len(ids), BATCH):
        got = collection.get(ids=ids[i : i + BATCH], include=include)
        yield [got["ids"], *(got[k] for k in include)]


def versions_of(collection: Any, sources: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """(id, metadata) of every record of the given sources."""
    return [(i, m) for ids, metas in of_sources(collection, sources, ["metadatas"])
            for i, m in zip(ids, metas)]


def page_lists(collection: Any, include: list[str],
               where: dict[str, Any] | None = None) -> Iterator[list[list[Any]]]:
    """Every record (matching ``where``), a page at a time, as [ids, *included]: one call
    for more than ~32k records fails ("too many SQL variables"), and a page keeps memory
    bounded."""
    offset = 0
    while True:
        got = collection.get(where=where, include=include, limit=BATCH, offset=offset)
        yield [got["ids"], *(got[k] for k in include)]
        offset += len(got["ids"])
        if len(got["ids"]) < BATCH:
            return


def pages(collection: Any, include: list[str],
          where: dict[str, Any] | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(id, metadata) of every record (matching ``where``), paged."""
    for page in page_lists(collection, include, where):
        yield from zip(page[0], page[1])
