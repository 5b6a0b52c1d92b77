"""``evaluate/squad.py``: a SQuAD file as an archive, on a tiny file written for the test."""

import json
from pathlib import Path

import pytest

from citebot.cli.main import parser
from citebot.evaluate import squad
from citebot.index.errors import InvalidInput
from citebot.index.models import Answer, Citation, Short
from tests.conftest import ROOT

TINY = ROOT / "tests" / "data" / "tiny_squad.json"


@pytest.mark.parametrize(
    ("text", "golds", "expected"),
    [
        ("It lies 18 kilometres off the coast.", ["18 kilometres"], True),
        ("The Waggle Dance, they said.", ["the waggle dance."], True),  # case, articles, stops
        ("A waggle-dance.", ["waggle dance"], False),  # SQuAD deletes the hyphen: "waggledance"
        ("A total of 10,000 quokkas.", ["10000"], True),  # SQuAD drops the comma too
        ("It happened in 19733.", ["1973"], False),  # whole words only
        ("Nothing here.", ["basalt", "lava"], False),
    ],
)
def test_holds_uses_squad_normalisation(text: str, golds: list[str], expected: bool) -> None:
    assert squad.holds(text, golds) is expected


def test_articles_become_documents_with_paragraph_offsets() -> None:
    articles = squad.load(TINY)
    assert [a.document.meta.title for a in articles] == ["Rottnest Island", "Honey bee", "Basalt"]
    doc = articles[0].document
    assert doc.text.startswith("Rottnest Island\n\nRottnest Island lies 18 kilometres")
    for q in articles[0].questions:  # the gold paragraph's offsets hold the gold answer
        assert q.answers[0] in doc.text[q.start : q.end]
        assert "\n" not in doc.text[q.start : q.end]
    assert sum(len(a.questions) for a in articles) == 9


def test_spread_and_split() -> None:
    articles = squad.load(TINY)
    questions = [q for a in articles for q in a.questions]
    assert squad.spread(questions, 3) == [questions[0], questions[3], questions[6]]
    assert squad.spread(questions, None) == questions
    kept, out = squad.split(articles, 1)
    assert [a.document.meta.title for a in out] == ["Basalt"] and len(kept) == 2
    with pytest.raises(InvalidInput, match="--holdout must be between 0 and 2"):
        squad.split(articles, 3)


def test_tally_counts_each_rate() -> None:
    q = squad.Question("How far?", ("18 kilometres",), "a.txt", 10, 100)
    cite = Citation(n=1, source="a.txt", title=None, start=20, end=60, score=0.9,
                    text="It lies 18 kilometres off the coast.")
    other = cite.model_copy(update={"n": 2, "start": 200, "end": 230, "text": "Quokkas live."})
    tally = squad.Tally()
    tally.add(q, Answer(question=q.question, answer="…", citations=[other, cite], found=True,
                        short=Short(text="18 kilometres", n=2, start=28, end=41)))
    tally.add(q, Answer(question=q.question, answer="…", citations=[other], found=True))
    tally.add(q, Answer(question=q.question, answer="…", citations=[], found=False))
    rates = tally.rates()
    assert rates["answer holds gold"] == pytest.approx(1 / 3, abs=1e-4)
    assert rates["best sentence holds gold"] == 0.0
    assert rates["gold paragraph cited"] == pytest.approx(1 / 3, abs=1e-4)
    assert rates["found"] == pytest.approx(2 / 3, abs=1e-4)
    assert rates["mean answer chars"] == (len(other.text) + 1 + len(cite.text) + 13) / 2
    assert rates["short given"] == pytest.approx(1 / 3, abs=1e-4)
    assert rates["short exact match"] == 1.0
    assert len(tally.misses) == 2


def test_cli_eval_squad_on_a_tiny_file(make_bot, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    argv = ["eval", "--squad", str(TINY), "--holdout", "1", "--json", "--data-dir",
            str(tmp_path)]
    args = parser().parse_args(argv)
    assert args.run(make_bot(), args) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["questions"] == 7 and out["held-out questions"] == 2
    # each question's words point at one sentence of a short archive
    assert out["answer holds gold"] >= 6 / 7, out
    assert out["gold paragraph cited"] >= 6 / 7, out
    assert out["held-out found nothing"] == 1.0, out  # nothing about basalt was ingested
    args = parser().parse_args([*argv[:-3], "--limit", "2", "--data-dir", str(tmp_path)])
    assert args.run(make_bot(), args) == 0  # the archive is reused, not embedded again
    table = capsys.readouterr().out
    assert "answer holds gold" in table and "questions                          2" in table


@pytest.mark.parametrize(
    ("path", "message"),
    [
        (Path("/nonexistent.json"), "does not exist: give a SQuAD v1.1 JSON file"),
        (ROOT / "pyproject.toml", "not in SQuAD v1.1 format"),
    ],
)
def test_load_says_what_is_wrong_with_the_file(path: Path, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        squad.load(path)
