"""Input checks every entry point shares."""

import re
import unicodedata

from citebot.index.errors import InvalidInput, concerning

_SURROGATE = re.compile("[\ud800-\udfff]")

# Python's whitespace (str.isspace, what str.strip removes), spelled out: a JSON Schema's
# "\s" is ECMA's, which differs (it omits \x1c-\x1f and \x85, and includes \ufeff), so a
# client following the schema would send what the checks here refuse.
SPACE = "\t\n\v\f\r \x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
# Unicode's format characters (category Cf, Unicode 14 as in Python 3.11), as literal
# characters so that the pattern reads the same in Python and in a JSON Schema: the
# bidirectional overrides (U+202E shows "\u202etxt.exe" as "exe.txt"), zero-width
# spaces and joiners, the byte order mark, the soft hyphen, the invisible tags.
FORMAT = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
          "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
          "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
          "\U000e0020-\U000e007f")
SOURCE_MAX = 512
SOURCE_EXAMPLE = "news/2025-04-09-zelensky.txt"
# A source: a relative path inside the corpus, segments joined by single slashes, none
# empty, "." or ".."; no backslash, NUL or format character; not starting with whitespace.
# A segment starts with a non-dot, or a dot and a non-dot, or two dots and anything: the
# rule without lookaheads, which JSON Schema's regex dialect may lack.
_NOT = rf"/\\\x00{FORMAT}"
_SEGMENT = rf"(?:[^{_NOT}.]|\.[^{_NOT}.]|\.\.[^{_NOT}])[^{_NOT}]*"
SOURCE_PATTERN = (rf"^(?:[^{_NOT}.{SPACE}]|\.[^{_NOT}.]|\.\.[^{_NOT}])[^{_NOT}]*"
                  rf"(?:/{_SEGMENT})*$")
_SOURCE = re.compile(SOURCE_PATTERN)


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


def check_source(source: str) -> str:
    """``source``, if it is a name citebot can store a document under (``SOURCE_PATTERN``).

    A source is a name, never decoded: ``%2e%2e%2f`` is those nine characters, stored and
    served under exactly that name, not "../"."""
    valid_unicode(source, "source")
    if len(source) > SOURCE_MAX:
        raise InvalidInput(f"a source is at most {SOURCE_MAX} characters, not "
                           f"{len(source):,}; use a shorter name")
    hidden = next((i for i, c in enumerate(source) if unicodedata.category(c) == "Cf"), None)
    if hidden is not None:
        char = source[hidden]
        name = unicodedata.name(char, "a format character")
        raise InvalidInput(
            f"{source[:80]!r} holds U+{ord(char):04X} {name} at character {hidden}: an "
            "invisible formatting character, which can disguise how a name reads; remove it"
        )
    if not _SOURCE.fullmatch(source):
        raise InvalidInput(
            f"{source[:80]!r} is not a relative path inside the corpus: use names joined by "
            f"single '/', like {SOURCE_EXAMPLE!r}, with no leading '/' or whitespace, no '.' "
            "or '..' segment, no backslash or NUL"
        )
    return source


def valid_field(value: str, field: str, what: str | None = None) -> str:
    """``valid_unicode``, its error naming the input ``field``."""
    with concerning(field):
        return valid_unicode(value, what or field)


def check_text(value: str, field: str, max_chars: int, *, empty: str, over: str = "") -> str:
    """``value`` trimmed, if it is valid, not blank and at most ``max_chars`` long: the rule
    of a question and of a quote (both bounded by CITEBOT_MAX_QUESTION_CHARS)."""
    value = valid_field(value, field).strip()
    if not value:
        raise InvalidInput(f"the {field} is empty or only white space: {empty}", field)
    if len(value) > max_chars:
        raise InvalidInput(f"the {field} is {len(value):,} characters; the limit is "
                           f"{max_chars:,} (CITEBOT_MAX_QUESTION_CHARS){over}", field)
    return value


def check_question(question: str, max_chars: int) -> str:
    """The question, trimmed, if it is one citebot can answer."""
    return check_text(question, "question", max_chars,
                      empty="ask something, e.g. 'Who summoned the Chinese ambassador?'")


def check_top_k(top_k: int | None, default: int, most: int) -> int:
    k = default if top_k is None else top_k
    if not 1 <= k <= most:
        raise InvalidInput(f"top_k must be between 1 and {most}, not {k}", "top_k")
    return k


def check_document_text(source: str, text: str, max_chars: int) -> str:
    """A document's text, if it is valid, not blank and within the size limit."""
    text = valid_field(text, "text", "document text")
    if not text.strip():
        raise InvalidInput(f"{source}: the document is empty; send its text", "text")
    if len(text) > max_chars:
        raise InvalidInput(
            f"{source}: {len(text):,} characters is over the limit of "
            f"{max_chars:,} (CITEBOT_MAX_DOCUMENT_CHARS); split it", "text",
        )
    return text
