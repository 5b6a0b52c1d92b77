"""The one tokenizer: lower-cased, stop words out, Snowball stems."""

from citebot.index.text.tokens import tokenize


def test_stems_and_case() -> None:
    assert tokenize(["Recruited recruits RECRUITING"]) == [["recruit", "recruit", "recruit"]]


def test_stop_words_and_empty_texts() -> None:
    got = tokenize(["the and of", ""])
    assert got == [[], []]
