"""Ways to run the bot: webhook mode, inside the HTTP app's process, and `citebot telegram`."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from citebot.api.app import create_app
from citebot.bot import render
from citebot.bot.app import build_application, companion, running
from citebot.cli.main import main
from citebot.index.embed.embedder import Embedder
from citebot.index.service import Citebot
from citebot.settings import Settings, get_settings
from tests.bot.fake_bot_api import FakeBotApi, parse_html
from tests.conftest import CORPUS

USER = 4242
SECRET = "s3cret_token-42"
HOOK = "https://bot.example.org/telegram/hook"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def update(update_id: int, text: str) -> dict[str, Any]:
    """An Update as Telegram posts it to a webhook."""
    message: dict[str, Any] = {
        "message_id": update_id,
        "from": {"id": USER, "is_bot": False, "first_name": "Test"},
        "chat": {"id": USER, "type": "private", "first_name": "Test"},
        "date": int(time.time()),
        "text": text,
    }
    if text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0,
                                "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": message}


async def test_webhook_mode_checks_the_secret_token(
    fake_bot_api: FakeBotApi, corpus_bot: Citebot
) -> None:
    port = free_port()
    settings = Settings(
        telegram_token=fake_bot_api.token, telegram_api_url=fake_bot_api.base_url,
        telegram_webhook_url=HOOK, telegram_webhook_secret=SECRET,
        telegram_webhook_port=port,
    )
    url = f"http://127.0.0.1:{port}/telegram/hook"
    async with running(build_application(settings, corpus_bot), settings):
        webhook = fake_bot_api.webhook
        assert (webhook["url"], webhook["secret_token"]) == (HOOK, SECRET)
        assert webhook["allowed_updates"] == ["message", "edited_message", "inline_query"]
        async with httpx.AsyncClient(timeout=10) as client:
            wrong = await client.post(url, json=update(1, "/help"),
                                      headers={"X-Telegram-Bot-Api-Secret-Token": "guess"})
            missing = await client.post(url, json=update(2, "/help"))
            right = await client.post(url, json=update(3, "Who summoned the Chinese ambassador?"),
                                      headers={"X-Telegram-Bot-Api-Secret-Token": SECRET})
        [answer] = await fake_bot_api.wait_for_messages(USER, 1)
        await asyncio.sleep(0.3)  # time for a wrongly accepted update to show up

    assert (wrong.status_code, missing.status_code, right.status_code) == (403, 403, 200)
    assert "summoned Chinese Ambassador" in answer["text"] and "[1]" in answer["text"]
    assert len(fake_bot_api.sent_messages()) == 1
    assert not fake_bot_api.calls("getUpdates")  # no polling in webhook mode


def test_runs_inside_the_http_app_as_a_companion(
    fake_bot_api: FakeBotApi, make_bot: Callable[..., Citebot]
) -> None:
    citebot = make_bot(telegram_token=fake_bot_api.token, telegram_api_url=fake_bot_api.base_url)
    with TestClient(create_app(citebot.settings, citebot, companions=[companion])) as client:
        fake_bot_api.push_message("/help", chat_id=USER, user_id=USER)
        [reply] = fake_bot_api.wait_for_messages_sync(USER, 1)
        assert client.get("/healthz").status_code == 200
    assert reply["text"] == parse_html(render.HELP)[0]
    polls = len(fake_bot_api.calls("getUpdates"))
    time.sleep(0.3)
    assert len(fake_bot_api.calls("getUpdates")) == polls  # stopped with the app


def test_http_app_carries_on_when_telegram_refuses_the_bot(
    fake_bot_api: FakeBotApi, make_bot: Callable[..., Citebot],
    caplog: pytest.LogCaptureFixture,
) -> None:
    citebot = make_bot(telegram_token="999:wrong-token", telegram_api_url=fake_bot_api.base_url)
    with TestClient(create_app(citebot.settings, citebot, companions=[companion])) as client:
        assert client.get("/healthz").status_code == 200
    assert "the Telegram bot did not start" in caplog.text
    assert fake_bot_api.calls("getMe")[0]["status"] == 401


# -- citebot telegram ----------------------------------------------------------------------


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
