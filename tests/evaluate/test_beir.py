"""``evaluate/beir.py``: reading a BEIR dataset (the metrics and the evaluation itself:
test_runs.py; ``citebot eval``: tests/cli/test_evaluate.py)."""

from pathlib import Path

import pytest

from citebot.evaluate import beir
from citebot.index.errors import InvalidInput
from tests.conftest import ROOT

TINY = ROOT / "tests" / "data" / "tiny_beir"


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
