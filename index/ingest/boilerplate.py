"""Recognise web boilerplate lines (related-article links, comment prompts, timestamps).

Hand-written: no library knows these. Such lines stay in the stored text, so offsets do
not move; they are only kept out of chunks, so they are never retrieved or cited.
"""

import re

_PATTERNS = [
    r"read (also|more)\b.*",
    r"(see|related) also:.*",
    r"total comments:? *\d*",
    r"\d+ (second|minute|hour|day|week|month|year)s? ago",
    r"(comments?|comentarios|puede interesarte|advertisement|publicidad|share this article)",
    r"para comentar,? deb[eé]s estar registrad[oa]\.?",
    r"por favor,? inici[aá] sesi[oó]n\.?",
    r"(sign up|subscribe) (to|for) our newsletter.*",
    r"(follow us|share) on (facebook|twitter|x|telegram)\b.*",
]
_BOILERPLATE = re.compile(r"\s*(?:" + "|".join(_PATTERNS) + r")\s*", re.IGNORECASE)


def is_boilerplate(line: str) -> bool:
    return _BOILERPLATE.fullmatch(line) is not None
