"""The one tokenizer for matching words: what BM25 indexes, and the terms questions and
sentences are compared by (so every term is looked up in the index's own vocabulary)."""

from functools import cache

# Words every question or attribution has ("who", "said", "did"): they say what is asked, not
# what it is about. Also what ``named`` skips as never a name.
FUNCTION_WORDS = frozenset(
    "a an and are as at be by did do does for from had has have how i in is it of on or "
    "say said says that the their there this to was were what when where which who whom "
    "whose why will with about after before been being into than then they them he she his "
    "her its can could would should any all also".split()
)


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, English stop words dropped, Snowball-stemmed: "Recruited" → "recruit"."""
    import bm25s
    import Stemmer

    # a stemmer per call: PyStemmer objects are not thread-safe, and one costs under 1 µs
    return bm25s.tokenize(  # type: ignore[no-any-return]
        texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), return_ids=False,
        show_progress=False,
    )


def terms(text: str) -> set[str]:
    """The content terms of a question or a sentence: its index tokens ("China’s" →
    "china", "recruited" → "recruit") less the stems of ``FUNCTION_WORDS``."""
    return set(tokenize([text])[0]) - _function_stems()


@cache  # not at import: bm25s loads in ~0.3 s, which a CLI that never matches words skips
def _function_stems() -> frozenset[str]:
    return frozenset(t for ts in tokenize(sorted(FUNCTION_WORDS)) for t in ts)
