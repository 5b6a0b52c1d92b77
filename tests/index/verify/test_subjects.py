"""A speech verb's subject: a name (titles split off), a pronoun, a role or a body."""

import pytest

from citebot.index.verify.subjects import (
    Subject,
    parse_subject,
    subject_after,
    subject_before,
    tokens,
)


def _before_verb(text: str, verb: str) -> Subject | None:
    toks = tokens(text)
    return subject_before(toks, next(k for k, t in enumerate(toks) if t.text == verb))


@pytest.mark.parametrize(("text", "verb", "subject"), [
    ("Foreign Ministry spokesman Lin Jian said", "said",
     Subject("name", ("Lin", "Jian"), ("spokesman",))),
    ("He later added", "added", Subject("pronoun", ("he",))),
    ("the ministry said", "said", Subject("body", ("ministry",), ("ministry",))),
    ("the Ukrainian president said", "said",
     Subject("role", ("Ukrainian", "president"), ("president",))),
    ("Deputy Minister, Yevhen Perebyinis, stressed", "stressed",
     Subject("name", ("Yevhen", "Perebyinis"))),
])
def test_the_subject_before_a_verb(text: str, verb: str, subject: Subject) -> None:
    assert _before_verb(text, verb) == subject


def test_inverted_order_and_a_sentence_start_that_is_no_name() -> None:
    toks = tokens("said Volodymyr Zelenskyy")
    assert subject_after(toks, 0) == Subject("name", ("Volodymyr", "Zelenskyy"))
    assert parse_subject(tokens("This")) is None
