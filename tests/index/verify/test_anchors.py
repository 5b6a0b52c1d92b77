"""W3C prefix/suffix anchors and #:~:text= links."""

from citebot.index.verify.anchors import context, text_fragment


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
