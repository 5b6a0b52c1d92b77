"""Fixtures: the app in-process (``TestClient``) over the session's real model and Chroma,
and one real ``citebot serve`` (uvicorn on loopback) for what only a real server shows."""

import signal
from collections.abc import Callable, Iterator
from contextlib import ExitStack

import httpx
import pytest
from fastapi.testclient import TestClient

from citebot.api.app import create_app
from citebot.index.service import Citebot
from tests.api.helpers import KEY, free_port, wait_ready
from tests.api.processes import Process, serving


@pytest.fixture(scope="module")
def client(corpus_bot: Citebot) -> Iterator[TestClient]:
    """Read-only: the sample corpus, no API key configured (writes are refused)."""
    with TestClient(create_app(corpus_bot.settings, corpus_bot)) as c:
        wait_ready(c)
        yield c


@pytest.fixture
def make_client(make_bot: Callable[..., Citebot]) -> Iterator[Callable[..., TestClient]]:
    """A ready client over a fresh, writable Citebot (settings overridable; ``ingest=True``
    indexes the sample corpus first)."""
    with ExitStack() as stack:

        def make(*, ingest: bool = False, **overrides: object) -> TestClient:
            bot = make_bot(**overrides)
            if ingest:
                bot.ingest()
            c = stack.enter_context(TestClient(create_app(bot.settings, bot)))
            wait_ready(c)
            return c

        yield make


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Process]:
    """``citebot serve`` with an empty data folder and an API key: it indexes corpus/ itself
    on start. Shared by the session: a test that writes removes what it wrote."""
    tmp = tmp_path_factory.mktemp("serve")
    with serving(tmp / "data", free_port(), tmp / "serve.log", CITEBOT_API_KEY=KEY) as server:
        with httpx.Client(base_url=server.url, timeout=60) as c:
            wait_ready(c)
        yield server
    # a graceful shutdown: uvicorn finishes the lifespan, then re-raises the SIGTERM
    assert server.proc.returncode in (0, -signal.SIGTERM), server.output()
    assert "Application shutdown complete" in server.output()


@pytest.fixture
def http(served: Process) -> Iterator[httpx.Client]:
    """A client of the shared ``citebot serve``."""
    with httpx.Client(base_url=served.url, timeout=60) as c:
        yield c
