"""The learned combination of a candidate's scores: the chance that it holds the answer.

Logistic regression fitted on SQuAD v1.1 dev, even half (``evaluate/fit_weights.py``; the
odd half is kept for an independent check). A span is a positive when it contains a gold
answer after SQuAD's normalisation. Plain numbers, so answering needs no model file.
"""

import math
from collections.abc import Sequence

NAMES = (
    "sentence cosine", "overlap", "cosine - best cosine", "overlap - best overlap",
    "holds the asked kind", "lacks the asked kind", "log characters",
    "joined to the sentence before",
)
# Fitted on the 4,038 questions of the even half's archive (--holdout 2) that
# `citebot eval --squad --limit 1000` does not ask. A span closer to the question than
# the question's other candidates is the one: its cosine alone says little; a span lacking
# the asked kind (a place for "where", a date for "when") is a weak answer.
BIAS = -2.4742
WEIGHTS = (-0.1229, 3.4307, 6.6220, 1.2625, 0.2391, -1.1422, 0.0803, 0.0035)


def chance(x: Sequence[float]) -> float:
    z = BIAS + sum(w * v for w, v in zip(WEIGHTS, x))
    return 1.0 / (1.0 + math.exp(-z))
