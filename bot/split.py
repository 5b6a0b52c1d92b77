"""Telegram HTML in sendable pieces: escaping, and cutting text or joining whole blocks into
messages of at most 4,096 characters (the limit counts the escaped HTML)."""

import html
import re
from collections.abc import Iterable

from telegram.constants import MessageLimit

MAX_MESSAGE = int(MessageLimit.MAX_TEXT_LENGTH)  # 4096


def escape(text: str) -> str:
    """Text for Telegram HTML: only ``&``, ``<`` and ``>`` are special outside attributes."""
    return html.escape(text, quote=False)


# Boundaries to cut an over-long text at, widest first, with the text that re-joins pieces.
_BOUNDARIES = (
    (re.compile(r"\n\s*\n"), "\n\n"),
    (re.compile(r"(?<=[.!?…])\s+"), " "),
    (re.compile(r"\s+"), " "),
)


def _html_len(text: str) -> int:
    return len(escape(text))


def split_text(text: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Escape plain ``text`` into blocks of at most ``limit`` characters of HTML each.

    Cut at paragraphs, then sentences, then words, then (a word longer than a message)
    between characters. Hand-written because the limit applies to the *escaped* text and
    no library splits that way; cutting before escaping means no ``&amp;`` is ever halved.
    """
    return [escape(piece) for piece in _split(text.strip(), limit, 0) if piece]


def _split(text: str, limit: int, level: int) -> list[str]:
    if _html_len(text) <= limit:
        return [text]
    if level == len(_BOUNDARIES):
        pieces, current, size = [], "", 0
        for ch in text:
            if size + _html_len(ch) > limit:
                pieces.append(current)
                current, size = "", 0
            current += ch
            size += _html_len(ch)
        return [*pieces, current]
    pattern, joiner = _BOUNDARIES[level]
    pieces = []
    current = ""
    for part in pattern.split(text):
        joined = f"{current}{joiner}{part}" if current else part
        if _html_len(joined) <= limit:
            current = joined
            continue
        if current:
            pieces.append(current)
        current = ""
        if _html_len(part) <= limit:
            current = part
        else:
            pieces.extend(_split(part, limit, level + 1))
    if current:
        pieces.append(current)
    return pieces


def pack(blocks: Iterable[str], limit: int = MAX_MESSAGE, separator: str = "\n\n") -> list[str]:
    """Join whole HTML blocks into as few messages of at most ``limit`` characters as fit."""
    messages: list[str] = []
    current = ""
    for block in blocks:
        if len(block) > limit:
            raise ValueError(f"a block of {len(block)} characters cannot fit in one message")
        if current and len(current) + len(separator) + len(block) <= limit:
            current += separator + block
        else:
            if current:
                messages.append(current)
            current = block
    if current:
        messages.append(current)
    return messages
