"""``citebot telegram``: the bot on its own, long polling the fake Bot API; the token and the
data folder checked before anything is loaded."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from citebot.bot import render
from citebot.cli.main import main
from citebot.index.embed.embedder import Embedder
from citebot.settings import get_settings
from tests.bot.fake_bot_api import FakeBotApi
from tests.conftest import CORPUS

USER = 4242
# holds the data folder's lock, as a running `citebot serve` would, until stdin closes
HOLDER = """import sys
from pathlib import Path
from citebot.index.store.lock import hold
lease = hold(Path(sys.argv[1]))
print("held", flush=True)
sys.stdin.read()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def fake_bot_api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as api:
        yield api


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """`citebot.cli.main` in this process, with settings from a clean environment."""
    for name in ("TELEGRAM_BOT_TOKEN", "CITEBOT_TELEGRAM_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no .env
    monkeypatch.setenv("CITEBOT_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


def test_citebot_telegram_without_token_says_how_to_get_one(
    cli_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["telegram"]) == 2
    assert "@BotFather" in capsys.readouterr().err


def test_citebot_telegram_checks_the_token_before_loading_anything(
    cli_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fake_bot_api: FakeBotApi,
) -> None:
    cli_env.setenv("CITEBOT_TELEGRAM_TOKEN", "999:wrong-token")
    cli_env.setenv("CITEBOT_TELEGRAM_API_URL", fake_bot_api.base_url)
    assert main(["telegram"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("citebot: Telegram refused the bot token") and "Traceback" not in err

    get_settings.cache_clear()
    cli_env.setenv("CITEBOT_TELEGRAM_API_URL", f"http://127.0.0.1:{free_port()}/bot")
    assert main(["telegram"]) == 2
    assert capsys.readouterr().err.startswith("citebot: could not reach the Bot API at")


def start_cli(fake: FakeBotApi, embedder: Embedder, tmp: Path, token: str) -> subprocess.Popen[str]:
    """`citebot telegram` in a subprocess, on an empty store, reusing the exported model."""
    embedder.embed_queries(["export the ONNX model now, if it is not cached yet"])
    data = tmp / "data"
    data.mkdir(exist_ok=True)
    if not (data / "models").exists():
        (data / "models").symlink_to(embedder.cache_dir, target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if "TELEGRAM" not in k}
    env.update(CITEBOT_TELEGRAM_TOKEN=token, CITEBOT_TELEGRAM_API_URL=fake.base_url,
               CITEBOT_DATA_DIR=str(data), CITEBOT_CORPUS_DIR=str(CORPUS))
    return subprocess.Popen([sys.executable, "-m", "citebot", "telegram"], cwd=tmp, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def finish(process: subprocess.Popen[str], timeout: float = 60) -> str:
    try:
        return process.communicate(timeout=timeout)[0]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_citebot_telegram_polls_until_interrupted(
    fake_bot_api: FakeBotApi, embedder: Embedder, tmp_path: Path
) -> None:
    process = start_cli(fake_bot_api, embedder, tmp_path, fake_bot_api.token)
    try:
        deadline = time.monotonic() + 120  # loading the model on a busy machine
        while not fake_bot_api.calls("getUpdates"):
            assert process.poll() is None, finish(process)
            assert time.monotonic() < deadline, "the bot never started polling"
            time.sleep(0.1)
        fake_bot_api.push_message("/sources", chat_id=USER, user_id=USER)
        [reply] = fake_bot_api.wait_for_messages_sync(USER, 1, timeout=30)
    finally:
        process.send_signal(signal.SIGINT)  # what Ctrl+C sends
        output = finish(process)
    assert process.returncode == 0, output
    assert reply["text"] == render.NO_DOCUMENTS  # the store is open, and empty
    assert "starting @citebot_test_bot: loading the model" in output
    assert "no documents are indexed: run `citebot ingest`" in output
    assert "Telegram bot @citebot_test_bot is running (open to everyone)" in output


def test_a_data_folder_in_use_is_refused_before_telegram_is_called(
    cli_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], fake_bot_api: FakeBotApi,
    tmp_path: Path,
) -> None:
    cli_env.setenv("TELEGRAM_BOT_TOKEN", fake_bot_api.token)  # the name BotFather's docs use
    cli_env.setenv("CITEBOT_TELEGRAM_API_URL", fake_bot_api.base_url)
    data = tmp_path / "data"
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(data)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert main(["telegram"]) == 2
    finally:
        holder.communicate(timeout=30)  # closing its stdin lets it end
    err = capsys.readouterr().err
    assert err.startswith(f"citebot: the data folder {data.resolve()} is in use by another "
                          f"citebot process (pid {holder.pid})"), err
    assert fake_bot_api.calls("getMe") == []
