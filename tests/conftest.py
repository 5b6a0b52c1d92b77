"""Shared fixtures: the real embedding model and a real embedded Chroma, offline."""

import shutil
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from citebot.index import offline  # noqa: F401
from citebot.index.embed.embedder import Embedder
from citebot.index.service import Citebot
from citebot.index.settings import default_model
from citebot.index.text.entities import Entity
from citebot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """Loaded once per test session (about 5 s)."""
    return Embedder(default_model())


@pytest.fixture(scope="session")
def corpus_bot(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Citebot:
    """The sample corpus ingested once into an embedded Chroma. Read-only: don't write."""
    data = tmp_path_factory.mktemp("corpus-data")
    bot = Citebot(Settings(data_dir=data, corpus_dir=CORPUS), embedder=embedder)
    bot.ingest()
    return bot


@pytest.fixture
def make_bot(tmp_path: Path, embedder: Embedder) -> Iterator[Callable[..., Citebot]]:
    """A factory for a fresh Citebot in its own data folder (settings overridable)."""

    def make(**overrides: object) -> Citebot:
        values: dict[str, object] = {"data_dir": tmp_path / "data", "corpus_dir": CORPUS}
        values.update(overrides)
        return Citebot(Settings(**values), embedder=embedder)  # type: ignore[arg-type]

    yield make


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the sample corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def entity_calls(monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[int]]:
    """Call to start counting the entity cache's spaCy runs: the list it returns grows by
    the number of texts each run reads (the runs still happen, for real)."""
    from citebot.index.store import entities

    def start() -> list[int]:
        computed: list[int] = []
        real = entities.find

        def spy(texts: Sequence[str], offsets: Sequence[int] = ()) -> list[list[Entity]]:
            computed.append(len(texts))
            return real(texts, offsets)

        monkeypatch.setattr(entities, "find", spy)
        return computed

    return start
