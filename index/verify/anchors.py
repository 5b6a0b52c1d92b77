"""Ways to point at a passage from outside: a W3C Web Annotation quote selector's context,
and a Text Fragments link (``url#:~:text=…``) that opens the page with the words marked.

Hand-written: the Text Fragments directive is a few lines of string building, and no
Python library produces it (https://wicg.github.io/scroll-to-text-fragment/).
"""

from urllib.parse import quote

from citebot.index.ingest.loader import opening
from citebot.index.models import Document

CONTEXT_CHARS = 32  # prefix/suffix length of the W3C TextQuoteSelector
_WORDS_PER_END = 4  # long passages are marked by their first and last few words
_SHORT_WORDS = 10  # up to this many words on one line are marked whole


def identity(doc: Document, passage: str) -> dict[str, str | None]:
    """What tells a reader where ``passage`` (a part of ``doc``) comes from: the document's
    title, outlet and date, its first words when it has no title, and a link to the words
    when its URL is known (the fields of a Citation or Match besides the passage)."""
    meta = doc.meta
    return {
        "title": meta.title,
        "outlet": meta.outlet,
        "published": meta.published,
        "opening": None if meta.title else opening(doc.text),
        "url": text_fragment(meta.url, passage) if meta.url else None,
    }


def context(text: str, start: int, end: int) -> tuple[str, str]:
    """The selector's ``prefix`` and ``suffix``: the characters just before and after."""
    return text[max(0, start - CONTEXT_CHARS) : start], text[end : end + CONTEXT_CHARS]


def text_fragment(url: str, passage: str) -> str:
    """``url#:~:text=start[,end]`` marking ``passage`` (textStart,textEnd when it is long or
    spans paragraphs, since a single text term cannot cross a block boundary)."""
    lines = [line.split() for line in passage.splitlines() if line.strip()]
    words = [w for line in lines for w in line]
    if len(lines) == 1 and len(words) <= _SHORT_WORDS:
        directive = _encode(" ".join(words))
    else:
        first = lines[0][:_WORDS_PER_END]
        last = lines[-1][-_WORDS_PER_END:]
        directive = f"{_encode(' '.join(first))},{_encode(' '.join(last))}"
    base, _, fragment = url.partition("#")
    fragment = fragment.split(":~:", 1)[0]  # replace a directive already there
    return f"{base}#{fragment}:~:text={directive}"


def _encode(term: str) -> str:
    """Percent-encode a text term: the spec reserves '-', ',' and '&' besides the usual."""
    return quote(term, safe="").replace("-", "%2D")
