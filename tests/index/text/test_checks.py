"""Input checks every entry point shares: Unicode validity and the one source-name
rule (``check_source``) with the pattern the API's schema shows."""

import re
import sys
import unicodedata

import pytest

from citebot.index.errors import InvalidInput
from citebot.index.text.checks import (
    FORMAT,
    SOURCE_PATTERN,
    check_document_text,
    check_question,
    check_source,
    check_text,
    check_top_k,
    valid_field,
    valid_unicode,
)


def test_valid_text_passes_through_unchanged() -> None:
    assert valid_unicode("Zelenskyy — “quoted” 😀", "question") == "Zelenskyy — “quoted” 😀"


def test_a_lone_surrogate_is_refused_with_its_position() -> None:
    with pytest.raises(InvalidInput, match=r"question holds an invalid character .*\\ud800, at "
                                           r"position 3"):
        valid_unicode("abc\ud800def", "question")



def test_the_pattern_excludes_exactly_unicodes_format_characters() -> None:
    in_class = re.compile(f"[{FORMAT}]")
    every = (chr(c) for c in range(sys.maxunicode + 1))
    assert {c for c in every if in_class.fullmatch(c)} == {
        chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}


@pytest.mark.parametrize(("name", "named"), [
    ("\u202etxt.exe", "U+202E RIGHT-TO-LEFT OVERRIDE at character 0"),
    ("news/a\u200bb.txt", "U+200B ZERO WIDTH SPACE at character 6"),
    ("a.txt\ufeff", "U+FEFF ZERO WIDTH NO-BREAK SPACE at character 5"),
    ("a\u2066b.txt", "U+2066 LEFT-TO-RIGHT ISOLATE"),
    ("a\U000e0041.txt", "U+E0041 TAG LATIN CAPITAL LETTER A"),
])
def test_format_characters_are_refused_by_name(name: str, named: str) -> None:
    with pytest.raises(InvalidInput, match=re.escape(named)):
        check_source(name)
    assert not re.fullmatch(SOURCE_PATTERN, name)  # and the schema says so too


@pytest.mark.parametrize("name", ["a.txt", "news/2025/a b.txt", "%2e%2e%2fetc%2fpasswd",
                                  "..a/.b/...", "résumé.txt", "a/..b"])
def test_good_names_pass_unchanged_and_match_the_pattern(name: str) -> None:
    assert check_source(name) == name  # never decoded: '%2e' stays three characters
    assert re.fullmatch(SOURCE_PATTERN, name)


@pytest.mark.parametrize("name", ["/etc/passwd", "../a", "a/../b", "a//b", "./a", "a\\b",
                                  " a.txt", "", "a\x00b", "a/", "x" * 513])
def test_paths_that_escape_or_are_not_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidInput):
        check_source(name)
    assert len(name) > 512 or not re.fullmatch(SOURCE_PATTERN, name)


def test_a_question_is_trimmed_and_checked_once_with_its_field() -> None:
    assert check_question("  Who spoke?\n", 20) == "Who spoke?"
    for bad, said in ((" \t", "empty or only white space"), ("x" * 21, "21 characters; the "
                                                                       "limit is 20")):
        with pytest.raises(InvalidInput, match=said) as caught:
            check_question(bad, 20)
        assert caught.value.field == "question"


def test_top_k_defaults_and_is_bounded() -> None:
    assert check_top_k(None, 5, 50) == 5
    assert check_top_k(50, 5, 50) == 50
    for bad in (0, 51):
        with pytest.raises(InvalidInput, match=f"between 1 and 50, not {bad}") as caught:
            check_top_k(bad, 5, 50)
        assert caught.value.field == "top_k"


def test_a_document_text_must_have_words_and_fit() -> None:
    assert check_document_text("a.txt", "Some text.", 100) == "Some text."
    with pytest.raises(InvalidInput, match="a.txt: the document is empty"):
        check_document_text("a.txt", "\n \n", 100)
    with pytest.raises(InvalidInput, match="101 characters is over the limit of 100"):
        check_document_text("a.txt", "x" * 101, 100)
    with pytest.raises(InvalidInput, match="document text holds an invalid character") as caught:
        check_document_text("a.txt", "bad \ud800", 100)
    assert caught.value.field == "text"


def test_a_field_error_names_its_field() -> None:
    with pytest.raises(InvalidInput, match="history question holds") as caught:
        valid_field("\udfff", "history", "history question")
    assert caught.value.field == "history"


def test_the_rule_of_a_question_and_a_quote_names_the_field_and_the_fix() -> None:
    assert check_text(" said it ", "quote", 10, empty="send words") == "said it"
    with pytest.raises(InvalidInput, match="^the quote is empty or only white space: send "
                                           "words$"):
        check_text("\n", "quote", 10, empty="send words")
    with pytest.raises(InvalidInput, match=r"^the quote is 11 characters; the limit is 10 "
                                           r"\(CITEBOT_MAX_QUESTION_CHARS\): shorter$"):
        check_text("x" * 11, "quote", 10, empty="send words", over=": shorter")
