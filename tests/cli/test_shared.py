"""``cli/shared.py``: quotation marks printed once, and an error, not "found nothing", when
nothing is indexed where the settings point."""

from collections.abc import Iterator
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from citebot.cli.main import main
from citebot.cli.shared import quoted, require_index
from citebot.index.embed.embedder import Embedder
from citebot.index.errors import EmptyCorpus
from citebot.index.service import Citebot
from citebot.settings import Settings, get_settings


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("We never did.", "“We never did.”"),
        ("“The North Koreans fought…", "“The North Koreans fought…"),  # its own opening mark
        ("…strictly controls dual-use items.”", "…strictly controls dual-use items.”"),
        ('"Straight," he said', '"Straight," he said'),
        ("„Niemals“", "„Niemals“"),
        ("«Jamais»", "«Jamais»"),
        ("‘Single’ marks", "‘Single’ marks"),
        ("He said ‘no’ twice.", "“He said ‘no’ twice.”"),  # marks inside do not count
        # a quotation it opens but does not close: an added mark would seem to close it
        ("He added, “Our military captured them.", "He added, “Our military captured them."),
        ('He said "no" twice.', '“He said "no" twice.”'),
    ],
)
def test_quoted_adds_marks_only_where_the_text_has_none_at_its_ends(
    text: str, shown: str
) -> None:
    assert quoted(text) == shown


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[Path]:
    monkeypatch.setenv("CITEBOT_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()  # the CLI reads the environment once per process
    yield tmp_path / "data"
    get_settings.cache_clear()


@pytest.mark.parametrize("argv", [["ask", "Who summoned the Chinese ambassador?"],
                                  ["verify", "never provided lethal weapons"]])
def test_asking_where_nothing_is_indexed_is_an_error_not_a_finding(
    env: Path, embedder: Embedder, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    # a mistyped CITEBOT_DATA_DIR: "found nothing" would read like a verdict on the archive
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == (f"citebot: there is no index in {env}: run `citebot ingest` first, or set "
                   "CITEBOT_DATA_DIR to the folder you ingested into\n")
    assert not env.exists()  # and nothing was created there
    # a store that exists but holds no document (any more)
    bot = Citebot(get_settings(), embedder=embedder)
    bot.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
    bot.delete_document("notes/a.txt")
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"citebot: nothing is indexed in {env} (collection 'citebot'): run `citebot ingest` "
        "first, or set CITEBOT_DATA_DIR / CITEBOT_COLLECTION to where you ingested\n")


def test_an_empty_collection_on_a_chroma_server_is_named_by_its_address(
    tmp_path: Path, embedder: Embedder
) -> None:
    # a real (in-memory) Chroma client stands where the server's would; the folder check
    # is skipped, since a server's data is not in CITEBOT_DATA_DIR
    settings = Settings(data_dir=tmp_path / "absent", chroma_host="chroma.internal",
                        chroma_port=8001, collection="news")
    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    bot = Citebot(settings, embedder=embedder, client=client)
    with pytest.raises(EmptyCorpus, match=r"^nothing is indexed in the Chroma server "
                                          r"chroma\.internal:8001 \(collection 'news'\)"):
        require_index(bot)
    bot.add_document("notes/a.txt", "The quokka Quentin lives on Rottnest Island.")
    require_index(bot)  # one document is enough
