"""`citebot ingest`: progress on a terminal and in a log, empty and unsupported files."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from citebot.cli.main import main
from citebot.index.embed.embedder import Embedder
from citebot.settings import get_settings
from tests.cli.conftest import Terminal, with_model
from tests.conftest import CORPUS

ARTICLE = "000_86393d9dbeceabfc.txt"


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, embedder: Embedder) -> Iterator[Path]:
    folder = with_model(tmp_path / "data", embedder)
    monkeypatch.setenv("CITEBOT_DATA_DIR", str(folder))
    get_settings.cache_clear()
    yield folder
    get_settings.cache_clear()


def test_empty_files_are_skipped_by_name_and_other_types_counted(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    news = tmp_path / "news"
    (news / ".git").mkdir(parents=True)
    (news / ARTICLE).write_bytes((CORPUS / ARTICLE).read_bytes())
    (news / f"{ARTICLE}.meta.json").write_text(json.dumps({"title": "Drones"}))  # metadata
    (news / "empty.txt").write_text("")
    (news / "blank.md").write_text("  \n\t\n")
    (news / "report.docx").write_bytes(b"PK\x03\x04")
    (news / "notes").write_text("no suffix")
    (news / ".DS_Store").write_bytes(b"\x00")  # hidden: not a document
    (news / ".git" / "config").write_text("[core]")
    assert main(["ingest", str(news)]) == 0
    out, err = capsys.readouterr()
    assert "1 added, 0 updated, 0 unchanged, 2 skipped" in out
    assert out.rstrip().endswith(f"\n2 files of unsupported types skipped: {news / 'notes'}, "
                                 f"{news / 'report.docx'}")
    assert err.splitlines() == [
        "skipped: blank.md is empty (or only white space): nothing to index",
        "skipped: empty.txt is empty (or only white space): nothing to index",
    ]


def test_a_folder_of_only_unsupported_files_says_which(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.rtf").write_text("{\\rtf1 text}")
    assert main(["ingest", str(tmp_path / "docs")]) == 2
    assert capsys.readouterr().err == (
        f"citebot: no .txt, .md, .html, .htm or .pdf files under {tmp_path / 'docs'} "
        f"(1 file of an unsupported type skipped: {tmp_path / 'docs' / 'a.rtf'}): add some, "
        "or give a path\n")


def test_without_a_terminal_a_line_per_100_documents(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    many = tmp_path / "many"
    many.mkdir()
    for i in range(230):
        (many / f"{i:03}.txt").write_text(f"Report {i}: the council met on day {i} of the year.")
    assert main(["ingest", str(many)]) == 0
    out, err = capsys.readouterr()
    assert "230 added" in out
    progress = re.findall(r"^citebot: ([\d,]+) of 230 documents ingested \(\d+ s\)$", err, re.M)
    # one line as the count passes 100 and one as it passes 200 (it moves a model call,
    # 32 of these one-chunk documents, at a time)
    assert [int(n) // 100 for n in progress] == [1, 2], err


def test_on_a_terminal_a_bar_even_for_two_documents(tmp_path: Path, embedder: Embedder) -> None:
    two = tmp_path / "two"
    two.mkdir()
    for name in ("000_86393d9dbeceabfc.txt", "001_7bffb0ae13b85e22.txt"):
        (two / name).write_bytes((CORPUS / name).read_bytes())
    term = Terminal(["ingest", str(two)], with_model(tmp_path / "data", embedder))
    term.expect("2 added")
    assert term.finish() == 0
    assert "Ingesting: 100%" in term.output and "2/2" in term.output

def test_a_second_ingest_of_the_corpus_folder_embeds_nothing(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CITEBOT_CORPUS_DIR", str(CORPUS))  # what `citebot ingest` reads
    assert main(["ingest"]) == 0
    assert "5 added" in capsys.readouterr().out
    assert main(["ingest"]) == 0
    assert "Nothing to embed: the index is up to date." in capsys.readouterr().out


def test_ingest_of_an_empty_folder_says_what_to_do(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "empty").mkdir()
    assert main(["ingest", str(tmp_path / "empty")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("citebot: no ") and str(tmp_path / "empty") in err, err


def test_ingest_where_every_file_is_skipped_fails(
    data: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "blob.txt").write_bytes(b"\x00\x01binary")
    assert main(["ingest", str(tmp_path / "bad")]) == 1
    out, err = capsys.readouterr()
    assert "blob.txt looks binary" in err and "nothing was ingested" in err
    assert "0 added, 0 updated, 0 unchanged, 1 skipped" in out and "0 chunks embedded" in out
