"""What several subcommands share: the check that an index exists, and quoting."""

from typing import TYPE_CHECKING

from citebot.index.errors import EmptyCorpus
from citebot.index.verify.quotations import CLOSING, STRAIGHT, quotations

if TYPE_CHECKING:
    from citebot.index.service import Citebot

# Marks a quoted sentence can start or end with: curly, straight, low-9, guillemets, single.
_MARKS = "“”\"„«»‘’'‹›"


def quoted(text: str) -> str:
    """``text`` in quotation marks, unless it starts or ends with its own: wrapping
    “The North Koreans fought…” would print ““The North Koreans fought…””, and adding a
    mark to one end only would leave the other unbalanced."""
    if text[:1] in _MARKS or text[-1:] in _MARKS or _opens_a_quotation(text):
        return text
    return f"“{text}”"


def _opens_a_quotation(text: str) -> bool:
    """A sentence cut from inside a quotation ('He added, “Our military … army.'): a mark
    added at its end would read as closing that quotation. Read as quote verification
    reads quotations: one left open runs to the text's end."""
    spans = quotations(text)
    return bool(spans) and spans[-1][1] == len(text) and text[-1] not in CLOSING + STRAIGHT


def require_index(bot: "Citebot") -> None:
    """An error when nothing is indexed where the settings point: "I found nothing" from a
    mistyped CITEBOT_DATA_DIR would read like a verdict on the archive."""
    s = bot.settings
    if not s.chroma_host and not s.chroma_dir.exists():  # checked first: opening creates it
        raise EmptyCorpus(f"there is no index in {s.data_dir}: run `citebot ingest` first, "
                          "or set CITEBOT_DATA_DIR to the folder you ingested into")
    if bot.count() == 0:
        where = f"the Chroma server {s.chroma_host}:{s.chroma_port}" if s.chroma_host \
            else str(s.data_dir)
        raise EmptyCorpus(f"nothing is indexed in {where} (collection {s.collection!r}): "
                          "run `citebot ingest` first, or set CITEBOT_DATA_DIR / "
                          "CITEBOT_COLLECTION to where you ingested")
