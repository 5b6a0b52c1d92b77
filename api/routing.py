"""A route class that reads the raw body before FastAPI parses it.

Reading it here applies the body size limit (``limits.BodyLimit``, counted on the bytes as
they arrive) on every route, whether or not it uses the body, and refuses with a 422 naming
the problem a JSON body that is not UTF-8 or is nested deeper than Python's parser goes:
FastAPI would answer a generic 400 "There was an error parsing the body".
"""

from collections.abc import Callable, Coroutine
from email.message import Message
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute


def is_json(content_type: str | None) -> bool:
    if not content_type:
        return False
    header = Message()
    header["content-type"] = content_type
    subtype = header.get_content_subtype()
    return header.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


class CheckedBodyRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def checked(request: Request) -> Response:
            body = await request.body()  # cached: the handler below reads the same bytes
            if body and is_json(request.headers.get("content-type")):
                try:
                    body.decode("utf-8")
                except UnicodeDecodeError as e:
                    raise RequestValidationError([{
                        "type": "utf8_invalid", "loc": ("body",),
                        "msg": f"not valid UTF-8 (byte {body[e.start]:#04x} at "
                               f"offset {e.start}); send JSON encoded as UTF-8",
                    }]) from None
                await _parse(request)
            return await handler(request)

        return checked


async def _parse(request: Request) -> None:
    """Parse the JSON body once, as FastAPI would (it reuses the parsed value), to name a
    body too deeply nested; malformed JSON is left to FastAPI, which says where it breaks."""
    try:
        await request.json()
    except RecursionError:
        raise RequestValidationError([{
            "type": "json_too_deep", "loc": ("body",),
            "msg": "the JSON is nested too deeply to read (thousands of levels); a request "
                   "body needs at most three, e.g. {\"question\": \"…\", \"history\": "
                   "[{\"question\": \"…\", \"answer\": \"…\"}]}",
        }]) from None
    except ValueError:  # not JSON: FastAPI's own parse reports where
        pass
