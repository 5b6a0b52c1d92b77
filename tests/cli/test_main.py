"""``citebot ingest`` and ``citebot ask`` in-process, on a fresh store: output and exit codes."""

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from citebot.cli.main import main
from citebot.index.service import Citebot
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


def test_ingest_then_ask(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest"]) == 0
    assert "5 added" in capsys.readouterr().out
    assert main(["ingest"]) == 0
    assert "Nothing to embed: the index is up to date." in capsys.readouterr().out

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


def test_ingest_of_an_empty_folder_says_what_to_do(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (env / "empty").mkdir()
    assert main(["ingest", str(env / "empty")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("citebot: no ") and str(env / "empty") in err, err


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


@pytest.mark.parametrize("argv", [["ask", QUESTION], ["verify", "never provided lethal weapons"]])
def test_asking_where_nothing_is_indexed_is_an_error_not_a_finding(
    env: Path, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    # a mistyped CITEBOT_DATA_DIR: "found nothing" would read like a verdict on the archive
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"citebot: there is no index in {env / 'data'}: run `citebot "
                          "ingest` first"), err
    assert not (env / "data").exists()  # and nothing was created there
    # a store that exists but holds no document
    assert main(["ingest", str(CORPUS)]) == 0
    bot = Citebot(get_settings())
    for source in sorted(p.name for p in CORPUS.glob("*.txt")):
        bot.delete_document(source)
    capsys.readouterr()
    assert main(argv) == 2
    assert "citebot: nothing is indexed in" in capsys.readouterr().err


def test_ingest_where_every_file_is_skipped_fails(
    env: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (env / "bad").mkdir()
    (env / "bad" / "blob.txt").write_bytes(b"\x00\x01binary")
    assert main(["ingest", str(env / "bad")]) == 1
    out, err = capsys.readouterr()
    assert "blob.txt looks binary" in err and "nothing was ingested" in err
    assert "0 added, 0 updated, 0 unchanged, 1 skipped" in out and "0 chunks embedded" in out
