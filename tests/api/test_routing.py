"""``routing.CheckedBodyRoute``: the raw body is read first, and a JSON body that is not
UTF-8 or is nested deeper than the parser goes is a 422 naming the problem; ``is_json``."""

import httpx
import pytest
from fastapi.testclient import TestClient

from citebot.api.routing import is_json
from tests.api.helpers import AUTH


def nested(depth: int) -> bytes:
    return b'{"question": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize("path", ["/v1/ask", "/v1/verify", "/v1/documents"])
def test_json_nested_10000_deep_is_422(http: httpx.Client, path: str) -> None:
    """On uvicorn, whose stack is the one a deep parse would exhaust."""
    response = http.post(path, content=nested(10_000), headers={
        "Content-Type": "application/json", **AUTH})
    assert response.status_code == 422, response.text
    assert "the JSON is nested too deeply" in response.json()["detail"]
    assert response.json()["errors"][0]["type"] == "json_too_deep"


@pytest.mark.parametrize("path", ["/v1/ask", "/v1/verify"])
def test_json_that_is_not_utf8_is_422_naming_the_byte(client: TestClient, path: str) -> None:
    response = client.post(path, content=b'{"quote": "caf\xe9", "question": "x"}',
                           headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 422
    assert response.json()["detail"] == ("body: not valid UTF-8 (byte 0xe9 at offset 14); "
                                         "send JSON encoded as UTF-8")


def test_malformed_json_is_left_to_fastapi_which_says_where(client: TestClient) -> None:
    response = client.post("/v1/ask", content=b'{"question": "Who?",}',
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert "the body is not valid JSON" in response.json()["detail"]
    assert "at character 20" in response.json()["detail"]


def test_a_body_that_is_not_json_is_not_parsed_as_json(client: TestClient) -> None:
    """A non-JSON content type skips the checks: the route says what it wants instead."""
    response = client.post("/v1/ask", content=b"\xff\xfe not utf-8",
                           headers={"Content-Type": "text/plain"})
    assert response.status_code == 422
    assert "Content-Type: application/json" in response.json()["detail"]


@pytest.mark.parametrize(("header", "expected"), [
    ("application/json", True), ("application/json; charset=utf-8", True),
    ("Application/JSON", True), ("application/ld+json", True),
    ("application/problem+json;charset=UTF-8", True), ("text/json", False),
    ("application/jsonx", False), ("multipart/form-data; boundary=x", False),
    ("", False), (None, False),
])
def test_is_json(header: str | None, expected: bool) -> None:
    assert is_json(header) is expected
