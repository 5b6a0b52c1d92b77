"""``index/models.py``: the typed results every surface shows: how a source is labelled,
what is frozen and validated, and the ingest report's summary."""

import pytest
from pydantic import ValidationError

from citebot.index.models import (
    Answer,
    Citation,
    IngestReport,
    Match,
    Verdict,
    source_label,
    unsupported_files,
)


@pytest.mark.parametrize(
    ("kwargs", "label"),
    [
        ({"title": "Drones over Kyiv"}, "Drones over Kyiv (a.txt)"),
        ({"title": "Drones", "outlet": "The Times", "published": "2025-04-09"},
         "Drones — The Times, 2025-04-09 (a.txt)"),
        ({"title": "Drones", "published": "2025-04-09"}, "Drones — 2025-04-09 (a.txt)"),
        ({"outlet": "The Times"}, "The Times (a.txt)"),
        ({"opening": "As Russia’s war grinds on…"}, "“As Russia’s war grinds on…” (a.txt)"),
        ({"title": "Drones", "opening": "As Russia’s…"}, "Drones (a.txt)"),  # a title wins
        ({}, "a.txt"),
        ({"title": "", "outlet": "", "opening": ""}, "a.txt"),  # empty is unknown
    ],
)
def test_source_label(kwargs: dict[str, str], label: str) -> None:
    assert source_label("a.txt", **({"title": None} | kwargs)) == label  # type: ignore[arg-type]


def _citation(**changes: object) -> Citation:
    values: dict[str, object] = {"n": 1, "source": "a.txt", "title": None, "start": 10,
                                 "end": 14, "text": "Text", "score": 0.5,
                                 "opening": "As Russia’s…"}
    return Citation(**(values | changes))  # type: ignore[arg-type]


def test_the_label_is_computed_serialised_and_documented() -> None:
    citation = _citation()
    assert citation.label == "“As Russia’s…” (a.txt)"
    assert citation.model_dump()["label"] == citation.label
    match = Match(source="b.txt", title="T", start=0, end=1, text="x", similarity=1.0)
    assert match.model_dump()["label"] == "T (b.txt)"
    schema = Citation.model_json_schema(mode="serialization")
    assert "label" in schema["properties"] and "label" in schema["required"]
    assert schema["properties"]["label"]["description"].startswith("Title, outlet and date")


def test_an_answer_survives_a_json_round_trip() -> None:
    # the label in the JSON is computed again on reading, not taken as a field
    answer = Answer(question="Who?", answer="Text [1]", citations=[_citation()], found=True)
    assert Answer.model_validate_json(answer.model_dump_json()) == answer


def test_results_are_frozen_and_validated() -> None:
    citation = _citation()
    with pytest.raises(ValidationError, match="frozen"):
        citation.text = "Other"  # type: ignore[misc]
    with pytest.raises(ValidationError, match="verdict"):
        Verdict(quote="x", verdict="probably")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="start"):
        _citation(start="ten")
    # a mutable default is not shared between instances
    one, two = Verdict(quote="a", verdict="not_found"), Verdict(quote="b", verdict="not_found")
    assert one.matches == [] and one.matches is not two.matches


def test_ingest_summary() -> None:
    one = IngestReport(added=1, chunks=1, seconds=0.26)
    assert one.summary() == ("1 added, 0 updated, 0 unchanged, 0 skipped, 0 removed; "
                             "1 chunk embedded in 0.3 s")
    many = IngestReport(added=2, updated=1, unchanged=3, skipped=1, removed=4, chunks=7,
                        seconds=12.34, unsupported=["a.rtf", "b.docx"])
    assert many.summary() == (
        "2 added, 1 updated, 3 unchanged, 1 skipped, 4 removed; 7 chunks embedded in 12.3 s\n"
        "2 files of unsupported types skipped: a.rtf, b.docx")


def test_unsupported_files_names_the_first_ten() -> None:
    assert unsupported_files(["a.rtf"]) == "1 file of an unsupported type skipped: a.rtf"
    names = [f"{i}.docx" for i in range(1234)]
    assert unsupported_files(names) == (
        "1,234 files of unsupported types skipped: " + ", ".join(names[:10])
        + " and 1,224 more")
    assert unsupported_files(names[:3], shown=2) == (
        "3 files of unsupported types skipped: 0.docx, 1.docx and 1 more")
