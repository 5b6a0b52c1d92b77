"""Request and response bodies of the HTTP API (answers and documents reuse the core's models).

The request models check what only the edge can: JSON types (strict mode: ``"5"`` is not an
integer and ``null`` is not a list), required fields, the ``format`` literal.
Lengths, blankness and ``top_k``'s range are the core's checks (``Citebot.check_question``,
``check_top_k``, ``check_quote``, ``add_document``), made once there and reported as the
field's error (``errors.py``); ``/openapi.json`` states this deployment's limits all the
same (``docs.state_limits``).
"""

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, JsonValue

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
from citebot.index.verify.verdicts import MAX_SPEAKER_CHARS

NON_BLANK = f"[^{SPACE}]"  # the schema's pattern of a text field: one non-space character
URL_PATTERN = rf"^(?:{WEB_URL})?$"  # the core's rule (``web_url``); empty means no URL
# ``check_source``'s rule, as the schema of a source
SOURCE_SCHEMA: dict[str, JsonValue] = {"pattern": SOURCE_PATTERN, "maxLength": SOURCE_MAX}


def _source(value: str) -> str:
    """The core's rule (``check_source``), reported as a validation error of the field."""
    try:
        return check_source(value)
    except InvalidInput as e:
        raise ValueError(str(e)) from None


def _integral(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


# A source in a path is checked here, where a malformed one is a 400 (a bad request line),
# not the 422 of a bad body field: the core checks a source sent in a body.
Source = Annotated[str, AfterValidator(_source)]
# Text the core requires to be non-blank; the pattern shows clients that rule.
Text = Annotated[str, Field(json_schema_extra={"pattern": NON_BLANK})]
# An integer that counts 15.0 as one, as JSON Schema does (strict mode alone refuses it).
Integral = Annotated[int, BeforeValidator(_integral)]


class _Request(BaseModel):
    # a misspelt field ("qestion", "topk") is refused by name, not silently ignored
    model_config = ConfigDict(strict=True, extra="forbid")


class TurnIn(_Request):
    """One earlier question and the answer the API gave to it."""

    question: str
    answer: str


class AskRequest(_Request):
    question: Text = Field(examples=["Who summoned the Chinese ambassador?"])
    top_k: Integral | None = Field(None, description="Chunks to retrieve (default CITEBOT_TOP_K)")
    history: list[TurnIn] = Field(
        default_factory=list,
        description="Earlier turns of this conversation, oldest first, to resolve follow-up "
        "questions such as 'What did he say about weapons?'. The server keeps no state.",
    )


class VerifyRequest(_Request):
    quote: Text = Field(examples=["The Chinese side has never provided lethal weapons"])
    speaker: Annotated[str, Field(json_schema_extra={"maxLength": MAX_SPEAKER_CHARS})] | None = (
        Field(None, examples=["Lin Jian"], description="Who the quote is attributed to, if anyone")
    )
    format: Literal["verdict", "claimreview"] = Field(
        "verdict", description="'claimreview' adds schema.org ClaimReview JSON-LD"
    )


class DocumentFields(_Request):
    """A document's source and metadata (the fields of a multipart upload besides the file)."""

    source: str = Field(
        description="Path relative to the corpus root; an existing source is replaced",
        examples=[SOURCE_EXAMPLE], json_schema_extra=SOURCE_SCHEMA,
    )
    title: str | None = None
    url: str | None = Field(None, json_schema_extra={"pattern": URL_PATTERN},
                            examples=["https://example.org/news/a"])
    outlet: str | None = None
    published: str | None = Field(None, examples=["2025-04-09"])


class DocumentRequest(DocumentFields):
    text: Text = Field(description="The document's text, exactly as it will be cited")


def upload_schema(max_document_chars: int | None = None) -> dict[str, Any]:
    """OpenAPI schema of the multipart form (FastAPI cannot derive it: one route takes both)."""
    limit = f"{max_document_chars:,}" if max_document_chars else "CITEBOT_MAX_DOCUMENT_CHARS"
    optional = {"type": "string"}
    return {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary",
                     "description": "UTF-8 text, or HTML (.html/.htm: its declared charset) "
                                    "or PDF (.pdf), stored as the text extracted from it; at "
                                    f"most {limit} characters"},
            "source": {"type": "string", **SOURCE_SCHEMA,
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
