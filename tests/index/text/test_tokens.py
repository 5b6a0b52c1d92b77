"""The one tokenizer: lower-cased, stop words out, Snowball stems."""

from citebot.index.text.tokens import terms, tokenize
from tests.conftest import CORPUS


def test_stems_and_case() -> None:
    assert tokenize(["Recruited recruits RECRUITING"]) == [["recruit", "recruit", "recruit"]]


def test_stop_words_and_empty_texts() -> None:
    got = tokenize(["the and of", ""])
    assert got == [[], []]


def test_terms_are_index_tokens_without_the_words_every_question_has() -> None:
    asked = terms("Who said China’s ambassador was summoned, and when did it happen?")
    assert asked == {"china", "ambassador", "summon", "happen"}
    assert asked <= set(tokenize(["China’s ambassador summoned happen"])[0])  # its vocabulary


def test_a_text_of_function_words_has_no_terms() -> None:
    assert terms("What did he say about it?") == set()
    assert terms("") == set()


def test_the_tokens_are_exactly_bm25s_own() -> None:
    """The BM25 scores stay bm25s's: the same tokens from the same rules, on every sample
    article and on text that stresses the pattern."""
    import bm25s
    import Stemmer

    texts = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]
    assert len(texts) == 5
    texts += ["", "the and of", "Zelenskyy’s “quote” — 155 Ü café naïve 1.13 240,000 U.S.",
              "RECRUITED recruits, re-recruited; x y zz _under_score"]
    reference = bm25s.tokenize(texts, stopwords="en", stemmer=Stemmer.Stemmer("english"),
                               return_ids=False, show_progress=False)
    assert tokenize(texts) == reference
