"""``head.HeadAsGet``: HEAD is answered wherever GET is, with GET's status and headers and
no body; a path with no GET keeps its 405."""

import httpx
import pytest
from fastapi.testclient import TestClient


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/", "/v1/documents",
                                  "/v1/documents/001_7bffb0ae13b85e22.txt"])
def test_head_is_answered_where_get_is(http: httpx.Client, path: str) -> None:
    """On uvicorn, which sends the headers as the app gives them."""
    get, head = http.get(path), http.head(path)
    assert get.status_code == 200, get.text
    assert head.status_code == 200 and head.content == b""
    for name in ("content-type", "content-length"):
        assert head.headers[name] == get.headers[name]


def test_head_on_a_post_only_path_is_405_naming_post(http: httpx.Client) -> None:
    response = http.head("/v1/ask")
    assert response.status_code == 405 and response.headers["allow"] == "POST"


def test_head_keeps_gets_error_status(client: TestClient) -> None:
    get, head = client.get("/v1/documents/none.txt"), client.head("/v1/documents/none.txt")
    assert get.status_code == head.status_code == 404
    assert head.content == b"" and head.headers["content-length"] == get.headers[
        "content-length"]
    assert client.head("/nowhere").status_code == 404


def test_other_methods_pass_through(client: TestClient) -> None:
    """Only HEAD is rewritten: a GET on a POST-only path is still refused."""
    response = client.get("/v1/ask")
    assert response.status_code == 405 and response.headers["allow"] == "POST"
