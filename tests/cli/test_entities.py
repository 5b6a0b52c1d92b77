"""`citebot entities`: the entities of documents stored without them, stored once."""

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from citebot.cli.main import main
from citebot.index.embed.embedder import Embedder
from citebot.index.store import records
from citebot.settings import get_settings
from tests.cli.conftest import with_model
from tests.conftest import CORPUS


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, embedder: Embedder) -> Iterator[Path]:
    folder = with_model(tmp_path / "data", embedder)
    monkeypatch.setenv("CITEBOT_DATA_DIR", str(folder))
    monkeypatch.setenv("CITEBOT_CORPUS_DIR", str(CORPUS))
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


def test_an_archive_stored_under_other_rules_gets_its_entities_once(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with monkeypatch.context() as m:
        m.setattr(records, "rules", lambda: "older")  # as an earlier release stored them
        assert main(["ingest"]) == 0
    capsys.readouterr()
    assert main(["entities"]) == 0
    assert capsys.readouterr().out == "Stored the entities of 5 documents.\n"
    assert main(["entities"]) == 0
    assert capsys.readouterr().out == "Every document's entities are stored: nothing to do.\n"


def test_an_archive_written_by_this_release_has_nothing_to_do(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ingest"]) == 0
    capsys.readouterr()
    assert main(["entities"]) == 0
    out, err = capsys.readouterr()
    assert out == "Every document's entities are stored: nothing to do.\n" and err == ""


def test_the_help_says_when_to_run_it(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["entities", "--help"])
    out = capsys.readouterr().out
    assert re.search(r"earlier release", out) and "citebot entities" in out
