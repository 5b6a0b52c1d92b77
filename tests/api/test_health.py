"""``health``: ``/healthz`` answers as soon as the process does; ``/readyz`` says 200 only
once the model is loaded and the store answers, and 503 with the reason otherwise."""

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from citebot.api.app import create_app
from citebot.index.embed.embedder import Embedder
from citebot.index.service import Citebot
from citebot.settings import Settings
from tests.api.helpers import free_port, wait_ready


def test_ready_reports_the_documents(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json() == {"ready": True, "status": "ready", "model_loaded": True,
                            "store_reachable": True, "documents": 5,
                            "detail": "5 documents indexed"}


def test_starting_is_503_while_healthz_answers(make_bot: Callable[..., Citebot]) -> None:
    release = threading.Event()
    bot = make_bot()
    with TestClient(create_app(bot.settings, bot, prepare=lambda b: release.wait(30))) as c:
        assert c.get("/healthz").json() == {"status": "ok"}
        for _ in range(300):  # bounded: the model loads within moments, then prepare waits
            body = c.get("/readyz").json()
            if body["model_loaded"]:
                break
            time.sleep(0.1)
        starting = c.get("/readyz")
        assert starting.status_code == 503
        assert starting.json() == {"ready": False, "status": "starting", "model_loaded": True,
                                   "store_reachable": True, "documents": 0,
                                   "detail": "preparing the index"}
        release.set()
        assert wait_ready(c, timeout=30)["ready"] is True


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
            assert c.get("/healthz").status_code == 200  # the process itself is fine
    finally:
        chroma.kill()
        chroma.wait(timeout=30)
