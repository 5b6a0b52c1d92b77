"""Every error is ``{"detail": "what was wrong and how to fix it"}``; none is a 500 for a client.

The core raises ``CitebotError`` subclasses with such messages; this module maps them to
status codes and rewrites FastAPI's and Starlette's own errors (validation, 404, 405) into
the same shape. An ``InvalidInput`` naming its field (the core checks lengths, blankness and
ranges) gets the body of a validation error of that field: clients see one shape for both.
"""

from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from citebot.api.deps import RETRY_SECONDS
from citebot.api.schemas import ErrorBody
from citebot.index.errors import (
    CitebotError,
    DataFolderBusy,
    DocumentNotFound,
    EmptyCorpus,
    InvalidInput,
    StoreUnavailable,
    UnreadableFile,
)

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
STATUS: Mapping[type[CitebotError], int] = {
    DocumentNotFound: 404,
    InvalidInput: 422,
    UnreadableFile: 422,
    EmptyCorpus: 422,
    StoreUnavailable: 503,
    DataFolderBusy: 503,
}


def error_responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the given error codes, and "4XX" for any other client error
    (405 on a wrong method, …); it also stops FastAPI documenting its own 422 body shape."""
    responses: dict[int | str, dict[str, Any]] = {code: {"model": ErrorBody} for code in codes}
    responses["4XX"] = {"model": ErrorBody, "description": "Another client error"}
    return responses


def _where(loc: Sequence[int | str]) -> str:
    parts = [str(p) for p in loc]
    if parts[:1] in (["body"], ["path"]):
        parts = parts[1:]
    return ".".join(parts) or "body"


def describe(errors: Sequence[Mapping[str, Any]]) -> str:
    """One readable line per error: ``top_k: Input should be less than or equal to 50``."""
    lines = []
    for e in errors:
        where, kind, msg = _where(e["loc"]), e["type"], str(e["msg"])
        msg = msg.removeprefix("Value error, ")
        if kind == "json_invalid":
            at = e["loc"][-1]
            error = str(e.get("ctx", {}).get("error", "")).strip()
            # the decoder's own message may end in "at" ("Unterminated string starting at")
            place = "" if not isinstance(at, int) else \
                f" character {at}" if error.endswith(" at") else f" at character {at}"
            lines.append(f"the body is not valid JSON ({error}{place})")
        elif kind == "extra_forbidden":
            lines.append(f"{where}: not a field of this request (misspelt?); the fields are "
                         "listed at /docs")
        elif kind in ("model_attributes_type", "dict_type", "model_type") and where == "body":
            lines.append("the body must be a JSON object sent with Content-Type: "
                         'application/json, e.g. {"question": "Who summoned the ambassador?"}')
        else:
            lines.append(f"{where}: {msg}")
    return "; ".join(lines)


def _clean(errors: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    # ``input`` may echo megabytes of the request and ``ctx`` may hold exception objects
    return [{"loc": list(e["loc"]), "type": e["type"], "msg": describe([e])} for e in errors]


def _invalid(errors: Sequence[Mapping[str, Any]], status: int = 422) -> JSONResponse:
    return JSONResponse(
        ErrorBody(detail=describe(errors), errors=_clean(errors)).model_dump(exclude_none=True),
        status_code=status,
    )


async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    # A malformed path (a source that escapes the corpus) is a bad request, not bad content.
    return _invalid(errors, 400 if errors and all(e["loc"][0] == "path" for e in errors)
                    else 422)


async def _core(request: Request, exc: CitebotError) -> JSONResponse:
    if isinstance(exc, InvalidInput) and exc.field:
        return _invalid([{"loc": ("body", exc.field), "type": "value_error", "msg": str(exc)}])
    status = next((code for kind, code in STATUS.items() if isinstance(exc, kind)), 500)
    # a 503 passes: say when to try again (the core logged the outage once, not per request)
    headers = {"Retry-After": str(RETRY_SECONDS)} if status == 503 else None
    return JSONResponse({"detail": str(exc)}, status_code=status, headers=headers)


def install(app: FastAPI) -> None:
    """Register the handlers that give every error the one shape."""

    async def http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":  # Starlette's unknown route
            detail = f"nothing at {request.url.path}; the API is described at /docs"
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            # Starlette's Allow names the first route on the path only (GET /v1/documents,
            # not also POST): list every method any route serves on it
            allowed = [method for method in METHODS if any(
                route.matches({**request.scope, "method": method})[0] == Match.FULL
                for route in request.app.router.routes
            )]
            if "GET" in allowed and "HEAD" not in allowed:  # HeadAsGet answers it
                allowed.insert(allowed.index("GET") + 1, "HEAD")
            headers = {"Allow": ", ".join(allowed)}
            detail = (f"{request.method} is not allowed on {request.url.path}; use "
                      f"{' or '.join(allowed)} (see /docs)")
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=headers)

    app.add_exception_handler(StarletteHTTPException, http)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation)  # type: ignore[arg-type]
    app.add_exception_handler(CitebotError, _core)  # type: ignore[arg-type]
