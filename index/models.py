"""Typed results shared by every surface, so the CLI, the API and the bot say the same thing."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

VerdictKind = Literal["verified", "unattributed", "altered", "misattributed", "not_found"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class DocumentMeta(_Frozen):
    """What is known about one stored document."""

    source: str = Field(description="Path relative to the corpus root, e.g. '000_x.txt'")
    title: str | None = None
    hash: str = Field(description="SHA-256 of the document's UTF-8 text")
    chunks: int = 0
    chars: int = 0
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    stamp: str | None = Field(
        None, description="The file's size and modification time when it was read (and its "
        "sidecar's): an ingest skips a file whose stamp is unchanged without reading it"
    )


class Document(_Frozen):
    """A document's full text with its metadata."""

    meta: DocumentMeta
    text: str


class Span(_Frozen):
    """A character range ``[start, end)`` of a document."""

    start: int
    end: int


class Chunk(_Frozen):
    """A retrieval unit: a run of whole sentences of one document."""

    source: str
    index: int
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]


class ScoredChunk(_Frozen):
    chunk: Chunk
    title: str | None
    score: float
    doc_hash: str = Field("", description="The committed version the chunk belongs to")


def source_label(source: str, title: str | None, outlet: str | None = None,
                 published: str | None = None, opening: str | None = None) -> str:
    """What a reader cites a document by: "Title — Outlet, date (file)", or, without a
    title, the document's first words in quotation marks, then the file name."""
    named = title or (f"“{opening}”" if opening else None)
    details = ", ".join(x for x in (outlet, published) if x)
    head = " — ".join(x for x in (named, details) if x)
    return f"{head} ({source})" if head else source


_LABEL = ("Title, outlet and date when known, else the first words; then the source: "
          "'Title — Outlet, 2025-04-09 (a.txt)'")


class _Identified(_Frozen):
    """A passage's document as a reader knows it: every surface shows ``label``."""

    source: str
    title: str | None
    outlet: str | None = None
    published: str | None = Field(None, description="The date the document gives, as given")
    opening: str | None = Field(None, description="The document's first words (… if cut)")

    @computed_field(description=_LABEL)  # type: ignore[prop-decorator]
    @property
    def label(self) -> str:
        return source_label(self.source, self.title, self.outlet, self.published, self.opening)


class Citation(_Identified):
    """A verbatim passage: ``text`` is exactly the source's characters ``[start:end]``."""

    n: int = Field(description="The number of the [n] marker in the answer")
    start: int
    end: int
    text: str
    score: float
    url: str | None = Field(None, description="Text-fragment link (url#:~:text=…) if known")


class Short(_Frozen):
    """The few words that answer the question (a name, a place, a date, a number): verbatim
    from citation ``n``'s sentence, ``text`` is exactly the source's ``[start:end]``."""

    text: str
    n: int = Field(description="The citation whose sentence holds it")
    start: int
    end: int


class Answer(_Frozen):
    """An extractive answer: verbatim sentences, each followed by its ``[n]`` marker."""

    question: str
    answer: str
    citations: list[Citation]
    found: bool
    short: Short | None = Field(
        None, description="The asked-for name, place, date or number, when the best "
        "sentence holds exactly one of that kind"
    )


class IngestReport(_Frozen):
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0
    chunks: int = 0
    seconds: float = 0.0
    problems: list[str] = Field([], description="Why each skipped file was skipped")
    unsupported: list[str] = Field(
        [], description="Files of types citebot does not read, found in the folders given"
    )

    def summary(self) -> str:
        line = (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.skipped} skipped, {self.removed} removed; {self.chunks} "
            f"chunk{'' if self.chunks == 1 else 's'} embedded "
            f"in {self.seconds:.1f} s"
        )
        if self.unsupported:
            line += f"\n{unsupported_files(self.unsupported)}"
        return line


def unsupported_files(names: list[str], shown: int = 10) -> str:
    """'2 files of unsupported types skipped: a.docx, b.rtf' (the first ``shown`` named)."""
    more = f" and {len(names) - shown:,} more" if len(names) > shown else ""
    files = "file of an unsupported type" if len(names) == 1 else "files of unsupported types"
    return f"{len(names):,} {files} skipped: {', '.join(names[:shown])}{more}"


class Turn(_Frozen):
    """One earlier question and its answer, for follow-up questions."""

    question: str
    answer: str


class Match(_Identified):
    """Where a quote stands in the corpus: ``text`` is exactly the source's ``[start:end]``."""

    start: int
    end: int
    text: str
    similarity: float
    speaker: str | None = Field(None, description="Who the corpus says said it")
    differences: list[str] = Field(
        default_factory=list, description="Word-level changes, e.g. 'two → three', '- lethal'"
    )
    prefix: str = Field("", description="W3C TextQuoteSelector prefix: 32 characters before")
    suffix: str = Field("", description="W3C TextQuoteSelector suffix: 32 characters after")
    url: str | None = Field(None, description="Text-fragment link (url#:~:text=…) if known")
    quote_start: int | None = Field(
        None, description="Where the quoted words themselves begin, inside [start, end)"
    )
    quote_end: int | None = Field(None, description="Where the quoted words end")


class Verdict(_Frozen):
    """The answer to "is this quote real?" with the record that proves it."""

    quote: str
    speaker: str | None = None
    verdict: VerdictKind
    matches: list[Match] = []
    said_by_another: str | None = Field(
        None, description="An altered quote given a speaker whom no close passage names, "
        "when the closest names someone else: that person (the words and the speaker both "
        "differ from the record)"
    )
