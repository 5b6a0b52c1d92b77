"""Telegram HTML for answers, verdicts and document lists.

Pure functions: no I/O, no PTB objects, so every rule here is tested directly. Everything
that comes from a user or the corpus goes through ``split.escape``; the only tags are written
here. A message is built from *blocks* (a paragraph, one citation, one document line), each a
complete HTML fragment; ``split.pack`` puts whole blocks into messages, so a tag or a citation
is never cut in half.
"""

import html
import re
from collections.abc import Sequence

from citebot.bot.split import escape, pack, split_text
from citebot.index.models import Answer, Citation, DocumentMeta, Match, Verdict, source_label
from citebot.index.verify.claimreview import another_speaker

EXCERPT_CHARS = 300  # "a short verbatim excerpt": the whole passage is a click away in the source
LABEL_CHARS = 200  # titles, sources, speakers and the checked quote
MAX_DIFFERENCES = 8
SOURCES_PAGE = 50  # documents per /sources page

COMMANDS: tuple[tuple[str, str], ...] = (
    ("ask", "Ask a question about the news archive"),
    ("verify", "Check a quote: /verify “QUOTE” — SPEAKER"),
    ("sources", "List the documents I answer from"),
    ("reset", "Forget this chat's earlier questions"),
    ("help", "What I do, with examples"),
)

HELP = """\
I answer questions from a news archive with the archive's own sentences, each followed by \
a citation [n] you can check word for word.

<b>Ask</b>: send a question, or /ask QUESTION. For example:
<i>Who summoned the Chinese ambassador?</i>
Follow-up questions work too: <i>Who is the spokesman of China's foreign ministry?</i> \
then <i>What did he say about weapons?</i>

<b>Check a quote</b>: /verify “QUOTE” — SPEAKER (the speaker is optional). For example:
/verify “The Chinese side has never provided lethal weapons to any party in the \
conflict” — Lin Jian

<b>In any chat</b>: type my @username and a quote to share its verdict there.

/sources: the documents I answer from
/reset: forget this chat's earlier questions
/help: this message

In a group, mention me or reply to one of my messages; commands work as usual."""

ASK_USAGE = (
    "Please ask me a question, for example:\n/ask Who summoned the Chinese ambassador?"
)
VERIFY_USAGE = (
    "Please put a quote after /verify, with the speaker if you know it, for example:\n"
    "/verify “The Chinese side has never provided lethal weapons to any party in the "
    "conflict” — Lin Jian"
)
NO_WORDS = (
    "I can only answer questions written in words, for example:\n"
    "<i>Who summoned the Chinese ambassador?</i>"
)
UNKNOWN_COMMAND = "I don't know that command. Send /help to see what I can do."
NOT_ALLOWED = (
    "Sorry, this bot is private and only answers the people and chats it was set up for. "
    "Ask its operator for access."
)
RESET_DONE = "Done: I forgot this chat's earlier questions. The next question starts afresh."
FAILED = "Sorry, something went wrong on my side and I could not answer. Please try again later."
NO_DOCUMENTS = "No documents are indexed yet, so there is nothing to answer from."


def rate_limited(per_minute: int) -> str:
    wait = -(-60 // per_minute)  # seconds until the bucket has room again, rounded up
    return (
        f"You are sending messages faster than I answer them ({per_minute} a minute). "
        f"Please wait about {wait} seconds; I'll ignore messages until then."
    )


def problem(message: str) -> str:
    """A core error's message (it says what was wrong and how to fix it) for the user."""
    return escape(message[:1].upper() + message[1:])


def shorten(text: str, limit: int) -> str:
    """A prefix of ``text`` of at most ``limit`` characters, cut at a word, with "…".

    The kept part is verbatim, so an excerpt without its "…" is still a substring of the
    source."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:  # a word boundary not too far back; else cut mid-word
        cut = cut[:space]
    return cut.rstrip() + "…"


# -- answers -----------------------------------------------------------------------------


def _where(label: str) -> str:
    """A source's label (title, outlet, date or first words, then the file) in italics."""
    return f"<i>{escape(shorten(label, LABEL_CHARS))}</i>"


def _link(url: str | None) -> list[str]:
    """A link that opens the article with the cited words marked, when its address is known."""
    return [f'<a href="{html.escape(url, quote=True)}">Open in context</a>'] if url else []


def citation_block(citation: Citation) -> str:
    return "\n".join([
        f"<b>[{citation.n}]</b> {_where(citation.label)}",
        f"<blockquote>{escape(shorten(citation.text, EXCERPT_CHARS))}</blockquote>",
        *_link(citation.url),
    ])


def _short(answer: Answer) -> list[str]:
    """The short answer in bold with its citation's marker, when the core gives one (an
    optional ``short`` with ``text`` and ``n``)."""
    short = getattr(answer, "short", None)
    if short is None:
        return []
    return [f"<b>{escape(shorten(short.text, EXCERPT_CHARS))}</b> [{short.n}]"]


def answer_messages(answer: Answer) -> list[str]:
    """The short answer if any, the answer's sentences with their [n] markers, then one
    block per citation."""
    return pack([*_short(answer), *split_text(answer.answer),
                 *map(citation_block, answer.citations)])


# -- quote verdicts ----------------------------------------------------------------------

_HEADLINES = {
    "verified": "✅ <b>Verified.</b> These words are in the archive.",
    "unattributed": "🔎 <b>Speaker not confirmed.</b> The archive has these words but does "
                    "not say who said them.",
    "altered": "✏️ <b>Altered.</b> The archive has a quote like this, in different words.",
    "misattributed": "⚠️ <b>Misattributed.</b> The archive has these words, from someone else.",
    "not_found": "❓ <b>Not found.</b> I found no such quote in the archive.",
}


def _differences(differences: Sequence[str]) -> str:
    shown = [escape(shorten(d, LABEL_CHARS)) for d in differences[:MAX_DIFFERENCES]]
    more = len(differences) - len(shown)
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def match_block(n: int, match: Match) -> str:
    lines = [f"<b>[{n}]</b> {_where(match.label)}, similarity {match.similarity:.2f}"]
    if match.speaker:
        lines.append(f"Said by: {escape(shorten(match.speaker, LABEL_CHARS))}")
    if match.differences:
        lines.append(f"Changes (archive → quote): {_differences(match.differences)}")
    lines.append(f"<blockquote>{escape(shorten(match.text, EXCERPT_CHARS))}</blockquote>")
    return "\n".join([*lines, *_link(match.url)])


def _verdict_head(verdict: Verdict) -> str:
    quote = f"“{escape(shorten(verdict.quote, LABEL_CHARS))}”"
    if verdict.speaker:
        quote += f" — {escape(shorten(verdict.speaker, LABEL_CHARS))}"
    head = f"{_HEADLINES[verdict.verdict]}\n{quote}"
    if verdict.said_by_another:
        head += f"\n{escape(another_speaker(verdict))}"
    return head


def verdict_messages(verdict: Verdict) -> list[str]:
    matches = (match_block(n, m) for n, m in enumerate(verdict.matches, 1))
    return pack([_verdict_head(verdict), *matches])


# -- inline mode: one result card ----------------------------------------------------------

INLINE_USAGE = "Type a quote to check, e.g. “The Chinese side has never provided lethal weapons”"


def _plain(html_text: str) -> str:
    """Telegram HTML as the plain text a card's title or description needs."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


def verdict_card(verdict: Verdict) -> tuple[str, str, str]:
    """(title, description, message) of an inline result: the verdict, the source sentence
    and where it is from, and as the message sent, the verdict with the best match (one
    message's worth: the card cannot send more)."""
    title = _plain(_HEADLINES[verdict.verdict])
    if not verdict.matches:
        return title, shorten(verdict.quote, LABEL_CHARS), _verdict_head(verdict)
    best = verdict.matches[0]
    description = f"{shorten(best.text, LABEL_CHARS)}\n{shorten(best.label, LABEL_CHARS)}"
    return title, description, f"{_verdict_head(verdict)}\n\n{match_block(1, best)}"


def notice_card(title: str, text: str) -> tuple[str, str, str]:
    """A card that says why there is no verdict (usage, refusal, a bad quote); ``text`` is
    Telegram HTML."""
    return title, _plain(text), text


# -- documents ---------------------------------------------------------------------------


def pages(total: int) -> int:
    return max(1, -(-total // SOURCES_PAGE))


def document_line(n: int, meta: DocumentMeta) -> str:
    label = source_label(meta.source, meta.title, meta.outlet, meta.published)
    return f"{n}. {_where(label)}, {meta.chars:,} characters"


def sources_messages(documents: Sequence[DocumentMeta], page: int, total: int) -> list[str]:
    """One page of the document list (``documents`` is that page), split as needed."""
    if total == 0:
        return [NO_DOCUMENTS]
    count = pages(total)
    first = (page - 1) * SOURCES_PAGE + 1
    head = f"<b>{total:,} documents</b>" + (f" (page {page} of {count})" if count > 1 else "")
    lines = [document_line(n, meta) for n, meta in enumerate(documents, first)]
    tail = [f"More: /sources {page + 1}"] if page < count else []
    return pack([head, *lines, *tail], separator="\n")


def no_such_page(page: int, total: int) -> str:
    return f"There is no page {page}: the list has {pages(total)}. Try /sources 1."
