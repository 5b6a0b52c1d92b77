"""Whether the retrieved passages can answer at all: the names a question asks about.

The answer itself is composed in ``compose.py`` from the candidates of ``candidates.py``.
"""

import os
import re
from collections.abc import Sequence

from citebot.index.ask.compose import NOT_FOUND
from citebot.index.models import ScoredChunk
from citebot.index.text.names import named
from citebot.index.text.tokens import terms

__all__ = ["NOT_FOUND", "unmentioned"]


def unmentioned(question: str, chunks: Sequence[ScoredChunk]) -> list[str]:
    """The names in the question that none of the retrieved chunks mentions. Asked "What
    did Xi Jinping say about the captured soldiers?", retrieval still returns the passages
    about captured soldiers, and their sentences score well; citing them would answer a
    question nobody asked. Hand-written: no library checks an answer's coverage of the
    question. A spelling the chunks share a long prefix with counts ("Zelensky" for
    "Zelenskyy", "Japan" for "Japanese"); other transliterations ("Kiev" for "Kyiv") do
    not, and the answer then names the word, so the asker can try another spelling."""
    text = " ".join(sc.chunk.text for sc in chunks).lower()
    wanted = {  # a name in the passages word for word needs no stemming (the usual case)
        w: ts for w in named(question)
        if (ts := terms(w)) and not re.search(rf"\b{re.escape(w.lower())}\b", text)
    }
    if not wanted:
        return []
    have = terms(text)
    return [w for w, ts in wanted.items() if not all(_mentioned(t, have) for t in ts)]


def _mentioned(term: str, have: frozenset[str]) -> bool:
    if term in have:
        return True
    for other in have:
        shared = len(os.path.commonprefix([term, other]))
        short, long = sorted((len(term), len(other)))
        # "zelenski"/"zelenskyy", "japan"/"japanes", "china"/"chines"; not "india"/"individu"
        if shared >= 4 and shared >= 0.8 * short and long - short <= 2:
            return True
    return False
