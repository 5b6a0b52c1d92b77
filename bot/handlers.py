"""The bot's handlers: thin callbacks that parse, call the core off the event loop, reply.

Formatting lives in ``render``, input parsing in ``parse``, access rules in ``access``; the
wiring (which handler answers what) is in ``app``.
"""

import asyncio
import json
import logging
from collections import deque
from dataclasses import dataclass
from functools import partial

from telegram import (
    InlineQueryResultArticle,
    InputTextMessageContent,
    LinkPreviewOptions,
    Update,
)
from telegram.constants import ParseMode
from telegram.ext import ApplicationHandlerStop, ContextTypes

from citebot.bot import parse, render
from citebot.bot.access import Allowlist, RateLimit
from citebot.bot.chat import reply, typing
from citebot.bot.split import escape
from citebot.index.errors import CitebotError, StoreUnavailable
from citebot.index.models import Turn
from citebot.index.service import Citebot
from citebot.settings import Settings

log = logging.getLogger("citebot.telegram")

INLINE_CACHE_SECONDS = 300  # Telegram keeps an inline answer this long per user and query
UNAVAILABLE = ("Sorry, the archive is unavailable right now, so I cannot look anything up. "
               "Please try again shortly.")


@dataclass
class Services:
    """What the handlers share, kept in ``application.bot_data``."""

    citebot: Citebot
    settings: Settings
    allowlist: Allowlist
    rate_limit: RateLimit


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.bot_data["services"]  # type: ignore[no-any-return]


def history(context: ContextTypes.DEFAULT_TYPE) -> deque[Turn]:
    """This chat's recent turns, at most ``history_turns`` of them."""
    chat_data = context.chat_data
    assert chat_data is not None  # every message has a chat
    keep = services(context).settings.history_turns
    turns: deque[Turn] = chat_data.get("turns", deque())
    if turns.maxlen != keep:  # new, or kept from a run with another CITEBOT_HISTORY_TURNS
        turns = chat_data["turns"] = deque(turns, maxlen=keep)
    return turns


async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """Answer ``question`` from the corpus, using and extending the chat's history."""
    message = update.effective_message
    assert message is not None
    if not question:
        await reply(message, render.ASK_USAGE)
        return
    if not parse.has_words(question):
        await reply(message, render.NO_WORDS)
        return
    citebot = services(context).citebot
    citebot.check_question(question)  # a bad question is refused before "typing…"
    turns = history(context)
    async with typing(message.chat):
        # CPU-bound (embedding, scoring): in a thread, so other chats are served meanwhile
        result = await asyncio.to_thread(partial(citebot.ask, question, history=list(turns)))
    turns.append(Turn(question=question, answer=result.answer))
    await reply(message, *render.answer_messages(result), quote=question)


# -- handlers ----------------------------------------------------------------------------


async def refusal(svc: Services, user_id: int | None, chat_id: int | None) -> str | None:
    """None when the user may go on; else what to tell them ("" to drop a flood silently:
    over the rate limit, only the first message gets a warning)."""
    if user_id is not None:
        decision = await svc.rate_limit.check(user_id)
        if decision != "ok":
            return render.rate_limited(svc.rate_limit.per_minute) if decision == "warn" else ""
    if not svc.allowlist.allows(user_id, chat_id):
        log.info("refused user %s in chat %s: not on the allowlist", user_id, chat_id)
        return render.NOT_ALLOWED
    return None


async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every other message handler (new and edited messages): stops floods and
    people not on the allowlist."""
    message, user, chat = update.effective_message, update.effective_user, update.effective_chat
    assert message is not None
    refused = await refusal(services(context), user.id if user else None,
                            chat.id if chat else None)
    if refused is None:
        return
    if refused:
        await reply(message, refused)
    raise ApplicationHandlerStop


async def inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``@bot “QUOTE” — SPEAKER`` in any chat: the verdict as a result card to send there.
    Rate-limited and allowlisted like messages (the chat is unknown: the user must be
    allowed)."""
    query = update.inline_query
    assert query is not None
    svc = services(context)
    refused = await refusal(svc, query.from_user.id, None)
    if refused == "":
        return  # a flood: no answer (Telegram shows none)
    if refused is not None:
        card = render.notice_card("Not available", refused)
    else:
        card = await _verdict_card(svc.citebot, query.query)
    title, description, text = card
    result = InlineQueryResultArticle(
        id="verdict", title=title, description=description,
        input_message_content=InputTextMessageContent(
            text, parse_mode=ParseMode.HTML,
            link_preview_options=LinkPreviewOptions(is_disabled=True)),
    )
    # personal: the allowlist and rate limit answer per user
    await query.answer([result], cache_time=INLINE_CACHE_SECONDS, is_personal=True)


async def _verdict_card(citebot: Citebot, text: str) -> tuple[str, str, str]:
    quote, speaker = parse.quote_and_speaker(text)
    if not parse.has_words(quote):
        return render.notice_card("Check a quote", escape(render.INLINE_USAGE))
    try:
        verdict = await asyncio.to_thread(partial(citebot.verify, quote, speaker=speaker))
    except CitebotError as error:  # a quote the core refuses: say why on the card
        return render.notice_card("Cannot check this quote", render.problem(str(error)))
    return render.verdict_card(verdict)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help: what the bot does, with examples."""
    assert update.effective_message is not None
    await reply(update.effective_message, render.HELP)


async def ask_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask QUESTION."""
    assert update.effective_message is not None
    text = update.effective_message.text or ""
    await answer(update, context, parse.command_argument(text))


async def question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A plain text message is a question (in groups, without the bot's @mention)."""
    assert update.effective_message is not None
    text = update.effective_message.text or ""
    await answer(update, context, parse.strip_mention(text, context.bot.username))


async def verify_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/verify “QUOTE” — SPEAKER: is the quote in the corpus, as written, by that speaker?"""
    message = update.effective_message
    assert message is not None
    quote, speaker = parse.quote_and_speaker(parse.command_argument(message.text or ""))
    if not parse.has_words(quote):
        await reply(message, render.VERIFY_USAGE)
        return
    citebot = services(context).citebot
    async with typing(message.chat):
        verdict = await asyncio.to_thread(partial(citebot.verify, quote, speaker=speaker))
    await reply(message, *render.verdict_messages(verdict), quote=quote)


async def sources_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sources [PAGE]: the documents the bot answers from, a page at a time."""
    message = update.effective_message
    assert message is not None
    argument = parse.command_argument(message.text or "")
    page = int(argument) if argument.isdigit() else 1
    citebot = services(context).citebot
    total = await asyncio.to_thread(citebot.count)
    if page < 1 or (page > 1 and page > render.pages(total)):
        await reply(message, render.no_such_page(page, total))
        return
    offset = (page - 1) * render.SOURCES_PAGE
    documents = await asyncio.to_thread(citebot.documents, offset, render.SOURCES_PAGE)
    await reply(message, *render.sources_messages(documents, page, total))


async def reset_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reset: forget the chat's earlier questions."""
    assert update.effective_message is not None
    history(context).clear()
    await reply(update.effective_message, render.RESET_DONE)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any other /command."""
    assert update.effective_message is not None
    await reply(update.effective_message, render.UNKNOWN_COMMAND)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one error handler. A store out of reach gets a polite "try again shortly"; any
    other core ``CitebotError`` is about the user's input: they get its message. Anything
    else is logged with the update and its traceback, and the user gets an apology without
    internals."""
    error = context.error
    message = update.effective_message if isinstance(update, Update) else None
    if isinstance(error, StoreUnavailable):  # the core logged the outage once
        text = UNAVAILABLE
    elif isinstance(error, CitebotError):
        log.info("refused input: %s", error)
        text = render.problem(str(error))
    else:
        if isinstance(update, Update):
            shown = json.dumps(update.to_dict(), ensure_ascii=False)
        else:
            shown = repr(update)
        log.error("error while handling update %s", shown, exc_info=error)
        text = render.FAILED
    if message is not None:
        await reply(message, text)
