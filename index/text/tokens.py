"""The one tokenizer for matching words: what BM25 indexes, and the terms questions and
sentences are compared by (so every term is looked up in the index's own vocabulary)."""

import re
from functools import cache, lru_cache

# Words every question or attribution has ("who", "said", "did"): they say what is asked, not
# what it is about. Also what ``named`` skips as never a name.
FUNCTION_WORDS = frozenset(
    "a an and are as at be by did do does for from had has have how i in is it of on or "
    "say said says that the their there this to was were what when where which who whom "
    "whose why will with about after before been being into than then they them he she his "
    "her its can could would should any all also".split()
)
_TOKEN = re.compile(r"(?u)\b\w\w+\b")  # bm25s's default (scikit-learn's CountVectorizer)


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, English stop words dropped, Snowball-stemmed: "Recruited" → "recruit".

    Exactly ``bm25s.tokenize(texts, stopwords="en", stemmer=<english>, return_ids=False)``
    (a test holds them equal), written out because that call builds tqdm progress objects
    even when told not to show them: ~145 µs a call, and an answer calls it ~80 times."""
    import Stemmer

    stop = _stopwords()
    # a stemmer per call: PyStemmer objects are not thread-safe, and one costs under 1 µs
    stem = Stemmer.Stemmer("english").stemWords
    return [stem([w for w in _TOKEN.findall(text.lower()) if w not in stop]) for text in texts]


@lru_cache(maxsize=4096)
def terms(text: str) -> frozenset[str]:
    """The content terms of a question or a sentence: its index tokens ("China’s" →
    "china", "recruited" → "recruit") less the stems of ``FUNCTION_WORDS``. Kept for the
    last few thousand texts: scoring an answer asks for a sentence's terms up to three
    times (alone, and with the sentence it refers back to), ~60 times an answer, and
    the sentences of often-retrieved chunks come back question after question."""
    return frozenset(tokenize([text])[0]) - _function_stems()


@cache  # not at import: bm25s loads in ~0.3 s, which a CLI that never matches words skips
def _stopwords() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


@cache
def _function_stems() -> frozenset[str]:
    return frozenset(t for ts in tokenize(sorted(FUNCTION_WORDS)) for t in ts)
