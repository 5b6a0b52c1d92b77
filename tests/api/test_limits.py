"""``limits.BodyLimit``: a body over CITEBOT_MAX_BODY_BYTES is a JSON 413 from its raw
bytes, declared or counted as they arrive, before anything parses it, on every route."""

from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from citebot.api.app import create_app
from citebot.index.service import Citebot
from tests.api.helpers import raw_request, wait_ready
from tests.api.processes import Process


@pytest.fixture(scope="module")
def small(corpus_bot: Citebot) -> Iterator[TestClient]:
    settings = corpus_bot.settings.model_copy(update={"max_body_bytes": 2048})
    with TestClient(create_app(settings, corpus_bot)) as c:
        wait_ready(c)
        yield c


def test_body_over_the_limit_is_413(small: TestClient) -> None:
    response = small.post("/v1/ask", json={"question": "Who?", "history": [
        {"question": "q", "answer": "a" * 3000}]})
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/json"
    assert "over the limit of 2,048 bytes (CITEBOT_MAX_BODY_BYTES)" in response.json()["detail"]


def test_a_body_at_the_limit_is_served(small: TestClient) -> None:
    body = b'{"question": "Who summoned the Chinese ambassador?"}'
    body += b" " * (2048 - len(body))  # JSON allows the padding
    response = small.post("/v1/ask", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 200, response.text


def test_limit_applies_to_the_raw_body_before_parsing(small: TestClient) -> None:
    """Malformed JSON that is too large is refused for its size: nothing parsed it."""
    response = small.post("/v1/ask", content=b"{" * 4096,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_chunked_body_without_content_length_is_413(small: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"question": "Who?", "history": [{"question": "q", "answer": "'
        for _ in range(100):
            yield b"a" * 100
        yield b'"}]}'

    response = small.post("/v1/ask", content=chunks(),
                          headers={"Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413 and "2,048 bytes" in response.json()["detail"]
    assert small.post("/v1/ask", json={"question": "Who summoned the Chinese ambassador?"}
                      ).status_code == 200  # a body under the limit is still served


def test_body_limit_also_guards_routes_without_a_body(small: TestClient) -> None:
    response = small.request("GET", "/healthz", content=b"x" * 4096)
    assert response.status_code == 413 and response.json()["detail"]


def test_chunked_body_over_the_limit_is_413_on_uvicorn(served: Process,
                                                       http: httpx.Client) -> None:
    """6.5 MB sent chunked over a raw socket: the server answers 413 without reading it all
    and stays up."""
    head = (b"POST /v1/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
    status, body = raw_request(served.port, head, [chunk] * 100 + [b"0\r\n\r\n"])
    assert status == 413 and "CITEBOT_MAX_BODY_BYTES" in str(body["detail"])
    assert http.get("/healthz").status_code == 200
