"""Request and response bodies of the HTTP API (answers and documents reuse the core's models).

Request models are built per app from its ``Settings`` (``ask_request``, ``document_request``)
so that ``/openapi.json`` states the configured limits and validation enforces exactly them.
Strict mode: JSON ``"5"`` is not an integer and ``null`` is not a list, as the schema says.
"""

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, create_model

from citebot.api.state import Status
from citebot.index.errors import InvalidInput
from citebot.index.ingest.extract import WEB_URL
from citebot.index.models import DocumentMeta
from citebot.index.text.checks import (
    SOURCE_EXAMPLE,
    SOURCE_MAX,
    SOURCE_PATTERN,
    SPACE,
    check_source,
)
from citebot.settings import Settings

NON_BLANK = f"[^{SPACE}]"  # the schema's pattern of a text field: one non-space character
URL_PATTERN = rf"^(?:{WEB_URL})?$"  # the core's rule (``web_url``); empty means no URL


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty or only whitespace; send some text")
    return value


def _source(value: str) -> str:
    """The core's rule (``check_source``), reported as a validation error of the field."""
    try:
        return check_source(value)
    except InvalidInput as e:
        raise ValueError(str(e)) from None


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
    status: Status
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
