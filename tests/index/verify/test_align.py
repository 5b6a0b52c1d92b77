"""The parts of quote verification on small texts: normalisation, alignment, attribution,
text-fragment links. No model or store needed."""

import pytest

from citebot.index.text.words import Words, segments
from citebot.index.verify.align import MAX_GAP, approximate, exact
from citebot.index.verify.anchors import context, text_fragment
from citebot.index.verify.speakers import attribute, quotations, same_speaker

# -- normalisation --------------------------------------------------------------------------


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


# -- alignment ------------------------------------------------------------------------------


def test_exact_finds_every_occurrence() -> None:
    doc = Words.of("He said no. Then he said no again.")
    assert [(a.first, a.last) for a in exact(doc, segments("he said no"))] == [(0, 3), (4, 7)]


def test_exact_across_an_ellipsis_within_the_gap() -> None:
    doc = Words.of("one two " + "filler " * 10 + "three four")
    found = exact(doc, segments("one two … three four"))
    assert [(a.first, a.last) for a in found] == [(0, 14)]
    far = Words.of("one two " + "filler " * (MAX_GAP + 1) + "three four")
    assert exact(far, segments("one two … three four")) == []


def test_approximate_reports_each_kind_of_change() -> None:
    doc = Words.of("Intro text. The side has never provided lethal weapons to any party. Outro.")
    a = approximate(doc, segments("the side has always provided weapons to any single party"))
    assert a.changes == ((("never",), ("always",)), (("lethal",), ()), ((), ("single",)))
    assert a.matched == 8
    assert doc.raw[a.first] == "The" and doc.raw[a.last - 1] == "party"


def test_approximate_skips_words_behind_an_ellipsis_for_free() -> None:
    doc = Words.of("we think that Russia stole, made deals, stole these technologies")
    a = approximate(doc, segments("we think that China stole … these technologies"))
    assert a.changes == ((("Russia",), ("China",)),)


@pytest.mark.parametrize(
    ("quote", "changes"),
    [
        ("we will open a new bridge in April", ((("March",), ("April",)),)),
        ("we will open a new bridge", ()),  # a shorter quote: nothing added at the end
        ("We will build a new bridge in March", ((("open",), ("build",)),)),
    ],
)
def test_a_changed_last_word_is_a_change_not_an_addition(
    quote: str, changes: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
) -> None:
    doc = Words.of("The mayor said, “We will open a new bridge in March.” Then she left.")
    assert approximate(doc, segments(quote)).changes == changes


@pytest.mark.parametrize("left_out", ["never", "not", "no", "hasn't", "cannot", "without"])
def test_an_ellipsis_never_stands_for_a_negation(left_out: str) -> None:
    doc = Words.of(f"The Chinese side has {left_out} provided lethal weapons to any party.")
    parts = segments("The Chinese side has … provided lethal weapons to any party")
    assert exact(doc, parts) == []  # not verbatim: the quote says the opposite
    a = approximate(doc, parts)
    assert a.changes == (((left_out,), ()),) and a.similarity < 1.0
    # other words behind an ellipsis are still left out freely
    doc = Words.of("The Chinese side has never provided lethal weapons to any party.")
    parts = segments("The Chinese side has never provided … weapons to any party")
    assert len(exact(doc, parts)) == 1 and approximate(doc, parts).changes == ()


def test_approximate_on_unrelated_text_is_dissimilar() -> None:
    a = approximate(Words.of("The weather was fine all week."), segments("markets fell"))
    assert a.similarity == 0.0


# -- attribution ------------------------------------------------------------------------------


def _speaker(text: str, words: str) -> str | None:
    at = text.lower().index(words.lower())
    return attribute(text, at, at + len(words))


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('Jane Doe said, "We will win."', "Jane Doe"),
        ('"We will win," said Jane Doe.', "Jane Doe"),
        ("“We will win,” Doe told reporters.", "Doe"),
        ("Prime Minister John Smith told reporters: “We will win.”", "John Smith"),
        ("Minister John Smith arrived.\n“We will win,” he said.", "John Smith"),
        ("Minister Smith spoke first. She added, “We will win.”", "Smith"),
        ("According to Jane Doe, we will win the vote.", "Jane Doe"),
        ("Jane Doe has repeatedly claimed that we will win.", "Jane Doe"),
        ("“We will win,” the ministry said.", "the ministry"),
        ("The Ministry of Defence met.\n“We will win,” the ministry said.",
         "The Ministry of Defence"),
        ("Mayor Ann Lee spoke. Then the mayor said, “We will win.”", "Ann Lee"),
        ("“We will win.\n“Next year too.”\nJane Doe\nMore text.", "Jane Doe"),
    ],
)
def test_attribution_patterns(text: str, speaker: str) -> None:
    assert _speaker(text, "We will win") == speaker


@pytest.mark.parametrize(
    "text",
    [
        "We will win the vote, the paper wrote in an editorial nobody signed",
        "“We will win.” He left the room.",  # a new sentence, not an attribution
        "The crowd cheered. “We will win,” he said.",  # nobody named to resolve "he"
        # a speech verb ("maintain") in another clause: not "said by Russia"
        "Though China and Russia maintain close ties, We will win the argument, it seems.",
    ],
)
def test_no_speaker_when_none_is_named(text: str) -> None:
    assert _speaker(text, "We will win") is None


def test_quotation_running_over_paragraphs() -> None:
    text = "Intro.\n“First part.\n“Second part.”\nAfter."
    assert quotations(text) == [(7, text.index("”") + 1)]


def test_unclosed_quotation_ends_with_its_paragraph() -> None:
    text = "He said “never closed\nNext paragraph."
    assert quotations(text) == [(8, text.index("\n"))]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Zelensky", "Volodymyr Zelenskyy", True),
        ("Zelenskiy", "Zelenskyy", True),
        ("President Zelensky", "Volodymyr Zelensky", True),
        ("Zelensky’s", "Zelensky", True),
        ("Lin", "Lin Jian", True),
        ("Ukraine's foreign ministry", "Ukraine’s Ministry of Foreign Affairs", True),
        ("Olena Zelenska", "Volodymyr Zelenskyy", False),
        ("Lin Jian", "Volodymyr Zelensky", False),
        ("Andrii Sybiha", "Dmytro Kuleba", False),
        ("", "Zelensky", False),
    ],
)
def test_same_speaker(a: str, b: str, same: bool) -> None:
    assert same_speaker(a, b) is same
    assert same_speaker(b, a) is same


# -- anchors ------------------------------------------------------------------------------------


def test_context_is_32_characters_each_side() -> None:
    text = "x" * 40 + "MATCH" + "y" * 40
    assert context(text, 40, 45) == ("x" * 32, "y" * 32)
    assert context("short MATCH end", 6, 11) == ("short ", " end")


def test_text_fragment_encodes_reserved_characters() -> None:
    url = text_fragment("https://example.com/a", "Tom & Jerry, co-stars")
    assert url == "https://example.com/a#:~:text=Tom%20%26%20Jerry%2C%20co%2Dstars"


def test_text_fragment_encodes_non_ascii_as_utf8() -> None:
    assert text_fragment("https://e.com/", "“Café”") == "https://e.com/#:~:text=%E2%80%9CCaf%C3%A9%E2%80%9D"


def test_text_fragment_uses_start_and_end_for_long_or_multi_paragraph_passages() -> None:
    long = "one two three four five six seven eight nine ten eleven twelve"
    assert text_fragment("https://e.com/", long) == (
        "https://e.com/#:~:text=one%20two%20three%20four,nine%20ten%20eleven%20twelve")
    assert text_fragment("https://e.com/", "First line.\nSecond line.") == (
        "https://e.com/#:~:text=First%20line.,Second%20line.")


def test_text_fragment_keeps_a_fragment_and_replaces_a_directive() -> None:
    assert text_fragment("https://e.com/a#sec", "words") == "https://e.com/a#sec:~:text=words"
    assert text_fragment("https://e.com/a#:~:text=old", "new") == "https://e.com/a#:~:text=new"
