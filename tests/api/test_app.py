"""``app.create_app``: startup in the background (prepare, failures, companions), leftovers
cleaned while serving, a Citebot built from settings when none is given, the routers shared
by apps with their own settings, CORS from settings, the page at ``/``."""

import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import pytest
from fastapi.testclient import TestClient

from citebot.api import app
from citebot.api.app import create_app
from citebot.index.errors import StoreUnavailable
from citebot.index.service import Citebot
from citebot.settings import Settings
from tests.api.helpers import wait_ready


def test_not_ready_until_prepared(make_bot: Callable[..., Citebot]) -> None:
    release = threading.Event()
    prepared: list[Citebot] = []

    def prepare(bot: Citebot) -> None:
        prepared.append(bot)
        release.wait(30)

    bot = make_bot()
    with TestClient(create_app(bot.settings, bot, prepare=prepare)) as c:
        assert c.post("/v1/ask", json={"question": "Who?"}).status_code == 503
        release.set()
        ready = wait_ready(c, timeout=30)
        assert ready["detail"] == "0 documents indexed"
        assert prepared == [bot]  # run once, with the app's Citebot
        assert c.post("/v1/ask", json={"question": "Who?"}).json()["found"] is False


def test_failed_startup_is_reported(make_bot: Callable[..., Citebot]) -> None:
    def broken(bot: Citebot) -> None:
        raise RuntimeError("corpus unreadable")

    bot = make_bot()
    with TestClient(create_app(bot.settings, bot, prepare=broken)) as c:
        for _ in range(300):  # bounded: the failure is reported within moments
            body = c.get("/readyz").json()
            if body["status"] == "failed":
                break
            time.sleep(0.1)
        assert body["detail"] == "startup failed: RuntimeError: corpus unreadable"
        assert c.get("/readyz").status_code == 503
        assert c.get("/healthz").status_code == 200
        assert "citebot is failed" in c.get("/v1/documents").json()["detail"]


def test_leftovers_of_a_failed_write_are_cleaned_while_serving(
    make_bot: Callable[..., Citebot], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A write that fails before its commit leaves chunks (invisible to answers); the
    server removes them within a round of CLEAN_SECONDS, and a round that fails (the store
    away) is logged and retried, never the server's end."""
    monkeypatch.setattr(app, "CLEAN_SECONDS", 0.2)
    bot = make_bot()
    with TestClient(create_app(bot.settings, bot)) as c:
        wait_ready(c)
        bot.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
        committed = bot.store.chunk_count()
        real_clean = bot.clean_up
        store_back = threading.Event()

        def clean_while_store_away() -> int:  # every round fails until the store is back
            if not store_back.is_set():
                raise StoreUnavailable("the Chroma server at 127.0.0.1:1 cannot be reached")
            return real_clean()

        caplog.set_level(logging.INFO, logger="citebot.api")
        monkeypatch.setattr(bot, "clean_up", clean_while_store_away)
        real_upsert = bot.store._docs.upsert

        def unreachable(*args: object, **kwargs: object) -> None:
            raise StoreUnavailable("the Chroma server at 127.0.0.1:1 cannot be reached")

        monkeypatch.setattr(bot.store._docs, "upsert", unreachable)
        with pytest.raises(StoreUnavailable):  # the commit fails: chunks stay behind
            bot.add_document("notes/b.txt", "The wombat Wilma lives in Tasmania. " * 40)
        monkeypatch.setattr(bot.store._docs, "upsert", real_upsert)
        assert bot.store.chunk_count() > committed

        def failures() -> int:
            return sum("cleaning leftovers failed (will retry)" in r.getMessage()
                       for r in caplog.records)

        for _ in range(100):  # bounded: a few rounds of 0.2 s
            if failures():
                break
            time.sleep(0.1)
        assert failures() and bot.store.chunk_count() > committed
        store_back.set()

        def removed() -> bool:  # logged once the clean has returned, after the count drops
            return any(r.getMessage().startswith("removed ") and "left behind" in
                       r.getMessage() for r in caplog.records)

        for _ in range(100):
            if bot.store.chunk_count() == committed and removed():
                break
            time.sleep(0.1)
        assert bot.store.chunk_count() == committed
        assert removed()
        assert c.get("/readyz").status_code == 200
        assert c.post("/v1/ask", json={"question": "Where does Quentin live?"}).json()["found"]


def test_companions_share_the_citebot_and_the_lifetime(make_bot: Callable[..., Citebot]) -> None:
    """The hook for the Telegram bot: entered at startup, exited at shutdown."""
    events: list[str] = []

    @asynccontextmanager
    async def companion(bot: Citebot) -> AsyncIterator[None]:
        events.append(f"start {bot.settings.collection}")
        yield
        events.append("stop")

    bot = make_bot(collection="companion-test")
    with TestClient(create_app(bot.settings, bot, companions=[companion])) as c:
        wait_ready(c, timeout=30)
        assert events == ["start companion-test"]
    assert events == ["start companion-test", "stop"]


def test_app_builds_its_own_citebot_from_settings(tmp_path_factory: pytest.TempPathFactory,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path_factory.mktemp("own-data")
    monkeypatch.setenv("CITEBOT_DATA_DIR", str(data))
    with TestClient(create_app(Settings())) as c:
        assert wait_ready(c, timeout=120)["documents"] == 0
        assert isinstance(c.app.state.citebot_state.citebot, Citebot)  # type: ignore[attr-defined]
    assert (data / "chroma").is_dir()


def test_apps_share_the_routers_but_not_their_settings(
    client: TestClient, make_client: Callable[..., TestClient]
) -> None:
    """The routers are module-level: each app's limits come from its own settings."""
    small = make_client(max_question_chars=10, top_k=2, max_top_k=2)
    question = {"question": "Who summoned the Chinese ambassador?", "top_k": 3}
    assert client.post("/v1/ask", json=question).status_code == 200
    refused = small.post("/v1/ask", json=question)
    assert refused.status_code == 422
    assert "the limit is 10 (CITEBOT_MAX_QUESTION_CHARS)" in refused.json()["detail"]
    top_k = small.post("/v1/ask", json={"question": "Who?", "top_k": 3})
    assert top_k.json()["detail"] == "top_k: top_k must be between 1 and 2, not 3"
    limits = small.get("/openapi.json").json()["components"]["schemas"]["AskRequest"]
    assert limits["properties"]["question"]["maxLength"] == 10
    assert client.get("/openapi.json").json()["components"]["schemas"]["AskRequest"][
        "properties"]["question"]["maxLength"] == 2000


def test_cors_origins_from_settings(corpus_bot: Citebot) -> None:
    settings = corpus_bot.settings.model_copy(update={"cors_origins": ["https://news.example"]})
    with TestClient(create_app(settings, corpus_bot)) as c:
        wait_ready(c)
        preflight = c.options("/v1/ask", headers={
            "Origin": "https://news.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        assert preflight.status_code == 200
        assert preflight.headers["access-control-allow-origin"] == "https://news.example"
        other = c.get("/healthz", headers={"Origin": "https://evil.example"})
        assert "access-control-allow-origin" not in other.headers


def test_no_cors_header_without_configured_origins(client: TestClient) -> None:
    response = client.get("/healthz", headers={"Origin": "https://news.example"})
    assert "access-control-allow-origin" not in response.headers


def test_web_page_is_self_contained(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "/v1/ask" in html and "/v1/documents/" in html and 'el("mark"' in html
    assert "innerHTML" not in html and "textContent" in html  # corpus text is never HTML
    assert "http://" not in html and "https://" not in html  # no CDN, no external script
