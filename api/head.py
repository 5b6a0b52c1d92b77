"""Answer HEAD wherever GET is answered (load balancers probe with it).

FastAPI's routes serve only the methods they are declared with, so a HEAD would get 405.
Here a HEAD on a path with no HEAD route runs as GET, and the body is dropped: the status
and headers (Content-Length included) are GET's, as HTTP asks.
"""

from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD" or _served(scope, "HEAD"):
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def _served(scope: Scope, method: str) -> bool:
    """Whether a route of the app answers ``method`` on this path itself."""
    routes = scope["app"].router.routes if "app" in scope else []
    probe = {**scope, "method": method}
    return any(route.matches(probe)[0] == Match.FULL for route in routes)
