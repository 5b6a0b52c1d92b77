"""Who spoke quoted words, from spaCy's parse (the real small English pipeline)."""

import pytest

from citebot.index.verify.parsed import _quoted, attribute


def _speaker(text: str, words: str) -> str | None:
    at = text.index(words)
    return attribute(text, at, at + len(words))


@pytest.mark.parametrize(
    ("text", "speaker"),
    [
        ('"We will win," said Jane Doe, head of the party.', "Jane Doe"),
        # a continuation: the sentence before says who speaks
        ('"It is not true," Jane Doe told reporters. "We will win."', "Jane Doe"),
        # the speaker's role names a body: "a Vodafone spokesman"
        ('"We will win," said a Vodafone spokesman.', "Vodafone"),
        # passive: the agent speaks
        ('The machine was described by Steve Jobs as the "most important Mac" ever.',
         "Steve Jobs"),
        # "he" is the person named before, outside the quotation, not the one inside it
        ('Lord Hattersley spoke first. "I knew his wife Audrey well," he said.',
         "Hattersley"),  # the small model leaves the peerage out of the name
        # the document's fuller form of the name
        ('Mayor Ann Lee arrived.\n"We will win," Lee said.', "Ann Lee"),
    ],
)
def test_attribution_from_the_parse(text: str, speaker: str) -> None:
    words = text.split('"')[1].rstrip(",")
    assert _speaker(text, words) == speaker


@pytest.mark.parametrize(
    "text",
    [
        'When asked "What has Labour done for the North East?" he had no answer.',
        '"We will win," the spokesman said.',  # a role nobody holds: unattributed
        "We will win the vote, the paper wrote.",  # no quotation marks: the patterns' alone
    ],
)
def test_nobody_when_the_parse_names_nobody(text: str) -> None:
    assert _speaker(text, "We will win" if "We will" in text else "What has Labour") is None


def test_quoted_pairs_straight_marks_by_their_side() -> None:
    window = '"Not true," Arnesen said. "It is his problems. "He talked to me." Then "soon".'
    assert [window[a:b] for a, b in _quoted(window)] == [
        '"Not true,"', '"It is his problems', '"He talked to me."', '"soon"']
