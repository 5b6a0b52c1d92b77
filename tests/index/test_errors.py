"""``errors``: typed errors; ``InvalidInput`` names the input at fault, and ``concerning``
names it for a shared check that does not know which input it was given."""

from collections.abc import Callable

import pytest

from citebot.index.errors import CitebotError, InvalidInput, concerning
from citebot.index.service import Citebot
from citebot.index.text.checks import check_source, valid_unicode
from citebot.index.verify.verdicts import check_quote


def test_invalid_input_carries_its_message_and_field() -> None:
    error = InvalidInput("the question is empty", "question")
    assert isinstance(error, CitebotError)
    assert (str(error), error.field) == ("the question is empty", "question")
    assert InvalidInput("no field").field is None


def test_concerning_names_the_field_of_a_shared_check() -> None:
    with pytest.raises(InvalidInput, match="lone UTF-16 surrogate") as raised:
        with concerning("speaker"):
            valid_unicode("Lin\ud800", "speaker")
    assert raised.value.field == "speaker"
    with pytest.raises(InvalidInput) as named:
        with concerning("source"):
            check_source("../a.txt")
    assert named.value.field == "source"


def test_concerning_keeps_a_field_already_named() -> None:
    with pytest.raises(InvalidInput) as raised:
        with concerning("history"):
            raise InvalidInput("the question is empty", "question")
    assert raised.value.field == "question"


def test_concerning_lets_other_errors_pass() -> None:
    with pytest.raises(KeyError):
        with concerning("question"):
            raise KeyError("not an input error")


@pytest.mark.parametrize(("quote", "speaker", "field"), [
    ("", None, "quote"), ("x" * 101, None, "quote"), ("“…”", None, "quote"),
    ("q\udc00", None, "quote"), ("words", "x" * 201, "speaker"), ("words", "\ud800", "speaker"),
])
def test_check_quote_names_the_field(quote: str, speaker: str | None, field: str) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_quote(quote, speaker, 100)
    assert raised.value.field == field


def test_the_cores_question_checks_name_their_field(make_bot: Callable[..., Citebot]) -> None:
    bot = make_bot(max_question_chars=10)
    for bad in ("", "   ", "x" * 11, "\ud800?"):
        with pytest.raises(InvalidInput) as raised:
            bot.check_question(bad)
        assert raised.value.field == "question"
    with pytest.raises(InvalidInput, match="top_k must be between 1 and 50, not 0") as top_k:
        bot.check_top_k(0)
    assert top_k.value.field == "top_k"


@pytest.mark.parametrize(("source", "text", "meta", "field"), [
    ("../a.txt", "Text.", {}, "source"), ("a.txt", " \n ", {}, "text"),
    ("a.txt", "x" * 101, {}, "text"), ("a.txt", "Bad \udc00.", {}, "text"),
    ("a.txt", "Text.", {"url": "javascript:alert(1)"}, "url"),
    ("a.txt", "Text.", {"title": "\ud800"}, "title"),
])
def test_add_document_names_the_field(make_bot: Callable[..., Citebot], source: str, text: str,
                                      meta: dict[str, str], field: str) -> None:
    bot = make_bot(max_document_chars=100)
    with pytest.raises(InvalidInput) as raised:
        bot.add_document(source, text, **meta)
    assert raised.value.field == field
    assert bot.count() == 0
