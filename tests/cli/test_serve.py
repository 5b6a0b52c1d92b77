"""``citebot serve``: the API on uvicorn with the Telegram bot beside it when a token is set;
on start it cleans up, indexes an empty store's corpus and prints a curl command to try."""

import json
import os
import shlex
import signal
import socket
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from uvicorn.config import LOGGING_CONFIG

from citebot.bot import render
from citebot.cli.serve import EXAMPLE_QUESTION, curl_example, log_config, prepare
from citebot.index.embed.embedder import Embedder
from citebot.index.service import Citebot
from tests.api.helpers import free_port, wait_ready
from tests.api.processes import BIN, launch, stop, wait_listening
from tests.bot.fake_bot_api import FakeBotApi, parse_html
from tests.cli.conftest import with_model

USER = 4242
ATACAMA = "The Atacama desert in Chile is the driest place on Earth, scientists said."


@pytest.mark.parametrize(("host", "shown"), [("0.0.0.0", "127.0.0.1"), ("::", "127.0.0.1"),
                                             ("", "127.0.0.1"), ("10.0.0.5", "10.0.0.5")])
def test_the_curl_example_is_a_command_that_reaches_the_server(host: str, shown: str) -> None:
    args = shlex.split(curl_example(host, 8080))
    assert args[:3] == ["curl", "-s", f"http://{shown}:8080/v1/ask"]
    assert args[args.index("-H") + 1] == "Content-Type: application/json"
    assert json.loads(args[args.index("-d") + 1]) == {"question": EXAMPLE_QUESTION}


def _news(folder: Path) -> Path:
    folder.mkdir()
    (folder / "atacama.txt").write_text(ATACAMA, encoding="utf-8")
    return folder


def test_prepare_indexes_an_empty_store_then_says_where_it_is_ready(
    make_bot: Callable[..., Citebot], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    news = _news(tmp_path / "news")
    (news / "blob.txt").write_bytes(b"\x00\x01binary")
    bot = make_bot(corpus_dir=news)
    prepare(bot, host="127.0.0.1", port=8123)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Indexing {news} (the store is empty)…"
    assert lines[1].startswith("skipped: blob.txt looks binary")
    assert lines[2].startswith("1 added, 0 updated, 0 unchanged, 1 skipped, 0 removed; 1 chunk")
    assert lines[3:] == ["citebot is ready at http://127.0.0.1:8123/ — try:",
                         f"  {curl_example('127.0.0.1', 8123)}"]
    assert bot.count() == 1
    prepare(bot, host="0.0.0.0", port=8124)  # a store with documents is left as it is
    assert capsys.readouterr().out.splitlines() == [
        "citebot is ready at http://0.0.0.0:8124/ — try:", f"  {curl_example('0.0.0.0', 8124)}"]


def test_log_config_adds_citebots_loggers_without_changing_uvicorns() -> None:
    config = log_config()
    assert config["loggers"]["citebot"] == {"handlers": ["default"], "level": "INFO",
                                            "propagate": False}
    assert "citebot" not in LOGGING_CONFIG["loggers"]  # a copy, not uvicorn's own dict
    assert config["loggers"]["uvicorn"] == LOGGING_CONFIG["loggers"]["uvicorn"]


def test_serve_with_a_token_runs_the_api_and_the_bot_in_one_process(
    tmp_path: Path, embedder: Embedder
) -> None:
    port, settings_port = free_port(), free_port()
    log = tmp_path / "serve.log"
    with FakeBotApi() as fake:
        env = {k: v for k, v in os.environ.items() if "TELEGRAM" not in k} | {
            "CITEBOT_DATA_DIR": str(with_model(tmp_path / "data", embedder)),
            "CITEBOT_CORPUS_DIR": str(_news(tmp_path / "news")),
            "CITEBOT_HOST": "127.0.0.1",  # no --host: the setting is used
            "CITEBOT_PORT": str(settings_port),  # --port is given: it wins
            "CITEBOT_TELEGRAM_TOKEN": fake.token, "CITEBOT_TELEGRAM_API_URL": fake.base_url,
        }
        proc = launch([str(BIN / "citebot"), "serve", "--port", str(port)], log, env)
        try:
            wait_listening(proc, port, log)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
                assert wait_ready(client)["documents"] == 1  # it indexed the empty store
                fake.push_message("/help", chat_id=USER, user_id=USER)
                [reply] = fake.wait_for_messages_sync(USER, 1, timeout=60)
                printed = log.read_text()
                curl = next(x.split() for x in printed.splitlines() if x.startswith("  curl "))
                assert curl[2] == f"http://127.0.0.1:{port}/v1/ask"
                answer = client.post("/v1/ask", json={"question": "Where is the driest place?"})
            with pytest.raises(OSError):
                socket.create_connection(("127.0.0.1", settings_port), timeout=1).close()
        finally:
            stop(proc)
    output = log.read_text()
    assert proc.returncode in (0, -signal.SIGTERM), output
    assert reply["text"] == parse_html(render.HELP)[0]
    assert answer.status_code == 200 and answer.json()["citations"][0]["text"] == ATACAMA
    assert f"Indexing {tmp_path / 'news'} (the store is empty)…" in output
    assert f"citebot is ready at http://127.0.0.1:{port}/" in output
    # citebot's own log lines appear beside uvicorn's (log_config)
    assert "Telegram bot @citebot_test_bot is running (open to everyone)" in output
    assert "Application shutdown complete" in output
