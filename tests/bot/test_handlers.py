"""Telegram features end to end through the fake Bot API: quoted replies, edited messages,
inline mode (with its allowlist and rate limit), the archive-language sentence."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from citebot.bot import render
from citebot.index.service import Citebot
from citebot.index.text.language import OTHER_LANGUAGE
from tests.bot.fake_bot_api import FakeBotApi
from tests.bot.test_app import (
    LETHAL,
    OTHER,
    Q_SUMMONED,
    USER,
    entity_texts,
    serving,
    settle,
    shown,
)

NATO = "What did NATO call China?"


def quoted(sent: dict[str, Any]) -> str:
    """The part of the user's message a sent reply quotes."""
    assert "quote_parse_mode" not in sent["params"]["reply_parameters"]  # plain text
    return str(sent["message"]["quote"]["text"])


async def test_an_edited_question_is_answered_again(live: FakeBotApi) -> None:
    asked = live.push_message(Q_SUMMONED, chat_id=USER, user_id=USER)
    [first] = await live.wait_for_messages(USER, 1)
    message_id = first["message"]["reply_to_message"]["message_id"]
    await settle(live, asked)
    live.push_edited_message(USER, message_id, NATO)
    second = (await live.wait_for_messages(USER, 2))[1]
    assert second["message"]["reply_to_message"]["message_id"] == message_id
    assert quoted(second) == NATO
    assert "decisive enabler" in second["text"] and "Ma Shengkun" not in second["text"]


async def test_an_edit_by_a_stranger_is_refused_like_a_message(
    fake_bot_api: FakeBotApi, corpus_bot: Citebot
) -> None:
    async with serving(fake_bot_api, corpus_bot, telegram_allowed_ids=[USER]):
        fake_bot_api.push_message("hello", chat_id=OTHER, user_id=OTHER)
        await fake_bot_api.wait_for_messages(OTHER, 1)
        fake_bot_api.push_edited_message(OTHER, 1, Q_SUMMONED)  # the chat's first message
        sent = await fake_bot_api.wait_for_messages(OTHER, 2)
    assert [m["text"] for m in sent] == [shown(render.NOT_ALLOWED)] * 2


async def test_a_question_in_another_language_is_told_the_archive_is_english(
    live: FakeBotApi,
) -> None:
    live.push_message("¿Qué dijo China sobre Rusia?", chat_id=USER, user_id=USER)
    [sent] = await live.wait_for_messages(USER, 1)
    assert sent["text"] == OTHER_LANGUAGE and "Rusia" not in sent["text"]


# -- inline mode -------------------------------------------------------------------------


def inline_fake() -> FakeBotApi:
    return FakeBotApi(supports_inline_queries=True)


async def test_inline_query_offers_the_verdict_as_a_card(corpus_bot: Citebot) -> None:
    with inline_fake() as fake:
        async with serving(fake, corpus_bot):
            fake.push_inline_query(f"“{LETHAL}” — Lin Jian", user_id=USER)
            [answer] = await fake.wait_for_inline_answers(1)
    [card] = answer["results"]
    assert card["title"] == "✅ Verified. These words are in the archive."
    assert card["description"].startswith("Foreign Ministry spokesman Lin Jian said on Friday")
    assert card["description"].endswith("(000_86393d9dbeceabfc.txt)")
    assert card["input_message_content"]["link_preview_options"] == {"is_disabled": True}
    assert answer["params"]["is_personal"] in (True, "true", "True")
    text = card["text"]  # what is sent to the chat when the card is picked
    assert text.startswith("✅ Verified.") and "Said by: Lin Jian" in text
    assert ("“As Russia’s invasion of Ukraine grinds on, a troubling new…” "
            "(000_86393d9dbeceabfc.txt)") in text
    [sentence] = entity_texts({"text": text, "message": card}, "blockquote")
    assert LETHAL in sentence and sentence.startswith("Foreign Ministry spokesman Lin Jian")


async def test_inline_card_links_to_the_article_when_its_address_is_known(
    make_bot: Callable[..., Citebot], tmp_path: Path
) -> None:
    bot = make_bot(corpus_dir=tmp_path / "corpus")
    bot.add_document("w.txt", "Officials said, “Wombats dig burrows at night.”",
                     title="Wombat nights", url="https://example.org/wombats")
    with inline_fake() as fake:
        async with serving(fake, bot):
            fake.push_inline_query("“Wombats dig burrows at night”", user_id=USER)
            [answer] = await fake.wait_for_inline_answers(1)
    [card] = answer["results"]
    links = [e["url"] for e in card["entities"] if e["type"] == "text_link"]
    assert links == ["https://example.org/wombats#:~:text=Officials%20said%2C%20%E2%80%9CWombats"
                     "%20dig%20burrows%20at%20night.%E2%80%9D"]
    assert "Wombat nights (w.txt)" in card["text"]


async def test_inline_mode_is_allowlisted_and_rate_limited(corpus_bot: Citebot) -> None:
    with inline_fake() as fake:
        async with serving(fake, corpus_bot, telegram_allowed_ids=[USER],
                           telegram_rate_per_minute=1):
            fake.push_inline_query(f"“{LETHAL}”", user_id=OTHER)
            fake.push_inline_query(f"“{LETHAL}”", user_id=USER)
            await fake.wait_for_inline_answers(2)
            fake.push_inline_query("“lethal weapons”", user_id=USER)  # over 1 a minute
            await fake.wait_for_inline_answers(3)
            update_id, _ = fake.push_inline_query("“dual-use items”", user_id=USER)
            await settle(fake, update_id)
    by_user: dict[int, list[str]] = {}
    for answer in fake.inline_answers():
        by_user.setdefault(answer["query"]["from"]["id"], []).append(answer["results"][0]["text"])
    assert by_user[OTHER] == [shown(render.NOT_ALLOWED)]
    assert by_user[USER][0].startswith("🔎 Speaker not confirmed") or \
        by_user[USER][0].startswith("✅ Verified")
    assert by_user[USER][1:] == [render.rate_limited(1)]  # then silence: no 4th answer


async def test_an_empty_inline_query_says_how_to_use_it(corpus_bot: Citebot) -> None:
    with inline_fake() as fake:
        async with serving(fake, corpus_bot):
            fake.push_inline_query("", user_id=USER)
            [answer] = await fake.wait_for_inline_answers(1)
    assert answer["results"][0]["text"] == render.INLINE_USAGE
    assert answer["results"][0]["title"] == "Check a quote"
