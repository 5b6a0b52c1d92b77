"""Who the text says spoke the quoted words."""

import pytest

from citebot.index.verify.speakers import attribute


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
