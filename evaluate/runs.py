"""Retrieval evaluation: nDCG@10, recall@10, MRR@10 and hit@3 for each retrieval mode.

Two kinds of test sets:
- a BEIR dataset (see ``index/beir.py``): documents are ranked by their best chunk and
  judged against the dataset's qrels;
- a question file for a corpus folder, one ``{"question": …, "expect": [substrings]}`` per
  line: a passage (chunk) is relevant when it contains any of the expected substrings, and
  the answer is a hit when its text does. ``"expect": []`` marks a question the corpus
  cannot answer: the right answer is "I found nothing".

The metrics are hand-written (a few lines, the definitions of trec_eval/BEIR with linear
gain) rather than pytrec_eval or ranx, which need a C toolchain or numba.
"""

import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citebot.evaluate import beir
from citebot.index.errors import InvalidInput
from citebot.index.ingest.pipeline import Progress
from citebot.index.models import ScoredChunk
from citebot.index.service import Citebot
from citebot.index.settings import RetrievalMode

MODES: tuple[RetrievalMode, ...] = ("dense", "lexical", "hybrid")
METRICS = ("ndcg@10", "recall@10", "mrr@10", "hit@3")
ANSWER_METRICS = ("answer@hit", "answer@none")
CUTOFF = 10
POOL_CHUNKS = 50  # chunks retrieved per query; enough to fill the top 10 documents


# -- metrics ----------------------------------------------------------------------------


def score(gains: Sequence[int], judged: Sequence[int]) -> dict[str, float]:
    """Metrics of one ranking. ``gains``: the relevance grade of each ranked item, best
    first (0 = not relevant); ``judged``: the grades of every relevant item there is."""
    relevant = sorted((g for g in judged if g > 0), reverse=True)
    if not relevant:
        raise ValueError("a query needs at least one relevant item to be scored")
    top = list(gains[:CUTOFF])
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(top))
    ideal = sum(g / math.log2(i + 2) for i, g in enumerate(relevant[:CUTOFF]))
    first = next((i for i, g in enumerate(top) if g > 0), None)
    return {
        "ndcg@10": dcg / ideal,
        "recall@10": sum(1 for g in top if g > 0) / len(relevant),
        "mrr@10": 0.0 if first is None else 1.0 / (first + 1),
        "hit@3": float(any(g > 0 for g in gains[:3])),
    }


def mean(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    keys = rows[0].keys() if rows else METRICS
    return {k: sum(r[k] for r in rows) / len(rows) if rows else 0.0 for k in keys}


def documents_ranked(chunks: Iterable[ScoredChunk]) -> list[str]:
    """Documents in the order of their best chunk (max aggregation over chunks)."""
    return list(dict.fromkeys(sc.chunk.source for sc in chunks))


# -- reports ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    name: str
    queries: int
    scores: dict[str, dict[str, float]]  # mode -> metric -> mean value

    def table(self) -> str:
        columns = [c for c in (*METRICS, *ANSWER_METRICS) if c in next(iter(self.scores.values()))]
        lines = [f"{self.name}: {self.queries} judged queries", "mode     " + "".join(
            f"{c:>12}" for c in columns)]
        for mode, values in self.scores.items():
            lines.append(f"{mode:<9}" + "".join(f"{values[c]:>12.3f}" for c in columns))
        return "\n".join(lines)

    def json(self) -> str:
        return json.dumps({m: {k: round(v, 4) for k, v in s.items()}
                           for m, s in self.scores.items()}, indent=2)


# -- indexes for evaluation -------------------------------------------------------------


def eval_bot(base: Citebot, data_dir: Path, corpus: Path, *, title: bool = True) -> Citebot:
    """A Citebot over its own embedded collection in ``data_dir``. The collection name
    carries a digest of everything that changes the index (corpus, chunking, model,
    title handling), so a reused ``--data-dir`` never mixes incompatible indexes."""
    s = base.settings
    key = json.dumps([str(corpus.resolve()), s.chunk_tokens, s.chunk_overlap_sentences,
                      base.embedder.kind, title])
    slug = re.sub(r"[^a-zA-Z0-9]+", "-", corpus.resolve().name).strip("-")[:20] or "corpus"
    collection = f"eval-{slug}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"
    settings = s.model_copy(
        update={"data_dir": data_dir, "collection": collection, "chroma_host": None}
    )
    return base.derive(settings)


def ingest_beir(bot: Citebot, root: Path, *, title: bool = True,
                progress: Callable[[int], Progress] | None = None) -> int:
    """Bring the index up to date with a BEIR corpus in one bulk write (the lexical index
    is rebuilt once, not per document); returns the number of chunks embedded."""
    return bot.ingest_documents(beir.documents(root, title=title), progress=progress)


# -- BEIR -------------------------------------------------------------------------------


def evaluate_beir(bot: Citebot, dataset: beir.Dataset, *, modes: Sequence[RetrievalMode] = MODES,
                  tick: Progress | None = None) -> Report:
    ids = sorted(dataset.queries)
    texts = [dataset.queries[q] for q in ids]
    rows: dict[str, list[dict[str, float]]] = {m: [] for m in modes}
    for mode in modes:
        for qid, chunks in zip(ids, bot.retrieve(texts, POOL_CHUNKS, mode)):
            judged = dataset.qrels[qid]
            ranked = documents_ranked(chunks)
            rows[mode].append(score([judged.get(d, 0) for d in ranked], list(judged.values())))
    if tick:
        tick(len(ids))
    return Report(dataset.name, len(ids), {m: mean(r) for m, r in rows.items()})


# -- question files ---------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    question: str
    expect: tuple[str, ...]  # empty: the corpus has no answer


def _norm(text: str) -> str:
    """Case, curly quotes and runs of white space do not decide a match."""
    text = text.translate(str.maketrans("‘’“”–—", "''\"\"--"))
    return " ".join(text.casefold().split())


def read_questions(path: Path) -> list[Question]:
    if not path.is_file():
        raise InvalidInput(f"{path} does not exist: give a question file (JSON lines)")
    questions = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row: Any = json.loads(line)
        except ValueError as e:
            raise InvalidInput(f"{path}, line {n}: not JSON ({e})") from None
        ok = (
            isinstance(row, dict)
            and isinstance(row.get("question"), str) and row["question"].strip()
            and isinstance(row.get("expect"), list)
            and all(isinstance(x, str) and x.strip() for x in row["expect"])
        )
        if not ok:
            raise InvalidInput(
                f'{path}, line {n}: expected {{"question": "…", "expect": ["substring", …]}} '
                "(an empty expect list means the corpus has no answer)"
            )
        questions.append(Question(row["question"].strip(), tuple(row["expect"])))
    if not questions:
        raise InvalidInput(f"{path} holds no questions")
    return questions


def _matches(text: str, expect: Sequence[str]) -> bool:
    norm = _norm(text)
    return any(_norm(e) in norm for e in expect)


def evaluate_questions(bot: Citebot, questions: Sequence[Question], *,
                       modes: Sequence[RetrievalMode] = MODES,
                       tick: Progress | None = None) -> Report:
    """Passage-level retrieval metrics over the answerable questions, and answer-level
    rates: ``answer@hit`` (an answer was given and contains an expected substring) over
    answerable questions, ``answer@none`` ("I found nothing") over unanswerable ones."""
    texts = bot.passages()
    relevant = {q: sum(1 for t in texts if _matches(t, q.expect)) for q in questions if q.expect}
    unfindable = [q.question for q, n in relevant.items() if n == 0]
    if unfindable:
        raise InvalidInput(
            f"no passage of the corpus contains an expected substring of: {unfindable[:3]}; "
            "fix the question file or the corpus"
        )
    pools = {m: bot.retrieve([q.question for q in questions], POOL_CHUNKS, m) for m in modes}
    rows: dict[str, list[dict[str, float]]] = {m: [] for m in modes}
    answers: dict[str, list[bool]] = {m: [] for m in modes}
    nones: dict[str, list[bool]] = {m: [] for m in modes}
    for n, q in enumerate(questions):
        for mode in modes:
            answer = bot.ask(q.question, mode=mode)
            if not q.expect:
                nones[mode].append(not answer.found)
                continue
            answers[mode].append(answer.found and _matches(answer.answer, q.expect))
            gains = [int(_matches(sc.chunk.text, q.expect)) for sc in pools[mode][n]]
            rows[mode].append(score(gains, [1] * relevant[q]))
        if tick:
            tick(1)
    scores: dict[str, dict[str, float]] = {
        m: {**mean(rows[m]), "answer@hit": _rate(answers[m]), "answer@none": _rate(nones[m])}
        for m in modes
    }
    return Report("questions", len(relevant), scores)


def _rate(flags: Sequence[bool]) -> float:
    return sum(flags) / len(flags) if flags else 0.0
