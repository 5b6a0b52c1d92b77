"""The real PTB Application from ``build_application``, long polling the fake Bot API.

Updates go in through the fake's queue; assertions are on what the bot sent (the fake
parses the HTML like Telegram, so a malformed or over-long message fails the send).
"""

import asyncio
import logging
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from citebot.bot import render
from citebot.bot.app import build_application, running
from citebot.bot.handlers import UNAVAILABLE
from citebot.index.embed.embedder import Embedder
from citebot.index.models import Turn
from citebot.index.service import Citebot
from citebot.settings import Settings
from tests.bot.fake_bot_api import FakeBotApi, parse_html
from tests.conftest import CORPUS

USER = 4242
OTHER = 5151
GROUP = -1001234567890
Q_SUMMONED = "Who summoned the Chinese ambassador?"
Q_SPOKESMAN = "Who is the spokesman of China's foreign ministry?"
Q_WEAPONS = "What did he say about weapons?"
LETHAL = "The Chinese side has never provided lethal weapons to any party in the conflict"
CORPUS_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.txt"))]


def settings_for(fake: FakeBotApi, **overrides: Any) -> Settings:
    return Settings(telegram_token=fake.token, telegram_api_url=fake.base_url, **overrides)


@asynccontextmanager
async def serving(fake: FakeBotApi, citebot: Citebot, **overrides: Any) -> AsyncIterator[
        Application]:  # type: ignore[type-arg]
    settings = settings_for(fake, **overrides)
    async with running(build_application(settings, citebot), settings) as app:
        yield app


def entity_texts(sent: dict[str, Any], kind: str) -> list[str]:
    """The text under each entity of ``kind`` in a sent message (offsets are UTF-16)."""
    units = sent["text"].encode("utf-16-le")
    return [
        units[2 * e["offset"] : 2 * (e["offset"] + e["length"])].decode("utf-16-le")
        for e in sent["message"].get("entities", [])
        if e["type"] == kind
    ]


def shown(html_text: str) -> str:
    """What Telegram displays for ``html_text`` (as the fake stores it: trimmed)."""
    return parse_html(html_text)[0].strip()


def mention(text: str, username: str = "citebot_test_bot") -> list[dict[str, Any]]:
    """The mention entity Telegram adds for ``@username`` in ``text``."""
    at = f"@{username}"
    return [{"type": "mention", "offset": text.index(at), "length": len(at)}]


async def settle(fake: FakeBotApi, update_id: int, seconds: float = 0.5) -> None:
    """Wait until the bot has fetched ``update_id``, then give its handlers time to act."""
    for _ in range(200):
        if any(int(c["params"].get("offset", 0)) > update_id for c in fake.calls("getUpdates")):
            break
        await asyncio.sleep(0.05)
    else:
        raise TimeoutError(f"update {update_id} was never acknowledged")
    await asyncio.sleep(seconds)


# -- private chats -----------------------------------------------------------------------


async def test_question_gets_cited_verbatim_answer_with_typing(
    live: FakeBotApi, corpus_bot: Citebot
) -> None:
    live.push_message(Q_SUMMONED, chat_id=USER, user_id=USER)
    [sent] = await live.wait_for_messages(USER, 1)

    expected = corpus_bot.ask(Q_SUMMONED)
    assert expected.found and expected.citations
    assert sent["text"] == shown(render.answer_messages(expected)[0])
    assert sent["params"]["parse_mode"] == "HTML"
    assert "Ministry of Foreign Affairs summoned Chinese Ambassador" in sent["text"]
    excerpts = entity_texts(sent, "blockquote")
    assert len(excerpts) == len(expected.citations)
    for excerpt, citation in zip(excerpts, expected.citations):
        verbatim = excerpt.removesuffix("…")
        assert any(verbatim in text for text in CORPUS_TEXTS)
        assert citation.text.startswith(verbatim)
        assert f"[{citation.n}] " in sent["text"]

    typing = live.calls("sendChatAction")
    assert typing and all(c["params"] == {"chat_id": USER, "action": "typing"} for c in typing)
    assert typing[0]["time"] <= sent["time"]


async def test_start_help_and_command_menu(live: FakeBotApi) -> None:
    live.push_message("/start", chat_id=USER, user_id=USER)
    await live.wait_for_messages(USER, 1)
    live.push_message("/help", chat_id=USER, user_id=USER)
    start, help_ = await live.wait_for_messages(USER, 2)
    assert start["text"] == help_["text"] == shown(render.HELP)
    assert "/verify" in help_["text"] and Q_SUMMONED in help_["text"]
    [menu] = live.calls("setMyCommands")
    assert [c["command"] for c in menu["params"]["commands"]] == [
        "ask", "verify", "sources", "reset", "help"]
    assert not live.calls("sendChatAction")


async def test_ask_command_and_found_nothing(live: FakeBotApi) -> None:
    live.push_message(f"/ask {Q_SUMMONED}", chat_id=USER, user_id=USER)
    [answer] = await live.wait_for_messages(USER, 1)
    assert "summoned Chinese Ambassador" in answer["text"] and "[1]" in answer["text"]
    live.push_message("What is the capital of Peru?", chat_id=USER, user_id=USER)
    _, nothing = await live.wait_for_messages(USER, 2)
    assert nothing["text"] == ("I found nothing in the corpus that answers this question. "
                               "None of the passages retrieved mentions “Peru”.")


async def test_follow_up_uses_chat_history_and_reset_forgets_it(
    live: FakeBotApi, corpus_bot: Citebot
) -> None:
    live.push_message(Q_SPOKESMAN, chat_id=USER, user_id=USER)
    [first] = await live.wait_for_messages(USER, 1)
    assert "Lin Jian" in first["text"]
    live.push_message(Q_WEAPONS, chat_id=USER, user_id=USER)
    follow_up = (await live.wait_for_messages(USER, 2))[1]

    earlier = corpus_bot.ask(Q_SPOKESMAN)
    expected = corpus_bot.ask(Q_WEAPONS, history=[Turn(question=Q_SPOKESMAN,
                                                       answer=earlier.answer)])
    assert follow_up["text"] == shown(render.answer_messages(expected)[0])
    assert "Lin Jian" in follow_up["text"] and "lethal weapons" in follow_up["text"]

    live.push_message(Q_WEAPONS, chat_id=OTHER, user_id=OTHER)  # history is per chat
    [elsewhere] = await live.wait_for_messages(OTHER, 1)
    live.push_message("/reset", chat_id=USER, user_id=USER)
    reset = (await live.wait_for_messages(USER, 3))[2]
    assert reset["text"] == render.RESET_DONE
    live.push_message(Q_WEAPONS, chat_id=USER, user_id=USER)
    fresh = (await live.wait_for_messages(USER, 4))[3]
    alone = shown(render.answer_messages(corpus_bot.ask(Q_WEAPONS))[0])
    assert fresh["text"] == elsewhere["text"] == alone
    assert "Lin Jian" not in fresh["text"]


async def test_chat_history_survives_a_restart(
    fake_bot_api: FakeBotApi, corpus_bot: Citebot, own_data_dir: Path
) -> None:
    async with serving(fake_bot_api, corpus_bot):
        fake_bot_api.push_message(Q_SPOKESMAN, chat_id=USER, user_id=USER)
        await fake_bot_api.wait_for_messages(USER, 1)
    assert (own_data_dir / "telegram" / "chats.pickle").exists()
    async with serving(fake_bot_api, corpus_bot):  # a new Application: a restarted bot
        fake_bot_api.push_message(Q_WEAPONS, chat_id=USER, user_id=USER)
        follow_up = (await fake_bot_api.wait_for_messages(USER, 2))[1]
    assert "Lin Jian" in follow_up["text"] and "lethal weapons" in follow_up["text"]
    async with serving(fake_bot_api, corpus_bot, history_turns=1):  # setting changed
        fake_bot_api.push_message("/reset", chat_id=USER, user_id=USER)
        await fake_bot_api.wait_for_messages(USER, 3)
    async with serving(fake_bot_api, corpus_bot):
        fake_bot_api.push_message(Q_WEAPONS, chat_id=USER, user_id=USER)
        fresh = (await fake_bot_api.wait_for_messages(USER, 4))[3]
    assert fresh["text"] == shown(render.answer_messages(corpus_bot.ask(Q_WEAPONS))[0])


async def test_invalid_input_gets_helpful_replies(live: FakeBotApi) -> None:
    cases = [
        ("/ask", render.ASK_USAGE),
        ("/ask   ", render.ASK_USAGE),
        ("🙂🙂🙂", render.NO_WORDS),
        ("/ask 🤔 ?", render.NO_WORDS),
        ("/frobnicate", render.UNKNOWN_COMMAND),
        ("/verify", render.VERIFY_USAGE),
        ("/verify “”", render.VERIFY_USAGE),
    ]
    for n, (text, _) in enumerate(cases, 1):
        live.push_message(text, chat_id=USER, user_id=USER)
        await live.wait_for_messages(USER, n)  # one at a time: replies in order
    live.push_message("why " * 2499 + "why?", chat_id=USER, user_id=USER)  # 10,000 characters
    sent = await live.wait_for_messages(USER, len(cases) + 1)
    for (_, expected), reply in zip(cases, sent):
        assert reply["text"] == shown(expected)
    assert sent[-1]["text"] == (
        "The question is 10,000 characters; the limit is 2,000 (CITEBOT_MAX_QUESTION_CHARS)")
    assert not live.calls("sendChatAction")  # refused before any work started


# -- /verify and /sources ------------------------------------------------------------------


async def test_verify_quotes(live: FakeBotApi) -> None:
    commands = [
        f"/verify “{LETHAL}” — Lin Jian",
        f'/verify "{LETHAL.replace("lethal ", "")}" - Lin Jian',
        f'/verify "{LETHAL}" by Zelenskyy',
        "/verify “Peru is the best country in the world for llamas”",
    ]
    for n, command in enumerate(commands, 1):
        live.push_message(command, chat_id=USER, user_id=USER)
        await live.wait_for_messages(USER, n)
    verified, altered, misattributed, missing = live.sent_messages(USER)

    assert verified["text"].startswith("✅ Verified.")
    assert f"“{LETHAL}” — Lin Jian" in verified["text"]
    [passage] = entity_texts(verified, "blockquote")
    assert LETHAL in passage and passage in CORPUS_TEXTS[0]
    assert "Said by: Lin Jian" in verified["text"]
    assert altered["text"].startswith("✏️ Altered.")
    assert "Changes (archive → quote): - lethal" in altered["text"]
    assert misattributed["text"].startswith("⚠️ Misattributed.")
    assert "— Zelenskyy" in misattributed["text"] and "Said by: Lin Jian" in misattributed["text"]
    assert missing["text"].startswith("❓ Not found.")
    assert len(live.calls("sendChatAction")) >= 4


async def test_sources_lists_the_corpus(live: FakeBotApi, corpus_bot: Citebot) -> None:
    live.push_message("/sources", chat_id=USER, user_id=USER)
    [listing] = await live.wait_for_messages(USER, 1)
    lines = listing["text"].splitlines()
    assert lines[0] == "5 documents"
    for n, meta in enumerate(corpus_bot.documents(), 1):
        where = f"{meta.title} ({meta.source})" if meta.title else meta.source
        assert lines[n] == f"{n}. {where}, {meta.chars:,} characters"
    live.push_message("/sources 2", chat_id=USER, user_id=USER)
    nothing = (await live.wait_for_messages(USER, 2))[1]
    assert nothing["text"] == render.no_such_page(2, 5)


async def test_long_sources_and_long_answers_are_split(
    fake_bot_api: FakeBotApi, make_bot: Callable[..., Citebot], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    corpus = tmp_path / "many"
    corpus.mkdir()
    for n in range(25):
        title = f"Report {n:02} on drone <parts> & shipments " + "from the long list " * 8
        body = (f"Shipment {n} of drone parts & cargo crossed the border at checkpoint "
                f"{n * 100} {'with more cargo ' * 10}.")
        (corpus / f"{n:03}.md").write_text(f"---\ntitle: {title}\n---\n{body}\n",
                                           encoding="utf-8")
    citebot = make_bot(corpus_dir=corpus, answer_sentences=10, min_score=0.0, top_k=20)
    citebot.ingest()
    monkeypatch.setattr(render, "SOURCES_PAGE", 20)  # two pages without indexing 51 documents
    first_page = render.sources_messages(citebot.documents(0, 20), 1, 25)
    second_page = render.sources_messages(citebot.documents(20, 20), 2, 25)
    question = "Which shipments of drone parts and cargo crossed the border?"
    answer = render.answer_messages(citebot.ask(question))
    assert len(first_page) >= 2 and len(answer) >= 2  # the point of this test

    async with serving(fake_bot_api, citebot):
        fake_bot_api.push_message("/sources", chat_id=USER, user_id=USER)
        await fake_bot_api.wait_for_messages(USER, len(first_page))
        fake_bot_api.push_message("/sources 2", chat_id=USER, user_id=USER)
        pages = await fake_bot_api.wait_for_messages(USER, len(first_page) + len(second_page))
        fake_bot_api.reset()
        fake_bot_api.push_message(question, chat_id=USER, user_id=USER)
        sent = await fake_bot_api.wait_for_messages(USER, len(answer))

    assert [m["text"] for m in pages] == [shown(m) for m in first_page + second_page]
    assert [m["text"] for m in sent] == [shown(m) for m in answer]
    text = "\n".join(m["text"] for m in pages)
    assert all(len(m["text"]) <= 4096 for m in pages + sent)
    assert text.startswith("25 documents (page 1 of 2)") and "More: /sources 2" in text
    numbered = [line.split(". ", 1)[0] for line in text.splitlines() if ". Report" in line]
    assert numbered == [str(n) for n in range(1, 26)]  # each document once, in order
    for n in range(1, 11):  # each citation whole in one message: its header and excerpt
        [holder] = [m for m in sent if f"[{n}] Report" in m["text"]]
        assert len(entity_texts(holder, "blockquote")) == holder["text"].count("] Report")


# -- access and limits ---------------------------------------------------------------------


async def test_allowlist_refuses_strangers_politely(
    fake_bot_api: FakeBotApi, corpus_bot: Citebot
) -> None:
    async with serving(fake_bot_api, corpus_bot, telegram_allowed_ids=[USER, GROUP]):
        fake_bot_api.push_message(Q_SUMMONED, chat_id=OTHER, user_id=OTHER)
        fake_bot_api.push_message("/sources", chat_id=OTHER, user_id=OTHER)
        refusals = await fake_bot_api.wait_for_messages(OTHER, 2)
        fake_bot_api.push_message(Q_SUMMONED, chat_id=USER, user_id=USER)
        fake_bot_api.push_message(f"/ask {Q_SUMMONED}", chat_id=GROUP, user_id=OTHER,
                                  chat_type="group")
        [allowed] = await fake_bot_api.wait_for_messages(USER, 1)
        [in_group] = await fake_bot_api.wait_for_messages(GROUP, 1)

    assert [m["text"] for m in refusals] == [render.NOT_ALLOWED] * 2
    assert "[1]" in allowed["text"] and "[1]" in in_group["text"]
    typing_chats = {c["params"]["chat_id"] for c in fake_bot_api.calls("sendChatAction")}
    assert OTHER not in typing_chats


async def test_flood_from_one_user_is_rate_limited(
    fake_bot_api: FakeBotApi, corpus_bot: Citebot
) -> None:
    async with serving(fake_bot_api, corpus_bot, telegram_rate_per_minute=3):
        for _ in range(10):
            last = fake_bot_api.push_message(Q_SUMMONED, chat_id=USER, user_id=USER)
        fake_bot_api.push_message("/help", chat_id=OTHER, user_id=OTHER)
        await fake_bot_api.wait_for_messages(USER, 4)
        await fake_bot_api.wait_for_messages(OTHER, 1)  # other users are not affected
        await settle(fake_bot_api, last)
        sent = [m["text"] for m in fake_bot_api.sent_messages(USER)]

    warning = shown(render.rate_limited(3))
    assert sent.count(warning) == 1 and len(sent) == 4
    assert all("Ministry of Foreign Affairs" in s for s in sent if s != warning)
    assert "20 seconds" in warning


async def test_outgoing_messages_respect_telegram_flood_limits(corpus_bot: Citebot) -> None:
    with FakeBotApi(flood_limit_per_chat=1, flood_window=1.0) as fake:
        async with serving(fake, corpus_bot):
            fake.push_message("/help", chat_id=USER, user_id=USER)
            fake.push_message("/help", chat_id=USER, user_id=USER)
            sent = await fake.wait_for_messages(USER, 2, timeout=15)
    refused = [c for c in fake.calls("sendMessage") if c["status"] == 429]
    assert refused, "the fake should have answered 429 once"
    assert [m["text"] for m in sent] == [shown(render.HELP)] * 2  # retried after the wait
    assert sent[1]["time"] - sent[0]["time"] >= 0.9


# -- errors --------------------------------------------------------------------------------


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_unexpected_error_is_logged_and_user_gets_generic_reply(
    fake_bot_api: FakeBotApi, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    missing = tmp_path / "no-such-model"  # the model cannot load: an error nobody expects
    broken = Citebot(Settings(data_dir=tmp_path / "data", corpus_dir=CORPUS),
                     embedder=Embedder(str(missing), cache_dir=tmp_path / "models"))
    caplog.set_level(logging.INFO, logger="citebot.telegram")
    async with serving(fake_bot_api, broken):
        fake_bot_api.push_message(Q_SUMMONED, chat_id=USER, user_id=USER)
        [reply] = await fake_bot_api.wait_for_messages(USER, 1, timeout=30)
        fake_bot_api.push_message("/help", chat_id=USER, user_id=USER)
        await fake_bot_api.wait_for_messages(USER, 2)  # the bot carries on

    assert reply["text"] == render.FAILED
    assert "no-such-model" not in reply["text"]
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert record.name == "citebot.telegram" and record.exc_info is not None
    assert Q_SUMMONED in record.getMessage()  # the update is in the log
    assert "Traceback" in caplog.text and "no-such-model" in caplog.text


async def test_unreachable_store_gets_a_polite_reply_and_one_log_line(
    fake_bot_api: FakeBotApi, make_bot: Callable[..., Citebot],
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = make_bot(chroma_host="127.0.0.1", chroma_port=closed_port())  # no server there
    caplog.set_level(logging.INFO)
    async with serving(fake_bot_api, broken):
        for n, text in enumerate((Q_SUMMONED, "/verify \u201cNever provided weapons\u201d",
                                  "/sources"), start=1):
            fake_bot_api.push_message(text, chat_id=USER, user_id=USER)
            replies = await fake_bot_api.wait_for_messages(USER, n, timeout=30)

    assert [r["text"] for r in replies] == [UNAVAILABLE] * 3
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert [r.name for r in errors] == ["citebot.store"]  # one line for the outage
    assert "is unreachable" in errors[0].getMessage() and "Traceback" not in caplog.text
