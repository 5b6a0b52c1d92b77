"""Sentence spans: where each sentence of a line starts and ends, as character offsets.

nltk's Punkt model (its English parameters ship inside llama-index, so nothing downloads).
"""

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from citebot.index.models import Span

if TYPE_CHECKING:  # imported when first used: nltk costs ~0.3 s to import
    from nltk.tokenize import PunktTokenizer


@lru_cache(maxsize=1)
def _punkt() -> "PunktTokenizer":
    from nltk.data import path as nltk_path
    from nltk.tokenize import PunktTokenizer

    # llama-index-core's bundled nltk data, found without importing llama-index (~1.5 s;
    # its globals_helper.wait_for_nltk_check() would put the same folder on the path)
    spec = importlib.util.find_spec("llama_index.core")
    assert spec and spec.submodule_search_locations, "llama-index-core is not installed"
    bundled = str(Path(spec.submodule_search_locations[0]) / "_static" / "nltk_cache")
    if bundled not in nltk_path:
        nltk_path.append(bundled)
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
