"""Whether the retrieved passages can answer at all: the names a question asks about.

The answer itself is composed in ``compose.py`` from the candidates of ``candidates.py``.
"""

import os
import re
from collections.abc import Sequence

from citebot.index.ask.compose import NOT_FOUND
from citebot.index.models import ScoredChunk
from citebot.index.text.tokens import FUNCTION_WORDS, terms

__all__ = ["NOT_FOUND", "named", "unmentioned"]


_CLAUSE = re.compile(r"[.!?:;]\s+|^")
_NAMED = re.compile(r"[^\W_](?:[\w’'-]*[^\W_])?")  # no closing quote: 'in US'"


def named(question: str) -> list[str]:
    """What a question names: runs of capitalised words that do not start a sentence
    ("Mali", "Xi Jinping", "NATO") and numbers ("2023"), possessives dropped. When small
    words have capitals too ("WHO SENT TANKS?", "What Did He Say"), capitals say nothing:
    numbers only."""
    found: list[tuple[str, bool]] = []  # (words, is a number)
    shouting = False
    for clause in _CLAUSE.split(question):
        last = -2  # where the previous capitalised word of this clause was
        for i, word in enumerate(_NAMED.findall(clause)):
            word = re.sub(r"[’']s$", "", word)
            if word.lower() in FUNCTION_WORDS or re.match(r"i[’']", word, re.IGNORECASE):
                # small words ("who", "did", "I'd") name nothing; capitalised inside a
                # clause, they mean the capitals are typography, not names
                shouting |= i > 0 and word[0].isupper()
                continue
            if any(ch.isdigit() for ch in word):
                found.append((word, True))
            elif i > 0 and word[0].isupper():
                if last == i - 1:  # "Xi" then "Jinping": one name
                    found[-1] = (f"{found[-1][0]} {word}", False)
                else:
                    found.append((word, False))
                last = i
    return list(dict.fromkeys(w for w, number in found if number or not shouting))


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


def _mentioned(term: str, have: set[str]) -> bool:
    if term in have:
        return True
    for other in have:
        shared = len(os.path.commonprefix([term, other]))
        short, long = sorted((len(term), len(other)))
        # "zelenski"/"zelenskyy", "japan"/"japanes", "china"/"chines"; not "india"/"individu"
        if shared >= 4 and shared >= 0.8 * short and long - short <= 2:
            return True
    return False
