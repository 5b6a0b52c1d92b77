"""``errors``: every error is JSON ``{"detail": …}`` saying what was wrong and how to fix it;
the core's ``InvalidInput`` naming a field has exactly the body of a validation error."""

import re
from collections.abc import Callable

import httpx
from fastapi.testclient import TestClient

from citebot.api.errors import describe
from tests.api.helpers import AUTH, KEY

ASSET = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*["']?"""
                   r"""\s*(?:https?:)?//|@import\s+(?:url\()?["']?(?:https?:)?//|"""
                   r"""url\(\s*["']?(?:https?:)?//""", re.IGNORECASE)


def test_wrong_method_and_path_are_json(client: TestClient) -> None:
    response = client.get("/v1/ask")
    assert response.status_code == 405 and response.headers["allow"] == "POST"
    assert response.json() == {"detail": "GET is not allowed on /v1/ask; use POST (see /docs)"}
    missing = client.get("/v2/ask")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "nothing at /v2/ask; the API is described at /docs"}


def test_405_lists_every_method_served_on_the_path(client: TestClient) -> None:
    """Starlette's Allow names the first route's methods only (GET of /v1/documents)."""
    response = client.put("/v1/documents")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"
    assert "use GET or HEAD or POST" in response.json()["detail"]
    assert client.put("/v1/documents/a.txt").headers["allow"] == "GET, HEAD, DELETE"


def test_the_cores_field_error_has_the_shape_of_a_validation_error(
    client: TestClient,
) -> None:
    by_pydantic = client.post("/v1/ask", json={"question": 42})
    by_core = client.post("/v1/ask", json={"question": "x" * 2001})
    assert by_pydantic.status_code == by_core.status_code == 422
    assert by_pydantic.json() == {"detail": "question: Input should be a valid string",
                                  "errors": [{"loc": ["body", "question"], "type": "string_type",
                                              "msg": "question: Input should be a valid string"}]}
    said = ("question: the question is 2,001 characters; the limit is 2,000 "
            "(CITEBOT_MAX_QUESTION_CHARS)")
    assert by_core.json() == {"detail": said, "errors": [
        {"loc": ["body", "question"], "type": "value_error", "msg": said}]}


def test_a_core_error_without_a_field_is_its_message(make_client: Callable[..., TestClient]
                                                     ) -> None:
    c = make_client(api_key=KEY)
    response = c.post("/v1/documents", headers=AUTH, files={"file": ("a.rtf", b"{\\rtf1}")})
    assert response.status_code == 422
    assert response.json() == {"detail": "a.rtf: a .rtf file is not a kind citebot reads; send "
                               ".txt, .md, .html, .htm or .pdf (the source's suffix says which)"}


def test_a_bad_path_is_400_a_bad_body_field_422(client: TestClient) -> None:
    path = client.get("/v1/documents/a//b.txt")
    assert path.status_code == 400
    assert path.json()["errors"][0]["loc"] == ["path", "source"]
    assert path.json()["detail"].startswith("source: 'a//b.txt' is not a relative path")


def test_describe_names_the_place_of_each_error() -> None:
    assert describe([
        {"loc": ("body", "history", 0, "answer"), "type": "missing", "msg": "Field required"},
        {"loc": ("body", 12), "type": "json_invalid", "msg": "JSON decode error",
         "ctx": {"error": "Expecting value"}},
        {"loc": ("body",), "type": "model_attributes_type", "msg": "Input should be an object"},
        {"loc": ("query", "limit"), "type": "value_error", "msg": "Value error, too many"},
    ]) == ("history.0.answer: Field required; the body is not valid JSON (Expecting value at "
           "character 12); the body must be a JSON object sent with Content-Type: "
           'application/json, e.g. {"question": "Who summoned the ambassador?"}; '
           "query.limit: too many")


def test_error_responses_are_documented(client: TestClient) -> None:
    responses = client.get("/openapi.json").json()["paths"]["/v1/ask"]["post"]["responses"]
    assert set(responses) == {"200", "413", "422", "503", "4XX"}
    assert all(r["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"} for k, r in responses.items() if k != "200")


def test_error_pages_and_the_web_page_load_nothing_from_elsewhere(http: httpx.Client) -> None:
    """On uvicorn: each error is JSON, with no link a browser would follow."""
    errors = [http.get("/nowhere"), http.delete("/healthz"),
              http.post("/v1/ask", json={}), http.get("/v1/documents/none.txt"),
              http.post("/v1/documents", json={"source": "a.txt", "text": "x"}),
              http.post("/v1/ask", content=b"x" * 6_000_000)]
    assert [r.status_code for r in errors] == [404, 405, 422, 404, 401, 413]
    for response in errors:
        assert response.headers["content-type"] == "application/json", response.text
        assert not re.search(r"https?://", response.text), response.text
    page = http.get("/")
    assert page.headers["content-type"].startswith("text/html")
    assert not ASSET.search(page.text), ASSET.search(page.text)
