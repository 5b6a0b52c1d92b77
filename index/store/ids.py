"""The ids that name what the store holds: a chunk's id names its document version, so a
result can be checked against the committed version by its id alone."""

from collections.abc import Iterable

from citebot.index.models import Span


def chunk_id(source: str, doc_hash: str, index: int) -> str:
    """The id of a chunk in Chroma and in the lexical index."""
    return f"{source}@{doc_hash[:16]}#{index}"


def parse_chunk_id(id_: str) -> tuple[str, str]:
    """(source, hash prefix) of a ``chunk_id``; the source may itself hold "@" or "#"."""
    source, _, rest = id_.rpartition("@")
    return source, rest.partition("#")[0]


def names_version(id_hash: str, doc_hash: str) -> bool:
    """Whether a chunk id's hash prefix (``parse_chunk_id``) is that of ``doc_hash``."""
    return doc_hash[: len(id_hash)] == id_hash


def spans_text(spans: tuple[Span, ...]) -> str:
    """Sentence spans as Chroma metadata (a string: metadata values are scalars)."""
    return ",".join(f"{s.start}-{s.end}" for s in spans)


def parse_spans(text: str) -> tuple[Span, ...]:
    return tuple(
        Span(start=int(a), end=int(b)) for a, b in (p.split("-") for p in text.split(",") if p)
    )


def sources_of(ids: Iterable[str]) -> list[str]:
    """The documents of the given chunk ids, in order of first appearance."""
    return list(dict.fromkeys(parse_chunk_id(i)[0] for i in ids))
