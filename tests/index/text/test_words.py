"""Words with offsets, folded typography and quote segments."""

import pytest

from citebot.index.text.words import Words, segments


def test_words_keep_their_offsets() -> None:
    text = "  “Russia’s war—and Kyiv’s 1,000 drones…”"
    words = Words.of(text)
    assert words.words == ("russia's", "war", "and", "kyiv's", "1,000", "drones")
    assert [text[a:b] for a, b in zip(words.starts, words.ends)] == list(words.raw)


def test_typography_folds_away() -> None:
    assert Words.of("RUSSIA’S Café – “war”").words == Words.of("russia's cafe - war").words


def test_find_all_matches_whole_words_only() -> None:
    words = Words.of("the war, the warden, the war")
    assert words.find_all(("the", "war")) == [0, 4]
    assert words.find_all(("the", "war"), first=1) == [4]
    assert words.find_all(("war", "den")) == []


@pytest.mark.parametrize("quote", ["a b … c d", "a b ... c d", "a b [...] c d", "a b (…) c d",
                                   "a b. . . c d"])
def test_ellipses_split_the_quote(quote: str) -> None:
    assert [p.words for p in segments(quote)] == [("a", "b"), ("c", "d")]


def test_a_leading_ellipsis_leaves_one_part() -> None:
    assert [p.words for p in segments("…stole these technologies.”")] == [
        ("stole", "these", "technologies")]
