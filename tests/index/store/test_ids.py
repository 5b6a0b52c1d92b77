"""Chunk ids name their document version; spans round-trip through metadata text."""

from citebot.index.models import Span
from citebot.index.store.ids import chunk_id, parse_chunk_id, parse_spans, spans_text


def test_a_chunk_id_parses_back_even_when_the_source_holds_at_and_hash() -> None:
    source = "odd@name#1.txt"
    id_ = chunk_id(source, "ab" * 32, 7)
    assert id_ == f"{source}@{'ab' * 8}#7"
    assert parse_chunk_id(id_) == (source, "ab" * 8)


def test_spans_round_trip() -> None:
    spans = (Span(start=0, end=12), Span(start=13, end=40))
    assert parse_spans(spans_text(spans)) == spans
    assert parse_spans("") == ()
