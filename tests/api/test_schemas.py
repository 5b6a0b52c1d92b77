"""``schemas``: the request models, and property-based checks that the API keeps to its
schema: schemathesis sends what /openapi.json allows (and what it forbids) to every
operation, writes included (an API key is configured and sent): no 500, every status code
and body as documented, valid requests accepted and invalid ones refused.
"""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from pydantic import TypeAdapter, ValidationError
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from starlette.types import Receive, Scope, Send

from citebot.api.app import create_app
from citebot.api.schemas import (
    SOURCE_PATTERN,
    AskRequest,
    DocumentRequest,
    Source,
    VerifyRequest,
    upload_schema,
)
from citebot.index.embed.embedder import Embedder
from citebot.index.service import Citebot
from citebot.settings import Settings
from tests.api.helpers import AUTH, KEY, wait_ready
from tests.conftest import CORPUS

# Small limits keep the generated boundary cases (the longest question, document) quick.
LIMITS = {"corpus_dir": CORPUS, "api_key": KEY, "max_question_chars": 300,
          "max_document_chars": 2000, "max_top_k": 20}


class Deferred:
    """The app under test, known only once the fixture has built it (with the session's
    model). schemathesis wants the app with the schema, at collection time, and its lazy
    ``from_fixture`` fails under pytest 9 (it reads the removed ``Item._nodeid``)."""

    target: FastAPI | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.target is not None, "the `app` fixture sets the app under test"
        await self.target(scope, receive, send)


deferred = Deferred()
# The schema of an app with the same limits that is never started (no model, no store).
schema = schemathesis.openapi.from_dict(
    create_app(Settings(data_dir=Path("never-started"), **LIMITS)).openapi()  # type: ignore[arg-type]
)
schema.app = deferred  # as schemathesis.openapi.from_asgi does


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Iterator[FastAPI]:
    config = Settings(data_dir=tmp_path_factory.mktemp("schemathesis"), **LIMITS)  # type: ignore[arg-type]
    bot = Citebot(config, embedder=embedder)
    bot.ingest()
    deferred.target = create_app(config, bot)
    with asgi.get_client(deferred) as client:  # starts the lifespan schemathesis will use
        wait_ready(client)
        yield deferred.target


@schema.parametrize()
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_api_matches_its_schema(case: schemathesis.Case, app: FastAPI) -> None:
    excluded = []
    if case.media_type == "multipart/form-data":
        # the schema can say "a file" but not "valid UTF-8 text": a random binary upload
        # is rightly refused with 422, which this check would count as rejecting valid data
        excluded.append(positive_data_acceptance)
        # and every multipart field is text on the wire: an "object" sent as a field is its
        # JSON spelled as a string, which is a valid title or source, not invalid data
        excluded.append(negative_data_rejection)
    if case.path == "/v1/verify":
        # a quote of punctuation only ("…") is refused with 422: it has no word to check.
        # "has a letter in any script" has no portable JSON Schema regex (ECMA's \w is ASCII)
        excluded.append(positive_data_acceptance)
    case.call_and_validate(headers=AUTH, excluded_checks=excluded)


WHITESPACE = [chr(i) for i in range(0x110000) if chr(i).isspace()]


@pytest.mark.parametrize("space", WHITESPACE, ids=[f"U+{ord(c):04X}" for c in WHITESPACE])
def test_schema_and_validators_agree_on_blank_text(client: TestClient, space: str) -> None:
    """Found by schemathesis: "\\x1c" passed the schema's "\\S" (ECMA's whitespace) but was
    blank to the validators (Python's). Every whitespace character is now blank to both."""
    schema = client.get("/openapi.json").json()["components"]["schemas"]
    pattern = schema["AskRequest"]["properties"]["question"]["pattern"]
    assert not re.search(pattern, space * 3)
    assert re.search(pattern, space + "x")
    response = client.post("/v1/ask", json={"question": space * 3})
    assert response.status_code == 422
    assert "question: the question is empty or only white space" in response.json()["detail"]
    assert not re.fullmatch(SOURCE_PATTERN, space + "a")  # the documents schema's pattern


def test_request_models_check_only_what_the_edge_can() -> None:
    """Types, strictness and required fields; lengths, blankness and ranges are the core's."""
    ask = AskRequest.model_validate_json(json.dumps({"question": " " * 5000, "top_k": 15.0}))
    assert (ask.question, ask.top_k, ask.history) == (" " * 5000, 15, [])  # for the core
    with pytest.raises(ValidationError, match="top_k"):
        AskRequest.model_validate_json('{"question": "Who?", "top_k": "5"}')  # strict
    with pytest.raises(ValidationError, match="top_k"):
        AskRequest.model_validate_json('{"question": "Who?", "top_k": 15.5}')
    with pytest.raises(ValidationError, match="history"):
        AskRequest.model_validate_json('{"question": "Who?", "history": null}')
    verify = VerifyRequest.model_validate_json('{"quote": "", "speaker": null}')
    assert (verify.quote, verify.speaker, verify.format) == ("", None, "verdict")
    with pytest.raises(ValidationError, match="format"):
        VerifyRequest.model_validate_json('{"quote": "q", "format": "xml"}')
    with pytest.raises(ValidationError, match="text"):
        DocumentRequest.model_validate_json('{"source": "a.txt"}')
    doc = DocumentRequest.model_validate_json('{"source": "../a", "text": ""}')
    assert doc.source == "../a"  # in a body, the core checks the source


def test_a_source_in_a_path_is_checked_at_the_edge() -> None:
    """``Source`` (the path parameter) applies ``check_source``: a 400 before the core."""
    adapter: TypeAdapter[str] = TypeAdapter(Source)
    assert adapter.validate_python("news/a.txt") == "news/a.txt"
    with pytest.raises(ValidationError, match="is not a relative path inside the corpus"):
        adapter.validate_python("../a.txt")


def test_the_upload_schema_states_the_limit_it_is_given() -> None:
    assert "at most 1,234 characters" in upload_schema(1234)["properties"]["file"]["description"]
    unstated = upload_schema()["properties"]["file"]["description"]
    assert "CITEBOT_MAX_DOCUMENT_CHARS" in unstated
    assert upload_schema()["properties"]["source"]["pattern"] == SOURCE_PATTERN
