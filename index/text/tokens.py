"""The one tokenizer for matching words: what BM25 indexes and what questions are matched by."""


def tokenize(texts: list[str]) -> list[list[str]]:
    """Lower-cased, English stop words dropped, Snowball-stemmed: "Recruited" → "recruit"."""
    import bm25s
    import Stemmer

    return bm25s.tokenize(  # type: ignore[no-any-return]
        texts, stopwords="en", stemmer=Stemmer.Stemmer("english"), return_ids=False,
        show_progress=False,
    )
