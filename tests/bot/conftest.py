"""Fixtures for bot tests: a fake Telegram Bot API server on a free loopback port, and the
bot polling it."""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from citebot.index.service import Citebot
from tests.bot.fake_bot_api import FakeBotApi


@pytest.fixture(autouse=True)
def own_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test's bot keeps its chats' turns in a folder of its own: one test's history
    must not reach the next, nor the repository's ``data/``."""
    data = tmp_path / "data"
    monkeypatch.setenv("CITEBOT_DATA_DIR", str(data))
    return data


@pytest.fixture
def fake_bot_api() -> Iterator[FakeBotApi]:
    """A running FakeBotApi, stopped after the test; pass ``base_url``/``token`` to PTB."""
    with FakeBotApi() as api:
        yield api


@pytest.fixture
async def live(fake_bot_api: FakeBotApi, corpus_bot: Citebot) -> AsyncIterator[FakeBotApi]:
    """The bot over the sample corpus, polling the fake; yields the fake."""
    from tests.bot.test_app import serving  # the app's own test module builds the bot

    async with serving(fake_bot_api, corpus_bot):
        yield fake_bot_api
