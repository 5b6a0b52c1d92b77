"""``POST /v1/verify`` in-process; the real-server case is in test_server.py."""

from typing import Any

import pytest
from fastapi.testclient import TestClient

LIN = "The Chinese side has never provided lethal weapons to any party in the conflict"


def _verify(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post("/v1/verify", json=body)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _assert_verbatim(client: TestClient, verdict: dict[str, Any]) -> None:
    for m in verdict["matches"]:
        text = client.get(f"/v1/documents/{m['source']}").json()["text"]
        assert m["text"] == text[m["start"] : m["end"]]


@pytest.mark.parametrize(
    ("quote", "speaker", "expected"),
    [
        (f"“{LIN}”", "Lin Jian", "verified"),
        (LIN.replace("never", "always"), None, "altered"),
        (LIN, "Zelensky", "misattributed"),
        ("The moon is made of green cheese, the minister said.", None, "not_found"),
    ],
)
def test_verdicts(client: TestClient, quote: str, speaker: str | None, expected: str) -> None:
    verdict = _verify(client, quote=quote, speaker=speaker)
    assert verdict["verdict"] == expected
    assert verdict["claimreview"] is None
    assert bool(verdict["matches"]) == (expected != "not_found")
    _assert_verbatim(client, verdict)


def test_altered_lists_the_changed_word(client: TestClient) -> None:
    verdict = _verify(client, quote=LIN.replace("never", "always"))
    assert "never → always" in verdict["matches"][0]["differences"]
    assert verdict["matches"][0]["speaker"] == "Lin Jian"


def test_claimreview_format(client: TestClient) -> None:
    verdict = _verify(client, quote=LIN, speaker="Lin Jian", format="claimreview")
    review = verdict["claimreview"]
    assert review["@type"] == "ClaimReview"
    assert review["reviewRating"]["alternateName"] == "verified"
    assert review["itemReviewed"]["author"]["name"] == "Lin Jian"


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"quote": "   "}, "quote"),
        ({"quote": "“…”"}, "no words"),
        ({"quote": "x" * 2001}, "quote"),
        ({"quote": LIN, "format": "xml"}, "format"),
        ({"speaker": "Lin Jian"}, "quote"),
        ({"quote": 5}, "quote"),
    ],
)
def test_bad_requests_are_422_with_a_reason(
    client: TestClient, body: dict[str, Any], needle: str
) -> None:
    response = client.post("/v1/verify", json=body)
    assert response.status_code == 422, response.text
    assert needle in response.json()["detail"]


def test_malformed_json_is_422(client: TestClient) -> None:
    response = client.post("/v1/verify", content=b'{"quote": ',
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"]
