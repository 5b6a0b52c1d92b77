"""``evaluate/speakers.py`` on the sample set: real spaCy, the labelled quotations."""

import pytest

from citebot.evaluate import speakers
from citebot.evaluate.speakers import OUTCOMES, main, outcome
from tests.conftest import CORPUS


@pytest.mark.parametrize(
    ("label", "found", "expected"),
    [
        ("Volodymyr Zelenskyy", "Zelensky", "right"),  # verification's own name rule
        ("Lin Jian", "Zelenskyy", "wrong"),
        ("Lin Jian", None, "missed"),
        (None, "China", "spurious"),
        (None, None, "right none"),
    ],
)
def test_outcome(label: str | None, found: str | None, expected: str) -> None:
    assert outcome(label, found) == expected


def test_every_sample_quote_is_found_in_its_text() -> None:
    quotes = speakers.load(speakers.LABELS, {"sample": CORPUS, "bbc": None})["sample"]
    assert len(quotes) == 28
    for q in quotes:
        assert q.text[q.start - 1] in "“\"‘'" and q.end > q.start


def test_the_report_adds_up(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--bbc", "/nonexistent"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "sample (28 quotations)"
    assert lines[1].split()[:2] == ["method", "accuracy"]
    rows = lines[2:6]
    assert [r[:24].strip() for r in rows] == list(speakers.METHODS)
    for row in rows:
        numbers = row[24:].split()
        accuracy, ms = float(numbers[0]), float(numbers[-1])
        counts = [int(n) for n in numbers[1:-1]]
        assert len(counts) == len(OUTCOMES) and sum(counts) == 28
        assert accuracy == pytest.approx((counts[0] + counts[1]) / 28, abs=5e-4)
        assert ms > 0
    assert "no BBC folder at /nonexistent" in lines[-1]
