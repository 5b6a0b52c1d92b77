"""``index/ask/weights.py``: the learned chance is the logistic function of the bias plus
the weighted features, one weight per named feature (whatever numbers the fit gave)."""

import math

import numpy as np
import pytest

from citebot.index.ask import weights
from citebot.index.ask.candidates import candidates
from citebot.index.models import Chunk, ScoredChunk, Span


def _sigmoid(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def test_one_weight_per_named_feature_and_per_candidate_feature() -> None:
    assert len(weights.WEIGHTS) == len(weights.NAMES) == len(set(weights.NAMES))
    text = "Quokkas live on Rottnest Island."
    chunk = Chunk(source="a.txt", index=0, start=0, end=len(text), text=text,
                  sentences=(Span(start=0, end=len(text)),))
    sc = ScoredChunk(chunk=chunk, title=None, score=0.5)
    vec = np.array([1.0, 0.0], dtype=np.float32)
    [cand] = candidates("Who lives there?", [sc], {("a.txt", 0, len(text)): vec}, vec, {})
    assert len(cand.features) == len(weights.NAMES)


def test_chance_is_the_logistic_of_the_weighted_sum() -> None:
    n = len(weights.WEIGHTS)
    assert weights.chance([0.0] * n) == pytest.approx(_sigmoid(weights.BIAS))
    for i, w in enumerate(weights.WEIGHTS):  # one feature at a time: the bias plus its weight
        x = [0.0] * n
        x[i] = 2.0
        assert weights.chance(x) == pytest.approx(_sigmoid(weights.BIAS + 2 * w)), weights.NAMES[i]
    x = [0.5, 0.25, -0.1, -0.2, 1.0, 0.0, math.log(120), 1.0]
    z = weights.BIAS + sum(w * v for w, v in zip(weights.WEIGHTS, x))
    assert weights.chance(x) == pytest.approx(_sigmoid(z))
    assert 0 < weights.chance(x) < 1
