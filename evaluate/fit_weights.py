"""Fit ``index/ask/weights.py``: logistic regression of "this span holds the gold answer" on
the candidate features, over the questions of a SQuAD file's archive, and the answer
length settings of ``compose.py`` (SURE, CLOSE) on the same questions.

Run it on the even half only (the odd half is kept for an independent check), on an
archive built by ``citebot eval --squad FILE --holdout K --data-dir D``:

    python -m citebot.evaluate.fit_weights ../shared/datasets/squad/dev-v1.1-even.json \\
        --data-dir /work/squad-data --holdout 2

It prints the numbers to paste into ``weights.py`` and ``compose.py``.
"""

import argparse
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from citebot.evaluate import squad
from citebot.evaluate.runs import eval_bot
from citebot.index.ask import weights
from citebot.index.ask.candidates import Candidate
from citebot.index.ask.compose import cited
from citebot.index.ask.followup import resolve
from citebot.index.service import Citebot
from citebot.settings import get_settings


@dataclass(frozen=True)
class Case:
    golds: tuple[str, ...]
    ranked: list[Candidate]
    labels: list[bool]


def gather(bot: Citebot, questions: Sequence[squad.Question]) -> list[Case]:
    """The candidates of each question as ``Citebot.ask`` ranks them (no follow-ups)."""
    vecs = bot.embedder.embed_queries([q.question for q in questions])
    cases = []
    for q, vec in zip(questions, vecs):
        chunks = bot.retriever.retrieve(q.question, vec, bot.settings.top_k,
                                        bot.settings.retrieval_mode)
        ranked = bot.ranked(q.question, resolve(q.question, ()), vec, chunks)
        cases.append(Case(q.answers, ranked, [squad.holds(c.text, q.answers) for c in ranked]))
    return cases


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 25) -> np.ndarray:
    """Logistic regression by Newton's method (IRLS) with an L2 penalty on the weights
    (not the bias): a dozen features need no library. Returns [bias, weights…]."""
    a = np.hstack([np.ones((len(x), 1)), x])
    w = np.zeros(a.shape[1])
    penalty = l2 * np.eye(a.shape[1])
    penalty[0, 0] = 0.0
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(a @ w)))
        grad = a.T @ (p - y) + penalty @ w
        hess = (a * (p * (1 - p))[:, None]).T @ a + penalty
        w -= np.linalg.solve(hess, grad)
    return w


def rerank(cases: Sequence[Case], w: np.ndarray) -> list[list[Candidate]]:
    def chance(c: Candidate) -> float:
        return 1.0 / (1.0 + math.exp(-(w[0] + float(np.dot(w[1:], c.features)))))

    return [sorted((replace(c, chance=chance(c)) for c in case.ranked),
                   key=lambda c: c.chance, reverse=True) for case in cases]


def outcome(cases: Sequence[Case], ranked: Sequence[list[Candidate]], most: int,
            sure: float, close: float) -> tuple[float, float, float]:
    """(answer holds gold, best span holds gold, mean answer characters)."""
    holds = best = chars = 0.0
    for case, r in zip(cases, ranked):
        if not r:
            continue
        picked = cited(r, most, sure=sure, close=close)
        text = " ".join(c.text for c in picked)
        holds += squad.holds(text, case.golds)
        best += squad.holds(picked[0].text, case.golds)
        chars += len(text)
    n = len(cases)
    return holds / n, best / n, chars / n


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("squad")
    p.add_argument("--data-dir", required=True)
    p.add_argument("--holdout", type=int, default=0)
    p.add_argument("--limit", type=int, default=1000,
                   help="the questions `citebot eval --squad --limit N` asks are left out of "
                   "the fit and used to choose SURE and CLOSE (1000)")
    args = p.parse_args()
    path = Path(args.squad)
    kept, _ = squad.split(squad.load(path), args.holdout)
    bot = eval_bot(Citebot(get_settings()), Path(args.data_dir),
                   path.with_name(f"{path.name}-holdout{args.holdout}"))
    questions = [q for a in kept for q in a.questions]
    asked = squad.spread(questions, args.limit)
    held = {id(q) for q in asked}
    w = report_fit(gather(bot, [q for q in questions if id(q) not in held]))
    cases = gather(bot, asked)
    ranked = rerank(cases, w)
    for sure in (0.5, 0.6, 0.7, 0.8, 0.9, 1.01):
        for close in (0.3, 0.5, 0.7, 0.9):
            holds, best, chars = outcome(cases, ranked, bot.settings.answer_sentences,
                                         sure, close)
            print(f"SURE {sure:.2f} CLOSE {close:.2f}: holds {holds:.3f} best {best:.3f} "
                  f"chars {chars:.0f}")


def report_fit(cases: Sequence[Case]) -> np.ndarray:
    x = np.array([c.features for case in cases for c in case.ranked])
    y = np.array([lab for case in cases for lab in case.labels], dtype=float)
    w = fit(x, y)
    print(f"fitted on {len(cases)} questions, {len(y)} spans, {y.mean():.3f} positive")
    print(f"BIAS = {w[0]:.4f}")
    print("WEIGHTS = (" + ", ".join(f"{v:.4f}" for v in w[1:]) + ")")
    for name, v in zip(weights.NAMES, w[1:]):
        print(f"  {name:<32}{v:>9.3f}")
    return w


if __name__ == "__main__":
    main()
