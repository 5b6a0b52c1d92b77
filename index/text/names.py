"""Names: the words that make a person's or a body's name, and when two names are one.

Hand-written: news copy names people with a handful of fixed patterns (titles, particles,
romanisation variants) that these few rules read directly.
"""

import re

from citebot.index.text.words import Words

TITLES = frozenset(
    "president vice prime minister deputy secretary spokesman spokeswoman spokesperson "
    "ambassador chancellor mr mrs ms dr sir senator governor mayor leader chairman "
    "chairwoman director commander king queen prince princess pope premier envoy adviser "
    "advisor representative lieutenant colonel captain judge".split()
)
CONNECTORS = frozenset({"of", "for", "de", "van", "von", "bin", "al", "da", "du", "del"})
DETERMINERS = frozenset({"the", "a", "an", "its", "his", "her", "their"})
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
