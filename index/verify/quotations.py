"""Where quoted words stand: the spans of double-quoted passages in a document."""

import re

OPENING = "“«„"
CLOSING = "”»"
STRAIGHT = '"'


def quotations(text: str) -> list[tuple[int, int]]:
    """``(opening mark, after closing mark)`` of every double-quoted passage. A quotation
    left open at a paragraph's end continues if the next paragraph opens with a quotation
    mark (the convention for quotes running over several paragraphs), else it ends there."""
    spans: list[tuple[int, int]] = []
    opened: int | None = None
    for m in re.finditer(r"[“”«»„\"]|\n", text):
        ch, at = m.group(), m.start()
        if ch == "\n":
            if opened is not None and not _continues(text, at):
                spans.append((opened, at))
                opened = None
        elif opened is None and (ch in OPENING or ch == STRAIGHT):
            opened = at
        elif opened is not None and (ch in CLOSING or ch == STRAIGHT):
            spans.append((opened, at + 1))
            opened = None
    if opened is not None:
        spans.append((opened, len(text)))
    return spans


def _continues(text: str, newline: int) -> bool:
    rest = text[newline:].lstrip()
    return bool(rest) and rest[0] in OPENING + STRAIGHT


def line_of(text: str, at: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, len(text) if end < 0 else end
