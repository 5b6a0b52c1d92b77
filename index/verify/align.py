"""Align a quote's words with a document's: exactly, or as closely as the words allow.

The approximate alignment is semi-global: every word of the quote must be accounted for,
but the passage may begin and end anywhere in the document (Sellers' algorithm: word-level
edit distance with free ends). Hand-written because difflib has no free-end alignment (its
matching blocks scatter over a whole article) and rapidfuzz's ``partial_ratio`` compares
windows of the quote's own length, so one dropped or inserted word shifts the window. Each
row is a few numpy operations over the whole document, so a 5,000-word article costs well
under a millisecond per quote word.
"""

from dataclasses import dataclass

import numpy as np

from citebot.index.text.words import Words

MAX_GAP = 150  # words an ellipsis may stand for; further apart is two separate passages
# Words an ellipsis may not stand for: leaving out "never" reverses what was said, so a
# negation behind an ellipsis is a dropped word ("- never"), never a free skip.
NEGATIONS = frozenset(
    "no not never nor neither none nothing nobody nowhere cannot without".split()
)


def negation(word: str) -> bool:
    """A folded word that negates: "never", "cannot", "hasn't"."""
    return word in NEGATIONS or word.endswith("n't")

Change = tuple[tuple[str, ...], tuple[str, ...]]  # (the source's words, the quote's words)


@dataclass(frozen=True)
class Alignment:
    """Document words ``[first, last)`` aligned with the quote."""

    first: int
    last: int
    similarity: float  # 2·matched / (quote words + document words aligned); 1.0 = verbatim
    kept: tuple[int, ...] = ()  # the quote's words (by index) found in place
    longest_run: int = 0  # the most quote words found in a row
    changes: tuple[Change, ...] = ()


def exact(doc: Words, parts: list[Words]) -> list[Alignment]:
    """Every place the quote's parts occur verbatim, in order, each within MAX_GAP words,
    with no negation left out between them (that is a changed quote: see ``approximate``)."""
    found = []
    for first in doc.find_all(parts[0].words):
        end = first + len(parts[0])
        for part in parts[1:]:
            later = [i for i in doc.find_all(part.words, end) if i - end <= MAX_GAP]
            if not later or any(negation(w) for w in doc.words[end : later[0]]):
                break
            end = later[0] + len(part)
        else:
            n = sum(len(p) for p in parts)
            found.append(Alignment(first, end, 1.0, kept=tuple(range(n)), longest_run=n))
    return found


def approximate(doc: Words, parts: list[Words]) -> Alignment:
    """The document passage closest to the quote, with the words that differ."""
    quote = [w for p in parts for w in p.words]
    gaps = _gap_rows(parts)
    ids = {w: i for i, w in enumerate(dict.fromkeys(quote))}
    q = np.array([ids[w] for w in quote])
    d = np.array([ids.get(w, -1) for w in doc.words])  # -1: a word the quote never uses
    neg = np.array([negation(w) for w in doc.words], dtype=np.int64)
    last_row = _rows(q, d, neg, gaps)[-1]
    end = int(np.argmin(last_row[1:])) + 1 if len(d) else 0  # the earliest best end...
    while end < len(d) and last_row[end + 1] == last_row[end]:
        end += 1  # ...but a changed last word ("conflict → war") over an added one ("+ war")
    lo = max(0, end - len(quote) - int(last_row[end]) - MAX_GAP * len(gaps))
    # again over a window ending there, keeping every row to walk back through
    rows = _rows(q, d[lo:end], neg[lo:end], gaps, keep=True)
    start, ops = _backtrace(rows, q, d[lo:end], neg[lo:end], gaps)
    return _summarise(doc, parts, lo + start, end, [(k, lo + j, i) for k, j, i in ops])


def _gap_rows(parts: list[Words]) -> set[int]:
    """Rows (quote words consumed) after which an ellipsis skips document words for free."""
    rows, at = set(), 0
    for p in parts[:-1]:
        at += len(p)
        rows.add(at)
    return rows


def _rows(
    q: np.ndarray, d: np.ndarray, neg: np.ndarray, gaps: set[int], keep: bool = False
) -> list[np.ndarray]:
    """Edit-distance rows: ``rows[i][j]`` = cost of the quote's first i words ending at j.
    ``neg`` marks the document's negations, which an ellipsis does not skip for free."""
    steps = np.arange(len(d) + 1)
    negs = np.concatenate(([0], np.cumsum(neg)))  # negations among the first j words
    row = np.zeros(len(d) + 1, dtype=np.int64)  # free start anywhere in the document
    rows = [row]
    for i, word in enumerate(q, start=1):
        best = np.empty_like(row)
        best[0] = row[0] + 1
        best[1:] = np.minimum(row[:-1] + (d != word), row[1:] + 1)  # keep/change, or add
        # then skipping document words, +1 each (free right after an ellipsis, but for
        # negations): a running minimum does this left-to-right recurrence in one pass
        if i in gaps:
            row = np.minimum.accumulate(best - negs) + negs
        else:
            row = np.minimum.accumulate(best - steps) + steps
        if keep:
            rows.append(row)
        else:
            rows = [row]
    return rows


def _backtrace(
    rows: list[np.ndarray], q: np.ndarray, d: np.ndarray, neg: np.ndarray, gaps: set[int]
) -> tuple[int, list[tuple[str, int, int]]]:
    """Walk back from the last column: ops "=" kept, "~" changed, "+" added, "-" dropped."""
    i, j = len(q), len(d)
    ops: list[tuple[str, int, int]] = []
    while i > 0:
        here = rows[i][j]
        if j > 0 and d[j - 1] == q[i - 1] and here == rows[i - 1][j - 1]:
            ops.append(("=", j - 1, i - 1))
            i, j = i - 1, j - 1
        elif j > 0 and here == rows[i - 1][j - 1] + 1:
            ops.append(("~", j - 1, i - 1))
            i, j = i - 1, j - 1
        elif here == rows[i - 1][j] + 1:
            ops.append(("+", j, i - 1))
            i -= 1
        elif i in gaps and not neg[j - 1] and here == rows[i][j - 1]:
            j -= 1  # left out behind the quoter's ellipsis: not a difference
        else:
            ops.append(("-", j - 1, i))
            j -= 1
    ops.reverse()
    return j, ops


def _summarise(
    doc: Words, parts: list[Words], first: int, last: int, ops: list[tuple[str, int, int]]
) -> Alignment:
    said_raw = [w for p in parts for w in p.raw]
    kept = tuple(i for kind, _, i in ops if kind == "=")
    aligned = sum(1 for kind, *_ in ops if kind != "+")
    run = longest = 0
    for kind, *_ in ops:
        run = run + 1 if kind == "=" else 0
        longest = max(longest, run)
    changes: list[Change] = []
    src: list[str] = []
    said: list[str] = []
    for kind, j, i in [*ops, ("=", -1, -1)]:  # a final "=" closes the last change
        if kind == "=" and (src or said):
            changes.append((tuple(src), tuple(said)))
            src, said = [], []
        if kind in "~-":
            src.append(doc.raw[j])
        if kind in "~+":
            said.append(said_raw[i])
    return Alignment(
        first=first,
        last=last,
        similarity=2 * len(kept) / (len(said_raw) + aligned),
        kept=kept,
        longest_run=longest,
        changes=tuple(changes),
    )
