"""Fixtures for bot tests: a fake Telegram Bot API server on a free loopback port."""

from collections.abc import Iterator
from pathlib import Path

import pytest

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
