import json
import math
from pathlib import Path

import pytest

from citebot.cli.main import parser
from citebot.evaluate import beir
from citebot.evaluate.runs import (
    eval_bot,
    evaluate_beir,
    ingest_beir,
    read_questions,
    score,
)
from citebot.index.errors import InvalidInput
from tests.conftest import ROOT

TINY = ROOT / "tests" / "data" / "tiny_beir"


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


def test_beir_loader_reads_header_and_crlf() -> None:
    ds = beir.load(TINY)
    assert ds.qrels == {"q1": {"d1": 1}, "q2": {"d2": 2}, "q3": {"d3": 1, "d9": 1}}
    assert set(ds.queries) == {"q1", "q2", "q3"}  # q4 is judged only in train
    assert ds.queries["q2"] == "waggle dance of honey bees"
    assert beir.load(TINY, "train").qrels == {"q4": {"d4": 1}}


def test_beir_documents_put_the_title_on_its_own_line() -> None:
    docs = {d.meta.source: d for d in beir.documents(TINY)}
    assert docs["d1"].text == (
        "Volcanic eruptions\nBasaltic lava flows from shield volcanoes such as Kilauea "
        "travel slowly downhill."
    )
    assert docs["d1"].meta.title == "Volcanic eruptions"
    assert docs["d4"].text.startswith("Sourdough") and docs["d4"].meta.title is None
    bare = {d.meta.source: d for d in beir.documents(TINY, title=False)}
    assert bare["d1"].text.startswith("Basaltic") and bare["d1"].meta.title == "Volcanic eruptions"


def test_beir_loader_says_what_is_missing(tmp_path: Path) -> None:
    (tmp_path / "corpus.jsonl").write_text('{"_id": "a", "text": "x"}\n')
    (tmp_path / "queries.jsonl").write_text('{"_id": "q", "text": "x"}\n')
    with pytest.raises(InvalidInput, match=r"qrels/test.tsv is missing"):
        beir.load(tmp_path)
    (tmp_path / "qrels").mkdir()
    (tmp_path / "qrels" / "test.tsv").write_text("query-id\tcorpus-id\tscore\r\n")
    with pytest.raises(InvalidInput, match="holds no judgements"):
        beir.load(tmp_path)  # a header alone
    (tmp_path / "qrels" / "test.tsv").write_text("q\ta\t1\nq\tb\tvery\n")
    with pytest.raises(InvalidInput, match="line 2: the score 'very' is not a whole number"):
        beir.load(tmp_path)
    (tmp_path / "qrels" / "test.tsv").write_text("nobody\ta\t1\n")
    with pytest.raises(InvalidInput, match="judges queries not in queries.jsonl"):
        beir.load(tmp_path)


def test_evaluate_tiny_beir_exactly(make_bot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
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


def test_cli_eval_prints_json_per_mode(make_bot, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    args = parser().parse_args(["eval", str(TINY), "--json", "--data-dir", str(tmp_path)])
    assert args.run(make_bot(), args) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"dense", "lexical", "hybrid"}
    for values in out.values():
        assert set(values) == {"ndcg@10", "recall@10", "mrr@10", "hit@3"}
        assert values["mrr@10"] == 1.0
    # the table names the dataset, the split and every mode
    args = parser().parse_args(["eval", str(TINY), "--data-dir", str(tmp_path)])
    assert args.run(make_bot(), args) == 0
    table = capsys.readouterr().out
    assert "tiny_beir (test): 3 judged queries" in table
    assert all(m in table for m in ("dense", "lexical", "hybrid", "ndcg@10", "hit@3"))


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["eval"], "give a BEIR dataset folder"),
        (["eval", str(TINY), "--questions", "q.jsonl"], "not both"),
        (["eval", str(ROOT / "corpus")], "not a BEIR dataset folder"),
        (["eval", "--questions", "/nonexistent.jsonl"], "does not exist"),
    ],
)
def test_cli_eval_refuses_bad_arguments(make_bot, argv: list[str], message: str) -> None:  # type: ignore[no-untyped-def]
    args = parser().parse_args(argv)
    with pytest.raises(InvalidInput, match=message):
        args.run(make_bot(), args)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("not json", "line 1: not JSON"),
        ('{"question": "Who?"}', 'line 1: expected {"question"'),
        ('{"question": "", "expect": ["x"]}', "line 1: expected"),
        ('{"question": "Who?", "expect": "x"}', "line 1: expected"),
    ],
)
def test_question_file_errors_name_the_line(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "q.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(InvalidInput, match=message):
        read_questions(path)
