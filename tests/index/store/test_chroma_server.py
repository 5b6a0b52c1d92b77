"""The same core against a real Chroma server (`chroma run`) on loopback."""

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from citebot.index.embed.embedder import Embedder
from citebot.index.ingest.loader import make_document
from citebot.index.ingest.pipeline import Ingestor
from citebot.index.service import Citebot
from citebot.settings import Settings
from tests.index.test_service import assert_invariant


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    port = free_port()
    chroma = Path(sys.executable).parent / "chroma"
    proc = subprocess.Popen(
        [str(chroma), "run", "--path", str(tmp_path_factory.mktemp("chroma-server")),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"chroma run did not start on port {port}")
            time.sleep(0.2)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_ingest_and_ask_through_a_chroma_server(
    chroma_server: int, embedder: Embedder, tmp_path: Path
) -> None:
    settings = Settings(data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=chroma_server)
    writer = Citebot(settings, embedder=embedder)
    report = writer.ingest()
    assert report.added == 5
    # A second process-like client sees the writes at once: this is why the server exists.
    reader = Citebot(settings.model_copy(update={"data_dir": tmp_path / "other"}),
                     embedder=embedder)
    assert reader.store.count() == 5
    answer = reader.ask("Who summoned the Chinese ambassador?")
    assert answer.found
    assert_invariant(answer)
    reader.delete_document(answer.citations[0].source)
    assert writer.store.count() == 4


def test_documents_stored_without_entities_are_found_and_refilled_through_a_server(
    chroma_server: int, embedder: Embedder, tmp_path: Path
) -> None:
    """``entity_gaps`` lets Chroma filter the sentence records (``$ne`` matching a record
    without the key too): the server must agree, or ``citebot entities`` finds nothing."""
    settings = Settings(data_dir=tmp_path, chroma_host="127.0.0.1", chroma_port=chroma_server,
                        collection="entity_gaps")
    bot = Citebot(settings, embedder=embedder)
    Ingestor(bot.settings, bot.embedder, bot.store).write(  # as an earlier release wrote
        [make_document("notes/c.txt", "Lin Jian spoke in Beijing on Monday.")])
    bot.add_document("notes/d.txt", "Volodymyr Zelensky spoke in Kyiv on Tuesday.")
    assert [s for s, _ in bot.store.entity_gaps()] == ["notes/c.txt"]
    assert bot.refill_entities() == 1
    assert bot.store.entity_gaps() == {}
