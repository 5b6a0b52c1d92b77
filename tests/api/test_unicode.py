"""JSON may escape lone UTF-16 surrogates ("\\ud800"), which no UTF-8 encoder accepts:
each endpoint refuses them with a 422 saying where, never a 500. The core's check (which
also guards the CLI and the bot) names the field and the position; a document's body is
refused earlier, by the JSON parser of its route."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import AUTH, KEY

BAD = "\\ud800"  # as written in the JSON body: an escape, not a character
LONE = "holds an invalid character (a lone UTF-16 surrogate, \\ud800, at position"
NOT_JSON = "the body is not valid JSON (unexpected end of hex escape"


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("/v1/ask", f'{{"question": "Who summoned {BAD} the ambassador?"}}',
         f"question: the question {LONE} 13)"),
        ("/v1/ask", f'{{"question": "And?", "history": [{{"question": "Who {BAD}?", '
                    '"answer": "Nobody."}]}', f"history: the history question {LONE} 4)"),
        ("/v1/verify", f'{{"quote": "never provided {BAD} lethal weapons"}}',
         f"quote: the quote {LONE} 15)"),
        ("/v1/verify", f'{{"quote": "never provided lethal weapons", "speaker": "Lin {BAD}"}}',
         f"speaker: the speaker {LONE} 4)"),
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
