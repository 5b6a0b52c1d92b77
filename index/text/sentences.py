"""Sentence spans: where each sentence of a line starts and ends, as character offsets.

nltk's Punkt model (its English parameters ship inside llama-index, so nothing downloads).
"""

from functools import lru_cache

from citebot.index.models import Span


@lru_cache(maxsize=1)
def _punkt():  # type: ignore[no-untyped-def]
    from llama_index.core.utils import globals_helper
    from nltk.tokenize import PunktTokenizer

    globals_helper.wait_for_nltk_check()  # puts llama-index's bundled nltk data on the path
    return PunktTokenizer("english")


def sentences(text: str, start: int, end: int) -> list[Span]:
    """Sentence spans of one line, trimmed of surrounding white space."""
    spans = []
    for s, e in _punkt().span_tokenize(text[start:end]):
        piece = text[start + s : start + e]
        lead = len(piece) - len(piece.lstrip())
        trail = len(piece) - len(piece.rstrip())
        if e - s - lead - trail > 0:
            spans.append(Span(start=start + s + lead, end=start + e - trail))
    return spans
