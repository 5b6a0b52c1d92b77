"""HTML and PDF files: extracted text, metadata, ingest with exact citations, clear skips."""

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from citebot.index.errors import EmptyCorpus, UnreadableFile
from citebot.index.ingest.extract import _unwrap
from citebot.index.ingest.loader import SourceFile, discover, load
from citebot.index.models import Citation
from citebot.index.service import Citebot
from tests.index.ingest.formats import (
    ARTICLE_TEXT,
    COPPER,
    DOUBLE,
    LITHIUM,
    article_html,
    drawn_pdf,
    report_pdf,
)

REPORT_TEXT = "\n".join([
    "Copper in Chile",
    COPPER,
    "Prices rose in March.",
    "",  # pages are separated by a blank line
    f"{LITHIUM} {DOUBLE}",
])


def _load(folder: Path, name: str, data: bytes) -> tuple[str, dict[str, str | None]]:
    (folder / name).write_bytes(data)
    doc = load(SourceFile(folder, folder / name))
    assert doc.meta.hash == hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    assert doc.meta.chars == len(doc.text)
    return doc.text, doc.meta.model_dump(include={"title", "url", "outlet", "published"})


def _assert_verbatim(bot: Citebot, citations: list[Citation]) -> None:
    assert citations
    for c in citations:
        assert c.text == bot.document(c.source).text[c.start : c.end], c


@pytest.mark.parametrize(
    ("charset", "encoding"),
    [("utf-8", None), ("windows-1252", None),
     ("iso-8859-1", "cp1252"),  # read as windows-1252, as browsers do: curly quotes survive
     ("utf-16", None)],  # a byte-order mark (Python writes one) wins over the <meta>
)
def test_html_article_text_and_metadata(tmp_path: Path, charset: str, encoding: str | None
                                        ) -> None:
    text, meta = _load(tmp_path, "a.html", article_html(charset, encoding))
    assert text == ARTICLE_TEXT  # no script, style, nav, aside, page header or footer
    assert meta == {"title": "Lithium boom in Bolivia",  # og:title, white space folded
                    "url": "https://news.example.org/2025/lithium", "outlet": "Example News",
                    "published": "2025-04-22T10:00:00Z"}


@pytest.mark.parametrize(
    ("page", "title", "url"),
    [('<title> Page  title </title><link rel="canonical" href="/relative">'
      '<meta property="og:url" content="https://example.org/a"><p>Body text.</p>',
      "Page title", "https://example.org/a"),  # a relative canonical cannot be opened
     ("<body><h1>Heading <em>here</em></h1><p>Body text.</p></body>", "Heading here", None),
     # nothing in the page: the first line when it reads like a headline, as for .txt
     ("<div>Short headline</div><p>A body sentence.</p>", "Short headline", None),
     ("<p>A sentence first.</p><p>Another one.</p>", None, None)],
)
def test_html_title_and_url_fallbacks(tmp_path: Path, page: str, title: str | None,
                                      url: str | None) -> None:
    _, meta = _load(tmp_path, "b.htm", page.encode())
    assert (meta["title"], meta["url"]) == (title, url)


def test_inline_markup_stays_in_its_line_and_pre_keeps_lines(tmp_path: Path) -> None:
    page = ("<main><p>He met <a href='x'>Ma\nShengkun</a>, the <b>ambassador</b>.</p>"
            "<div>Outer <p>inner</p> tail</div><table><tr><td>a</td><td>b</td></tr></table>"
            "<pre>line one\n  line two</pre><p>a&amp;b&nbsp;c</p></main>")
    text, _ = _load(tmp_path, "c.html", page.encode())
    assert text.split("\n") == ["He met Ma Shengkun, the ambassador.", "Outer", "inner",
                                "tail", "a", "b", "line one", "line two", "a&b\xa0c"]


def test_sidecar_wins_over_the_page(tmp_path: Path) -> None:
    (tmp_path / "a.html.meta.json").write_text(json.dumps({"title": "Sidecar", "outlet": "Mine"}))
    _, meta = _load(tmp_path, "a.html", article_html())
    assert meta["title"] == "Sidecar" and meta["outlet"] == "Mine"
    assert meta["url"] == "https://news.example.org/2025/lithium"  # the page's, not replaced


@pytest.mark.parametrize(
    ("data", "message"),
    [(article_html("utf-8", "cp1252"),
      "bad.html is not valid declared charset utf-8: byte 0x93 at offset"),
     (b"<p>caf\xe9</p>", "not valid UTF-8 (it declares no charset): byte 0xe9 at offset 6"),
     (b'<meta charset="klingon"><p>Qapla</p>', "declares an unknown charset 'klingon'"),
     (b"<script>only()</script><nav>Home</nav>", "bad.html has no text outside scripts")],
)
def test_unreadable_html_is_named(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(UnreadableFile) as err:
        _load(tmp_path, "bad.html", data)
    assert message in str(err.value)


def test_pdf_pages_unwrapped_with_title(tmp_path: Path) -> None:
    text, meta = _load(tmp_path, "r.pdf", report_pdf())
    # pypdf gives visual lines ("… copper producer in the world, according to the national
    # copper\ncommission, …"); the stored text has each paragraph on one line
    assert text == REPORT_TEXT
    assert meta["title"] == "Copper and lithium report"
    _, untitled = _load(tmp_path, "u.pdf", report_pdf(title="  "))
    assert untitled["title"] == "Copper in Chile"  # a blank /Title: the headline, as for .txt


def test_unwrap_keeps_sentence_ends_and_headings() -> None:
    page = ("Heading\n"
            "A long line of body text that the PDF wrapped in the middle of its co-\n"
            "operation sentence, and then it continues until the sentence ends here.\n"
            "Next paragraph starts with a capital after a full stop.\n"
            "A last line\n")
    assert _unwrap(page).split("\n") == [
        "Heading",
        "A long line of body text that the PDF wrapped in the middle of its co-operation "
        "sentence, and then it continues until the sentence ends here.",
        "Next paragraph starts with a capital after a full stop.",
        "A last line",
    ]
    assert _unwrap(" \n\n") == ""


def test_owner_password_only_pdf_is_read(tmp_path: Path) -> None:
    # encrypted with an empty user password (print/copy restrictions): readable as it is
    locked = drawn_pdf(text="Bolivia exports lithium.", password="")
    assert _load(tmp_path, "o.pdf", locked)[0] == "Bolivia exports lithium."


@pytest.mark.parametrize(
    ("data", "message"),
    [(report_pdf()[:400], "bad.pdf is not a readable PDF (PdfStreamError"),
     (b"<html>not a pdf</html>", "bad.pdf is not a readable PDF"),
     (b"", "bad.pdf is not a readable PDF (EmptyFileError"),
     (drawn_pdf(text=None), "bad.pdf has no text layer (a scanned PDF?); OCR it first"),
     (drawn_pdf(text="secret", password="pw"), "bad.pdf is encrypted with a password")],
)
def test_unreadable_pdf_is_named(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(UnreadableFile) as err:
        _load(tmp_path, "bad.pdf", data)
    assert message in str(err.value)


def test_discover_picks_up_html_and_pdf(tmp_path: Path) -> None:
    for name in ("a.txt", "b.HTML", "c.htm", "d.Pdf", "e.md", "b.HTML.meta.json", "f.docx",
                 ".hidden.html"):
        (tmp_path / name).write_bytes(b"x")
    assert [f.source for f in discover([tmp_path])] == ["a.txt", "b.HTML", "c.htm", "d.Pdf",
                                                        "e.md"]
    with pytest.raises(EmptyCorpus, match=r"give a folder or a .txt, .md, .html, .htm or .pdf"):
        discover([tmp_path / "missing"])


def test_ingest_html_and_pdf_cites_stored_text(
    make_bot: Callable[..., Citebot], tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "article.html").write_bytes(article_html("windows-1252"))
    (corpus / "report.pdf").write_bytes(report_pdf())
    (corpus / "note.txt").write_text("Peru grows many kinds of potato.\n", encoding="utf-8")
    bad = {"broken.pdf": report_pdf()[:400], "scan.pdf": drawn_pdf(text=None),
           "locked.pdf": drawn_pdf(text="Secret words.", password="pw"),
           "latin.html": "<p>Le caf\xe9</p>".encode("latin-1")}
    for name, data in bad.items():
        (corpus / name).write_bytes(data)
    bot = make_bot(corpus_dir=corpus)

    first = bot.ingest()
    assert (first.added, first.skipped) == (3, 4), first.problems
    for name in bad:  # each skipped file is named; the others went in
        assert any(p.startswith(name) for p in first.problems), (name, first.problems)

    article = bot.document("article.html")
    assert article.text == ARTICLE_TEXT
    assert article.meta.title == "Lithium boom in Bolivia"
    assert article.meta.url == "https://news.example.org/2025/lithium"
    assert bot.document("report.pdf").text == REPORT_TEXT

    copper = bot.ask("Which country is the largest copper producer?")
    assert copper.found and copper.citations[0].source == "report.pdf"
    assert "Chile remains the largest copper producer" in copper.citations[0].text
    _assert_verbatim(bot, copper.citations)
    minister = bot.ask("What did the minister say about exports?")
    assert minister.found and "article.html" in {c.source for c in minister.citations}
    _assert_verbatim(bot, minister.citations)

    again = bot.ingest()
    assert (again.added, again.updated, again.unchanged, again.chunks) == (0, 0, 3, 0)
    (corpus / "article.html").write_bytes(article_html().replace(b"Oruro", b"Potosi"))
    changed = bot.ingest()
    assert (changed.updated, changed.unchanged) == (1, 2)
    assert "Potosi" in bot.document("article.html").text


def test_uploaded_bytes_are_extracted(make_bot: Callable[..., Citebot]) -> None:
    bot = make_bot()
    meta = bot.add_document("news/lithium.html", article_html("windows-1252"))
    assert (meta.title, meta.outlet) == ("Lithium boom in Bolivia", "Example News")
    assert bot.document("news/lithium.html").text == ARTICLE_TEXT
    given = bot.add_document("report.pdf", report_pdf(), title="Given title", url=None)
    assert given.title == "Given title"  # what the caller sends wins over /Title
    assert bot.document("report.pdf").text == REPORT_TEXT
    answer = bot.ask("Which country is the largest copper producer?")
    assert answer.found and answer.citations[0].source == "report.pdf"
    _assert_verbatim(bot, answer.citations)
    # text sent as a str is the document's text already, whatever the name
    assert bot.add_document("raw.html", "<p>Kept as sent.</p>").chars == 20
    with pytest.raises(UnreadableFile, match="scan.pdf has no text layer"):
        bot.add_document("scan.pdf", drawn_pdf(text=None))
    with pytest.raises(UnreadableFile, match="latin.html is not valid UTF-8"):
        bot.add_document("latin.html", "<p>caf\xe9</p>".encode("latin-1"))
