"""The Telegram part of the settings: a webhook must be https and carry a secret."""

import pytest
from pydantic import ValidationError

from citebot.bot.settings import TelegramSettings

SECRET = "s3cret-token_1"


@pytest.mark.parametrize("url", ["http://bot.example.org/hook", "ftp://bot.example.org/h",
                                 "bot.example.org/hook"])
def test_a_webhook_url_that_is_not_https_is_refused(url: str) -> None:
    with pytest.raises(ValidationError, match="must be an https:// address"):
        TelegramSettings(telegram_webhook_url=url, telegram_webhook_secret=SECRET)


def test_an_https_webhook_url_is_accepted() -> None:
    url = "HTTPS://bot.example.org/hook"
    settings = TelegramSettings(telegram_webhook_url=url, telegram_webhook_secret=SECRET)
    assert settings.telegram_webhook_url == url
