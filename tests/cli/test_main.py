"""``citebot`` itself (``cli/main.py``): a mistake in the input or in a setting is one clear
line and exit status 2, never a traceback."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from citebot.cli.main import main
from citebot.settings import get_settings
from tests.conftest import CORPUS

QUESTION = "Who summoned the Chinese ambassador?"


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("CITEBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("CITEBOT_CORPUS_DIR", str(CORPUS))
    get_settings.cache_clear()  # the CLI reads the environment once per process
    yield tmp_path
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        # a shell argument that is not UTF-8 reaches Python as a lone surrogate
        (["ask", "Who summoned \udcff the ambassador?"],
         "citebot: the question holds an invalid character (a lone UTF-16 surrogate, \\udcff"),
        (["ask", "   "], "citebot: the question is empty"),
        (["ask", QUESTION, "-k", "0"], "citebot: top_k must be between 1 and 50, not 0"),
        (["verify", "never provided \udcff weapons"],
         "citebot: the quote holds an invalid character"),
    ],
)
def test_bad_input_is_one_clear_line(
    env: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1, err


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("CITEBOT_TOP_K", "abc", "citebot: bad setting: CITEBOT_TOP_K='abc': Input should be a "
                                 "valid integer"),
        ("CITEBOT_TOP_K", "90", "citebot: bad setting: CITEBOT_TOP_K='90': Input should be less "
                                "than or equal to 50"),
        ("CITEBOT_TELEGRAM_WEBHOOK_SECRET", "has spaces",
         "citebot: bad setting: CITEBOT_TELEGRAM_WEBHOOK_SECRET must be 1-256 characters of "
         "A-Z, a-z, 0-9, _ and -"),
    ],
)
def test_a_bad_setting_is_named_without_a_traceback(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    variable: str, value: str, expected: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["ask", QUESTION]) == 2
    err = capsys.readouterr().err
    assert err.startswith(expected), err
    assert "Traceback" not in err and "has spaces" not in err  # a secret is never echoed
    assert err.rstrip().endswith("fix it in the environment or in .env (see the README's "
                                 "settings table)")


def test_int8_with_the_torch_backend_is_refused_at_start_up(
    env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CITEBOT_EMBED_BACKEND", "torch")
    monkeypatch.setenv("CITEBOT_EMBED_PRECISION", "int8")
    assert main(["ask", QUESTION]) == 2
    assert capsys.readouterr().err.startswith(
        "citebot: bad setting: CITEBOT_EMBED_PRECISION=int8 needs the onnx backend")
