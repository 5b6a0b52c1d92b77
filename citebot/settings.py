"""The one settings object: the core's, the HTTP API's and the Telegram bot's parts, all
read from ``CITEBOT_*`` environment variables and ``.env``. The core takes only its part
(``CoreSettings``); the adapters take this whole."""

from functools import lru_cache

from citebot.api.settings import HttpSettings
from citebot.bot.settings import TelegramSettings
from citebot.index.settings import ENV, CoreSettings


class Settings(CoreSettings, HttpSettings, TelegramSettings):
    model_config = ENV


@lru_cache
def get_settings() -> Settings:
    """Built on first use, not at import time, so tests and the CLI can set the env first."""
    return Settings()
