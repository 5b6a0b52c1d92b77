"""``logs``: a credential sent in the query string never reaches the access log."""

import logging

import httpx
import pytest

from citebot.api.logs import ACCESS_LOGGER, RedactQuery, install, redact_query
from tests.api.processes import Process

SECRET = "sk-do-not-log-0123456789"


def test_a_key_in_the_query_string_is_never_logged(served: Process, http: httpx.Client) -> None:
    """uvicorn's own access log, in the log of a real ``citebot serve``."""
    refused = http.post(f"/v1/documents?api_key={SECRET}&x=1",
                        json={"source": "a.txt", "text": "text"})
    assert refused.status_code == 401  # the key goes in the Authorization header only
    http.get("/v1/documents", params={"token": SECRET, "Password": SECRET, "limit": 1})
    log = served.output()
    assert SECRET not in log
    assert "POST /v1/documents?api_key=[redacted]&x=1 HTTP/1.1" in log
    assert "GET /v1/documents?token=[redacted]&Password=[redacted]&limit=1 HTTP/1.1" in log


@pytest.mark.parametrize(("path", "expected"), [
    ("/v1/ask", "/v1/ask"),
    ("/v1/ask?x=1&limit=2", "/v1/ask?x=1&limit=2"),
    ("/v1/ask?api_key=abc&x=1", "/v1/ask?api_key=[redacted]&x=1"),
    ("/a?ACCESS_TOKEN=1&client_secret=2", "/a?ACCESS_TOKEN=[redacted]&client_secret=[redacted]"),
    ("/a?pass%77ord=x", "/a?pass%77ord=[redacted]"),  # matched decoded, kept as sent
    ("/a?api_key", "/a?api_key=[redacted]"),  # a bare name holds no value, but may be one
    ("/a?x-amz-signature=s&q=key", "/a?x-amz-signature=[redacted]&q=key"),  # names, not values
])
def test_redact_query(path: str, expected: str) -> None:
    assert redact_query(path) == expected


def test_install_adds_one_filter_that_rewrites_access_records() -> None:
    logger = logging.getLogger(ACCESS_LOGGER)
    before = list(logger.filters)
    try:
        install()
        install()  # idempotent: uvicorn may start the lifespan of several apps
        assert len([f for f in logger.filters if isinstance(f, RedactQuery)]) == 1
        record = logging.LogRecord(ACCESS_LOGGER, logging.INFO, __file__, 1,
                                   '%s - "%s %s HTTP/%s" %d',
                                   ("127.0.0.1:5", "GET", "/v1/ask?token=t", "1.1", 200), None)
        assert RedactQuery().filter(record)
        assert record.getMessage() == '127.0.0.1:5 - "GET /v1/ask?token=[redacted] HTTP/1.1" 200'
    finally:
        for f in [f for f in logger.filters if f not in before]:
            logger.removeFilter(f)
