"""Quote normalisation: words, case-folded, with typography set aside, mapped back to offsets.

Two texts "say the same words" when their word sequences are equal after folding case,
accents and apostrophes; punctuation (quotation marks, dashes, commas, ellipses) is not a
word, so curly vs straight quotes, "–" vs "—" and surrounding quotation marks never matter.
Every word keeps its original ``[start, end)`` so a match maps back to the source's own
characters exactly.
"""

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property

# letters/digits joined by an apostrophe ("Russia’s", "d’affaires") or, between digits, by
# a decimal or thousands separator ("1.13", "240,000"): one word each
_WORD = re.compile(r"[^\W_]+(?:(?:['’ʼ]|(?<=\d)[.,:](?=\d))[^\W_]+)*")
_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'"})
POSSESSIVE = re.compile(r"[’']s$")  # a word's "'s" ("Ungar's" → "Ungar"), as written or folded
# "…", "...", ". . .", optionally bracketed: words the quoter left out
_ELLIPSIS = re.compile(r"[\[(]?\s*(?:…|\.\s?\.\s?\.)\s*[\])]?")


def fold(word: str) -> str:
    """One word as compared: NFKC, no accents, case-folded, straight apostrophes."""
    if word.isascii():  # most words: nothing to decompose (and ten times faster)
        return word.lower()
    decomposed = unicodedata.normalize("NFKD", word.translate(_APOSTROPHES))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFKC", bare).casefold()


@dataclass(frozen=True)
class Words:
    """The words of a text (folded) with their original character offsets."""

    words: tuple[str, ...]
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    raw: tuple[str, ...]  # as written, for showing differences

    @classmethod
    def of(cls, text: str, offset: int = 0) -> "Words":
        found = list(_WORD.finditer(text))
        return cls(
            words=tuple(fold(m.group()) for m in found),
            starts=tuple(offset + m.start() for m in found),
            ends=tuple(offset + m.end() for m in found),
            raw=tuple(m.group() for m in found),
        )

    def __len__(self) -> int:
        return len(self.words)

    @cached_property
    def joined(self) -> str:
        """The normalised text: words separated by single spaces, padded for whole-word search."""
        return " " + " ".join(self.words) + " "

    @cached_property
    def _positions(self) -> list[int]:
        """Where each word starts in ``joined`` (the normalised-to-word map)."""
        positions, at = [], 1
        for w in self.words:
            positions.append(at)
            at += len(w) + 1
        return positions

    def find_all(self, phrase: tuple[str, ...], first: int = 0) -> list[int]:
        """Word indexes (from ``first`` on) where ``phrase`` occurs as whole words."""
        if not phrase or first >= len(self.words):
            return []
        needle = " " + " ".join(phrase) + " "
        hits, at = [], self._positions[first] - 1
        # str.find on the normalised text: C-speed exact search; word boundaries come from
        # the padding spaces, and the position table maps a hit back to its word
        while (at := self.joined.find(needle, at)) >= 0:
            hits.append(bisect_left(self._positions, at + 1))
            at += 1
        return hits


def segments(quote: str) -> list[Words]:
    """The quote's runs of words between ellipses (each ellipsis stands for left-out words)."""
    parts = (Words.of(part) for part in _ELLIPSIS.split(quote))
    return [p for p in parts if len(p)]
