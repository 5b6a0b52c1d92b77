"""The fake Bot API against the real python-telegram-bot library (no mocks)."""

import asyncio
import html
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from telegram import (
    Bot,
    InlineQueryResultArticle,
    InputTextMessageContent,
    Message,
    MessageEntity,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, EndPointNotFound, InvalidToken, RetryAfter
from telegram.ext import Application, CommandHandler, ContextTypes, MessageHandler, filters

from tests.bot.fake_bot_api import FakeBotApi

USER = 4242
GROUP = -1001234567890


@pytest.fixture
async def bot(fake_bot_api: FakeBotApi) -> AsyncIterator[Bot]:
    """An initialized real PTB Bot talking to the fake."""
    async with Bot(fake_bot_api.token, base_url=fake_bot_api.base_url) as bot:
        yield bot


async def test_get_me(bot: Bot, fake_bot_api: FakeBotApi) -> None:
    me = await bot.get_me()
    assert me.username == "citebot_test_bot" == bot.username
    assert me.is_bot and me.can_join_groups
    assert me.id == 123456
    assert fake_bot_api.calls("getMe")[0]["status"] == 200


async def test_send_message_html_returns_plain_text_and_entities(
    bot: Bot, fake_bot_api: FakeBotApi
) -> None:
    text = '<b>Bold</b> &amp; <i>it</i> <a href="https://example.org/?a=1&amp;b=2">link</a>'
    first = await bot.send_message(USER, text, parse_mode=ParseMode.HTML)
    second = await bot.send_message(USER, "plain")

    assert first.text == "Bold & it link"
    assert [(e.type, e.offset, e.length) for e in first.entities] == [
        (MessageEntity.BOLD, 0, 4),
        (MessageEntity.ITALIC, 7, 2),
        (MessageEntity.TEXT_LINK, 10, 4),
    ]
    assert first.entities[2].url == "https://example.org/?a=1&b=2"
    assert first.from_user is not None and first.from_user.id == bot.id
    assert first.chat.id == USER
    assert second.message_id == first.message_id + 1
    sent = fake_bot_api.sent_messages(USER)
    assert [m["text"] for m in sent] == ["Bold & it link", "plain"]
    assert sent[0]["params"]["parse_mode"] == "HTML"


async def test_html_entity_offsets_are_utf16(bot: Bot) -> None:
    message = await bot.send_message(USER, "😀 <code>x</code>", parse_mode=ParseMode.HTML)
    assert message.entities[0].offset == 3  # the emoji is a surrogate pair
    assert message.parse_entity(message.entities[0]) == "x"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("<b>unclosed", 'can\'t find end tag corresponding to start tag "b"'),
        ("a < b", 'unsupported start tag "" at byte offset 2'),
        ("<script>alert(1)</script>", 'unsupported start tag "script" at byte offset 0'),
        ("<b>x</i>", 'expected "</b>", found "</i>"'),
        ("</b>", "unexpected end tag at byte offset 0"),
        ('<span class="x">s</span>', 'tag "span" must have class "tg-spoiler"'),
        ("AT&T", 'unescaped "&" at byte offset 2'),
        ("1 > 0", 'unescaped ">" at byte offset 2'),
    ],
)
async def test_invalid_html_is_rejected(bot: Bot, text: str, error: str) -> None:
    with pytest.raises(BadRequest) as excinfo:
        await bot.send_message(USER, text, parse_mode=ParseMode.HTML)
    # PTB strips "Bad Request: " and capitalize()s the rest, lower-casing the description.
    assert str(excinfo.value).startswith("Can't parse entities: ")
    assert error.lower() in str(excinfo.value)


async def test_valid_html_tags_are_accepted(bot: Bot) -> None:
    text = (
        "<strong>s</strong><em>e</em><u>u</u><ins>i</ins><s>s</s><strike>k</strike><del>d</del>"
        '<span class="tg-spoiler">p</span><tg-spoiler>q</tg-spoiler><code>c</code>'
        '<pre><code class="language-python">x = 1</code></pre>'
        "<blockquote>b</blockquote><blockquote expandable>e</blockquote>"
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> &lt;&gt;&quot;&#65;&#x42;'
    )
    message = await bot.send_message(USER, text, parse_mode=ParseMode.HTML)
    assert message.text == 'seuiskdpqcx = 1be👍 <>"AB'
    pre = next(e for e in message.entities if e.type == MessageEntity.PRE)
    assert pre.language == "python"
    assert MessageEntity.EXPANDABLE_BLOCKQUOTE in {e.type for e in message.entities}


async def test_lenient_html_matches_real_telegram(bot: Bot, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.strict_html = False
    message = await bot.send_message(USER, "AT&T > 1 &nbsp;", parse_mode=ParseMode.HTML)
    assert message.text == "AT&T > 1 &nbsp;"


async def test_text_length_is_counted_after_entity_parsing(bot: Bot) -> None:
    await bot.send_message(USER, "x" * 4096)
    await bot.send_message(USER, f"<b>{'x' * 4096}</b>", parse_mode=ParseMode.HTML)
    await bot.send_message(USER, "&amp;" * 4096, parse_mode=ParseMode.HTML)
    await bot.send_message(USER, "😀" * 4096)  # code points, not UTF-16 units
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(USER, "x" * 4097)
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(USER, f"<i>{'x' * 4097}</i>", parse_mode=ParseMode.HTML)


@pytest.mark.parametrize("text", ["   \n", "<b></b>", "<b> </b>"])
async def test_empty_text_is_rejected(bot: Bot, text: str) -> None:
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.send_message(USER, text, parse_mode=ParseMode.HTML)


async def test_wrong_tokens_and_unknown_methods(bot: Bot, fake_bot_api: FakeBotApi) -> None:
    for token in ("999:wrong-token", "not-a-token"):  # Telegram: 401 vs. 404
        with pytest.raises(InvalidToken):
            async with Bot(token, base_url=fake_bot_api.base_url):  # initialize() calls getMe
                pass
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")

    async with httpx.AsyncClient() as client:
        wrong = await client.post(f"{fake_bot_api.base_url}999:wrong-token/getMe")
        unknown = await client.post(f"{fake_bot_api.base_url}{fake_bot_api.token}/noSuchMethod")
        case = await client.get(f"{fake_bot_api.base_url}{fake_bot_api.token}/GETME")
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"ok": False, "error_code": 401, "description": "Unauthorized"},
    )
    assert (unknown.status_code, unknown.json()) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found"},
    )
    assert case.json()["result"]["username"] == "citebot_test_bot"


async def test_parses_form_json_and_multipart_bodies(fake_bot_api: FakeBotApi) -> None:
    url = f"{fake_bot_api.base_url}{fake_bot_api.token}/sendMessage"
    markup = {"inline_keyboard": [[{"text": "Go", "callback_data": "go"}]]}
    async with httpx.AsyncClient() as client:
        form = await client.post(
            url, data={"chat_id": str(USER), "text": "form", "reply_markup": '{"inline_keyboard"'
            ': [[{"text": "Go", "callback_data": "go"}]]}', "disable_notification": "true"}
        )  # fmt: skip
        body = await client.post(
            url, json={"chat_id": USER, "text": "json", "reply_markup": markup}
        )
        multipart = await client.post(
            url,
            data={"chat_id": str(USER), "text": "multipart"},
            files={"thumbnail": ("a.txt", b"hello", "text/plain")},
        )
    assert [r.status_code for r in (form, body, multipart)] == [200, 200, 200]
    params = [call["params"] for call in fake_bot_api.calls("sendMessage")]
    assert params[0] == {
        "chat_id": USER,
        "text": "form",
        "reply_markup": markup,
        "disable_notification": True,
    }
    assert params[1] == {"chat_id": USER, "text": "json", "reply_markup": markup}
    assert params[2]["thumbnail"]["data"] == b"hello"
    assert form.json()["result"]["reply_markup"] == markup


async def test_offset_confirms_updates(bot: Bot, fake_bot_api: FakeBotApi) -> None:
    ids = [fake_bot_api.push_message(f"m{i}", chat_id=USER, user_id=USER) for i in range(3)]

    assert [u.update_id for u in await bot.get_updates()] == ids
    assert [u.update_id for u in await bot.get_updates()] == ids  # not confirmed yet
    assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
    assert [u.update_id for u in await bot.get_updates(limit=1)] == ids[1:2]
    assert await bot.get_updates(offset=ids[-1] + 1) == ()
    assert [u.update_id for u in await bot.get_updates(offset=ids[0])] == []  # gone for good

    later = [fake_bot_api.push_message(f"n{i}", chat_id=USER, user_id=USER) for i in range(2)]
    assert [u.update_id for u in await bot.get_updates(offset=-1)] == later[1:]
    assert [u.update_id for u in await bot.get_updates()] == later[1:]


async def test_long_poll_returns_as_soon_as_an_update_arrives(
    bot: Bot, fake_bot_api: FakeBotApi
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    fake_bot_api.push_message("hi", chat_id=USER, user_id=USER)
    updates = await poll
    assert [u.message.text for u in updates if u.message] == ["hi"]
    assert time.monotonic() - started < 2

    started = time.monotonic()
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 3


async def test_new_get_updates_terminates_the_pending_one(
    bot: Bot, fake_bot_api: FakeBotApi
) -> None:
    pending = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.2)
    # A second instance: one Bot's getUpdates connection pool has a single connection.
    async with Bot(fake_bot_api.token, base_url=fake_bot_api.base_url) as other:
        assert await other.get_updates() == ()
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await pending


async def test_allowed_updates_filters_update_types(bot: Bot, fake_bot_api: FakeBotApi) -> None:
    callback_query = {
        "id": "cb1",
        "from": {"id": USER, "is_bot": False, "first_name": "Test"},
        "chat_instance": "ci",
        "data": "go",
    }
    fake_bot_api.push_update({"callback_query": callback_query})
    message_id = fake_bot_api.push_message("hello", chat_id=USER, user_id=USER)

    updates = await bot.get_updates(allowed_updates=[Update.MESSAGE])
    assert [u.update_id for u in updates] == [message_id]


async def test_push_message_variants(bot: Bot, fake_bot_api: FakeBotApi) -> None:
    sent = await bot.send_message(USER, "earlier answer")
    fake_bot_api.push_message("/start@citebot_test_bot now", chat_id=USER, user_id=USER)
    fake_bot_api.push_message("a follow-up", chat_id=USER, user_id=USER, reply_to_bot=True)
    fake_bot_api.push_message(
        "/ask in group", chat_id=GROUP, user_id=USER, chat_type="supergroup", username="tester"
    )

    command, reply, group = (u.message for u in await bot.get_updates())
    assert command is not None and reply is not None and group is not None
    assert [(e.type, e.offset, e.length) for e in command.entities] == [
        (MessageEntity.BOT_COMMAND, 0, len("/start@citebot_test_bot"))
    ]
    assert command.message_id == sent.message_id + 1  # one id sequence per chat
    raw = {"message_id": 50, "date": 0, "chat": {"id": USER, "type": "private"}, "text": "raw"}
    fake_bot_api.push_update({"message": raw})
    assert (await bot.send_message(USER, "after raw")).message_id == 51
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == sent.message_id
    assert group.chat.type == "supergroup" and group.chat.title
    assert group.from_user is not None and group.from_user.username == "tester"
    assert group.parse_entities([MessageEntity.BOT_COMMAND]).popitem()[1] == "/ask"

    with pytest.raises(ValueError, match="negative"):
        fake_bot_api.push_message("x", chat_id=5, user_id=USER, chat_type="group")
    with pytest.raises(ValueError, match="user's id"):
        fake_bot_api.push_message("x", chat_id=5, user_id=USER)


async def test_replies_need_an_existing_message(bot: Bot, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.push_message("question", chat_id=USER, user_id=USER)
    (update,) = await bot.get_updates()
    assert update.message is not None
    answer = await update.message.reply_text("answer", do_quote=True)
    assert answer.reply_to_message is not None
    assert answer.reply_to_message.text == "question"
    with pytest.raises(BadRequest, match="(?i)message to be replied not found"):
        await bot.send_message(USER, "x", reply_parameters=ReplyParameters(message_id=999))


# PTB's own RetryAfter.__init__ reads its deprecated int-valued `retry_after` property.
@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")
async def test_flood_limit_answers_429(bot: Bot, fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.flood_limit_per_chat = 2
    await bot.send_message(USER, "1")
    await bot.send_message(USER, "2")
    with pytest.raises(RetryAfter, match="Flood control exceeded. Retry in 1 seconds"):
        await bot.send_message(USER, "3")
    await bot.send_message(USER + 1, "another chat is not limited")
    limited = fake_bot_api.calls("sendMessage")[2]
    assert (limited["status"], limited["error"]) == (429, "Too Many Requests: retry after 1")


async def test_webhook_methods(bot: Bot, fake_bot_api: FakeBotApi) -> None:
    assert await bot.set_webhook("https://example.org/hook", secret_token="s3cret")
    assert fake_bot_api.webhook["secret_token"] == "s3cret"
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()

    fake_bot_api.push_message("pending", chat_id=USER, user_id=USER)
    assert (await bot.get_webhook_info()).pending_update_count == 1
    assert await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()
    assert (await bot.get_webhook_info()).url == ""


async def test_command_methods(bot: Bot) -> None:
    assert await bot.set_my_commands([("start", "Start"), ("ask", "Ask a question")])
    assert [(c.command, c.description) for c in await bot.get_my_commands()] == [
        ("start", "Start"),
        ("ask", "Ask a question"),
    ]
    assert await bot.get_my_commands(language_code="de") == ()
    with pytest.raises(BadRequest):
        await bot.set_my_commands([("Start", "upper case is invalid")])
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()


async def test_edit_message_text(bot: Bot) -> None:
    sent = await bot.send_message(USER, "draft")
    edited = await bot.edit_message_text("<b>final</b>", USER, sent.message_id, parse_mode="HTML")
    assert isinstance(edited, Message)
    assert edited.text == "final" and edited.edit_date is not None
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text("<b>final</b>", USER, sent.message_id, parse_mode="HTML")
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("x", USER, 999)


async def test_misc_methods_are_recorded(bot: Bot, fake_bot_api: FakeBotApi) -> None:
    assert await bot.send_chat_action(USER, "typing")
    assert await bot.answer_callback_query("cb1", text="ok")
    assert await bot.close()
    assert await bot.log_out()
    names = [c["method"] for c in fake_bot_api.calls()]
    assert names[-4:] == ["sendChatAction", "answerCallbackQuery", "close", "logOut"]
    assert fake_bot_api.calls("sendChatAction")[0]["params"] == {
        "chat_id": USER,
        "action": "typing",
    }
    fake_bot_api.reset()
    assert fake_bot_api.calls() == []


async def test_wait_for_messages_times_out_with_a_useful_message(
    bot: Bot, fake_bot_api: FakeBotApi
) -> None:
    await bot.send_message(USER + 1, "wrong chat")
    with pytest.raises(BadRequest):
        await bot.send_message(USER, "<b>broken", parse_mode=ParseMode.HTML)
    with pytest.raises(TimeoutError) as excinfo:
        await fake_bot_api.wait_for_messages(USER, 1, timeout=0.2)
    assert "wrong chat" in str(excinfo.value)
    assert "can't parse entities" in str(excinfo.value)


def test_wait_for_messages_sync(fake_bot_api: FakeBotApi) -> None:
    url = f"{fake_bot_api.base_url}{fake_bot_api.token}/sendMessage"
    httpx.post(url, data={"chat_id": str(USER), "text": "sync"})
    assert [m["text"] for m in fake_bot_api.wait_for_messages_sync(USER, 1, timeout=2)] == ["sync"]


async def test_stop_is_quick_with_a_pending_long_poll() -> None:
    api = FakeBotApi().start()
    async with httpx.AsyncClient(timeout=30) as client:
        poll = asyncio.create_task(
            client.post(f"{api.base_url}{api.token}/getUpdates", data={"timeout": "30"})
        )
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await asyncio.to_thread(api.stop)
        response = await poll
    assert time.monotonic() - started < 2
    assert response.json() == {"ok": True, "result": []}


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None
    await update.message.reply_text("Welcome! Ask me about the archive.")


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_html(f"<b>You said:</b> {html.escape(update.message.text)}")


async def test_application_end_to_end(fake_bot_api: FakeBotApi) -> None:
    app = Application.builder().token(fake_bot_api.token).base_url(fake_bot_api.base_url).build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))

    started = time.monotonic()
    async with app:
        await app.start()
        assert app.updater is not None
        # A long poll timeout far above the time budget: replies only arrive within it if
        # the fake answers getUpdates as soon as an update is pushed.
        await app.updater.start_polling(poll_interval=0.0, timeout=10)
        try:
            bootstrap = await fake_bot_api.wait_for_call("deleteWebhook")
            assert bootstrap["params"] == {}  # PTB drops None-valued parameters
            fake_bot_api.push_message("/start", chat_id=USER, user_id=USER)
            fake_bot_api.push_message("is 1 < 2 & 3 > 2?", chat_id=USER, user_id=USER)
            replies = await fake_bot_api.wait_for_messages(USER, 2, timeout=5)
        finally:
            await app.updater.stop()
            await app.stop()
    assert time.monotonic() - started < 5

    assert [r["text"] for r in replies] == [
        "Welcome! Ask me about the archive.",
        "You said: is 1 < 2 & 3 > 2?",
    ]
    assert replies[1]["message"]["entities"] == [{"type": "bold", "offset": 0, "length": 9}]
    # PTB confirms the processed updates with one last getUpdates(offset=..., timeout=0).
    last_poll = fake_bot_api.calls("getUpdates")[-1]
    assert last_poll["params"]["timeout"] == 0
    async with Bot(fake_bot_api.token, base_url=fake_bot_api.base_url) as bot:
        assert await bot.get_updates() == ()


async def test_reply_quotes_must_be_part_of_the_replied_text(
    bot: Bot, fake_bot_api: FakeBotApi
) -> None:
    fake_bot_api.push_message("Who summoned <the> ambassador?", chat_id=USER, user_id=USER)
    quoted = await bot.send_message(USER, "An answer", reply_parameters=ReplyParameters(
        message_id=1, quote="summoned <the>", quote_position=4))
    assert quoted.quote is not None and quoted.quote.text == "summoned <the>"
    assert quoted.quote.position == 4
    with pytest.raises(BadRequest, match="(?i)quote_text_invalid"):
        await bot.send_message(USER, "x", reply_parameters=ReplyParameters(
            message_id=1, quote="summoned the"))
    html_quote = ReplyParameters(message_id=1, quote="summoned &lt;the&gt;",
                                 quote_parse_mode="HTML")
    assert (await bot.send_message(USER, "x", reply_parameters=html_quote)).quote.text == (
        "summoned <the>")  # the quote as its parse mode reads it


async def test_edited_messages_arrive_as_edited_message_updates(
    bot: Bot, fake_bot_api: FakeBotApi
) -> None:
    fake_bot_api.push_message("Who summond?", chat_id=USER, user_id=USER)
    fake_bot_api.push_edited_message(USER, 1, "Who summoned?")
    first, edit = await bot.get_updates(timeout=0)
    assert edit.edited_message is not None and edit.message is None
    assert (edit.edited_message.message_id, edit.edited_message.text) == (1, "Who summoned?")
    assert edit.edited_message.edit_date is not None
    with pytest.raises(ValueError, match="no user message 9"):
        fake_bot_api.push_edited_message(USER, 9, "x")


async def test_inline_queries_and_their_answers(bot: Bot) -> None:
    with pytest.raises(ValueError, match="inline mode is off"):
        FakeBotApi().push_inline_query("x", user_id=USER)
    with FakeBotApi(supports_inline_queries=True) as fake:
        async with Bot(fake.token, base_url=fake.base_url) as inline_bot:
            assert (await inline_bot.get_me()).supports_inline_queries
            fake.push_inline_query("a quote", user_id=USER)
            [update] = await inline_bot.get_updates(timeout=0)
            query = update.inline_query
            assert query is not None and query.query == "a quote" and query.from_user.id == USER
            article = InlineQueryResultArticle(
                "1", "A title", InputTextMessageContent("<b>Sent</b> text", parse_mode="HTML"))
            assert await query.answer([article], is_personal=True)
            with pytest.raises(BadRequest, match="(?i)query is too old"):  # answered already
                await query.answer([article])
    [answer] = fake.inline_answers()
    assert answer["results"][0]["text"] == "Sent text"
    assert answer["results"][0]["entities"] == [{"type": "bold", "offset": 0, "length": 4}]
