"""Is a question in another language than the archive's (English)? A cheap check, no model.

Searching an English archive with "¿Qué dijo China sobre Rusia?" finds nothing and would
say "None of the passages mentions “Rusia”", which reads as a verdict on the archive. A
question is taken to be in another language when it is written mostly outside the Latin
script, or when another language's function words outnumber English ones (bm25s's stop
word lists, already a dependency) and at most half its words are English function words
or words the archive holds. A keyword query ("Zelensky drones") or an English question
about names the archive lacks ("Who is Halyna?") is never refused.
"""

import re
import unicodedata
from collections.abc import Callable, Iterable

from bm25s import stopwords

OTHER_LANGUAGE = (
    "I found nothing: the archive is in English, and this question seems to be in another "
    "language. Please ask it in English."
)
_ENGLISH = frozenset(stopwords.STOPWORDS_EN_PLUS)
_OTHERS = tuple(
    frozenset(getattr(stopwords, name))
    for name in dir(stopwords)
    if name.startswith("STOPWORDS_") and not name.startswith("STOPWORDS_EN")
)
_WORD = re.compile(r"[^\W\d_]+")


def _latin_share(text: str) -> float:
    letters = [ch for ch in text if ch.isalpha()]
    latin = sum(1 for ch in letters if unicodedata.name(ch, "").startswith("LATIN"))
    return latin / len(letters) if letters else 1.0


def other_language(question: str, archive_holds: Callable[[Iterable[str]], set[str]]) -> bool:
    """Whether ``question`` reads as written in another language than English.
    ``archive_holds(words)``: those of the (lower-cased) words the archive's text contains."""
    if _latin_share(question) < 0.5:
        return True
    words = [w.lower() for w in _WORD.findall(question)]
    english = sum(1 for w in words if w in _ENGLISH)
    foreign = max(sum(1 for w in words if w in other) for other in _OTHERS)
    if foreign <= english:
        return False
    held = archive_holds(w for w in words if w not in _ENGLISH)
    known = sum(1 for w in words if w in _ENGLISH or w in held)
    return known * 2 <= len(words)
