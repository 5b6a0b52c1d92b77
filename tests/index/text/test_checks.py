"""Input checks every entry point shares."""

import pytest

from citebot.index.errors import InvalidInput
from citebot.index.text.checks import valid_unicode


def test_valid_text_passes_through_unchanged() -> None:
    assert valid_unicode("Zelenskyy — “quoted” 😀", "question") == "Zelenskyy — “quoted” 😀"


def test_a_lone_surrogate_is_refused_with_its_position() -> None:
    with pytest.raises(InvalidInput, match=r"question holds an invalid character .*\\ud800, at "
                                           r"position 3"):
        valid_unicode("abc\ud800def", "question")
