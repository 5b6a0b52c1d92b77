"""``deps``: the core only once it is ready (503 with Retry-After until then), the app's
settings from its state, and the API key that writes need."""

import threading
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from citebot.api.app import create_app
from citebot.index.service import Citebot
from tests.api.helpers import AUTH, KEY, wait_ready
from tests.conftest import CORPUS

LITHIUM = "Bolivia holds the largest lithium reserves in the world, officials in La Paz said."
SOURCES = sorted(p.name for p in CORPUS.glob("*.txt"))


def test_the_core_is_503_with_retry_after_until_ready(make_bot: Callable[..., Citebot]) -> None:
    release = threading.Event()
    bot = make_bot()
    with TestClient(create_app(bot.settings, bot, prepare=lambda b: release.wait(30))) as c:
        for response in (c.post("/v1/ask", json={"question": "Who?"}), c.get("/v1/documents"),
                         c.post("/v1/verify", json={"quote": "never provided"})):
            assert response.status_code == 503 and response.headers["retry-after"] == "5"
            assert "GET /readyz" in response.json()["detail"]
        release.set()
        wait_ready(c, timeout=30)
        assert c.get("/v1/documents").status_code == 200


def test_writes_are_refused_without_a_configured_key(client: TestClient) -> None:
    for response in (
        client.post("/v1/documents", json={"source": "a.txt", "text": LITHIUM}, headers=AUTH),
        client.delete(f"/v1/documents/{SOURCES[0]}", headers=AUTH),
    ):
        assert response.status_code == 403
        assert "set CITEBOT_API_KEY" in response.json()["detail"]
    assert client.get("/v1/documents").json()["total"] == len(SOURCES)


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {KEY}"},
     {"Authorization": f"Bearer {KEY}x"}, {"Authorization": "Bearer"}],
)
def test_wrong_or_missing_key_is_401(
    make_client: Callable[..., TestClient], headers: dict[str, str]
) -> None:
    c = make_client(api_key=KEY)
    for response in (
        c.post("/v1/documents", json={"source": "a.txt", "text": LITHIUM}, headers=headers),
        c.delete("/v1/documents/a.txt", headers=headers),
    ):
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "Authorization: Bearer" in response.json()["detail"]
    assert c.get("/v1/documents").json()["total"] == 0


def test_the_right_key_writes(make_client: Callable[..., TestClient]) -> None:
    c = make_client(api_key=KEY)
    assert c.post("/v1/documents", json={"source": "a.txt", "text": LITHIUM},
                  headers=AUTH).status_code == 201
    assert c.delete("/v1/documents/a.txt", headers=AUTH).status_code == 200


def test_the_upload_limit_comes_from_the_apps_settings(
    make_client: Callable[..., TestClient],
) -> None:
    """``SettingsDep``: a multipart part may be as large as this app's
    CITEBOT_MAX_BODY_BYTES, not Starlette's default of 1 MB."""
    c = make_client(api_key=KEY, max_body_bytes=3_000_000)
    padding = "<!-- " + "x" * 1_500_000 + " -->"  # markup: almost nothing to index
    page = f"<html><body><p>{LITHIUM}</p>{padding}</body></html>".encode()
    fits = c.post("/v1/documents", headers=AUTH, files={"file": ("a.html", page)})
    assert fits.status_code == 201, fits.text[:300]
    assert c.get("/v1/documents/a.html").json()["text"].strip() == LITHIUM
    over = c.post("/v1/documents", headers=AUTH, files={"file": ("b.html", page * 2)})
    assert over.status_code == 413
