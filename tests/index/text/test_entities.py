"""Entities found by spaCy's small English model (with the place pattern added)."""

from citebot.index.text.entities import find


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


