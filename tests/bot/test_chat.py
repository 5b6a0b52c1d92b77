"""Talking in a chat (bot/chat.py), through PTB against the fake Bot API: which messages
are for the bot, "typing…" before the answer, replies that quote what they answer."""



from citebot.bot import render
from tests.bot.fake_bot_api import FakeBotApi
from tests.bot.test_app import (
    GROUP,
    LETHAL,
    OTHER,
    Q_SPOKESMAN,
    Q_SUMMONED,
    Q_WEAPONS,
    USER,
    mention,
    settle,
    shown,
)
from tests.bot.test_handlers import NATO, quoted


async def test_replies_quote_what_they_answer_without_link_previews(
    live: FakeBotApi,
) -> None:
    asked = live.push_message(f"/ask {Q_SUMMONED}", chat_id=USER, user_id=USER)
    [answer] = await live.wait_for_messages(USER, 1)
    assert quoted(answer) == Q_SUMMONED  # the question, not the /ask before it
    assert answer["params"]["link_preview_options"] == {"is_disabled": True}
    typing = live.calls("sendChatAction")
    assert typing and typing[0]["params"]["action"] == "typing"
    assert typing[0]["time"] <= answer["time"]
    await settle(live, asked)

    live.push_message(f"/verify “{LETHAL}” — Lin Jian", chat_id=USER, user_id=USER)
    verdict = (await live.wait_for_messages(USER, 2))[1]
    assert quoted(verdict) == LETHAL and "Verified" in verdict["text"]

    text = f"@citebot_test_bot {NATO}"
    live.push_message(text, chat_id=GROUP, user_id=USER, chat_type="supergroup",
                      entities=mention(text))
    [in_group] = await live.wait_for_messages(GROUP, 1)
    assert quoted(in_group) == NATO and in_group["message"]["reply_to_message"]["text"] == text


async def test_group_answers_only_when_addressed(live: FakeBotApi) -> None:
    # not for this bot: plain text, a command for another bot, a mention of someone else
    live.push_message(Q_SUMMONED, chat_id=GROUP, user_id=USER, chat_type="supergroup")
    live.push_message(f"/ask@other_bot {Q_SUMMONED}", chat_id=GROUP, user_id=USER,
                      chat_type="supergroup")
    live.push_message("@someone_else hi", chat_id=GROUP, user_id=USER, chat_type="supergroup",
                      entities=mention("@someone_else hi", "someone_else"))
    text = f"@citebot_test_bot {Q_SPOKESMAN}"
    addressed = [
        live.push_message(text, chat_id=GROUP, user_id=USER, chat_type="supergroup",
                          entities=mention(text)),
    ]
    await live.wait_for_messages(GROUP, 1)
    addressed.append(live.push_message(Q_WEAPONS, chat_id=GROUP, user_id=OTHER,
                                       chat_type="supergroup", reply_to_bot=True))
    await live.wait_for_messages(GROUP, 2)
    addressed.append(live.push_message("/help@citebot_test_bot", chat_id=GROUP,
                                       user_id=USER, chat_type="supergroup"))
    addressed.append(live.push_message(f"/ask {Q_SUMMONED}", chat_id=GROUP, user_id=USER,
                                       chat_type="supergroup"))
    await live.wait_for_messages(GROUP, 4)
    await settle(live, addressed[-1])

    sent = live.sent_messages(GROUP)
    assert len(sent) == 4
    answered = [m["message"]["reply_to_message"]["message_id"] for m in sent]
    questions = [m["message"]["reply_to_message"]["text"] for m in sent]
    assert sorted(questions) == sorted(
        [text, Q_WEAPONS, "/help@citebot_test_bot", f"/ask {Q_SUMMONED}"])
    assert len(set(answered)) == 4
    by_question = dict(zip(questions, sent))
    assert "Lin Jian" in by_question[text]["text"]
    assert "lethal weapons" in by_question[Q_WEAPONS]["text"]  # the group's history
    assert by_question["/help@citebot_test_bot"]["text"] == shown(render.HELP)
