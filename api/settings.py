"""The HTTP API's part of the one settings object (``CITEBOT_*``)."""

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings

from citebot.index.settings import ENV


class HttpSettings(BaseSettings):
    model_config = ENV

    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    api_key: SecretStr | None = None
    max_body_bytes: int = Field(5_000_000, ge=1024)
    cors_origins: list[str] = []
