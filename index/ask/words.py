"""The content words of a question or a sentence, as the lexical index stems them."""

import re

import Stemmer

WORD = re.compile(r"[\w’']+")
STOP = frozenset(
    "a an and are as at be by did do does for from had has have how i in is it of on or "
    "say said says that the their there this to was were what when where which who whom "
    "whose why will with about after before been being into than then they them he she his "
    "her its can could would should any all also".split()
)


def terms(text: str) -> set[str]:
    """Content words, lower-cased, possessives dropped, stemmed with the lexical index's
    stemmer ("China’s" → "china", "recruited" → "recruit"), so they match its vocabulary."""
    words = (re.sub(r"[’']s$", "", w.lower()) for w in WORD.findall(text))
    kept = [w for w in words if w not in STOP and (len(w) > 2 or w.isdigit())]
    # a stemmer per call: PyStemmer objects are not thread-safe, and one costs under 1 µs
    return set(Stemmer.Stemmer("english").stemWords(kept))
