from pathlib import Path

import pytest

from index.errors import UnreadableFile
from index.loader import SourceFile, discover, headline, load
from tests.conftest import CORPUS


def test_corpus_is_byte_for_byte_the_shared_one() -> None:
    shared = CORPUS.parent.parent / "shared" / "corpus"
    if not shared.exists():
        pytest.fail(f"{shared} is missing: the tests compare the shipped corpus with it")
    for original in sorted(shared.glob("*.txt")):
        assert (CORPUS / original.name).read_bytes() == original.read_bytes()


def test_headline_from_first_line_only_when_it_is_not_a_sentence() -> None:
    titles = {f.source: load(f).meta.title for f in discover([CORPUS])}
    assert titles["001_7bffb0ae13b85e22.txt"] == (
        "Zelenskyy accuses Chinese nationals of working in Russian drone factories, "
        "raising new diplomatic tensions"
    )
    assert titles["000_86393d9dbeceabfc.txt"] is None  # first line is a sentence
    assert titles["002_c8a84d8b66c5ac54.txt"] is None  # "3 days ago", then a sentence


def test_sidecar_and_front_matter_titles(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Body one.\nMore body.", encoding="utf-8")
    (tmp_path / "a.txt.meta.json").write_text(
        '{"title": "Sidecar title", "url": "https://example.org/a", "outlet": "Ex"}'
    )
    (tmp_path / "b.md").write_text("---\ntitle: Front matter\n---\nText here.\n")
    docs = {f.source: load(f).meta for f in discover([tmp_path])}
    assert docs["a.txt"].title == "Sidecar title"
    assert docs["a.txt"].url == "https://example.org/a" and docs["a.txt"].outlet == "Ex"
    assert docs["b.md"].title == "Front matter"


def test_text_is_kept_exactly_including_crlf(tmp_path: Path) -> None:
    raw = "Title line\r\nFirst sentence here.\r\n\r\nSecond – with “quotes”."
    (tmp_path / "c.txt").write_bytes(raw.encode("utf-8"))
    assert load(SourceFile(tmp_path, tmp_path / "c.txt")).text == raw


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"caf\xe9 au lait", "not valid UTF-8 (byte 0xe9 at offset 3)"), (b"\x00\x01bin", "binary")],
)
def test_unreadable_files_are_named(tmp_path: Path, data: bytes, message: str) -> None:
    (tmp_path / "bad.txt").write_bytes(data)
    with pytest.raises(UnreadableFile, match="bad.txt") as err:
        load(SourceFile(tmp_path, tmp_path / "bad.txt"))
    assert message in str(err.value)


def test_headline_needs_a_body() -> None:
    assert headline("Only one line") is None
