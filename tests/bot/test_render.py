"""The pure parts of the bot: message rendering."""

import re

from pydantic import BaseModel

from citebot.bot import render, split
from citebot.index.models import Answer, Citation, DocumentMeta, Match, Verdict
from tests.bot.fake_bot_api import parse_html

NASTY = "AT&T <b>bold?</b> 1 > 0 & x < y "  # every character Telegram HTML cares about


def plain(html_text: str) -> str:
    """What Telegram shows for ``html_text``; raises if the HTML is invalid."""
    return parse_html(html_text)[0]


def citation(n: int, text: str, title: str | None = "A title") -> Citation:
    return Citation(n=n, source=f"doc{n}.txt", title=title, start=0, end=len(text), text=text,
                    score=0.8)


# -- answers, verdicts, sources ------------------------------------------------------------


def test_answer_is_escaped_with_verbatim_excerpts() -> None:
    long = "The spokesman said “" + "very " * 100 + "much” & more <here>."
    answer = Answer(question="q", answer=f"{NASTY} [1] Second. [2]", found=True,
                    citations=[citation(1, NASTY), citation(2, long, title=None)])
    [message] = render.answer_messages(answer)
    shown = plain(message)
    assert shown.startswith(f"{NASTY} [1] Second. [2]")
    assert "[1] A title (doc1.txt)" in shown and "[2] doc2.txt" in shown
    excerpt = render.shorten(long, render.EXCERPT_CHARS)
    assert excerpt.endswith("…") and len(excerpt) <= render.EXCERPT_CHARS
    assert long.startswith(excerpt[:-1])  # verbatim: a prefix of the cited text
    assert excerpt in shown


def test_long_answer_splits_between_citations() -> None:
    sentence = "Foreign Ministry spokesman Lin Jian said “never” & meant it. "
    cites = [citation(n, sentence * 5) for n in range(1, 11)]
    answer = Answer(question="q", answer=sentence * 80, citations=cites, found=True)
    messages = render.answer_messages(answer)
    assert len(messages) >= 3
    assert all(len(m) <= split.MAX_MESSAGE for m in messages)
    shown = [plain(m) for m in messages]
    for n in range(1, 11):
        holding = [s for s in shown if f"[{n}] A title (doc{n}.txt)" in s]
        assert len(holding) == 1 and render.shorten(cites[n - 1].text, 300) in holding[0]


def test_not_found_answer_is_one_plain_message() -> None:
    answer = Answer(question="q", answer="I found nothing in the corpus.", citations=[],
                    found=False)
    assert render.answer_messages(answer) == ["I found nothing in the corpus."]


def test_verdict_rendering() -> None:
    match = Match(source="a.txt", title="T & T", start=0, end=10, text="Lin Jian said <x>",
                  similarity=0.96, speaker="Lin Jian", differences=["- lethal", "two → three"],
                  url="https://example.org/a?x=1&y=2#:~:text=Lin")
    verdict = Verdict(quote="never <provided> weapons", speaker="Zelenskyy",
                      verdict="misattributed", matches=[match])
    [message] = render.verdict_messages(verdict)
    text, entities = parse_html(message)
    assert text.startswith("⚠️ Misattributed.")
    assert "“never <provided> weapons” — Zelenskyy" in text
    assert "[1] T & T (a.txt), similarity 0.96" in text
    assert "Said by: Lin Jian" in text
    assert "Changes (archive → quote): - lethal; two → three" in text
    link = next(e for e in entities if e["type"] == "text_link")
    assert link["url"] == match.url
    for kind, word in (("verified", "Verified."), ("altered", "Altered."),
                       ("not_found", "Not found."), ("unattributed", "Speaker not confirmed.")):
        [only] = render.verdict_messages(Verdict(quote="q", verdict=kind))
        headline, *rest = plain(only).splitlines()
        assert word in headline and rest == ["“q”"]
    both = Verdict(quote="q <w>", speaker="Zelensky & co", verdict="altered", matches=[match],
                   said_by_another="Lin Jian")
    headline, quote, note = plain(render.verdict_messages(both)[0]).splitlines()[:3]
    assert note == "The archive has Lin Jian saying it, not Zelensky & co."


def test_sources_are_paged_and_split() -> None:
    metas = [DocumentMeta(source=f"{n:03}.txt", title="Title " + "word " * 60, hash="h",
                          chars=1000 + n, outlet="Outlet & Co") for n in range(120)]
    page = render.sources_messages(metas[:50], 1, total=120)
    assert len(page) > 1 and all(len(m) <= split.MAX_MESSAGE for m in page)
    shown = "\n".join(plain(m) for m in page)
    assert shown.startswith("120 documents (page 1 of 3)")
    assert [int(n) for n in re.findall(r"^(\d+)\. ", shown, re.M)] == list(range(1, 51))
    assert shown.rstrip().endswith("More: /sources 2")
    last = "\n".join(plain(m) for m in render.sources_messages(metas[100:], 3, total=120))
    assert "101. " in last and "More:" not in last
    assert render.sources_messages([], 1, total=0) == [render.NO_DOCUMENTS]


def test_fixed_texts_are_valid_html() -> None:
    for text in (render.HELP, render.ASK_USAGE, render.VERIFY_USAGE, render.NO_WORDS,
                 render.UNKNOWN_COMMAND, render.NOT_ALLOWED, render.RESET_DONE, render.FAILED,
                 render.rate_limited(7), render.no_such_page(9, 10),
                 render.problem("the question is <10,000> characters & too long")):
        assert plain(text)


# -- sources and the short answer ------------------------------------------------------------


class Short(BaseModel):
    """The short answer's shape as the core will give it (Answer.short)."""

    text: str
    n: int
    start: int
    end: int


class ShortAnswer(Answer):
    short: Short | None = None


def test_citation_names_its_article_and_links_to_it() -> None:
    untitled = Citation(n=1, source="a.txt", title=None, start=0, end=4, text="Text",
                        score=0.5, opening="As Russia’s <war> goes on…",
                        url="https://example.org/a#:~:text=Text")
    block = render.citation_block(untitled)
    assert plain(block).splitlines() == [
        "[1] “As Russia’s <war> goes on…” (a.txt)", "Text", "Open in context"]
    assert '<a href="https://example.org/a#:~:text=Text">' in block
    dated = citation(2, "Words.").model_copy(update={"outlet": "The Times",
                                                      "published": "2025-04-09"})
    assert plain(render.citation_block(dated)).startswith(
        "[2] A title — The Times, 2025-04-09 (doc2.txt)")


def test_short_answer_is_bold_above_the_sentences_when_present() -> None:
    c = citation(1, "Ma Shengkun was summoned by the ministry.")
    answer = ShortAnswer(question="Who was summoned?", answer=f"{c.text} [1]", citations=[c],
                         found=True, short=Short(text="Ma Shengkun", n=1, start=0, end=11))
    [message] = render.answer_messages(answer)
    assert message.startswith("<b>Ma Shengkun</b> [1]\n\n" + c.text)
    without = ShortAnswer(**{**answer.model_dump(exclude={"short"}), "citations": [c]})
    assert render.answer_messages(without)[0].startswith(c.text)


def test_verdict_card_has_the_verdict_sentence_and_source() -> None:
    match = Match(source="a.txt", title="Title & more", start=0, end=9, text="It <is> so.",
                  similarity=1.0, speaker="Lin Jian")
    verdict = Verdict(quote="It is so", verdict="verified", matches=[match])
    title, description, text = render.verdict_card(verdict)
    assert title == "✅ Verified. These words are in the archive."
    assert description == "It <is> so.\nTitle & more (a.txt)"  # plain text, not HTML
    assert plain(text).startswith("✅ Verified.") and "Said by: Lin Jian" in plain(text)
    empty = Verdict(quote="Nothing <here>", verdict="not_found")
    assert render.verdict_card(empty)[1] == "Nothing <here>"
