"""Names: what a question names, the full names a text holds, the words that make a
person's or a body's name, and when two names are one.

Hand-written: news copy names people with a handful of fixed patterns (titles, particles,
romanisation variants) that these few rules read directly.
"""

import re

from citebot.index.text.tokens import FUNCTION_WORDS
from citebot.index.text.words import Words

TITLES = frozenset(
    "president vice prime minister deputy secretary spokesman spokeswoman spokesperson "
    "ambassador chancellor mr mrs ms dr sir senator governor mayor leader chairman "
    "chairwoman director commander king queen prince princess pope premier envoy adviser "
    "advisor representative lieutenant colonel captain judge".split()
)
CONNECTORS = frozenset({"of", "for", "de", "van", "von", "bin", "al", "da", "du", "del"})
DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their"})
_FULL_NAME = re.compile(r"\b(?:[A-Z][a-z]+(?:[’'][a-z]+)?\s){1,3}[A-Z][a-z]+\b")
# capitalised at a sentence's start, never a name
NOT_NAMES = frozenset(
    "if it one this that these those but and when while as in on at for there here we i you "
    "our my some many all both such what which who the a an after before".split()
)


def same_speaker(a: str, b: str) -> bool:
    """Whether two names can be the same speaker: "Zelensky" ~ "Volodymyr Zelenskyy"."""
    ka, kb = name_key(a), name_key(b)
    if not ka or not kb:
        return False
    return ka <= kb or kb <= ka


def name_key(name: str) -> frozenset[str]:
    """A name's distinctive words: folded, possessive and titles dropped, and romanisation
    endings (-y, -yy, -iy, -i) cut so Zelensky, Zelenskyy and Zelenskiy agree."""
    words = (re.sub(r"'s$", "", w) for w in Words.of(name).words)
    return frozenset(
        re.sub(r"(?:yy|iy|yi|ii|y|i)$", "", w) if len(w) >= 5 else w
        for w in words
        if w not in TITLES and w not in DETERMINERS and w not in CONNECTORS
    )


def join_name(words: tuple[str, ...]) -> str:
    return re.sub(r"[’']s$", "", " ".join(words))


# a sentence also ends inside a quotation or brackets: '…, “We won.” In a post, Zelensky'
_CLAUSE = re.compile(r"[.!?:;][”’\"')\]]*\s+|^")
_OPENING = ("“", '"', "‘", "'", "(")
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
        for i, match in enumerate(_NAMED.finditer(clause)):
            word = re.sub(r"[’']s$", "", match.group())
            if clause[match.start() - 1 : match.start()] in _OPENING and \
                    word.lower() in NOT_NAMES:
                continue  # a quotation's first word ("said, “We won”"): a sentence start
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


def full_names(text: str) -> list[str]:
    """Runs of two to four capitalised words ("Volodymyr Zelensky", "Lin Jian"), in order of
    first appearance: the people an earlier answer is about."""
    return list(dict.fromkeys(m.group(0) for m in _FULL_NAME.finditer(text)))
