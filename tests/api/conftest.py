"""Fixtures: the app in-process (``TestClient``) over the session's real model and Chroma."""

from collections.abc import Callable, Iterator
from contextlib import ExitStack

import pytest
from fastapi.testclient import TestClient

from citebot.api.app import create_app
from citebot.index.service import Citebot
from tests.api.helpers import wait_ready


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
