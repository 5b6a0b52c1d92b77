"""Aligning a quote's words with a document's: exact runs and approximate changes."""

import pytest

from citebot.index.text.words import Words, segments
from citebot.index.verify.align import MAX_GAP, approximate, exact


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
    assert len(a.kept) == 8
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
