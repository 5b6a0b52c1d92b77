"""Talking in a Telegram chat: which messages are meant for the bot, the "typing…" sign
while it works, and replies that quote the question they answer."""

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, cast

from telegram import Chat, Message, MessageEntity, ReplyParameters
from telegram.constants import ChatAction, ChatType
from telegram.error import TelegramError
from telegram.ext import filters

if TYPE_CHECKING:  # what Message.build_reply_arguments returns (PTB names it privately)
    from telegram._message import _ReplyKwargs

log = logging.getLogger("citebot.telegram")

TYPING_REFRESH = 4.0  # seconds; Telegram shows "typing…" for 5 s after each chat action
MAX_QUOTE = 1024  # characters of a reply's quote (Bot API ReplyParameters.quote)


class Addressed(filters.MessageFilter):
    """Messages meant for this bot: everything in a private chat; in a group, a command (for
    no bot in particular or for this one), an @mention of this bot, or a reply to it.

    Hand-written rather than ``filters.Mention``: the bot's username is only known once
    ``getMe`` has answered, after the handlers are built."""

    def filter(self, message: Message) -> bool:
        if message.chat.type == ChatType.PRIVATE:
            return True
        me = message.get_bot()
        replied = message.reply_to_message
        if replied and replied.from_user and replied.from_user.id == me.id:
            return True
        name = (me.username or "").lower()
        entities = message.parse_entities([MessageEntity.MENTION, MessageEntity.BOT_COMMAND])
        for entity, text in entities.items():
            if entity.type == MessageEntity.MENTION and text[1:].lower() == name:
                return True
            if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
                target = text.partition("@")[2].lower()
                if target in ("", name):
                    return True
        return False


ADDRESSED = Addressed(name="Addressed")


@contextlib.asynccontextmanager
async def typing(chat: Chat) -> AsyncIterator[None]:
    """Show "typing…" in ``chat`` until the block ends."""

    async def show() -> None:
        try:
            await chat.send_chat_action(ChatAction.TYPING)
        except TelegramError as error:  # cosmetic: never fail an answer over it
            log.warning("could not show 'typing…' in chat %s: %s", chat.id, error)

    async def keep_typing() -> None:
        while True:
            await asyncio.sleep(TYPING_REFRESH)
            await show()

    await show()  # before the work starts, so even a quick answer is announced
    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def _reply_to(message: Message, quote: str | None) -> "bool | _ReplyKwargs":
    """How the first part of a reply points at ``message``: quoting ``quote``, the part of
    it being answered (a prefix if long: Telegram quotes at most 1,024 characters), when it
    is the message's own text; else, in a group, a plain reply, so people see which
    question it is for."""
    quote = (quote or "").strip()[:MAX_QUOTE].rstrip()
    if not quote or quote not in (message.text or ""):
        return message.chat.type != ChatType.PRIVATE
    position, entities = message.compute_quote_position_and_entities(quote)
    parameters = ReplyParameters(
        message_id=message.message_id, quote=quote, quote_position=position,
        quote_entities=entities,
        quote_parse_mode=None,  # the quote is the message's plain text, not HTML
        allow_sending_without_reply=True,  # the question may be deleted meanwhile
    )
    # PTB's TypedDict also declares "__slots__"; build_reply_arguments returns just these two
    return cast("_ReplyKwargs", {"reply_parameters": parameters, "chat_id": message.chat_id})


async def reply(message: Message, *parts: str, quote: str | None = None) -> None:
    """Send ``parts`` in order, the first as a reply to ``message`` (see ``_reply_to``)."""
    first = _reply_to(message, quote)
    for i, part in enumerate(parts):
        await message.reply_text(part, do_quote=first if i == 0 else False)
