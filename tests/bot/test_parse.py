"""``bot/parse.py``: what a message asks for (the command's argument, the question, the
quote and its speaker), pure functions over strings."""

import pytest

from citebot.bot import parse


@pytest.mark.parametrize(
    ("text", "quote", "speaker"),
    [
        ("“We never did” — Lin Jian", "We never did", "Lin Jian"),
        ('"We never did" – Lin Jian', "We never did", "Lin Jian"),
        ('"We never did" - Lin Jian.', "We never did", "Lin Jian"),
        ('"We never did" by Lin Jian', "We never did", "Lin Jian"),
        ('"We never did": Lin Jian', "We never did", "Lin Jian"),
        ("«We never did», Lin Jian", "We never did", "Lin Jian"),
        ("„Wir waren es nie“ – Lin Jian", "Wir waren es nie", "Lin Jian"),
        ("“We never did”", "We never did", None),
        ("“We never did” —", "We never did", None),  # a separator with no one after it
        ("“We never did” by", "We never did", None),
        ("“He said “no” twice”", "He said “no” twice", None),
        ("“Line one\nline two” — Lin Jian", "Line one\nline two", "Lin Jian"),
        ("We never did — Lin Jian", "We never did", "Lin Jian"),
        ("supplied by Russia", "supplied by Russia", None),  # "by" needs quotation marks
        ("  ", "", None),
    ],
)
def test_quote_and_speaker(text: str, quote: str, speaker: str | None) -> None:
    assert parse.quote_and_speaker(text) == (quote, speaker)


@pytest.mark.parametrize(
    ("text", "argument"),
    [
        ("/ask@citebot_bot  Who is it?\n", "Who is it?"),
        ("  /verify   “x” — y ", "“x” — y"),
        ("/ask", ""),
        ("/ask@citebot_bot", ""),
        ("what /ask", "what /ask"),  # only a leading command is taken off
    ],
)
def test_command_argument(text: str, argument: str) -> None:
    assert parse.command_argument(text) == argument


def test_strip_mention_takes_out_the_bots_own_name_only() -> None:
    assert parse.strip_mention("@CiteBot_Bot, who is it?", "citebot_bot") == "who is it?"
    assert parse.strip_mention("Tell me @citebot_bot who", "citebot_bot") == "Tell me   who"
    assert parse.strip_mention("who is it? @citebot_bot", "citebot_bot") == "who is it?"
    # another bot whose name starts with this one's is left alone
    assert parse.strip_mention("@citebot_botx hi", "citebot_bot") == "@citebot_botx hi"


def test_has_words() -> None:
    assert not parse.has_words("🙂🙂 ?!")
    assert not parse.has_words("")
    assert parse.has_words("Wer ist Lin Jian?") and parse.has_words("2024")
    assert parse.has_words("林剑是谁")  # letters of any script count
