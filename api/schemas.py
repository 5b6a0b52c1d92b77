"""Request and response bodies of the HTTP API (answers and documents reuse the core's models).

Request models are built per app from its ``Settings`` (``ask_request``, ``document_request``)
so that ``/openapi.json`` states the configured limits and validation enforces exactly them.
Strict mode: JSON ``"5"`` is not an integer and ``null`` is not a list, as the schema says.
"""

import re
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, create_model

from citebot.index.models import DocumentMeta
from citebot.settings import Settings

# Python's whitespace (str.isspace, what str.strip removes), spelled out: a schema's "\s"
# is ECMA's, which differs (it omits \x1c-\x1f and \x85, and includes \ufeff), so a
# client following the schema would send what the validators here refuse.
_SPACE = r"\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NON_BLANK = f"[^{_SPACE}]"  # the schema's pattern of a text field: one non-space character
# index.extract.web_url's rule (an absolute http(s) address); empty means no URL
URL_PATTERN = rf"^(?:[Hh][Tt][Tt][Pp][Ss]?://[^{_SPACE}]+)?$"

# A relative path inside the corpus, as the core's ``_check_source`` accepts it: segments
# joined by single slashes, none empty, "." or ".."; no backslash or NUL; the first character
# not whitespace. A segment starts with a non-dot, or a dot and a non-dot, or two dots and
# anything: the same rule without lookaheads, which JSON Schema's regex dialect may lack.
_SEGMENT = r"(?:[^/\\.\x00]|\.[^/\\.\x00]|\.\.[^/\\\x00])[^/\\\x00]*"
SOURCE_PATTERN = (rf"^(?:[^/\\.{_SPACE}\x00]|\.[^/\\.\x00]|\.\.[^/\\\x00])[^/\\\x00]*"
                  rf"(?:/{_SEGMENT})*$")
SOURCE_MAX = 512
SOURCE_EXAMPLE = "news/2025-04-09-zelensky.txt"


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty or only whitespace; send some text")
    return value


def _source(value: str) -> str:
    if not re.fullmatch(SOURCE_PATTERN, value):
        raise ValueError(
            f"{value[:80]!r} is not a relative path inside the corpus: use names joined by "
            f"single '/', like {SOURCE_EXAMPLE!r}, with no leading '/' or whitespace, no '.' "
            "or '..' segment, no backslash"
        )
    return value


def _integral(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def bounded_int(low: int, high: int) -> Any:
    """An integer in [low, high] that counts 15.0 as one, as JSON Schema does (strict mode
    alone refuses it). The bounds come before the validator: after it, the schema would
    show pydantic's "ge"/"le" instead of JSON Schema's "minimum"/"maximum"."""
    return Annotated[int, Field(ge=low, le=high), BeforeValidator(_integral)]


Source = Annotated[
    str,
    Field(max_length=SOURCE_MAX, examples=[SOURCE_EXAMPLE],
          json_schema_extra={"pattern": SOURCE_PATTERN}),
    AfterValidator(_source),
]
NonBlank = Annotated[
    str,
    # the schema's pattern says "at least one non-space character", which the validator
    # checks with a clearer message than a regex mismatch would give
    Field(json_schema_extra={"pattern": NON_BLANK}),
    AfterValidator(_not_blank),
]


class _Request(BaseModel):
    model_config = ConfigDict(strict=True)


class TurnIn(_Request):
    """One earlier question and the answer the API gave to it."""

    question: str
    answer: str


class AskRequest(_Request):
    question: NonBlank = Field(examples=["Who summoned the Chinese ambassador?"])
    top_k: int | None = None  # bounded by ``ask_request``
    history: list[TurnIn] = Field(
        default_factory=list,
        description="Earlier turns of this conversation, oldest first, to resolve follow-up "
        "questions such as 'What did he say about weapons?'. The server keeps no state.",
    )


class VerifyRequest(_Request):
    quote: NonBlank = Field(examples=["The Chinese side has never provided lethal weapons"])
    speaker: str | None = Field(None, max_length=200, examples=["Lin Jian"],
                                description="Who the quote is attributed to, if anyone")
    format: Literal["verdict", "claimreview"] = Field(
        "verdict", description="'claimreview' adds schema.org ClaimReview JSON-LD"
    )


class DocumentFields(_Request):
    """A document's source and metadata (the fields of a multipart upload besides the file)."""

    source: Source = Field(
        description="Path relative to the corpus root; an existing source is replaced"
    )
    title: str | None = None
    url: str | None = Field(None, json_schema_extra={"pattern": URL_PATTERN},
                            examples=["https://example.org/news/a"])
    outlet: str | None = None
    published: str | None = Field(None, examples=["2025-04-09"])


class DocumentRequest(DocumentFields):
    text: NonBlank


def ask_request(settings: Settings) -> type[AskRequest]:
    """``AskRequest`` with this deployment's question and ``top_k`` limits."""
    return create_model(
        "AskRequest",
        __base__=AskRequest,
        question=(NonBlank, Field(max_length=settings.max_question_chars,
                                  examples=["Who summoned the Chinese ambassador?"])),
        top_k=(bounded_int(1, settings.max_top_k) | None,
               Field(None, description="Chunks to retrieve (default CITEBOT_TOP_K)")),
    )


def verify_request(settings: Settings) -> type[VerifyRequest]:
    """``VerifyRequest`` with this deployment's length limit (the question limit)."""
    return create_model(
        "VerifyRequest",
        __base__=VerifyRequest,
        quote=(NonBlank, Field(max_length=settings.max_question_chars,
                               examples=["The Chinese side has never provided lethal weapons"])),
    )


def document_request(settings: Settings) -> type[DocumentRequest]:
    """``DocumentRequest`` with this deployment's document size limit."""
    return create_model(
        "DocumentRequest",
        __base__=DocumentRequest,
        text=(NonBlank, Field(max_length=settings.max_document_chars,
                              description="The document's text, exactly as it will be cited")),
    )


def upload_schema(settings: Settings) -> dict[str, Any]:
    """OpenAPI schema of the multipart form (FastAPI cannot derive it: one route takes both)."""
    optional = {"type": "string"}
    return {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary",
                     "description": "UTF-8 text, or HTML (.html/.htm: its declared charset) "
                                    "or PDF (.pdf), stored as the text extracted from it; at "
                                    f"most {settings.max_document_chars:,} characters"},
            "source": {"type": "string", "pattern": SOURCE_PATTERN, "maxLength": SOURCE_MAX,
                       "description": "Defaults to the file's name"},
            "title": optional, "url": {"type": "string", "pattern": URL_PATTERN},
            "outlet": optional, "published": optional,
        },
    }


class DocumentList(BaseModel):
    total: int = Field(description="Documents in the corpus")
    offset: int
    limit: int
    documents: list[DocumentMeta]


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Readiness(BaseModel):
    ready: bool
    status: Literal["starting", "ready", "failed"]
    model_loaded: bool
    store_reachable: bool
    documents: int | None = Field(description="Documents in the store, when reachable")
    detail: str | None = Field(None, description="What is happening or what went wrong")


class ErrorBody(BaseModel):
    """Every error: ``detail`` says what was wrong and how to fix it."""

    detail: str
    errors: list[dict[str, Any]] | None = Field(
        None, description="Validation errors one by one (location, message), for 422"
    )


class Deleted(BaseModel):
    source: str
    deleted: Literal[True] = True
