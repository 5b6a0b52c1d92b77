"""``citebot ask``: one question, answered with verbatim citations, as text or as JSON."""

import json
from pathlib import Path

import pytest

from citebot.cli.ask import render
from citebot.cli.main import main
from citebot.index.models import Answer, Citation, Short
from citebot.settings import get_settings
from tests.conftest import CORPUS

QUESTION = "Who summoned the Chinese ambassador?"


def test_json_and_text_show_the_same_verbatim_citations(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", QUESTION, "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["found"] and answer["citations"]
    for c in answer["citations"]:
        assert (CORPUS / c["source"]).read_text()[c["start"] : c["end"]] == c["text"]
        assert f"[{c['n']}]" in answer["answer"]

    assert main(["ask", QUESTION]) == 0
    readable = capsys.readouterr().out
    for c in answer["citations"]:  # the article by title, or by its first words
        assert f"[{c['n']}] {c['label']}, characters {c['start']}-" in readable
    untitled = "What did the Chinese foreign ministry spokesman say about lethal weapons?"
    assert main(["ask", untitled]) == 0  # an article with no title
    assert ("[1] “As Russia’s invasion of Ukraine grinds on, a troubling new…” "
            "(000_86393d9dbeceabfc.txt)") in capsys.readouterr().out

    # the asked-for number first, marked with the citation that holds it
    assert main(["ask", "How many Chinese citizens are fighting for Russia?"]) == 0
    assert capsys.readouterr().out.startswith("at least 155 [1]\n\n")


def test_found_nothing_is_exit_status_1(sample: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "What is the capital of Peru?"]) == 1
    assert capsys.readouterr().out.startswith("I found nothing")
    assert main(["ask", "What is the capital of Peru?", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["found"] is False


def test_k_is_the_number_of_chunks_searched(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["ask", QUESTION, "-k", "1", "--json"]) == 0
    one = Answer.model_validate_json(capsys.readouterr().out)
    assert one.found and len({c.source for c in one.citations}) == 1  # one chunk: one article


def test_a_mistake_in_the_question_is_named_before_the_missing_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CITEBOT_DATA_DIR", str(tmp_path / "nothing-here"))
    get_settings.cache_clear()
    try:
        assert main(["ask", QUESTION, "-k", "51"]) == 2
        assert capsys.readouterr().err.startswith("citebot: top_k must be between 1 and 50")
        assert main(["ask", QUESTION]) == 2
        assert capsys.readouterr().err.startswith("citebot: there is no index in")
    finally:
        get_settings.cache_clear()


def test_render_by_hand() -> None:
    titled = Citation(n=1, source="a.txt", title="Drones", start=10, end=19, text="It is so.",
                      score=0.456)
    quoted = Citation(n=2, source="b.txt", title=None, start=0, end=9, text="“Quoted.”",
                      score=0.4, opening="Quoted…")
    answer = Answer(question="Is it?", answer="It is so. [1] “Quoted.” [2]",
                    citations=[titled, quoted], found=True,
                    short=Short(text="so", n=1, start=16, end=18))
    assert render(answer).splitlines() == [
        "so [1]",  # the short answer first, with its citation's number
        "",
        "It is so. [1] “Quoted.” [2]",
        "",
        "[1] Drones (a.txt), characters 10-19, score 0.46",
        "    “It is so.”",
        "[2] “Quoted…” (b.txt), characters 0-9, score 0.40",
        "    “Quoted.”",  # its own quotation marks, not doubled
    ]
    nothing = Answer(question="Is it?", answer="I found nothing.", citations=[], found=False)
    assert render(nothing) == "I found nothing."
