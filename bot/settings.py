"""The Telegram bot's part of the one settings object (``CITEBOT_TELEGRAM_*``)."""

import re
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings

from citebot.index.settings import ENV

_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class TelegramSettings(BaseSettings):
    model_config = ENV

    telegram_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("CITEBOT_TELEGRAM_TOKEN", "TELEGRAM_BOT_TOKEN")
    )
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_port: int = Field(8443, ge=1, le=65535)
    telegram_webhook_listen: str = "127.0.0.1"  # behind a reverse proxy; 0.0.0.0 to expose
    telegram_allowed_ids: list[int] = []
    telegram_rate_per_minute: int = Field(20, ge=1)

    @model_validator(mode="after")
    def _check_telegram(self) -> "TelegramSettings":
        url = self.telegram_webhook_url
        if url and urlsplit(url).scheme.lower() != "https":
            raise ValueError(  # Telegram posts updates only to https; http would leak them
                f"CITEBOT_TELEGRAM_WEBHOOK_URL must be an https:// address, not {url!r}: "
                "Telegram sends updates only over HTTPS (put a TLS reverse proxy in front)"
            )
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ValueError(
                "CITEBOT_TELEGRAM_WEBHOOK_URL needs CITEBOT_TELEGRAM_WEBHOOK_SECRET: "
                "without it anyone could post fake updates to the webhook"
            )
        secret = self.telegram_webhook_secret
        if secret is not None and not _WEBHOOK_SECRET.fullmatch(secret.get_secret_value()):
            # checked here: Telegram would refuse it only at setWebhook, after start-up
            raise ValueError(
                "CITEBOT_TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, "
                "_ and - (Telegram's rule); make one with "
                "`python -c 'import secrets; print(secrets.token_urlsafe(32))'`"
            )
        return self
