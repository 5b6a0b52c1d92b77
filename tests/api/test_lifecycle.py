"""Startup and limits in-process: 503 until ready, companions, failures, the body limit."""

import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from citebot.api.app import create_app
from citebot.api.schemas import NON_BLANK
from citebot.index.embed.embedder import Embedder
from citebot.index.service import Citebot
from citebot.settings import Settings
from tests.api.helpers import free_port, wait_ready


def test_not_ready_until_prepared(make_bot: Callable[..., Citebot]) -> None:
    release = threading.Event()
    bot = make_bot()
    app = create_app(bot.settings, bot, prepare=lambda b: release.wait(30))
    with TestClient(app) as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        starting = c.get("/readyz")
        assert starting.status_code == 503 and starting.json()["ready"] is False
        asked = c.post("/v1/ask", json={"question": "Who?"})
        assert asked.status_code == 503 and asked.headers["retry-after"] == "5"
        assert "GET /readyz" in asked.json()["detail"]
        release.set()
        ready = wait_ready(c, timeout=30)
        assert ready == {"ready": True, "status": "ready", "model_loaded": True,
                         "store_reachable": True, "documents": 0,
                         "detail": "0 documents indexed"}
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


@pytest.fixture(scope="module")
def small(corpus_bot: Citebot) -> Iterator[TestClient]:
    settings = corpus_bot.settings.model_copy(update={"max_body_bytes": 2048})
    with TestClient(create_app(settings, corpus_bot)) as c:
        wait_ready(c)
        yield c


def test_body_over_the_limit_is_413(small: TestClient) -> None:
    response = small.post("/v1/ask", json={"question": "Who?", "history": [
        {"question": "q", "answer": "a" * 3000}]})
    assert response.status_code == 413
    assert "over the limit of 2,048 bytes (CITEBOT_MAX_BODY_BYTES)" in response.json()["detail"]


def test_limit_applies_to_the_raw_body_before_parsing(small: TestClient) -> None:
    """Malformed JSON that is too large is refused for its size: nothing parsed it."""
    response = small.post("/v1/ask", content=b"{" * 4096,
                          headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_chunked_body_without_content_length_is_413(small: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"question": "Who?", "history": [{"question": "q", "answer": "'
        for _ in range(100):
            yield b"a" * 100
        yield b'"}]}'

    response = small.post("/v1/ask", content=chunks(),
                          headers={"Content-Type": "application/json"})
    assert "content-length" not in response.request.headers
    assert response.status_code == 413 and "2,048 bytes" in response.json()["detail"]
    assert small.post("/v1/ask", json={"question": "Who summoned the Chinese ambassador?"}
                      ).status_code == 200  # a body under the limit is still served


def test_body_limit_also_guards_routes_without_a_body(small: TestClient) -> None:
    response = small.request("GET", "/healthz", content=b"x" * 4096)
    assert response.status_code == 413 and response.json()["detail"]


def test_openapi_states_the_configured_limits(small: TestClient) -> None:
    schema = small.get("/openapi.json").json()
    ask = schema["components"]["schemas"]["AskRequest"]["properties"]
    assert ask["question"]["maxLength"] == 2000 and ask["question"]["pattern"] == NON_BLANK
    assert ask["top_k"]["anyOf"][0]["maximum"] == 50
    assert small.get("/docs").status_code == 200


def test_web_page_is_self_contained(small: TestClient) -> None:
    page = small.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "/v1/ask" in html and "/v1/documents/" in html and 'el("mark"' in html
    assert "innerHTML" not in html and "textContent" in html  # corpus text is never HTML
    assert "http://" not in html and "https://" not in html  # no CDN, no external script


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


def test_readyz_reports_a_lost_store(tmp_path: Path, embedder: Embedder) -> None:
    """With a Chroma server: ready while it runs, 503 with the reason once it is gone."""
    port = free_port()
    chroma = subprocess.Popen(
        [str(Path(sys.executable).parent / "chroma"), "run", "--path", str(tmp_path / "chroma"),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(300):  # bounded: at most ~60 s for `chroma run` to listen
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        else:
            pytest.fail(f"chroma run did not start on port {port}")
        settings = Settings(data_dir=tmp_path / "data", chroma_host="127.0.0.1",
                            chroma_port=port)
        bot = Citebot(settings, embedder=embedder)
        with TestClient(create_app(settings, bot)) as c:
            assert wait_ready(c, timeout=60)["documents"] == 0
            chroma.terminate()
            chroma.wait(timeout=30)
            lost = c.get("/readyz")
            assert lost.status_code == 503
            body = lost.json()
            assert body["store_reachable"] is False and body["documents"] is None
            assert body["detail"].startswith("the store is unreachable: ")
    finally:
        chroma.kill()
        chroma.wait(timeout=30)
