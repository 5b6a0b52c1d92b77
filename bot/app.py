"""Wiring: ``build_application(settings, citebot)`` and the ways to run it.

- ``run(app, settings)``: blocking, for ``citebot telegram`` (PTB's ``run_polling`` or
  ``run_webhook``, which also handle SIGINT/SIGTERM).
- ``running(app, settings)``: an async context manager that runs the bot inside an asyncio
  program that is already running (start/stop as PTB's ``run_*`` would).
- ``companion(citebot)``: the same, shaped for ``api.app.create_app(companions=[...])`` so
  ``citebot serve`` can host the bot next to the HTTP API.

Besides messages (new and edited: an edited question is answered again) the bot answers
inline queries (``@bot “QUOTE”`` in any chat) once inline mode is on for it (@BotFather,
/setinline).

Long polling by default; a webhook when ``CITEBOT_TELEGRAM_WEBHOOK_URL`` is set. The webhook
server listens on ``CITEBOT_TELEGRAM_WEBHOOK_LISTEN:CITEBOT_TELEGRAM_WEBHOOK_PORT`` at the
URL's path and refuses (403) any request without the ``X-Telegram-Bot-Api-Secret-Token``
header equal to ``CITEBOT_TELEGRAM_WEBHOOK_SECRET``.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

from telegram import Bot, BotCommand, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CommandHandler,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    PersistenceInput,
    PicklePersistence,
    filters,
)

from citebot.bot import chat, handlers, render
from citebot.bot.access import Allowlist, RateLimit
from citebot.index.errors import CitebotError
from citebot.index.service import Citebot
from citebot.settings import Settings

log = logging.getLogger("citebot.telegram")

# an edited question or quote is answered again; reactions, callbacks: nothing to answer
ALLOWED_UPDATES = [Update.MESSAGE, Update.EDITED_MESSAGE, Update.INLINE_QUERY]


class NotConfigured(CitebotError):
    """The bot cannot start as configured (e.g. no token)."""


def build_application(settings: Settings, citebot: Citebot) -> Application:
    """The bot for ``citebot``, configured by ``settings`` (token, API URL, access rules)."""
    if settings.telegram_token is None:
        raise NotConfigured(
            "no Telegram bot token: create a bot with @BotFather and set TELEGRAM_BOT_TOKEN "
            "(or CITEBOT_TELEGRAM_TOKEN) to the token it gives you"
        )
    app = (
        Application.builder()
        .token(settings.telegram_token.get_secret_value())
        .base_url(settings.telegram_api_url)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .concurrent_updates(True)  # one slow answer does not hold up other chats
        .rate_limiter(AIORateLimiter(max_retries=3))  # Telegram's flood limits, and 429s
        .persistence(_chats(settings))
        .post_init(_announce)
        .build()
    )
    app.bot_data["services"] = handlers.Services(
        citebot=citebot,
        settings=settings,
        allowlist=Allowlist(settings.telegram_allowed_ids),
        rate_limit=RateLimit(settings.telegram_rate_per_minute),
    )
    addressed = filters.UpdateType.MESSAGES & filters.TEXT & chat.ADDRESSED
    app.add_handler(MessageHandler(addressed, handlers.gate), group=-1)
    app.add_handlers(
        [
            CommandHandler(["start", "help"], handlers.help_command),
            CommandHandler("ask", handlers.ask_command),
            CommandHandler("verify", handlers.verify_command),
            CommandHandler("sources", handlers.sources_command),
            CommandHandler("reset", handlers.reset_command),
            MessageHandler(addressed & filters.COMMAND, handlers.unknown_command),
            MessageHandler(addressed & ~filters.COMMAND, handlers.question),
            InlineQueryHandler(handlers.inline_query),
        ]
    )
    app.add_error_handler(handlers.on_error)
    return app


def _chats(settings: Settings) -> PicklePersistence:
    """Each chat's recent turns survive a restart, so a follow-up still has its context.
    Only chat data: bot data holds the live services, and user data is unused. The file is
    written every minute and on a clean stop. (The per-user rate buckets are not kept: a
    restart gives everyone a fresh allowance.)"""
    chats = settings.data_dir / "telegram" / "chats.pickle"
    chats.parent.mkdir(parents=True, exist_ok=True)
    return PicklePersistence(
        chats,
        store_data=PersistenceInput(bot_data=False, user_data=False, callback_data=False),
    )


async def check_token(settings: Settings) -> str:
    """Ask the Bot API who the token belongs to; the bot's username, or InvalidToken (or
    NetworkError). A quick check before a slow start, with its own short-lived client."""
    assert settings.telegram_token is not None
    async with Bot(settings.telegram_token.get_secret_value(),
                   base_url=settings.telegram_api_url) as bot:
        return bot.username


async def _announce(app: Application) -> None:
    """After getMe: publish the command menu and say who is running."""
    await app.bot.set_my_commands([BotCommand(name, text) for name, text in render.COMMANDS])
    allowlist: Allowlist = app.bot_data["services"].allowlist
    log.info("Telegram bot @%s is running (%s)", app.bot.username,
             f"{len(allowlist.ids)} allowed ids" if allowlist.ids else "open to everyone")


def polling_options() -> dict[str, Any]:
    return {"allowed_updates": ALLOWED_UPDATES}


def webhook_options(settings: Settings) -> dict[str, Any]:
    url = settings.telegram_webhook_url
    assert url and settings.telegram_webhook_secret  # Settings requires the secret with a URL
    return {
        "listen": settings.telegram_webhook_listen,
        "port": settings.telegram_webhook_port,
        "url_path": urlsplit(url).path,
        "webhook_url": url,
        "secret_token": settings.telegram_webhook_secret.get_secret_value(),
        "allowed_updates": ALLOWED_UPDATES,
    }


def run(app: Application, settings: Settings) -> None:
    """Run ``app`` until SIGINT/SIGTERM (blocking; owns the event loop)."""
    if settings.telegram_webhook_url:
        app.run_webhook(**webhook_options(settings))
    else:
        app.run_polling(**polling_options())


async def start(app: Application, settings: Settings) -> None:
    """Start ``app`` in the running event loop, as ``run_polling``/``run_webhook`` do."""
    assert app.updater is not None
    await app.initialize()
    try:
        if app.post_init:
            await app.post_init(app)
        if settings.telegram_webhook_url:
            await app.updater.start_webhook(**webhook_options(settings))
        else:
            await app.updater.start_polling(**polling_options())
        await app.start()
    except BaseException:
        await stop(app)
        raise


async def stop(app: Application) -> None:
    """Stop receiving updates, finish the ones in hand, release the connections."""
    assert app.updater is not None
    if app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()


@asynccontextmanager
async def running(app: Application, settings: Settings) -> AsyncIterator[Application]:
    """Run ``app`` for as long as the ``async with`` block lasts."""
    await start(app, settings)
    try:
        yield app
    finally:
        await stop(app)


@asynccontextmanager
async def companion(citebot: Citebot, *, settings: Settings) -> AsyncIterator[Application | None]:
    """The bot as a companion of another asyncio service sharing ``citebot``. If Telegram
    refuses it (bad token, unreachable), the error is logged and the host keeps running
    without the bot."""
    app = build_application(settings, citebot)
    try:
        await start(app, settings)
    except TelegramError:
        log.exception("the Telegram bot did not start; carrying on without it")
        yield None
        return
    try:
        yield app
    finally:
        await stop(app)
