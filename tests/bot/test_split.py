"""Escaping and splitting Telegram HTML into messages (bot/split.py)."""

import html

import pytest

from citebot.bot import split
from tests.bot.fake_bot_api import parse_html

NASTY = "AT&T <b>bold?</b> 1 > 0 & x < y "  # every character Telegram HTML cares about


def plain(html_text: str) -> str:
    """What Telegram shows for ``html_text``; raises if the HTML is invalid."""
    return parse_html(html_text)[0]


@pytest.mark.parametrize("limit", [40, 100, 4096])
def test_split_text_fits_escapes_and_keeps_every_word(limit: int) -> None:
    text = "\n\n".join(
        " ".join(f"Sentence {p}.{s} says {NASTY}." for s in range(30)) for p in range(6)
    )
    pieces = split.split_text(text, limit)
    assert all(len(piece) <= limit for piece in pieces)
    assert (len(pieces) > 1) == (len(html.escape(text, quote=False)) > limit)
    shown = [plain(piece) for piece in pieces]  # each piece is valid HTML on its own
    assert " ".join(shown).split() == text.split()


def test_split_text_cuts_paragraphs_then_sentences() -> None:
    first, second = "One. Two & three.", "Four. Five."
    assert split.split_text(f"{first}\n\n{second}", 24) == ["One. Two &amp; three.", second]
    assert split.split_text("One. Two. Three.", 10) == ["One. Two.", "Three."]


def test_split_text_never_halves_an_entity() -> None:
    pieces = split.split_text("&" * 10, 7)  # no spaces: cut between characters
    assert pieces == ["&amp;"] * 10  # two would be 10 characters of HTML


def test_pack_keeps_blocks_whole() -> None:
    blocks = [f"<b>[{n}]</b> <blockquote>{'x' * 30}</blockquote>" for n in range(10)]
    messages = split.pack(blocks, limit=150)
    assert all(len(m) <= 150 for m in messages)
    assert "\n\n".join(messages) == "\n\n".join(blocks)
    for m in messages:
        plain(m)
    with pytest.raises(ValueError, match="cannot fit"):
        split.pack(["y" * 151], limit=150)
