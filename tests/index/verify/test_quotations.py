"""Where quotations start and end, over paragraphs."""

from citebot.index.verify.quotations import quotations


def test_quotation_running_over_paragraphs() -> None:
    text = "Intro.\n“First part.\n“Second part.”\nAfter."
    assert quotations(text) == [(7, text.index("”") + 1)]


def test_unclosed_quotation_ends_with_its_paragraph() -> None:
    text = "He said “never closed\nNext paragraph."
    assert quotations(text) == [(8, text.index("\n"))]
