"""JSON may escape lone UTF-16 surrogates ("\\ud800"), which no UTF-8 encoder accepts:
each endpoint refuses them with a 422 saying where, never a 500. (Most are refused by the
request parsing before the core's own check, which also guards the CLI and the bot.)"""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import AUTH, KEY

BAD = "\\ud800"  # as written in the JSON body: an escape, not a character
NOT_UNICODE = "Input should be a valid string, unable to parse raw data as a unicode string"
NOT_JSON = "the body is not valid JSON (unexpected end of hex escape"
HISTORY = "the history question holds an invalid character (a lone UTF-16 surrogate, \\ud800"


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/v1/ask", f'{{"question": "Who summoned {BAD} the ambassador?"}}',
         f"question: {NOT_UNICODE}"),
        ("/v1/ask", f'{{"question": "And?", "history": [{{"question": "Who {BAD}?", '
                    '"answer": "Nobody."}]}', HISTORY),
        ("/v1/verify", f'{{"quote": "never provided {BAD} lethal weapons"}}',
         f"quote: {NOT_UNICODE}"),
        ("/v1/verify", f'{{"quote": "never provided lethal weapons", "speaker": "Lin {BAD}"}}',
         f"speaker: {NOT_UNICODE}"),
        ("/v1/documents", f'{{"source": "a.txt", "text": "Some text {BAD} here."}}', NOT_JSON),
        ("/v1/documents", f'{{"source": "a.txt", "text": "Some text.", "title": "T{BAD}"}}',
         NOT_JSON),
        ("/v1/documents", f'{{"source": "a{BAD}.txt", "text": "Some text here."}}', NOT_JSON),
    ],
)
def test_lone_surrogates_are_a_clear_422(
    make_client: Callable[..., TestClient], path: str, body: str, message: str
) -> None:
    c = make_client(api_key=KEY)
    response = c.post(path, content=body.encode(),
                      headers={**AUTH, "content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["detail"].startswith(message), response.text
    assert c.get("/v1/documents").json()["total"] == 0  # nothing was half written
