"""Refuse an oversized request body from its raw bytes, before anything parses it.

Hand-written rather than FastAPI's ``max_body_size``: that one answers ``text/plain`` when
the declared Content-Length is over the limit, and every error of this API is JSON.
"""

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """413 when Content-Length says too much, or as soon as the bytes received (chunked or
    not) pass ``max_bytes``; the route's error handler turns the latter into JSON too."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.message = (f"the request body is over the limit of {max_bytes:,} bytes "
                        "(CITEBOT_MAX_BODY_BYTES); send a smaller body")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await JSONResponse({"detail": self.message}, status_code=413)(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                raise HTTPException(413, self.message)
            return message

        await self.app(scope, limited, send)
