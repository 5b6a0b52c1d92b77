"""Chunk ids name their document version; spans round-trip through metadata text."""

from citebot.index.models import Span
from citebot.index.store.ids import (
    chunk_id,
    names_version,
    parse_chunk_id,
    parse_spans,
    sources_of,
    spans_text,
)


def test_a_chunk_id_parses_back_even_when_the_source_holds_at_and_hash() -> None:
    source = "odd@name#1.txt"
    id_ = chunk_id(source, "ab" * 32, 7)
    assert id_ == f"{source}@{'ab' * 8}#7"
    assert parse_chunk_id(id_) == (source, "ab" * 8)


def test_spans_round_trip() -> None:
    spans = (Span(start=0, end=12), Span(start=13, end=40))
    assert parse_spans(spans_text(spans)) == spans
    assert parse_spans("") == ()


def test_the_sources_of_chunk_ids_in_order_of_first_appearance() -> None:
    ids = [chunk_id("b.txt", "h1", 0), chunk_id("a@x#y.txt", "h2", 3), chunk_id("b.txt", "h1", 2)]
    assert sources_of(ids) == ["b.txt", "a@x#y.txt"]
    assert sources_of([]) == []


def test_a_chunk_id_names_the_version_whose_hash_it_starts() -> None:
    h = "0123456789abcdef" * 4
    _, prefix = parse_chunk_id(chunk_id("notes/a.txt", h, 0))
    assert names_version(prefix, h)
    assert not names_version(prefix, "f" + h[1:])
