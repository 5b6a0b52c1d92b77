"""Keep credentials out of the access log.

The API takes its key only in the ``Authorization`` header and refuses one in the query
string, but uvicorn's access log records every request's path with its query: a key sent
there by mistake, right or wrong, would sit in the log. ``redact`` replaces the value of
every query parameter named like a credential.
"""

import logging
import re
from urllib.parse import unquote_plus

SENSITIVE = re.compile(r"key|token|secret|passw|auth|credential|signature", re.IGNORECASE)
ACCESS_LOGGER = "uvicorn.access"


def redact_query(path: str) -> str:
    """``/v1/ask?api_key=abc&x=1`` -> ``/v1/ask?api_key=[redacted]&x=1``; parameters are
    matched on the raw (undecoded) names, which is also how a client would send them."""
    base, mark, query = path.partition("?")
    if not mark:
        return path
    parts = []
    for pair in query.split("&"):
        name, equals, _ = pair.partition("=")
        hidden = SENSITIVE.search(unquote_plus(name))
        parts.append(f"{name}{equals or '='}[redacted]" if hidden else pair)
    return f"{base}?{'&'.join(parts)}"


class RedactQuery(logging.Filter):
    """On uvicorn's access records (args: client, method, path, HTTP version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 5 and isinstance(args[2], str):
            record.args = (args[0], args[1], redact_query(args[2]), args[3], args[4])
        return True


def install() -> None:
    """Idempotent: uvicorn configures its loggers before the app starts, keeping filters."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, RedactQuery) for f in logger.filters):
        logger.addFilter(RedactQuery())
