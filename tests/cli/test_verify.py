"""`citebot verify`: one exit status per verdict, and quotation marks printed once."""

import re
from pathlib import Path

import pytest

from citebot.cli.main import main
from citebot.cli.verify import EXIT_CODES
from tests.cli.conftest import run

LIN_JIAN = ("The Chinese side has never provided lethal weapons to any party in the conflict, "
            "and strictly controls dual-use items.")
NORTH_KOREANS = "The North Koreans fought against us in the Kursk region"


@pytest.mark.parametrize(("argv", "verdict", "status"), [
    ([LIN_JIAN, "--speaker", "Lin Jian"], "VERIFIED", 0),
    (["China has strongly denied involvement", "--speaker", "Lin Jian"], "UNATTRIBUTED", 3),
    (["Our military captured three Chinese citizens who fought in the Russian army"],
     "ALTERED", 4),
    ([LIN_JIAN, "--speaker", "Zelensky"], "MISATTRIBUTED", 5),
    (["The harvest festival in Lisbon drew record crowds of tourists"], "NOT FOUND", 6),
])
def test_each_verdict_has_its_exit_status(
    sample: Path, capsys: pytest.CaptureFixture[str], argv: list[str], verdict: str, status: int
) -> None:
    assert main(["verify", *argv]) == status
    assert capsys.readouterr().out.startswith(f"{verdict}: ")


def test_the_process_exits_with_the_verdict_and_2_for_a_usage_error(sample_data: Path) -> None:
    assert run(["verify", LIN_JIAN, "--speaker", "Zelensky"], sample_data).returncode == 5
    assert run(["verify", "   "], sample_data).returncode == 2
    assert run(["verify"], sample_data).returncode == 2  # argparse: the quote is missing


def test_the_help_lists_every_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["verify", "--help"])
    assert exited.value.code == 0
    out = capsys.readouterr().out
    listed = dict(re.findall(r"^  (\d)  (\w+(?: \w+)?) ", out, re.M))
    assert listed == {str(code): name.replace("_", " ") for name, code in EXIT_CODES.items()} \
        | {"2": "the quote"}


def test_a_sentence_in_quotation_marks_is_not_quoted_again(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", NORTH_KOREANS]) == 0
    out = capsys.readouterr().out
    assert "\n    “The North Koreans fought against us in the Kursk region" in out
    assert "““" not in out and "””" not in out
    assert main(["verify", LIN_JIAN]) == 0
    out = capsys.readouterr().out
    assert "\n    Foreign Ministry spokesman Lin Jian said on Friday, “The Chinese side" in out
    assert "items.”\n" in out and "””" not in out
