"""A fake Telegram Bot API server for end-to-end tests of python-telegram-bot applications.

The server runs uvicorn + Starlette on 127.0.0.1 in a background thread with its own event
loop, so it works with any test event loop. Point PTB at it with
``Application.builder().token(fake.token).base_url(fake.base_url)``: PTB appends the token
and ``/<method>`` to the base URL, so requests arrive at ``/bot<TOKEN>/<method>``.

HTML parsing follows tdlib's ``parse_html`` (the parser behind the real Bot API), including
its error messages. With ``strict_html`` (the default) the fake is stricter than Telegram and
also rejects a bare ``&`` or ``>``, which the real server silently accepts as literal text.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import math
import re
import socket
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Self

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

JSON = dict[str, Any]

DEFAULT_TOKEN = "123456:TEST-token"
MAX_TEXT_LENGTH = 4096

_PATH_RE = re.compile(r"/bot([^/]+)/([^/]+)")
_TOKEN_RE = re.compile(r"\d+:[A-Za-z0-9_-]+")
_BOT_COMMAND_RE = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>@])")
_COMMAND_NAME_RE = re.compile(r"[a-z0-9_]{1,32}")
_URL_SCHEME_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")

# Form-encoded requests carry every value as a string; these say how to decode them.
_JSON_FIELDS = frozenset(
    {
        "allowed_updates",
        "caption_entities",
        "commands",
        "entities",
        "link_preview_options",
        "media",
        "options",
        "reply_markup",
        "reply_parameters",
        "results",
        "scope",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "allow_paid_broadcast",
        "allow_sending_without_reply",
        "disable_notification",
        "disable_web_page_preview",
        "drop_pending_updates",
        "protect_content",
        "show_alert",
    }
)
_NUMBER_FIELDS = frozenset(
    {
        "cache_time",
        "chat_id",
        "from_chat_id",
        "limit",
        "max_connections",
        "message_id",
        "message_thread_id",
        "offset",
        "reply_to_message_id",
        "timeout",
        "user_id",
    }
)

_CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

_HTML_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_SIMPLE_TAG_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "u": "underline",
    "ins": "underline",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_HTML_SPACE = " \t\r\n\v\f\0"  # tdlib's is_space() also treats NUL (end of string) as space
_TRIM_CHARS = " \t\r\n\v\f"


class _ApiError(Exception):
    """An error answer of the Bot API: HTTP status, description and optional parameters."""

    def __init__(self, status: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def response(self) -> JSONResponse:
        body: JSON = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return JSONResponse(body, status_code=self.status)


def _bad_request(message: str) -> _ApiError:
    return _ApiError(400, f"Bad Request: {message}")


class HtmlParseError(ValueError):
    """The text is not valid Telegram HTML; the message is the real API's wording."""


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _decode_entity(s: str, pos: int) -> tuple[str, int] | None:
    """Decode the HTML entity at ``s[pos] == "&"`` like tdlib: (character, end) or None."""
    end = pos + 1
    if s[end] == "#":
        end += 1
        hexadecimal = s[end] == "x"
        if hexadecimal:
            end += 1
        digits = "0123456789abcdefABCDEF" if hexadecimal else "0123456789"
        start = end
        while s[end] in digits:
            end += 1
        code = int(s[start:end], 16 if hexadecimal else 10) if end > start else 0
        if code == 0 or code >= 0x10FFFF or end - pos >= 10:
            return None
        if 0xD800 <= code <= 0xDFFF:
            raise HtmlParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        char = chr(code)
    else:
        start = end
        while s[end].isascii() and s[end].isalpha():
            end += 1
        named = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}.get(s[start:end])
        if named is None:
            return None
        char = named
    return char, end + 1 if s[end] == ";" else end


@dataclass
class _OpenTag:
    name: str
    argument: str
    utf16_offset: int
    text_pos: int


def _link_entity(url: str, offset: int, length: int) -> JSON | None:
    user_id = url.removeprefix("tg://user?id=")
    if user_id != url and user_id.isdigit():
        user = {"id": int(user_id), "is_bot": False, "first_name": "User"}
        return {"type": "text_mention", "offset": offset, "length": length, "user": user}
    url = url.strip()
    if not url or any(ch.isspace() for ch in url):
        return None  # tdlib silently drops links with invalid URLs
    if not _URL_SCHEME_RE.match(url):
        url = f"http://{url}"
    return {"type": "text_link", "offset": offset, "length": length, "url": url}


def _close_tag(tag: _OpenTag, utf16_offset: int, text: str, entities: list[JSON]) -> None:
    """Append the entity for a closed, non-empty tag (tdlib's end-tag branch)."""
    offset, length = tag.utf16_offset, utf16_offset - tag.utf16_offset
    last = entities[-1] if entities else None
    same_range = last is not None and (last["offset"], last["length"]) == (offset, length)
    if tag.name in _SIMPLE_TAG_TYPES:
        entities.append({"type": _SIMPLE_TAG_TYPES[tag.name], "offset": offset, "length": length})
    elif tag.name == "tg-emoji":
        if not tag.argument.isdigit() or int(tag.argument) == 0:
            raise HtmlParseError("Invalid custom emoji identifier specified")
        entities.append(
            {"type": "custom_emoji", "offset": offset, "length": length,
             "custom_emoji_id": tag.argument}
        )  # fmt: skip
    elif tag.name == "a":
        entity = _link_entity(tag.argument or text[tag.text_pos :], offset, length)
        if entity is not None:
            entities.append(entity)
    elif tag.name == "blockquote":
        kind = "expandable_blockquote" if tag.argument else "blockquote"
        entities.append({"type": kind, "offset": offset, "length": length})
    elif tag.name == "pre":
        if same_range and last is not None and last["type"] == "code" and last.get("language"):
            last["type"] = "pre"
        else:
            entities.append({"type": "pre", "offset": offset, "length": length})
    elif same_range and last is not None and last["type"] == "pre" and tag.argument:
        last["language"] = tag.argument  # <pre><code class="language-x"> ... </code></pre>
    else:
        entity = {"type": "code", "offset": offset, "length": length}
        if tag.argument:
            entity["language"] = tag.argument
        entities.append(entity)


def parse_html(text: str, *, strict: bool = True) -> tuple[str, list[JSON]]:
    """Parse Telegram HTML into (plain text, entities), mirroring tdlib's ``parse_html``.

    Entity offsets and lengths are in UTF-16 code units, as in the Bot API. With ``strict``
    a bare ``&`` or ``>`` is an error too (Telegram itself keeps them as literal text).
    """
    s = text + "\0"
    n = len(text)

    def byte_offset(pos: int) -> int:
        return len(text[:pos].encode())

    out: list[str] = []
    text_len = 0
    utf16 = 0
    entities: list[JSON] = []
    stack: list[_OpenTag] = []
    i = 0
    while i < n:
        c = s[i]
        if c == "&":
            decoded = _decode_entity(s, i)
            if decoded is not None:
                out.append(decoded[0])
                text_len += 1
                utf16 += _utf16_len(decoded[0])
                i = decoded[1]
                continue
            if strict:
                raise HtmlParseError(
                    f'Unescaped "&" at byte offset {byte_offset(i)}, use "&amp;" '
                    "(strict fake check; real Telegram keeps it as text)"
                )
        if c != "<":
            if strict and c == ">":
                raise HtmlParseError(
                    f'Unescaped ">" at byte offset {byte_offset(i)}, use "&gt;" '
                    "(strict fake check; real Telegram keeps it as text)"
                )
            out.append(c)
            text_len += 1
            utf16 += _utf16_len(c)
            i += 1
            continue

        begin = i
        i += 1
        if s[i] != "/":
            while s[i] not in _HTML_SPACE and s[i] != ">":
                i += 1
            if i >= n:
                raise HtmlParseError(f"Unclosed start tag at byte offset {byte_offset(begin)}")
            tag_name = s[begin + 1 : i].lower()
            if tag_name not in _HTML_TAGS:
                raise HtmlParseError(
                    f'Unsupported start tag "{tag_name}" at byte offset {byte_offset(begin)}'
                )
            i, argument = _parse_attributes(s, n, i, tag_name, byte_offset(begin))
            if tag_name == "span" and argument != "spoiler":
                raise HtmlParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {byte_offset(begin)}'
                )
            stack.append(_OpenTag(tag_name, argument, utf16, text_len))
        else:
            if not stack:
                raise HtmlParseError(f"Unexpected end tag at byte offset {byte_offset(begin)}")
            while s[i] not in _HTML_SPACE and s[i] != ">":
                i += 1
            end_name = s[begin + 2 : i].lower()
            while i < n and s[i] in _HTML_SPACE:
                i += 1
            if s[i] != ">":
                raise HtmlParseError(f"Unclosed end tag at byte offset {byte_offset(begin)}")
            tag = stack[-1]
            if end_name and end_name != tag.name:
                raise HtmlParseError(
                    f"Unmatched end tag at byte offset {byte_offset(begin)}, "
                    f'expected "</{tag.name}>", found "</{end_name}>"'
                )
            if utf16 > tag.utf16_offset:
                _close_tag(tag, utf16, "".join(out), entities)
            stack.pop()
        i += 1  # skip the closing ">"

    if stack:
        raise HtmlParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1].name}"')
    for entity in entities:
        if entity["type"] == "code":
            entity.pop("language", None)
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _parse_attributes(s: str, n: int, i: int, tag_name: str, tag_offset: int) -> tuple[int, str]:
    """Parse the attributes of a start tag from ``s[i]``; return (index of ">", argument)."""
    argument = ""
    while s[i] != ">":
        while i < n and s[i] in _HTML_SPACE:
            i += 1
        if s[i] == ">":
            break
        name_begin = i
        while s[i] not in _HTML_SPACE and s[i] not in "=>/\"'":
            i += 1
        name = s[name_begin:i]
        if not name:
            raise HtmlParseError(
                f'Empty attribute name in the tag "{tag_name}" at byte offset {tag_offset}'
            )
        while i < n and s[i] in _HTML_SPACE:
            i += 1
        if s[i] != "=":
            if i >= n:
                raise HtmlParseError(f'Unclosed start tag "{tag_name}" at byte offset {tag_offset}')
            if tag_name == "blockquote" and name == "expandable":
                argument = "1"
            continue
        i += 1
        while i < n and s[i] in _HTML_SPACE:
            i += 1
        if i >= n:
            raise HtmlParseError(f'Unclosed start tag "{tag_name}" at byte offset {tag_offset}')
        if s[i] not in "'\"":
            token_begin = i
            while s[i].isascii() and (s[i].isalnum() or s[i] in ".-"):
                i += 1
            value = s[token_begin:i].lower()
            if s[i] not in _HTML_SPACE and s[i] != ">":
                byte_pos = len(s[:token_begin].encode())
                raise HtmlParseError(f"Unexpected end of name token at byte offset {byte_pos}")
        else:
            quote = s[i]
            i += 1
            chars: list[str] = []
            while i < n and s[i] != quote:
                decoded = _decode_entity(s, i) if s[i] == "&" else None
                if decoded is not None:
                    chars.append(decoded[0])
                    i = decoded[1]
                else:
                    chars.append(s[i])
                    i += 1
            if s[i] == quote:
                i += 1
            value = "".join(chars)
        if i >= n:
            raise HtmlParseError(f"Unclosed start tag at byte offset {tag_offset}")
        if tag_name == "a" and name == "href":
            argument = value
        elif tag_name == "code" and name == "class" and value.startswith("language-"):
            argument = value.removeprefix("language-")
        elif tag_name == "span" and name == "class" and value.startswith("tg-"):
            argument = value.removeprefix("tg-")
        elif tag_name == "tg-emoji" and name == "emoji-id":
            argument = value
        elif tag_name == "blockquote" and name == "expandable":
            argument = "1"
    return i, argument


def _trim(text: str, entities: list[JSON]) -> tuple[str, list[JSON]]:
    """Strip surrounding whitespace like the Bot API does, shifting entities to match."""
    stripped = text.strip(_TRIM_CHARS)
    if stripped == text:
        return text, entities
    shift = _utf16_len(text[: len(text) - len(text.lstrip(_TRIM_CHARS))])
    total = _utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def _bot_command_entities(text: str) -> list[JSON]:
    """The bot_command entities Telegram adds to an incoming message text."""
    return [
        {
            "type": "bot_command",
            "offset": _utf16_len(text[: m.start()]),
            "length": _utf16_len(m.group()),
        }
        for m in _BOT_COMMAND_RE.finditer(text)
    ]


def _coerce(name: str, value: Any) -> Any:
    """Decode a form-encoded parameter value according to its Bot API type."""
    if not isinstance(value, str):
        return value
    if name in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            raise _bad_request(f"can't parse {name} JSON object") from None
    if name in _BOOL_FIELDS:
        return value.lower() in ("true", "1")
    if name in _NUMBER_FIELDS:
        for convert in (int, float):
            with contextlib.suppress(ValueError):
                return convert(value)
    return value


async def _read_params(request: Request) -> JSON:
    """Merge query string and body (JSON, urlencoded or multipart) into typed parameters."""
    raw: JSON = dict(request.query_params)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/json":
        body = await request.body()
        try:
            data = json.loads(body) if body else {}
        except ValueError:
            raise _bad_request("can't parse JSON object") from None
        if not isinstance(data, dict):
            raise _bad_request("JSON object expected")
        raw.update(data)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        async with request.form() as form:
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    raw[key] = {
                        "filename": value.filename,
                        "content_type": value.content_type,
                        "data": await value.read(),
                    }
                else:
                    raw[key] = value
    return {key: _coerce(key, value) for key, value in raw.items()}


def _update_type(update: JSON) -> str:
    return next((key for key in update if key != "update_id"), "")


class FakeBotApi:
    """An in-process fake of the Telegram Bot API for tests; see the module docstring."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "citebot_test_bot",
        strict_html: bool = True,
        flood_limit_per_chat: int | None = None,
        flood_window: float = 1.0,
        supports_inline_queries: bool = False,
    ) -> None:
        """``flood_limit_per_chat``: max sendMessage calls per chat per ``flood_window`` s,
        beyond which the fake answers 429 with ``retry_after`` (None disables it)."""
        self.token = token
        self.strict_html = strict_html
        self.flood_limit_per_chat = flood_limit_per_chat
        self.flood_window = flood_window
        self._bot_user: JSON = {
            "id": int(token.split(":", 1)[0]),
            "is_bot": True,
            "first_name": "Citebot Test",
            "username": bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": supports_inline_queries,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }
        self._lock = threading.Lock()
        self._calls: list[JSON] = []
        self._sent: list[JSON] = []
        self._updates: list[JSON] = []
        self._next_update_id = 100_000_001
        self._next_message_id: dict[int, int] = {}
        self._messages: dict[tuple[int, int], JSON] = {}
        self._chats: dict[int, JSON] = {}
        self._allowed_updates: list[str] = []
        self._poll_generation = 0
        self._webhook: JSON = {"url": ""}
        self._commands: dict[tuple[str, str], list[JSON]] = {}
        self._send_times: dict[int, deque[float]] = {}
        self._inline_queries: dict[str, JSON] = {}  # id -> the query, until answered
        self._inline_answers: list[JSON] = []
        self._next_inline_id = 1_000
        self._stopping = False
        self._methods: dict[str, tuple[str, Callable[[JSON], Awaitable[Any]]]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "getUpdates": self._get_updates,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "sendChatAction": self._send_chat_action,
                "answerCallbackQuery": self._answer_callback_query,
                "answerInlineQuery": self._answer_inline_query,
                "setWebhook": self._set_webhook,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "close": self._return_true,
                "logOut": self._return_true,
            }.items()
        }
        self._loop: asyncio.AbstractEventLoop | None = None
        self._changed: asyncio.Event | None = None
        self._server: uvicorn.Server | None = None
        self._socket: socket.socket | None = None
        self._port: int | None = None
        self._thread: threading.Thread | None = None

    # ----------------------------------------------------------------- lifecycle

    def start(self) -> Self:
        """Serve on a free 127.0.0.1 port; return once the server accepts connections."""
        if self._thread is not None:
            raise RuntimeError("FakeBotApi can only be started once")
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._socket = sock
        self._port = sock.getsockname()[1]
        app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["GET", "POST"])])
        config = uvicorn.Config(
            app,
            lifespan="off",
            log_config=None,
            log_level="warning",
            access_log=False,
            ws="none",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._run, name="fake-bot-api", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("fake Bot API server failed to start")
            time.sleep(0.01)
        return self

    def _run(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        assert self._server is not None and self._socket is not None
        self._loop = asyncio.get_running_loop()
        self._changed = asyncio.Event()
        await self._server.serve(sockets=[self._socket])

    def stop(self) -> None:
        """Wake pending long polls, shut the server down and join its thread (idempotent)."""
        if self._thread is None or self._server is None:
            return
        with self._lock:
            self._stopping = True
        self._notify_threadsafe()
        self._server.should_exit = True
        self._thread.join(timeout=5)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout=5)
        if self._socket is not None:
            self._socket.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The TCP port the server listens on."""
        if self._port is None:
            raise RuntimeError("FakeBotApi is not started")
        return self._port

    @property
    def base_url(self) -> str:
        """The value for PTB's ``base_url``: PTB appends ``<token>/<method>`` to it."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def bot_user(self) -> JSON:
        """The bot's User object, as returned by getMe."""
        return dict(self._bot_user)

    @property
    def webhook(self) -> JSON:
        """The webhook set via setWebhook: url, secret_token, ... (url "" when none)."""
        with self._lock:
            return dict(self._webhook)

    # ----------------------------------------------------------------- test-facing API

    def push_message(
        self,
        text: str,
        *,
        chat_id: int,
        user_id: int,
        chat_type: str = "private",
        first_name: str = "Test",
        username: str | None = None,
        chat_title: str | None = None,
        reply_to_bot: bool = False,
        entities: list[JSON] | None = None,
    ) -> int:
        """Enqueue an incoming text message from a user; return its update_id.

        Bot commands get ``bot_command`` entities as on Telegram unless ``entities`` is given.
        Private chats need ``chat_id == user_id``; groups need a negative ``chat_id``.
        """
        if chat_type == "private":
            if chat_id != user_id:
                raise ValueError("a private chat's id is the user's id")
            chat: JSON = {"id": chat_id, "type": "private", "first_name": first_name}
            if username:
                chat["username"] = username
        elif chat_type in ("group", "supergroup"):
            if chat_id >= 0:
                raise ValueError(f"{chat_type} chat ids are negative")
            chat = {"id": chat_id, "type": chat_type, "title": chat_title or f"Test {chat_type}"}
        else:
            raise ValueError(f"unsupported chat_type {chat_type!r}")
        user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username
        with self._lock:
            self._chats[chat_id] = chat
            message: JSON = {
                "message_id": self._allocate_message_id(chat_id),
                "from": user,
                "chat": chat,
                "date": int(time.time()),
                "text": text,
            }
            message_entities = _bot_command_entities(text) if entities is None else entities
            if message_entities:
                message["entities"] = message_entities
            if reply_to_bot:
                message["reply_to_message"] = self._last_bot_message(chat)
            return self._enqueue({"message": message})

    def push_edited_message(self, chat_id: int, message_id: int, text: str,
                            entities: list[JSON] | None = None) -> int:
        """Enqueue an ``edited_message``: the user's earlier message ``message_id`` in
        ``chat_id`` with new ``text``; return its update_id."""
        with self._lock:
            original = self._messages.get((chat_id, message_id))
            if original is None or original["from"]["id"] == self._bot_user["id"]:
                raise ValueError(f"no user message {message_id} in chat {chat_id} to edit")
            edited = {k: v for k, v in original.items() if k != "entities"}
            edited.update(text=text, edit_date=int(time.time()))
            message_entities = _bot_command_entities(text) if entities is None else entities
            if message_entities:
                edited["entities"] = message_entities
            return self._enqueue({"edited_message": edited})

    def push_inline_query(self, query: str, *, user_id: int, chat_type: str = "sender",
                          first_name: str = "Test") -> tuple[int, str]:
        """Enqueue an ``inline_query`` (the user typed ``@bot query`` in a chat of
        ``chat_type``); return its update_id and the query's id. Telegram sends them only to
        bots with inline mode on (``supports_inline_queries``)."""
        if not self._bot_user["supports_inline_queries"]:
            raise ValueError("inline mode is off: use FakeBotApi(supports_inline_queries=True)")
        with self._lock:
            self._next_inline_id += 1
            query_id = str(self._next_inline_id)
            inline: JSON = {
                "id": query_id,
                "from": {"id": user_id, "is_bot": False, "first_name": first_name},
                "query": query,
                "offset": "",
                "chat_type": chat_type,
            }
            self._inline_queries[query_id] = inline
            return self._enqueue({"inline_query": inline}), query_id

    def inline_answers(self) -> list[JSON]:
        """Answers given with answerInlineQuery, in order: ``{query, results, params}``,
        each result's message text parsed as Telegram would (``text``, ``entities``)."""
        with self._lock:
            return copy.deepcopy(self._inline_answers)

    async def wait_for_inline_answers(self, count: int, timeout: float = 20.0) -> list[JSON]:
        deadline = time.monotonic() + timeout
        while len(answers := self.inline_answers()) < count:
            if time.monotonic() >= deadline:
                failed = [f"{c['method']} -> {c['status']} {c['error']}" for c in self.calls()
                          if c["status"] not in (None, 200)]
                raise TimeoutError(f"{len(answers)} inline answer(s) within {timeout}s, "
                                   f"expected {count}; failed calls: {failed}")
            await asyncio.sleep(0.02)
        return answers

    def push_update(self, update: JSON) -> int:
        """Enqueue a raw Update dict (update_id is assigned if missing); return its update_id."""
        with self._lock:
            return self._enqueue(dict(update))

    def sent_messages(self, chat_id: int | None = None) -> list[JSON]:
        """Messages sent via sendMessage, in order: ``{chat_id, text, params, message, time}``."""
        with self._lock:
            return [dict(r) for r in self._sent if chat_id is None or r["chat_id"] == chat_id]

    def calls(self, method: str | None = None) -> list[JSON]:
        """Every API call in arrival order: ``{method, params, time, status, error}``.

        ``status`` is None while the call is still being answered (e.g. a long poll).
        """
        with self._lock:
            return [
                dict(c)
                for c in self._calls
                if method is None or c["method"].lower() == method.lower()
            ]

    async def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 20.0
    ) -> list[JSON]:
        """Wait until at least ``count`` messages were sent to ``chat_id``; return them all."""
        deadline = time.monotonic() + timeout
        while len(sent := self.sent_messages(chat_id)) < count:
            if time.monotonic() >= deadline:
                raise TimeoutError(self._describe_shortfall(chat_id, count, timeout))
            await asyncio.sleep(0.02)
        return sent

    def wait_for_messages_sync(self, chat_id: int, count: int, timeout: float = 20.0) -> list[JSON]:
        """Blocking variant of :meth:`wait_for_messages` for synchronous tests."""
        deadline = time.monotonic() + timeout
        while len(sent := self.sent_messages(chat_id)) < count:
            if time.monotonic() >= deadline:
                raise TimeoutError(self._describe_shortfall(chat_id, count, timeout))
            time.sleep(0.02)
        return sent

    async def wait_for_call(self, method: str, timeout: float = 10.0, *, count: int = 1) -> JSON:
        """Wait until ``method`` was called (answered) ``count`` times; return that call."""
        deadline = time.monotonic() + timeout
        while True:
            answered = [c for c in self.calls(method) if c["status"] is not None]
            if len(answered) >= count:
                return answered[count - 1]
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"{method} was answered {len(answered)} time(s) within {timeout}s, "
                    f"expected {count}; calls so far: {[c['method'] for c in self.calls()]}"
                )
            await asyncio.sleep(0.02)

    def reset(self) -> None:
        """Forget recorded calls and sent messages (queued updates and chats are kept)."""
        with self._lock:
            self._calls.clear()
            self._sent.clear()

    # ----------------------------------------------------------------- internals

    def _describe_shortfall(self, chat_id: int, count: int, timeout: float) -> str:
        with self._lock:
            to_chat = [r["text"] for r in self._sent if r["chat_id"] == chat_id]
            elsewhere = [
                f"{r['chat_id']}: {r['text']}" for r in self._sent if r["chat_id"] != chat_id
            ]
            failed = [
                f"{c['method']} -> {c['status']} {c['error']}"
                for c in self._calls
                if c["status"] not in (None, 200)
            ]
        return "\n  ".join(
            [
                f"expected {count} message(s) to chat {chat_id} within {timeout}s, "
                f"got {len(to_chat)}:",
                *to_chat,
                "sent to other chats:",
                *elsewhere,
                "failed calls:",
                *failed,
            ]
        )

    def _allocate_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _last_bot_message(self, chat: JSON) -> JSON:
        for record in reversed(self._sent):
            if record["chat_id"] == chat["id"]:
                return dict(record["message"])
        message = self._new_bot_message(chat, "(earlier bot message)", [])
        self._messages[(chat["id"], message["message_id"])] = message
        return dict(message)

    def _new_bot_message(self, chat: JSON, text: str, entities: list[JSON]) -> JSON:
        message: JSON = {
            "message_id": self._allocate_message_id(chat["id"]),
            "from": dict(self._bot_user),
            "chat": chat,
            "date": int(time.time()),
            "text": text,
        }
        if entities:
            message["entities"] = entities
        return message

    def _enqueue(self, update: JSON) -> int:
        """Append an update (lock held) and wake long polls."""
        if "update_id" not in update:
            update["update_id"] = self._next_update_id
        elif update["update_id"] < self._next_update_id:
            raise ValueError(f"update_id must be at least {self._next_update_id}")
        self._next_update_id = update["update_id"] + 1
        message = update.get("message") or update.get("edited_message")
        if message:
            chat_id, message_id = message["chat"]["id"], message["message_id"]
            self._messages[(chat_id, message_id)] = message
            self._next_message_id[chat_id] = max(
                self._next_message_id.get(chat_id, 1), message_id + 1
            )
        self._updates.append(update)
        self._notify_threadsafe()
        return update["update_id"]

    def _notify(self) -> None:
        """Wake every coroutine waiting for a state change (server loop only)."""
        if self._changed is not None:
            changed, self._changed = self._changed, asyncio.Event()
            changed.set()

    def _notify_threadsafe(self) -> None:
        if self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already closed
                self._loop.call_soon_threadsafe(self._notify)

    async def _handle(self, request: Request) -> JSONResponse:
        match = _PATH_RE.fullmatch(request.url.path)
        record: JSON = {
            "method": match[2] if match else request.url.path,
            "params": {},
            "time": time.time(),
            "status": None,
            "error": None,
        }
        with self._lock:
            self._calls.append(record)
        try:
            record["params"] = await _read_params(request)
            if match is None:
                raise _ApiError(404, "Not Found")
            if match[1] != self.token:  # Telegram: 401 for well-formed tokens, else 404
                if _TOKEN_RE.fullmatch(match[1]):
                    raise _ApiError(401, "Unauthorized")
                raise _ApiError(404, "Not Found")
            if (entry := self._methods.get(match[2].lower())) is None:
                raise _ApiError(404, "Not Found")
            record["method"], handler = entry
            result = await handler(record["params"])
        except _ApiError as error:
            with self._lock:
                record["status"], record["error"] = error.status, error.description
            return error.response()
        except Exception as error:  # a bug in the fake: make it visible in calls()
            with self._lock:
                record["status"], record["error"] = 500, repr(error)
            raise
        with self._lock:
            record["status"] = 200
        return JSONResponse({"ok": True, "result": result})

    def _resolve_chat(self, chat_id: Any) -> JSON:
        """The chat for a chat_id parameter (lock held); unseen chats are synthesised."""
        if chat_id is None or chat_id == "":
            raise _bad_request("chat_id is empty")
        if isinstance(chat_id, str):
            name = chat_id.removeprefix("@")
            for chat in self._chats.values():
                if chat.get("username") == name:
                    return chat
            raise _bad_request("chat not found")
        if chat_id not in self._chats:
            self._chats[chat_id] = (
                {"id": chat_id, "type": "private", "first_name": "Test"}
                if chat_id > 0
                else {"id": chat_id, "type": "group", "title": "Test group"}
            )
        return self._chats[chat_id]

    def _format_text(self, params: JSON) -> tuple[str, list[JSON]]:
        """Apply parse_mode/entities, trimming and length limits to the text parameter."""
        text = params.get("text")
        if text is None:
            raise _bad_request("message text is empty")
        text = str(text)
        entities: list[JSON] = params.get("entities") or []
        parse_mode = str(params.get("parse_mode") or "").lower()
        if parse_mode and not entities:
            if parse_mode != "html":
                if parse_mode in ("markdown", "markdownv2"):
                    raise _bad_request(f"the fake Bot API does not implement {parse_mode}")
                raise _bad_request("unsupported parse_mode")
            try:
                text, entities = parse_html(text, strict=self.strict_html)
            except HtmlParseError as error:
                raise _bad_request(f"can't parse entities: {error}") from None
        text, entities = _trim(text, entities)
        if not text:
            raise _bad_request("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:  # tdlib counts Unicode code points for bots
            raise _bad_request("message is too long")
        return text, entities

    def _check_flood(self, chat_id: int) -> None:
        """Raise 429 if the per-chat send limit is exceeded (lock held)."""
        if self.flood_limit_per_chat is None:
            return
        now = time.monotonic()
        times = self._send_times.setdefault(chat_id, deque())
        while times and times[0] <= now - self.flood_window:
            times.popleft()
        if len(times) >= self.flood_limit_per_chat:
            retry_after = max(1, math.ceil(times[0] + self.flood_window - now))
            raise _ApiError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        times.append(now)

    def _reply_target(self, params: JSON, chat_id: int) -> JSON | None:
        """The message replied to via reply_parameters/reply_to_message_id (lock held)."""
        reply = params.get("reply_parameters") or {}
        if "reply_to_message_id" in params:
            reply = {
                "message_id": params["reply_to_message_id"],
                "allow_sending_without_reply": params.get("allow_sending_without_reply", False),
            }
        if not reply:
            return None
        target = self._messages.get((reply.get("chat_id", chat_id), reply.get("message_id")))
        if target is None and not reply.get("allow_sending_without_reply"):
            raise _bad_request("message to be replied not found")
        if target is None:
            return None
        return {k: v for k, v in target.items() if k != "reply_to_message"}

    @staticmethod
    def _quote(reply: JSON, text: str) -> JSON:
        """The TextQuote of a reply: ``quote`` must be an exact part of the replied-to text
        (after its ``quote_parse_mode``), at most 1,024 characters, as Telegram checks."""
        quote = str(reply["quote"])
        if str(reply.get("quote_parse_mode") or "").lower() == "html":
            quote = parse_html(quote)[0]
        elif reply.get("quote_parse_mode"):
            raise _bad_request("the fake Bot API only parses HTML quotes")
        if len(quote) > 1024 or quote not in text:
            raise _bad_request("QUOTE_TEXT_INVALID")
        position = _utf16_len(text[: text.index(quote)])
        return {"text": quote, "position": reply.get("quote_position", position),
                "is_manual": True}

    # ----------------------------------------------------------------- Bot API methods

    async def _return_true(self, params: JSON) -> bool:
        return True

    async def _get_me(self, params: JSON) -> JSON:
        return self.bot_user

    async def _get_updates(self, params: JSON) -> list[JSON]:
        offset = int(params.get("offset", 0))
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = max(float(params.get("timeout", 0)), 0.0)
        with self._lock:
            if self._webhook["url"]:
                raise _ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            if "allowed_updates" in params:
                self._allowed_updates = list(params["allowed_updates"] or [])
            if offset > 0:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            elif offset < 0:
                self._updates = self._updates[offset:]
            self._poll_generation += 1
            generation = self._poll_generation
        self._notify()  # an older long poll gets terminated with 409, as on Telegram
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            changed = self._changed
            assert changed is not None
            with self._lock:
                if generation != self._poll_generation:
                    raise _ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; "
                        "make sure that only one bot instance is running",
                    )
                batch = self._deliverable(limit)
                if batch or self._stopping:
                    return batch
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(changed.wait(), remaining)

    def _deliverable(self, limit: int) -> list[JSON]:
        """Up to ``limit`` pending updates; drops those allowed_updates excludes (lock held)."""
        if self._allowed_updates:
            allowed = set(self._allowed_updates)
            self._updates = [u for u in self._updates if _update_type(u) in allowed]
        else:
            self._updates = [
                u for u in self._updates if _update_type(u) not in _DEFAULT_EXCLUDED_UPDATES
            ]
        return copy.deepcopy(self._updates[:limit])

    async def _send_message(self, params: JSON) -> JSON:
        with self._lock:
            chat = self._resolve_chat(params.get("chat_id"))
        text, entities = self._format_text(params)
        with self._lock:
            reply_to = self._reply_target(params, chat["id"])
            reply = params.get("reply_parameters") or {}
            quote = self._quote(reply, reply_to.get("text", "")) \
                if reply_to is not None and reply.get("quote") else None
            self._check_flood(chat["id"])
            message = self._new_bot_message(chat, text, entities)
            if reply_to is not None:
                message["reply_to_message"] = reply_to
            if quote is not None:  # the reply's own field: the part of the message it quotes
                message["quote"] = quote
            markup = params.get("reply_markup")
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                message["reply_markup"] = markup
            self._messages[(chat["id"], message["message_id"])] = message
            self._sent.append(
                {
                    "chat_id": chat["id"],
                    "text": text,
                    "params": params,
                    "message": message,
                    "time": time.time(),
                }
            )
        return message

    async def _edit_message_text(self, params: JSON) -> JSON | bool:
        if params.get("inline_message_id"):
            self._format_text(params)
            return True
        with self._lock:
            chat = self._resolve_chat(params.get("chat_id"))
        text, entities = self._format_text(params)
        with self._lock:
            key = (chat["id"], params.get("message_id"))
            current = self._messages.get(key)
            if current is None:
                raise _bad_request("message to edit not found")
            if current["from"]["id"] != self._bot_user["id"]:
                raise _bad_request("message can't be edited")
            markup = params.get("reply_markup")
            if (
                current.get("text") == text
                and current.get("entities", []) == entities
                and current.get("reply_markup") == markup
            ):
                raise _bad_request(
                    "message is not modified: specified new message content and reply markup "
                    "are exactly the same as a current content and reply markup of the message"
                )
            edited = {k: v for k, v in current.items() if k not in ("entities", "reply_markup")}
            edited.update(text=text, edit_date=int(time.time()))
            if entities:
                edited["entities"] = entities
            if isinstance(markup, dict) and "inline_keyboard" in markup:
                edited["reply_markup"] = markup
            self._messages[key] = edited
        return edited

    async def _send_chat_action(self, params: JSON) -> bool:
        with self._lock:
            self._resolve_chat(params.get("chat_id"))
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    async def _answer_callback_query(self, params: JSON) -> bool:
        if not params.get("callback_query_id"):
            raise _bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        return True

    async def _answer_inline_query(self, params: JSON) -> bool:
        """Checks what Telegram checks of the results this bot sends (article results with
        text content), and parses each message as sendMessage would."""
        with self._lock:
            query = self._inline_queries.pop(str(params.get("inline_query_id", "")), None)
        if query is None:
            raise _bad_request("query is too old and response timeout expired or query ID "
                               "is invalid")
        results = params.get("results")
        if not isinstance(results, list) or len(results) > 50:
            raise _bad_request("RESULTS_TOO_MUCH" if isinstance(results, list)
                               else "can't parse results JSON object")
        ids = [str(r.get("id", "")) for r in results]
        if len(set(ids)) != len(ids) or not all(0 < len(i.encode()) <= 64 for i in ids):
            raise _bad_request("RESULT_ID_INVALID")
        shown = []
        for result in results:
            content = result.get("input_message_content") or {}
            if result.get("type") != "article" or not result.get("title") or not content:
                raise _bad_request("the fake Bot API takes article results with a title "
                                   "and input_message_content")
            content.setdefault("text", content.get("message_text"))
            text, entities = self._format_text(content)
            shown.append({**result, "text": text, "entities": entities})
        with self._lock:
            self._inline_answers.append({"query": query, "results": shown, "params": params})
        return True

    async def _set_webhook(self, params: JSON) -> bool:
        with self._lock:
            if params.get("drop_pending_updates"):
                self._updates.clear()
            url = str(params.get("url") or "")
            self._webhook = {"url": url}
            if url:
                for key in ("secret_token", "allowed_updates", "max_connections", "ip_address"):
                    if key in params:
                        self._webhook[key] = params[key]
        return True

    async def _delete_webhook(self, params: JSON) -> bool:
        with self._lock:
            if params.get("drop_pending_updates"):
                self._updates.clear()
            self._webhook = {"url": ""}
        return True

    async def _get_webhook_info(self, params: JSON) -> JSON:
        with self._lock:
            info: JSON = {
                "url": self._webhook["url"],
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if self._webhook["url"]:
                info["max_connections"] = self._webhook.get("max_connections", 40)
                info["ip_address"] = self._webhook.get("ip_address", "127.0.0.1")
                if "allowed_updates" in self._webhook:
                    info["allowed_updates"] = self._webhook["allowed_updates"]
        return info

    @staticmethod
    def _commands_key(params: JSON) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def _set_my_commands(self, params: JSON) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request("can't parse commands JSON object")
        for command in commands:
            if not _COMMAND_NAME_RE.fullmatch(str(command.get("command", ""))):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        with self._lock:
            self._commands[self._commands_key(params)] = [
                {"command": c["command"], "description": c["description"]} for c in commands
            ]
        return True

    async def _get_my_commands(self, params: JSON) -> list[JSON]:
        with self._lock:
            return list(self._commands.get(self._commands_key(params), []))

    async def _delete_my_commands(self, params: JSON) -> bool:
        with self._lock:
            self._commands.pop(self._commands_key(params), None)
        return True
