"""The one settings object: the core's, the HTTP API's and the Telegram bot's parts."""

import pytest
from pydantic import ValidationError

from citebot.api.settings import HttpSettings
from citebot.bot.settings import TelegramSettings
from citebot.index.settings import CoreSettings
from citebot.settings import Settings


def test_one_object_holds_every_part(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITEBOT_PORT", "9001")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123:abc")
    monkeypatch.setenv("CITEBOT_HISTORY_TURNS", "2")
    settings = Settings()
    assert isinstance(settings, CoreSettings | HttpSettings | TelegramSettings)
    assert settings.port == 9001 and settings.history_turns == 2
    assert settings.telegram_token is not None
    assert settings.telegram_token.get_secret_value() == "123:abc"


def test_each_part_keeps_its_own_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITEBOT_TELEGRAM_WEBHOOK_URL", "https://bot.example.org/hook")
    with pytest.raises(ValidationError, match="needs CITEBOT_TELEGRAM_WEBHOOK_SECRET"):
        Settings()
