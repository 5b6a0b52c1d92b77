"""Input checks every entry point shares."""

import re

from citebot.index.errors import InvalidInput

_SURROGATE = re.compile("[\ud800-\udfff]")


def valid_unicode(value: str, what: str) -> str:
    """``value``, unless it holds a lone surrogate: a JSON ``"\\ud800"`` escape decodes to
    one, and nothing downstream (the tokenizer, Chroma's SQLite) can encode it as UTF-8, so
    it would fail deep inside instead of telling the caller what to fix."""
    found = _SURROGATE.search(value)
    if found:
        raise InvalidInput(
            f"the {what} holds an invalid character (a lone UTF-16 surrogate, "
            f"\\u{ord(found.group()):04x}, at position {found.start()}): send valid Unicode text"
        )
    return value
