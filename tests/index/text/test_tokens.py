"""The one tokenizer: lower-cased, stop words out, Snowball stems."""

from citebot.index.text.tokens import terms, tokenize


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
