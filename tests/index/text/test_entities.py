"""Entities found by spaCy's small English model (with the place pattern added)."""

import pytest

from citebot.index.text import entities
from citebot.index.text.entities import find, rules


def test_find_labels_people_places_dates_and_numbers() -> None:
    text = ("Ukrainian President Volodymyr Zelensky revealed on Tuesday that 155 Chinese "
            "nationals had been captured in the Donetsk region.")
    (got,) = find([text], [1000])
    spans = {text[e.start - 1000 : e.end - 1000]: e.label for e in got}
    assert spans["Volodymyr Zelensky"] == "PERSON"
    assert spans["Tuesday"] == "DATE"
    assert spans["155"] == "CARDINAL"
    # the small model tags no place here: the pattern added before it does
    assert spans["Donetsk region"] == "LOC"


def test_a_nationality_before_a_word_is_no_place() -> None:
    # the small model tags "Ukrainian" GPE in both; "the Mediterranean." is a place
    texts = ["Ukrainian troops captured them in the Donetsk region.",
             "The Ukrainian said no.", "The ship sank in the Mediterranean."]
    got = find(texts)
    labels = [{t[e.start : e.end]: e.label for e in ents} for t, ents in zip(texts, got)]
    assert labels[0] == {"Ukrainian": "NORP", "Donetsk region": "LOC"}
    assert labels[1]["Ukrainian"] == "NORP"
    assert labels[2]["Mediterranean"] == "LOC"


def test_the_rules_change_with_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    before = rules()
    rules.cache_clear()
    monkeypatch.setattr(entities, "version", lambda package: "9.9.9")
    try:
        assert rules() != before
    finally:
        rules.cache_clear()  # the real rules again once the patch is undone
