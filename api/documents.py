"""``/v1/documents``: list, read, add or replace, and delete the corpus's documents."""

from pathlib import PurePosixPath
from typing import Annotated

import anyio
from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException

from citebot.api.deps import CitebotDep, SettingsDep, WriterDep
from citebot.api.errors import error_responses
from citebot.api.routing import CheckedBodyRoute, is_json
from citebot.api.schemas import (
    SOURCE_SCHEMA,
    Deleted,
    DocumentFields,
    DocumentList,
    DocumentRequest,
    Source,
    upload_schema,
)
from citebot.index.errors import InvalidInput
from citebot.index.models import Document, DocumentMeta
from citebot.index.service import Citebot
from citebot.index.text.checks import SOURCE_EXAMPLE
from citebot.settings import Settings

MAX_PAGE = 100
META = {"title", "url", "outlet", "published"}
SourcePath = Annotated[
    Source, Path(description="The document's source; it may contain slashes",
                 examples=[SOURCE_EXAMPLE], json_schema_extra=SOURCE_SCHEMA),
]
router = APIRouter(tags=["documents"], route_class=CheckedBodyRoute)


@router.get("/v1/documents", responses=error_responses(422, 503))
async def list_documents(
    bot: CitebotDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 20,
) -> DocumentList:
    """A page of the corpus's documents, sorted by source, with the total count."""
    metas, total = await anyio.to_thread.run_sync(_page, bot, offset, limit)
    return DocumentList(total=total, offset=offset, limit=limit, documents=metas)


@router.get("/v1/documents/{source:path}", responses=error_responses(400, 404, 503))
async def get_document(source: SourcePath, bot: CitebotDep) -> Document:
    """A document's full text and metadata: citations index into this ``text``."""
    return await anyio.to_thread.run_sync(bot.document, source)


@router.post(
    "/v1/documents",
    status_code=201,
    dependencies=[WriterDep],
    responses={200: {"model": DocumentMeta, "description": "An existing source replaced"},
               201: {"description": "A new document added"},
               **error_responses(401, 403, 413, 415, 422, 503)},
    openapi_extra={"requestBody": {"required": True, "content": {
        "application/json": {"schema": DocumentRequest.model_json_schema()},
        "multipart/form-data": {"schema": upload_schema()},  # docs.state_limits: the limit
    }}},
)
async def add_document(request: Request, response: Response, bot: CitebotDep,
                       settings: SettingsDep) -> DocumentMeta:
    """Add or replace a document, as JSON or as a multipart upload with a ``file`` field
    (UTF-8 text; a .html/.htm or .pdf source is stored as the text extracted from it).
    It is indexed, and answerable, when this returns."""
    fields: DocumentFields
    text: str | bytes
    if is_json(request.headers.get("content-type")):
        doc = _validate(await request.body())
        fields, text = doc, doc.text
    elif _media(request) == "multipart/form-data":
        fields, text = await _upload(request, settings)
    else:
        raise HTTPException(415, "send the document as application/json "
                                 "(source, text, title, …) or as multipart/form-data "
                                 "with a 'file' field")
    replaced = await anyio.to_thread.run_sync(_exists, bot, fields.source)
    meta = await anyio.to_thread.run_sync(_add, bot, fields, text)
    response.status_code = 200 if replaced else 201
    return meta


@router.delete("/v1/documents/{source:path}", dependencies=[WriterDep],
               responses=error_responses(400, 401, 403, 404, 503))
async def delete_document(source: SourcePath, bot: CitebotDep) -> Deleted:
    """Remove a document: its passages stop being cited at once."""
    await anyio.to_thread.run_sync(bot.delete_document, source)
    return Deleted(source=source)


def _page(bot: Citebot, offset: int, limit: int) -> tuple[list[DocumentMeta], int]:
    return bot.documents(offset, limit), bot.count()


def _exists(bot: Citebot, source: str) -> bool:
    return bot.has_document(source)


def _add(bot: Citebot, fields: DocumentFields, text: str | bytes) -> DocumentMeta:
    """Add the document; the core's complaint about an upload's text names its ``file``."""
    try:
        return bot.add_document(fields.source, text, **fields.model_dump(include=META))
    except InvalidInput as e:
        if isinstance(text, bytes) and e.field == "text":
            e.field = "file"
        raise


def _media(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _validate(body: bytes) -> DocumentRequest:
    try:
        return DocumentRequest.model_validate_json(body)
    except ValidationError as e:
        errors = [{**err, "loc": ("body", *err["loc"])} for err in e.errors(include_url=False)]
        raise RequestValidationError(errors) from None


async def _upload(request: Request, settings: Settings) -> tuple[DocumentFields, bytes]:
    """The file's bytes (the core decodes them, naming a binary or non-UTF-8 file) and fields."""
    try:
        form = await request.form(max_files=1, max_fields=10,
                                  max_part_size=settings.max_body_bytes)
    except StarletteHTTPException as e:
        if e.status_code != 400:  # Starlette's 400 is a malformed multipart body
            raise
        raise HTTPException(422, f"malformed multipart body: {e.detail}") from None
    file = form.get("file")
    if not isinstance(file, UploadFile):
        raise RequestValidationError([{
            "type": "missing", "loc": ("body", "file"),
            "msg": "upload the document as a file (with a filename) in a field named 'file'",
        }])
    values = {k: v for k, v in form.items() if k != "file" and isinstance(v, str) and v}
    name = PurePosixPath((file.filename or "").replace("\\", "/")).name
    values.setdefault("source", name)
    try:
        fields = DocumentFields.model_validate(values)
    except ValidationError as e:
        errors = [{**err, "loc": ("body", *err["loc"])} for err in e.errors(include_url=False)]
        raise RequestValidationError(errors) from None
    return fields, await file.read()
