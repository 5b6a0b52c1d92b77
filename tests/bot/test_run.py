"""Ways to run the bot: webhook mode and inside the HTTP app's process (`citebot telegram`:
tests/cli/test_telegram.py)."""

import asyncio
import socket
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from citebot.api.app import create_app
from citebot.bot import render
from citebot.bot.app import build_application, companion, running
from citebot.index.service import Citebot
from citebot.settings import Settings
from tests.bot.fake_bot_api import FakeBotApi, parse_html

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
    settings = citebot.settings
    assert isinstance(settings, Settings)
    bot = partial(companion, settings=settings)
    with TestClient(create_app(settings, citebot, companions=[bot])) as client:
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
    settings = citebot.settings
    assert isinstance(settings, Settings)
    bot = partial(companion, settings=settings)
    with TestClient(create_app(settings, citebot, companions=[bot])) as client:
        assert client.get("/healthz").status_code == 200
    assert "the Telegram bot did not start" in caplog.text
    assert fake_bot_api.calls("getMe")[0]["status"] == 401
