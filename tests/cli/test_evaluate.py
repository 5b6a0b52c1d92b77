"""``citebot eval``: a BEIR folder, a question file on a corpus folder, or a SQuAD file;
the arguments checked before any embedding, the index kept only where asked."""

import json
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from citebot.cli.main import main, parser
from citebot.evaluate.runs import eval_bot
from citebot.index.embed.embedder import Embedder
from citebot.index.errors import InvalidInput
from citebot.index.service import Citebot
from citebot.settings import get_settings
from tests.cli.conftest import with_model
from tests.conftest import ROOT

TINY_BEIR = ROOT / "tests" / "data" / "tiny_beir"
TINY_SQUAD = ROOT / "tests" / "data" / "tiny_squad.json"
ARTICLES = {
    "lava.txt": "Basaltic lava flows from shield volcanoes such as Kilauea travel slowly.",
    "bees.txt": "Worker honey bees perform a waggle dance to tell the hive where nectar is.",
}
QUESTIONS = [
    {"question": "What do worker honey bees perform for the hive?", "expect": ["waggle dance"]},
    {"question": "What is the price of bitcoin today?", "expect": []},
]


@pytest.fixture
def data(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, embedder: Embedder) -> Iterator[Path]:
    """`citebot` in this process on a data folder holding the session's exported model."""
    folder = with_model(tmp_path / "data", embedder)
    monkeypatch.setenv("CITEBOT_DATA_DIR", str(folder))
    get_settings.cache_clear()  # the CLI reads the environment once per process
    yield folder
    get_settings.cache_clear()


@pytest.fixture
def question_file(tmp_path: Path) -> tuple[Path, Path]:
    """A two-article corpus folder and a question file about it (one off-topic question)."""
    corpus = tmp_path / "news"
    corpus.mkdir()
    for name, text in ARTICLES.items():
        (corpus / name).write_text(text, encoding="utf-8")
    path = tmp_path / "q.jsonl"
    path.write_text("".join(json.dumps(q) + "\n" for q in QUESTIONS), encoding="utf-8")
    return path, corpus


def test_beir_folder_prints_json_per_mode_or_a_table(
    make_bot: Callable[..., Citebot], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = parser().parse_args(["eval", str(TINY_BEIR), "--json", "--data-dir", str(tmp_path)])
    assert args.run(make_bot(), args) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"dense", "lexical", "hybrid"}
    for values in out.values():
        assert set(values) == {"ndcg@10", "recall@10", "mrr@10", "hit@3"}
        assert values["mrr@10"] == 1.0
    # the table names the dataset, the split and every mode
    args = parser().parse_args(["eval", str(TINY_BEIR), "--data-dir", str(tmp_path)])
    assert args.run(make_bot(), args) == 0
    table = capsys.readouterr().out
    assert "tiny_beir (test): 3 judged queries" in table
    assert all(m in table for m in ("dense", "lexical", "hybrid", "ndcg@10", "hit@3"))


def test_question_file_through_the_entry_point_in_a_temporary_index(
    data: Path, question_file: tuple[Path, Path], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:
    path, corpus = question_file
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where mkdtemp makes folders
    assert main(["eval", "--questions", str(path), "--corpus", str(corpus), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    for mode, got in out.items():  # one relevant passage, ranked first; one off-topic
        assert got == {"ndcg@10": 1.0, "recall@10": 1.0, "mrr@10": 1.0, "hit@3": 1.0,
                       "answer@hit": 1.0, "answer@none": 1.0}, mode
    assert list(scratch.iterdir()) == []  # the temporary index is removed afterwards
    assert not (data / "chroma").exists()  # and the user's own store was never touched
    assert main(["eval", "--questions", str(path), "--corpus", str(corpus)]) == 0
    table = capsys.readouterr().out
    assert table.startswith(f"q.jsonl on {corpus} (1 off-topic questions): 1 judged queries")
    assert "answer@hit" in table and "answer@none" in table


def test_a_given_data_dir_is_kept_and_reused(
    make_bot: Callable[..., Citebot], question_file: tuple[Path, Path], tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path, corpus = question_file
    keep = tmp_path / "keep"
    argv = ["eval", "--questions", str(path), "--corpus", str(corpus), "--data-dir", str(keep)]
    args = parser().parse_args(argv)
    assert args.run(make_bot(), args) == 0
    first = capsys.readouterr().out
    bot = make_bot()
    assert eval_bot(bot, keep, corpus).count() == len(ARTICLES)  # kept, under its own name
    assert bot.count() == 0  # the evaluation wrote to its own collection, not the bot's
    assert args.run(bot, args) == 0
    assert capsys.readouterr().out == first


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["eval"], "give a BEIR dataset folder"),
        (["eval", str(TINY_BEIR), "--questions", "q.jsonl"], "not both"),
        (["eval", "--squad", str(TINY_SQUAD), "--questions", "q.jsonl"], "not both"),
        (["eval", "--questions", "q.jsonl", "--limit", "3"], "--limit and --holdout go with "
                                                            "--squad"),
        (["eval", str(TINY_BEIR), "--holdout", "1"], "--limit and --holdout go with --squad"),
        (["eval", "--squad", str(TINY_SQUAD), "--limit", "0"], "--limit must be at least 1"),
        (["eval", "--squad", str(TINY_SQUAD), "--holdout", "3"], "--holdout must be between"),
        (["eval", str(ROOT / "corpus")], "not a BEIR dataset folder"),
        (["eval", "--questions", "/nonexistent.jsonl"], "does not exist"),
        (["eval", "--squad", "/nonexistent.json"], "does not exist"),
    ],
)
def test_bad_arguments_are_refused_before_any_embedding(
    make_bot: Callable[..., Citebot], tmp_path: Path, argv: list[str], message: str
) -> None:
    args = parser().parse_args([*argv, "--data-dir", str(tmp_path / "eval")])
    with pytest.raises(InvalidInput, match=message):
        args.run(make_bot(), args)
    assert not (tmp_path / "eval").exists()  # nothing was indexed


def test_a_bad_argument_is_one_line_from_the_entry_point(
    data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", "--questions", "q.jsonl", "--limit", "3"]) == 2
    assert capsys.readouterr().err == "citebot: --limit and --holdout go with --squad\n"
