import hashlib
from pathlib import Path

import pytest

from citebot.index.errors import EmptyCorpus, InvalidInput, UnreadableFile
from citebot.index.ingest.loader import (
    SourceFile,
    discover,
    headline,
    load,
    opening,
    unsupported,
)
from tests.conftest import CORPUS

# SHA-256 of ../shared/corpus/*.txt, so the check holds in a clone with no shared/ beside it
SHARED_CORPUS = {
    "000_86393d9dbeceabfc.txt": "c58c99a0d2b3278faf40db675682fe661893ba15573dcb1acd8567e51ffd7563",
    "001_7bffb0ae13b85e22.txt": "081c9d4d86dcd33f72edd3e907637df4c86e74f6d275554716cd1025f783a176",
    "002_c8a84d8b66c5ac54.txt": "62966e288050134627e32082eda9afe1c44f449fbc32b14bd905d5441ff4577e",
    "003_c2cc60b2651c84c4.txt": "386873b76c9b80b2795c909ce15df6dcc05145be4eb4b51526dd992d9cb586b8",
    "004_9c1a1810735250cf.txt": "45076185fb731c1de59e6b38933512d00b31d817998844c40e289e8b330de51f",
}


def test_corpus_is_byte_for_byte_the_shared_one() -> None:
    shipped = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in CORPUS.glob("*.txt")}
    assert shipped == SHARED_CORPUS
    shared = CORPUS.parent.parent / "shared" / "corpus"
    for original in sorted(shared.glob("*.txt")):  # and against shared/ itself when present
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


def test_a_sidecar_url_that_is_not_a_web_address_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Body one.", encoding="utf-8")
    (tmp_path / "a.txt.meta.json").write_text('{"url": "javascript:alert(1)"}')
    with pytest.raises(InvalidInput, match="a.txt: the url 'javascript:alert.1.' is not a web"):
        load(discover([tmp_path])[0])


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


@pytest.mark.parametrize("text", ["", "  \n\t\r\n"])
def test_an_empty_file_is_refused_by_name(tmp_path: Path, text: str) -> None:
    (tmp_path / "empty.txt").write_text(text)
    with pytest.raises(EmptyCorpus, match=r"^empty.txt is empty \(or only white space\)"):
        load(SourceFile(tmp_path, tmp_path / "empty.txt"))


def test_unsupported_lists_other_types_but_not_metadata_or_hidden_files(tmp_path: Path) -> None:
    for name in ("a.txt", "a.txt.meta.json", "b.docx", "sub/c.RTF", "sub/d.md", "noext",
                 ".DS_Store", ".git/HEAD", ".hidden.txt"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    assert unsupported([tmp_path]) == [tmp_path / "b.docx", tmp_path / "noext",
                                       tmp_path / "sub" / "c.RTF"]
    assert [f.source for f in discover([tmp_path])] == ["a.txt", "sub/d.md"]
    assert unsupported([tmp_path / "b.docx"]) == []  # a file given by name is read or refused


def test_opening_is_the_first_words_after_boilerplate() -> None:
    text = (CORPUS / "002_c8a84d8b66c5ac54.txt").read_text(encoding="utf-8")
    assert opening(text) == "Ukrainian President Volodymyr Zelensky has made a striking claim that…"
    assert opening("---\ntitle: x\n---\nShort line.\nMore.") == "Short line."
    assert opening("One, two, three, four, five, six, seven, eight, nine, ten, eleven") == (
        "One, two, three, four, five, six, seven, eight, nine, ten…")  # no comma before "…"
    assert opening(" \n\n") is None


def test_the_sample_sidecar_names_only_what_the_article_states() -> None:
    metas = {f.source: load(f).meta for f in discover([CORPUS])}
    assert all(m.url is None and m.outlet is None and m.published is None
               for m in metas.values())  # no article states its address, outlet or date
    assert (CORPUS / "001_7bffb0ae13b85e22.txt.meta.json").is_file()
    assert metas["001_7bffb0ae13b85e22.txt"].title == headline(
        (CORPUS / "001_7bffb0ae13b85e22.txt").read_text(encoding="utf-8"))
