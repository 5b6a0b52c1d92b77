"""``evaluate/runs.py``: the retrieval metrics, reports, evaluation indexes, question files,
and both evaluations (BEIR and question files) on tiny inputs with hand-computed results."""

import json
import math
from collections.abc import Callable
from pathlib import Path

import pytest

from citebot.evaluate import beir
from citebot.evaluate.runs import (
    METRICS,
    Question,
    Report,
    documents_ranked,
    eval_bot,
    evaluate_beir,
    evaluate_questions,
    ingest_beir,
    mean,
    read_questions,
    score,
)
from citebot.index.errors import InvalidInput
from citebot.index.models import Chunk, ScoredChunk, Span
from citebot.index.service import Citebot
from tests.conftest import ROOT

TINY = ROOT / "tests" / "data" / "tiny_beir"


# -- metrics ----------------------------------------------------------------------------


def test_metrics_by_hand() -> None:
    # ranked: miss, grade-1 hit, miss, grade-2 hit; judged: one grade 2, one grade 1
    got = score([0, 1, 0, 2], [2, 1])
    dcg = 1 / math.log2(3) + 2 / math.log2(5)
    ideal = 2 / math.log2(2) + 1 / math.log2(3)
    assert got["ndcg@10"] == pytest.approx(dcg / ideal)
    assert got["ndcg@10"] == pytest.approx(0.56720, abs=1e-5)
    assert got == {**got, "recall@10": 1.0, "mrr@10": 0.5, "hit@3": 1.0}


def test_metrics_cut_at_their_depth() -> None:
    first_hit_at_4 = score([0, 0, 0, 1], [1])
    assert first_hit_at_4["hit@3"] == 0.0
    assert first_hit_at_4["mrr@10"] == 0.25
    beyond_10 = score([0] * 10 + [1], [1, 1])
    assert beyond_10 == {"ndcg@10": 0.0, "recall@10": 0.0, "mrr@10": 0.0, "hit@3": 0.0}
    # three relevant, two found at ranks 1 and 2: recall counts against all three
    partial = score([1, 1, 0], [1, 1, 1])
    assert partial["recall@10"] == pytest.approx(2 / 3)
    assert partial["ndcg@10"] == pytest.approx(
        (1 + 1 / math.log2(3)) / (1 + 1 / math.log2(3) + 1 / math.log2(4))
    )
    with pytest.raises(ValueError):
        score([1], [])
    with pytest.raises(ValueError):
        score([1], [0, 0])  # judged, but judged not relevant


def test_mean_averages_each_metric_and_is_zero_without_rows() -> None:
    rows = [score([1], [1]), score([0, 1], [1])]
    # first: all 1; second: hit at rank 2, so nDCG = 1/log2(3), MRR = 1/2, recall 1, hit@3 1
    assert mean(rows) == pytest.approx({"ndcg@10": (1 + 1 / math.log2(3)) / 2,
                                        "recall@10": 1.0, "mrr@10": 0.75, "hit@3": 1.0})
    assert mean([]) == dict.fromkeys(METRICS, 0.0)


def _scored(source: str, index: int) -> ScoredChunk:
    chunk = Chunk(source=source, index=index, start=0, end=1, text="x",
                  sentences=(Span(start=0, end=1),))
    return ScoredChunk(chunk=chunk, title=None, score=0.5)


def test_documents_are_ranked_by_their_best_chunk() -> None:
    chunks = [_scored("b", 3), _scored("a", 0), _scored("b", 1), _scored("c", 0),
              _scored("a", 2)]
    assert documents_ranked(chunks) == ["b", "a", "c"]
    assert documents_ranked([]) == []


# -- reports ----------------------------------------------------------------------------


def test_report_table_and_json() -> None:
    report = Report("tiny", 2, {
        "dense": {"ndcg@10": 0.5, "recall@10": 1.0, "mrr@10": 0.25, "hit@3": 1.0},
        "lexical": {"ndcg@10": 1 / 3, "recall@10": 0.0, "mrr@10": 0.0, "hit@3": 0.0,
                    "answer@hit": 0.5},
    })
    lines = report.table().splitlines()
    assert lines[0] == "tiny: 2 judged queries"
    # the columns are the first mode's metrics, in the order METRICS gives them
    assert lines[1].split() == ["mode", "ndcg@10", "recall@10", "mrr@10", "hit@3"]
    assert lines[2].split() == ["dense", "0.500", "1.000", "0.250", "1.000"]
    assert lines[3].split() == ["lexical", "0.333", "0.000", "0.000", "0.000"]
    assert json.loads(report.json()) == {
        "dense": {"ndcg@10": 0.5, "recall@10": 1.0, "mrr@10": 0.25, "hit@3": 1.0},
        "lexical": {"ndcg@10": 0.3333, "recall@10": 0.0, "mrr@10": 0.0, "hit@3": 0.0,
                    "answer@hit": 0.5},
    }


# -- evaluation indexes -----------------------------------------------------------------


def test_eval_bot_names_its_collection_by_what_changes_the_index(
    make_bot: Callable[..., Citebot], tmp_path: Path
) -> None:
    base = make_bot(chroma_host="127.0.0.1")  # the evaluation index is always embedded
    data = tmp_path / "eval"
    bot = eval_bot(base, data, TINY)
    assert bot.settings.data_dir == data and bot.settings.chroma_host is None
    assert bot.embedder is base.embedder  # the loaded model is shared, not loaded again
    name = bot.settings.collection
    assert name.startswith("eval-tiny-beir-") and len(name) == len("eval-tiny-beir-") + 10
    assert eval_bot(base, tmp_path / "other", TINY).settings.collection == name
    assert eval_bot(base, data, TINY, title=False).settings.collection != name
    assert eval_bot(base, data, ROOT / "corpus").settings.collection.startswith("eval-corpus-")
    finer = make_bot(chunk_tokens=base.settings.chunk_tokens // 2)
    assert eval_bot(finer, data, TINY).settings.collection != name


# -- BEIR -------------------------------------------------------------------------------


def test_evaluate_tiny_beir_exactly(make_bot: Callable[..., Citebot], tmp_path: Path) -> None:
    bot = eval_bot(make_bot(), tmp_path / "eval", TINY)
    assert ingest_beir(bot, TINY) == 4  # one chunk per short document
    assert ingest_beir(bot, TINY) == 0  # a reused index is not embedded again
    report = evaluate_beir(bot, beir.load(TINY))
    # Each query's words point at one document, so every mode ranks it first. q3 also
    # judges d9, which the corpus lacks: nDCG = 1 / (1 + 1/log2 3), recall = 1/2.
    q3_ndcg = 1 / (1 + 1 / math.log2(3))
    for mode in ("dense", "lexical", "hybrid"):
        got = report.scores[mode]
        assert got["ndcg@10"] == pytest.approx((2 + q3_ndcg) / 3), mode
        assert got["recall@10"] == pytest.approx((2 + 0.5) / 3), mode
        assert got["mrr@10"] == 1.0 and got["hit@3"] == 1.0, mode
    assert report.queries == 3


# -- question files ---------------------------------------------------------------------


def test_question_file_skips_blank_lines_and_keeps_off_topic_questions(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text('{"question": "  Who danced?  ", "expect": ["waggle dance"]}\n\n'
                    '{"question": "Price of bitcoin?", "expect": []}\n', encoding="utf-8")
    assert read_questions(path) == [Question("Who danced?", ("waggle dance",)),
                                    Question("Price of bitcoin?", ())]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "line 1: not JSON"),
        ('{"question": "Who?"}', 'line 1: expected {"question"'),
        ('{"question": "", "expect": ["x"]}', "line 1: expected"),
        ('{"question": "Who?", "expect": "x"}', "line 1: expected"),
        ('{"question": "Who?", "expect": [" "]}', "line 1: expected"),
        ('["Who?", ["x"]]', "line 1: expected"),
        ("", "holds no questions"),
    ],
)
def test_question_file_errors_name_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(InvalidInput, match=message):
        read_questions(path)


def test_a_missing_question_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match=r"q.jsonl does not exist: give a question file"):
        read_questions(tmp_path / "q.jsonl")


def test_evaluate_questions_on_tiny_beir_by_hand(
    make_bot: Callable[..., Citebot], tmp_path: Path
) -> None:
    bot = eval_bot(make_bot(), tmp_path / "eval", TINY)
    ingest_beir(bot, TINY)
    questions = [
        # one passage (d2's) holds the words, whatever their case
        Question("What do worker honey bees perform to tell the hive where nectar is?",
                 ("WAGGLE DANCE to tell the hive",)),
        Question("What raises the ocean tides?", ("gravitational pull of the Moon",)),
        Question("What is the price of bitcoin today?", ()),  # the corpus has no answer
    ]
    report = evaluate_questions(bot, questions)
    # Both answerable questions' words point at one passage, ranked first by every mode,
    # and it is the only relevant one: nDCG = recall = MRR = hit@3 = 1. Their answers
    # quote it (answer@hit = 2/2); the off-topic one finds nothing (answer@none = 1/1).
    assert report.queries == 2
    for mode, got in report.scores.items():
        assert got == {"ndcg@10": 1.0, "recall@10": 1.0, "mrr@10": 1.0, "hit@3": 1.0,
                       "answer@hit": 1.0, "answer@none": 1.0}, mode
    unfindable = [Question("Who baked it?", ("rye bread",))]
    with pytest.raises(InvalidInput, match=r"no passage of the corpus contains an expected "
                                           r"substring of: \['Who baked it\?'\]"):
        evaluate_questions(bot, unfindable)
