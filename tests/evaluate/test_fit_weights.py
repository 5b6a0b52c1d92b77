"""``evaluate/fit_weights.py``: the logistic fit by hand, reranking and the outcome of a
choice of SURE and CLOSE by hand, and the whole script on the tiny SQuAD file, whose
printed numbers must drop into ``index/ask/weights.py``."""

import math
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from citebot.cli.main import parser
from citebot.evaluate import fit_weights
from citebot.evaluate.fit_weights import Case, fit, outcome, rerank
from citebot.index.ask import weights
from citebot.index.ask.candidates import Candidate
from citebot.index.embed.embedder import Embedder
from citebot.index.service import Citebot
from citebot.settings import get_settings
from tests.cli.conftest import with_model
from tests.conftest import ROOT

TINY = ROOT / "tests" / "data" / "tiny_squad.json"
WEIGHTS_PY = ROOT / "index" / "ask" / "weights.py"


def test_fit_without_a_penalty_gives_the_log_odds() -> None:
    # x = 0: one positive in four, so the bias is logit(1/4) = -ln 3; x = 1: three in four,
    # logit(3/4) = ln 3, so the weight is ln 3 - (-ln 3) = 2 ln 3 (the exact maximum).
    x = np.array([[0.0]] * 4 + [[1.0]] * 4)
    y = np.array([1, 0, 0, 0, 1, 1, 1, 0], dtype=float)
    assert fit(x, y, l2=0.0) == pytest.approx([-math.log(3), 2 * math.log(3)], abs=1e-9)
    shrunk = fit(x, y, l2=1.0)
    assert 0 < shrunk[1] < 2 * math.log(3)  # the penalty pulls the weight towards 0


def test_the_penalty_leaves_the_bias_alone() -> None:
    # a feature that is always 0 says nothing: its weight stays 0 and the bias is the
    # log odds of the labels, logit(1/4) = -ln 3, penalty or not
    x = np.zeros((4, 1))
    y = np.array([1, 0, 0, 0], dtype=float)
    assert fit(x, y, l2=5.0) == pytest.approx([-math.log(3), 0.0], abs=1e-9)


def _cand(text: str, chance: float, features: tuple[float, ...] = (), start: int = 0,
          score: float = 0.6) -> Candidate:
    return Candidate("a.txt", None, start, start + len(text), text, score, chance, (), features)


def test_rerank_orders_by_the_chance_the_weights_give() -> None:
    low, high = _cand("Low.", 0.9, (0.0, 1.0)), _cand("High.", 0.1, (1.0, 0.0))
    w = np.array([0.5, 2.0, -1.0])
    [ranked] = rerank([Case(("x",), [low, high], [False, True])], w)
    assert [c.text for c in ranked] == ["High.", "Low."]
    # sigmoid(0.5 + 2) and sigmoid(0.5 - 1)
    assert [c.chance for c in ranked] == pytest.approx(
        [1 / (1 + math.exp(-2.5)), 1 / (1 + math.exp(0.5))])


def test_outcome_by_hand() -> None:
    gold, other = "It lies 18 kilometres off the coast.", "Quokkas live there."
    sure = Case(("18 kilometres",), [], [])
    unsure = Case(("18 kilometres",), [], [])
    empty = Case(("18 kilometres",), [], [])
    ranked = [
        # 0.9 >= SURE 0.8: the best span alone
        [_cand(gold, 0.9), _cand(other, 0.5, start=100)],
        # 0.6 < SURE, and 0.5 >= CLOSE 0.5 x 0.6: both cited, best first
        [_cand(other, 0.6, start=100), _cand(gold, 0.5)],
        [],  # nothing retrieved: counts as a miss
    ]
    holds, best, chars = outcome([sure, unsure, empty], ranked, 3, sure=0.8, close=0.5)
    # the answer holds gold in the first two; the best span only in the first; the
    # answers are the gold sentence, then both sentences joined by a space
    assert holds == pytest.approx(2 / 3)
    assert best == pytest.approx(1 / 3)
    assert chars == pytest.approx((len(gold) + len(other) + 1 + len(gold)) / 3)
    # close at 0.9 the spans behind (0.5 < 0.9 x 0.9, 0.5 < 0.9 x 0.6) are not close
    # enough: each answer is its best span alone, and only the first holds gold
    assert outcome([sure, unsure, empty], ranked, 3, sure=0.95, close=0.9)[:2] == \
        pytest.approx((1 / 3, 1 / 3))


@pytest.fixture
def archive(make_bot: Callable[..., Citebot], tmp_path: Path) -> Path:
    """The tiny SQuAD file's archive, built as the script's docstring says (holdout 1)."""
    eval_dir = tmp_path / "squad-data"
    args = parser().parse_args(["eval", "--squad", str(TINY), "--holdout", "1",
                                "--data-dir", str(eval_dir)])
    assert args.run(make_bot(), args) == 0
    return eval_dir


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                embedder: Embedder) -> Iterator[None]:
    monkeypatch.setenv("CITEBOT_DATA_DIR", str(with_model(tmp_path / "data", embedder)))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def test_the_script_prints_numbers_weights_py_loads(
    archive: Path, environment: None, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()
    monkeypatch.setattr(sys, "argv", ["fit_weights", str(TINY), "--data-dir", str(archive),
                                      "--holdout", "1", "--limit", "2"])
    fit_weights.main()
    out = capsys.readouterr().out
    # 7 questions in the two kept articles; the 2 asked by `--limit 2` are left out
    fitted = re.search(r"^fitted on 5 questions, (\d+) spans, ([\d.]+) positive$", out, re.M)
    assert fitted and int(fitted[1]) > 5 and 0 < float(fitted[2]) < 1, out
    grid = re.findall(r"^SURE (\S+) CLOSE (\S+): holds (\S+) best (\S+) chars (\S+)$", out, re.M)
    assert len(grid) == 6 * 4
    assert all(0 <= float(h) <= 1 and 0 <= float(b) <= float(h) for _, _, h, b, _ in grid)

    # the printed lines replace weights.py's own, and the module still works
    lines = {name: re.search(rf"^{name} = .*$", out, re.M) for name in ("BIAS", "WEIGHTS")}
    assert all(lines.values()), out
    source = WEIGHTS_PY.read_text(encoding="utf-8")
    for name, line in lines.items():
        source, n = re.subn(rf"^{name} = .*$", line[0], source, flags=re.M)  # type: ignore[index]
        assert n == 1
    module: dict[str, Any] = {}
    exec(compile(source, str(WEIGHTS_PY), "exec"), module)
    assert module["NAMES"] == weights.NAMES
    assert len(module["WEIGHTS"]) == len(weights.NAMES)
    bias, w = module["BIAS"], module["WEIGHTS"]
    x = [0.5, 0.2, -0.1, 0.0, 1.0, 0.0, 4.0, 0.0]
    assert module["chance"](x) == pytest.approx(
        1 / (1 + math.exp(-(bias + sum(a * b for a, b in zip(w, x))))))
