"""Text out of HTML and PDF files. The extracted text is what is stored, and citations index it.

beautifulsoup4 and pypdf are used directly rather than through llama-index-readers-file:
its ``HTMLTagReader`` opens files as UTF-8 whatever charset they declare, keeps script text,
glues nested paragraphs together and finds no title or URL. Its ``PDFReader`` reads only
paths (uploads arrive as bytes), parses a broken file three times (tenacity retries) and
does not return ``/Title``. It would also install pandas.
"""

import codecs
import io
import logging
import re
import unicodedata
from dataclasses import asdict, dataclass

from bs4 import BeautifulSoup
from bs4.dammit import EncodingDetector
from bs4.element import NavigableString, PageElement, PreformattedString, Tag
from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError

from citebot.index.errors import UnreadableFile
from citebot.index.text.checks import SPACE

# pypdf logs each flaw it meets without naming the file ("EOF marker not found"); a file it
# cannot read is reported by name as UnreadableFile, and repaired ones need no notice.
logging.getLogger("pypdf").setLevel(logging.ERROR)

HTML_SUFFIXES = {".html", ".htm"}
PDF_SUFFIXES = {".pdf"}

# Never article text: code, form controls, embeds, site navigation and sidebars.
# Not <form>: some sites (ASP.NET) wrap the whole page in one.
_DROP = ["script", "style", "noscript", "template", "iframe", "object", "embed", "svg",
         "canvas", "button", "select", "nav", "aside", "dialog"]
# Each of these elements starts and ends a line, so paragraphs and headings never run
# together: chunking finds sentences line by line, and the headline is the first line.
_BLOCKS = {"address", "article", "blockquote", "caption", "dd", "details", "div", "dl", "dt",
           "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
           "hgroup", "hr", "li", "main", "ol", "p", "pre", "section", "summary", "table",
           "td", "th", "tr", "ul"}
_HTML_SPACE = re.compile(r"[ \t\n\r\f]+")
# How the HTML standard reads these <meta> charsets, as browsers do: latin-1 and ASCII as
# windows-1252 (Python's latin-1 would turn the curly quotes of such pages, bytes
# 0x91-0x94, into invisible controls), and UTF-16 as UTF-8 (a <meta> that could be read
# byte by byte is not UTF-16).
_WHATWG = {
    **dict.fromkeys(["iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "ascii", "us-ascii",
                     "windows-1252"], "cp1252"),
    **dict.fromkeys(["utf-16", "utf-16le", "utf-16be"], "utf-8"),
}
# A line that ends a sentence: final punctuation, then any closing quotes or brackets.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\Z")


@dataclass(frozen=True)
class Extracted:
    """A file's text as stored, with whatever metadata the file itself carries."""

    text: str
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None

    def meta(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if k != "text" and v}


# -- HTML -------------------------------------------------------------------------------


def decode_html(data: bytes, name: str) -> str:
    """Decode with the byte-order mark or the declared charset (UTF-8 if none), strictly."""
    body, bom = EncodingDetector.strip_byte_order_mark(data)
    declared = bom or EncodingDetector.find_declared_encoding(body, is_html=True)
    encoding = bom or (_WHATWG.get(declared.lower(), declared) if declared else "utf-8")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise UnreadableFile(
            f"{name} declares an unknown charset {declared!r}; fix its <meta charset> "
            "or convert the file to UTF-8"
        ) from None
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as e:
        how = f"declared charset {declared}" if declared else "UTF-8 (it declares no charset)"
        raise UnreadableFile(
            f"{name} is not valid {how}: byte {body[e.start]:#04x} at offset {e.start}; "
            "declare the right charset in <meta charset> or convert it to UTF-8"
        ) from None


def html_text(data: bytes, name: str) -> Extracted:
    """The visible article text, one paragraph per line, and the page's metadata."""
    soup = BeautifulSoup(decode_html(data, name), "html.parser")  # stdlib parser, no lxml
    for tag in soup.find_all(_DROP):
        tag.decompose()
    # Page banners and footers go; an article's own <header> holds its headline and stays.
    for tag in soup.find_all(["header", "footer"]):
        if tag.find_parent(["article", "main", "section"]) is None:
            tag.decompose()
    root = _content(soup)
    title = _meta(soup, "og:title") or _string(soup.find("title")) or _string(root.find("h1"))
    text = _render(root)
    if not text:
        raise UnreadableFile(f"{name} has no text outside scripts, styles and navigation")
    return Extracted(
        text=text,
        title=title,
        url=web_url(_link(soup, "canonical")) or web_url(_meta(soup, "og:url")),
        outlet=_meta(soup, "og:site_name"),
        published=_meta(soup, "article:published_time"),
    )


def _content(soup: BeautifulSoup) -> Tag:
    """The one <article> (or <main>) when the page has exactly one, else the whole body."""
    for name in ("article", "main"):
        found = soup.find_all(name)
        if len(found) == 1:
            return found[0]
    return soup.body or soup


def _render(root: Tag) -> str:
    """Text with HTML's whitespace folding, blocks and <br> as line breaks, <pre> kept.

    Hand-written because ``get_text(separator="\\n")`` also breaks lines at inline elements
    (a link inside a sentence would cut the sentence in three), and ``get_text()`` without a
    separator runs paragraphs together. A loop over a stack rather than recursion: pages can
    nest deeper than Python's recursion limit.
    """
    parts: list[str] = []
    # (node, inside <pre>); a None node is the end of a block element
    stack: list[tuple[PageElement | None, bool]] = [(root, False)]
    while stack:
        node, pre = stack.pop()
        if node is None:
            parts.append("\n")
        elif isinstance(node, Tag):
            if node.name == "br":
                parts.append("\n")
                continue
            if node.name in _BLOCKS:
                parts.append("\n")
                stack.append((None, False))
            inner = pre or node.name == "pre"
            stack.extend((child, inner) for child in reversed(node.contents))
        elif isinstance(node, NavigableString) and not isinstance(node, PreformattedString):
            # PreformattedString: comments, CDATA, doctype, processing instructions
            parts.append(node.replace("\r\n", "\n") if pre else _HTML_SPACE.sub(" ", node))
    lines = (re.sub(" +", " ", line).strip() for line in "".join(parts).split("\n"))
    return "\n".join(line for line in lines if line)


def _meta(soup: BeautifulSoup, key: str) -> str | None:
    """``<meta property=key content=…>`` (Open Graph) or ``<meta name=key …>``."""
    for attr in ("property", "name"):
        tag = soup.find("meta", attrs={attr: key})
        if isinstance(tag, Tag) and isinstance(content := tag.get("content"), str):
            if value := " ".join(content.split()):
                return value
    return None


def _link(soup: BeautifulSoup, rel: str) -> str | None:
    tag = soup.find("link", rel=rel, href=True)
    href = tag.get("href") if isinstance(tag, Tag) else None
    return href.strip() if isinstance(href, str) else None


# An absolute http(s) URL; letters spelled out, not re.I: under re.I "ſ" (long s) would
# pass for "s". Whitespace spelled out too, so the API's schema can show this very rule.
WEB_URL = rf"[Hh][Tt][Tt][Pp][Ss]?://[^{SPACE}]+"


def web_url(url: str | None) -> str | None:
    """Only absolute http(s) URLs: a relative one cannot be opened from a citation, and a
    ``javascript:`` one must never reach a link or a published ClaimReview."""
    return url if url and re.fullmatch(WEB_URL, url) else None


def _string(tag: Tag | NavigableString | None) -> str | None:
    """A tag's text on one line, or None when it is missing or blank."""
    if not isinstance(tag, Tag):
        return None
    return " ".join(tag.get_text().split()) or None


# -- PDF --------------------------------------------------------------------------------


def pdf_text(data: bytes, name: str) -> Extracted:
    """Each page's text layer, line wraps undone, pages separated by a blank line."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise UnreadableFile(f"{name} is encrypted with a password; decrypt it first, "
                                 f"e.g. `qpdf --password=… --decrypt {name} plain.pdf`")
        pages = [page.extract_text() for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except UnreadableFile:
        raise
    except DependencyError:  # AES needs the `cryptography` package, which is not installed
        raise UnreadableFile(f"{name} is encrypted (AES); decrypt it first, "
                             f"e.g. `qpdf --decrypt {name} plain.pdf`") from None
    except Exception as e:  # pypdf raises many kinds of error on a malformed file
        raise UnreadableFile(
            f"{name} is not a readable PDF ({type(e).__name__}: {e}); "
            "check that it opens in a PDF viewer, or re-save it"
        ) from None
    # NFKC: PDF text layers often spell ligatures (ﬁ) and other compatibility forms, which
    # keep words from matching a question or a quote.
    text = "\n\n".join(p for p in (_unwrap(unicodedata.normalize("NFKC", t)) for t in pages)
                       if p)
    if not text:
        raise UnreadableFile(f"{name} has no text layer (a scanned PDF?); OCR it first, "
                             "e.g. `ocrmypdf scan.pdf text.pdf`")
    return Extracted(text=text, title=" ".join(str(title or "").split()) or None)


def _unwrap(page: str) -> str:
    """Join the lines a PDF wrapped mid-sentence, so sentence splitting sees whole sentences.

    pypdf returns the page's visual lines. A line continues on the next one unless it ends a
    sentence, or it is short and the next starts with a capital (a heading, a paragraph's
    last line). A trailing hyphen is kept and joined without a space (``co-operation``).
    """
    rows = [r for r in (" ".join(line.split()) for line in page.splitlines()) if r]
    if not rows:
        return ""
    width = max(len(r) for r in rows)
    lines = [rows[0]]
    for previous, row in zip(rows, rows[1:]):
        short = len(previous) < 0.6 * width
        if _SENTENCE_END.search(previous) or (short and row[0].isupper()):
            lines.append(row)
        else:
            lines[-1] += ("" if re.search(r"\w-\Z", previous) else " ") + row
    return "\n".join(lines)
