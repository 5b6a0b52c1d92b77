"""Sentence spans are offsets into the text, trimmed of white space."""

from citebot.index.text.sentences import sentences


def test_spans_index_the_text_and_are_trimmed() -> None:
    text = "Intro line.\n  Mr. Smith said so.  He left at 5 p.m. on Friday. Then rain.  \n"
    start = text.index("Mr.")
    end = text.index("\n", start)
    spans = sentences(text, start - 2, end)
    assert [text[s.start : s.end] for s in spans] == [
        "Mr. Smith said so.", "He left at 5 p.m. on Friday.", "Then rain."]


def test_a_blank_line_has_no_sentence() -> None:
    assert sentences("a\n   \nb", 1, 6) == []
