"""``docs``: Swagger UI served offline at ``/docs``, and ``/openapi.json`` stating this
deployment's limits (``state_limits``) though the core, not the request models, checks them."""

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from citebot.api.app import create_app
from citebot.api.schemas import NON_BLANK
from citebot.index.verify.verdicts import MAX_SPEAKER_CHARS
from citebot.settings import Settings


def _request_schemas(client: TestClient) -> dict[str, Any]:
    schema = client.get("/openapi.json").json()
    models = schema["components"]["schemas"]
    document = schema["paths"]["/v1/documents"]["post"]["requestBody"]["content"]
    return {"ask": models["AskRequest"]["properties"],
            "verify": models["VerifyRequest"]["properties"],
            "json": document["application/json"]["schema"]["properties"],
            "upload": document["multipart/form-data"]["schema"]["properties"]}


def test_docs_page_and_its_assets_are_served_locally(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assets = re.findall(r"""(?:src|href)=["'](/docs/assets/[^"']+)""", page.text)
    assert {a.rsplit("/", 1)[1] for a in assets} >= {"swagger-ui-bundle.js", "swagger-ui.css"}
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "/openapi.json" in page.text
    assert not re.search(r"(?:src|href)=[\"']https?://", page.text)  # no CDN
    assert client.get("/redoc").status_code == 404  # off rather than blank


def test_openapi_states_the_default_limits(client: TestClient) -> None:
    schemas = _request_schemas(client)
    ask, verify, json, upload = (schemas[k] for k in ("ask", "verify", "json", "upload"))
    assert ask["question"]["maxLength"] == 2000 and ask["question"]["pattern"] == NON_BLANK
    assert ask["top_k"]["anyOf"][0] == {"type": "integer", "minimum": 1, "maximum": 50}
    assert verify["quote"]["maxLength"] == 2000 and verify["quote"]["pattern"] == NON_BLANK
    assert verify["speaker"]["anyOf"][0]["maxLength"] == MAX_SPEAKER_CHARS
    assert json["text"]["maxLength"] == 2_000_000 and json["text"]["pattern"] == NON_BLANK
    assert "at most 2,000,000 characters" in upload["file"]["description"]


def test_openapi_states_limits_set_in_the_environment(
    monkeypatch: pytest.MonkeyPatch, make_client: Callable[..., TestClient],
) -> None:
    monkeypatch.setenv("CITEBOT_MAX_QUESTION_CHARS", "123")
    monkeypatch.setenv("CITEBOT_MAX_TOP_K", "7")
    monkeypatch.setenv("CITEBOT_TOP_K", "3")
    monkeypatch.setenv("CITEBOT_MAX_DOCUMENT_CHARS", "4567")
    c = make_client()  # its Settings read the environment
    schemas = _request_schemas(c)
    assert schemas["ask"]["question"]["maxLength"] == schemas["verify"]["quote"]["maxLength"] == 123
    assert schemas["ask"]["top_k"]["anyOf"][0]["maximum"] == 7
    assert schemas["json"]["text"]["maxLength"] == 4567
    assert "at most 4,567 characters" in schemas["upload"]["file"]["description"]
    assert c.post("/v1/ask", json={"question": "x" * 123}).status_code == 200
    refused = c.post("/v1/ask", json={"question": "x" * 124})
    assert refused.status_code == 422
    assert refused.json()["detail"] == ("question: the question is 124 characters; the limit "
                                        "is 123 (CITEBOT_MAX_QUESTION_CHARS)")
    assert c.post("/v1/ask", json={"question": "Who?", "top_k": 8}).status_code == 422


def test_the_schema_is_stated_the_same_every_time(tmp_path: Path) -> None:
    """``state_limits`` only sets values: asking twice changes nothing."""
    app = create_app(Settings(data_dir=tmp_path, max_question_chars=99))
    snapshot = copy.deepcopy(app.openapi())
    assert app.openapi() == snapshot
    question = snapshot["components"]["schemas"]["AskRequest"]["properties"]["question"]
    assert question["maxLength"] == 99
