"""Quote verification end to end: the sample corpus in a real Chroma, the real model."""

import json
from collections.abc import Callable
from urllib.parse import unquote

import pytest

from citebot.cli.main import parser
from citebot.index.errors import InvalidInput
from citebot.index.models import Verdict
from citebot.index.service import Citebot
from citebot.index.verify.claimreview import to_claimreview
from tests.conftest import CORPUS

LIN_JIAN = ("The Chinese side has never provided lethal weapons to any party in the conflict, "
            "and strictly controls dual-use items.")
SIGNAL = "This is a clear signal that Putin is willing to escalate rather than resolve the war"


def source_text(source: str) -> str:
    return (CORPUS / source).read_bytes().decode("utf-8")


def check(verdict: Verdict, expected: str) -> Verdict:
    """The verdict is ``expected``; every match is the source's own characters, with its
    W3C selector context, and holds the quoted words."""
    assert verdict.verdict == expected, verdict
    assert bool(verdict.matches) == (expected != "not_found"), verdict
    for m in verdict.matches:
        text = source_text(m.source)
        assert m.text == text[m.start : m.end]
        assert m.prefix == text[max(0, m.start - 32) : m.start]
        assert m.suffix == text[m.end : m.end + 32]
        assert m.quote_start is not None and m.quote_end is not None
        assert m.start <= m.quote_start < m.quote_end <= m.end
    return verdict


# -- verified -----------------------------------------------------------------------------


def test_verbatim_quote_is_verified_with_its_speaker(corpus_bot: Citebot) -> None:
    v = check(corpus_bot.verify(LIN_JIAN), "verified")
    m = v.matches[0]
    assert m.source == "000_86393d9dbeceabfc.txt" and m.similarity == 1.0
    assert m.speaker == "Lin Jian" and m.differences == []
    assert m.text.startswith("Foreign Ministry spokesman Lin Jian said on Friday, “The Chinese")


@pytest.mark.parametrize(
    "quote",
    [
        "Russia's war continues to redraw alliances",  # straight apostrophe, corpus has ’
        "russia’s WAR continues   to redraw\nalliances",  # case and white space
        "“Russia’s war continues to redraw alliances”",  # curly quotation marks around
        '"Russia\'s war continues to redraw alliances."',  # straight ones, and a full stop
    ],
)
def test_typography_is_ignored(corpus_bot: Citebot, quote: str) -> None:
    v = check(corpus_bot.verify(quote), "verified")
    assert v.matches[0].text.startswith("Russia’s war continues to redraw alliances")


def test_dashes_do_not_matter(corpus_bot: Citebot) -> None:
    # the corpus has an en dash (003) and an em dash (004); the quote a hyphen
    quote = ("Our military captured two Chinese citizens who fought in the Russian army. "
             "This happened on the territory of Ukraine - in the Donetsk region.")
    v = check(corpus_bot.verify(quote), "verified")
    assert v.matches[0].source == "003_c2cc60b2651c84c4.txt"


def test_fragment_is_verified_and_shown_in_its_whole_sentence(corpus_bot: Citebot) -> None:
    v = check(corpus_bot.verify("strictly controls dual-use items"), "verified")
    m = v.matches[0]
    assert m.text.startswith("Foreign Ministry spokesman Lin Jian said on Friday")
    assert m.text.endswith("strictly controls dual-use items.”")
    text = source_text(m.source)
    assert text[m.quote_start : m.quote_end] == "strictly controls dual-use items"


@pytest.mark.parametrize(
    "quote",
    [
        "We believe that it may be that Russia stole … stole these technologies.",
        "We believe that it may be that Russia stole ... stole these technologies.",
        "“We believe that it may be that Russia stole […] these technologies.”",
    ],
)
def test_ellipsis_stands_for_left_out_words(corpus_bot: Citebot, quote: str) -> None:
    v = check(corpus_bot.verify(quote, speaker="Zelensky"), "verified")
    m = v.matches[0]
    assert m.source == "000_86393d9dbeceabfc.txt" and m.differences == []
    assert "made an agreement with these citizens" in m.text  # the left-out words
    assert m.speaker == "Volodymyr Zelenskyy"  # the byline line after the quotation


def test_an_ellipsis_that_drops_a_negation_is_an_altered_quote(corpus_bot: Citebot) -> None:
    v = check(corpus_bot.verify("The Chinese side has … provided lethal weapons to any party "
                                "in the conflict", speaker="Lin Jian"), "altered")
    assert v.matches[0].differences == ["- never"] and v.matches[0].speaker == "Lin Jian"


def test_a_changed_last_word_shows_the_source_word(corpus_bot: Citebot) -> None:
    v = check(corpus_bot.verify("The Chinese side has never provided lethal weapons to any "
                                "party in the war", speaker="Lin Jian"), "altered")
    assert v.matches[0].differences == ["conflict → war"]
    assert v.matches[0].text[v.matches[0].quote_end - v.matches[0].start - 8 :].startswith(
        "conflict")


def test_pronoun_resolves_to_the_person_named_before(corpus_bot: Citebot) -> None:
    # 003: "… Zelenskyy revealed … He added, “Our military captured two Chinese citizens…”"
    v = check(corpus_bot.verify(
        "Our military captured two Chinese citizens who fought in the Russian army",
        speaker="Zelenskyy"), "verified")
    m = v.matches[0]
    assert m.source == "003_c2cc60b2651c84c4.txt" and m.speaker == "Zelenskyy"
    assert m.text.startswith("He added, “Our military")


@pytest.mark.parametrize(
    ("quote", "source", "speaker"),
    [
        (LIN_JIAN, "000", "Lin Jian"),  # Foreign Ministry spokesman Lin Jian said on Friday, “…”
        ("The information also describes the relevant Chinese technologies", "000",
         "Volodymyr Zelenskyy"),  # the quotation runs over two paragraphs, then a byline
        ("Evidence of these facts was passed by the Ukrainian special services", "000",
         "Ukraine’s Ministry of Foreign Affairs"),  # “…,” the ministry said.
        ("Chinese side to take measures to stop supporting Russia", "000",
         "Yevhen Perebyinis"),  # The Ukrainian Deputy Foreign Minister called on the “…”
        ("these technologies", "001", "Volodymyr Zelenskyy"),  # “…,” he said.
        ("groundless accusations and political manipulation", "001",
         "Chinese Ministry of Foreign Affairs"),
        ("puts into question China’s declared stance for peace", "003",
         "Andrii Sybiha"),  # She reiterated, “…”
        ("Let me stress that the Chinese government always asks", "003", "Lin Jian"),
        (SIGNAL, "004", "Volodymyr Zelensky"),  # “…,” Zelensky said.
        ("I think the United States should pay more attention", "004",
         "Volodymyr Zelensky"),  # He also urged …, saying, “…”
        ("The North Koreans fought against us in the Kursk region", "004",
         "Volodymyr Zelensky"),  # “…,” Zelensky stressed during a press conference
        ("decisive enabler", "004", "NATO"),  # NATO, meanwhile, has described China as a “…”
        ("at least 155 Chinese were fighting with the Russian army", "000",
         "Volodymyr Zelenskyy"),  # reported speech: Zelenskyy previously said …
    ],
)
def test_speaker_attribution(corpus_bot: Citebot, quote: str, source: str, speaker: str) -> None:
    v = check(corpus_bot.verify(quote), "verified")
    m = next(m for m in v.matches if m.source.startswith(source))
    assert m.speaker == speaker


def test_unattributed_narration_has_no_speaker(corpus_bot: Citebot) -> None:
    v = check(corpus_bot.verify("China has strongly denied involvement in Russia’s war"),
              "verified")
    assert v.matches[0].speaker is None
    # nobody is named: the given speaker is neither contradicted nor confirmed
    v = check(corpus_bot.verify("China has strongly denied involvement", "Lin Jian"),
              "unattributed")
    assert v.matches[0].speaker is None
    review = to_claimreview(v)["reviewRating"]
    assert review["alternateName"] == "unattributed"
    assert review["ratingValue"] < review["bestRating"]  # not "Lin Jian said it", rated true
    assert "does not say who said them" in review["ratingExplanation"]


@pytest.mark.parametrize("speaker", ["Zelensky", "Zelenskyy", "Volodymyr Zelenskyy",
                                     "President Zelensky", "zelenskiy"])
def test_name_variants_match(corpus_bot: Citebot, speaker: str) -> None:
    v = check(corpus_bot.verify(SIGNAL, speaker=speaker), "verified")
    assert v.speaker == speaker


def test_surname_alone_matches(corpus_bot: Citebot) -> None:
    check(corpus_bot.verify(LIN_JIAN, speaker="Lin"), "verified")


# -- misattributed ------------------------------------------------------------------------


@pytest.mark.parametrize(("quote", "speaker", "said_by"), [
    (SIGNAL, "Lin Jian", "Volodymyr Zelensky"),
    (LIN_JIAN, "Zelensky", "Lin Jian"),
    ("Our military captured two Chinese citizens who fought in the Russian army", "Sybiha",
     "Zelenskyy"),
])
def test_words_said_by_someone_else_are_misattributed(
    corpus_bot: Citebot, quote: str, speaker: str, said_by: str
) -> None:
    v = check(corpus_bot.verify(quote, speaker=speaker), "misattributed")
    assert v.speaker == speaker
    assert v.matches[0].speaker == said_by and v.matches[0].similarity == 1.0


# -- altered --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quote", "differences"),
    [
        ("Zelenskyy previously said at least 150 Chinese were fighting with the Russian army",
         ["155 → 150"]),  # a changed number
        ("The Chinese side has always provided lethal weapons to any party in the conflict",
         ["never → always"]),  # a negation flipped
        ("The Chinese side has never provided weapons to any party in the conflict",
         ["- lethal"]),  # a dropped word
        ("The Chinese side has never provided lethal weapons to any party in the entire "
         "conflict", ["+ entire"]),  # an inserted word
        ("The Chinese side has never provided lethal weapons to every party in the conflict",
         ["any → every"]),  # a swapped word
        ("Our military captured three Chinese citizens who fought in the Russian army",
         ["two → three"]),
    ],
)
def test_changed_words_are_altered_with_differences(
    corpus_bot: Citebot, quote: str, differences: list[str]
) -> None:
    v = check(corpus_bot.verify(quote), "altered")
    # 004 has the same quotation without "two": its match ("+ three") may rank first
    found = next(m for m in v.matches if m.differences == differences)
    assert 0.8 < found.similarity < 1.0


def test_altered_match_names_the_real_speaker(corpus_bot: Citebot) -> None:
    v = check(corpus_bot.verify(
        "The Chinese side has always provided lethal weapons to any party in the conflict",
        speaker="Lin Jian"), "altered")
    assert v.matches[0].speaker == "Lin Jian"
    assert v.matches[0].source == "000_86393d9dbeceabfc.txt"
    assert v.said_by_another is None  # the speaker given is the record's


def test_altered_and_given_to_someone_else_says_both(corpus_bot: Citebot) -> None:
    quote = "The Chinese side has never provided deadly weapons to any party in the conflict"
    v = check(corpus_bot.verify(quote, speaker="Zelensky"), "altered")
    assert v.said_by_another == "Lin Jian"
    assert to_claimreview(v)["reviewRating"]["ratingExplanation"].endswith(
        "The archive has Lin Jian saying it, not Zelensky.")
    assert check(corpus_bot.verify(quote), "altered").said_by_another is None  # none given


def test_altered_quote_with_an_ellipsis(corpus_bot: Citebot) -> None:
    v = check(corpus_bot.verify(
        "We believe that it may be that China stole … stole these technologies."), "altered")
    assert v.matches[0].differences == ["Russia → China"]


@pytest.mark.parametrize(
    "quote",
    [
        "Our military captured two Chinese citizens who fought in the Russian army",
        "The Chinese side has never provided lethal weapons to any party in the conflict",
    ],
)
def test_changed_number_or_negation_is_never_verified(corpus_bot: Citebot, quote: str) -> None:
    for old, new in [("two", "twenty"), ("never", "always"), ("lethal", "non-lethal")]:
        if old in quote:
            assert corpus_bot.verify(quote.replace(old, new)).verdict == "altered"


# -- not found ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "quote",
    [
        "The stock market rallied on Friday as investors cheered strong earnings",  # no article
        "Chinese soldiers are fighting for Russia in the war against Ukraine with drones",
        "Beijing denies that Russia uses Chinese drones in Ukraine",  # topic words only
    ],
)
def test_absent_or_topic_only_quotes_are_not_found(corpus_bot: Citebot, quote: str) -> None:
    v = check(corpus_bot.verify(quote), "not_found")
    assert v.quote == quote


def test_quote_mixing_two_articles_is_not_verified(corpus_bot: Citebot) -> None:
    # "at least 155 Chinese citizens are fighting on behalf of Russia" is 002's;
    # "China was supplying weapons and gunpowder to Russia" is 000's
    v = corpus_bot.verify("At least 155 Chinese citizens are fighting on behalf of Russia and "
                          "China was supplying weapons and gunpowder to Russia")
    check(v, v.verdict)
    assert v.verdict in ("altered", "not_found")
    assert all(m.similarity < 1.0 and m.differences for m in v.matches)


# -- links and markup ---------------------------------------------------------------------------


def test_text_fragment_link_opens_the_words(make_bot: Callable[..., Citebot]) -> None:
    bot = make_bot()
    url = "https://example.com/news/lin-jian?id=7"
    text = source_text("000_86393d9dbeceabfc.txt")
    bot.add_document("lin.txt", text, title="Lin Jian on weapons", url=url)
    v = bot.verify("strictly controls dual-use items", speaker="Lin Jian")
    assert v.verdict == "verified"
    m = v.matches[0]
    assert m.source == "lin.txt" and m.text == text[m.start : m.end]
    assert m.url is not None and m.url.startswith(url + "#:~:text=")
    directive = m.url.split("#:~:text=", 1)[1]
    start, end = directive.split(",")  # a long match: textStart,textEnd
    assert unquote(start) == "Foreign Ministry spokesman Lin"
    assert unquote(end) == "strictly controls dual-use items.”"
    assert "-" not in directive and " " not in directive and "”" not in directive
    assert "%2D" in end and "%E2%80%9D" in end  # '-' and '”' percent-encoded


def test_short_match_link_is_one_text_term(make_bot: Callable[..., Citebot]) -> None:
    bot = make_bot()
    bot.add_document("short.txt", "Headline\nThe talks failed. Nobody came, she said.",
                     url="https://example.com/a#top")
    m = bot.verify("the talks failed").matches[0]
    assert m.text == "The talks failed."
    assert m.url == "https://example.com/a#top:~:text=The%20talks%20failed."


def test_quote_over_two_paragraphs_links_start_and_end(
    make_bot: Callable[..., Citebot]
) -> None:
    bot = make_bot()
    text = source_text("000_86393d9dbeceabfc.txt")
    bot.add_document("z.txt", text, url="https://example.com/z")
    v = bot.verify("stole these technologies. The information also describes the relevant "
                   "Chinese technologies", speaker="Zelensky")
    assert v.verdict == "verified"
    m = v.matches[0]
    assert m.text == text[m.start : m.end] and "\n" in m.text
    assert m.speaker == "Volodymyr Zelenskyy"
    start, end = m.url.split("#:~:text=", 1)[1].split(",")  # type: ignore[union-attr]
    assert unquote(start) == "“We believe that it"  # the first paragraph's first words
    assert unquote(end) == "working on these drones."  # the end of the sentence quoted


@pytest.mark.parametrize(("quote", "speaker", "message"), [
    ("", None, "empty"),
    ("   \n\t", None, "empty"),
    ("“…”", None, "no words"),
    ("x" * 2001, None, "2,001 characters"),
    ("Our military", "x" * 201, "speaker"),
])
def test_bad_input_is_refused_clearly(
    corpus_bot: Citebot, quote: str, speaker: str | None, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        corpus_bot.verify(quote, speaker)


def test_blank_speaker_means_none(corpus_bot: Citebot) -> None:
    v = corpus_bot.verify(SIGNAL, speaker="  ")
    assert v.speaker is None and v.verdict == "verified"


def test_empty_corpus_finds_nothing(make_bot: Callable[..., Citebot]) -> None:
    assert make_bot().verify("anything at all").verdict == "not_found"


# -- the CLI ----------------------------------------------------------------------------------


def _cli(bot: Citebot, *argv: str) -> int:
    args = parser().parse_args(["verify", *argv])
    return int(args.run(bot, args))


def test_cli_text_output(corpus_bot: Citebot, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(corpus_bot, "Our military captured three Chinese citizens who fought in the "
                "Russian army", "--speaker", "Zelensky") == 4  # altered
    out = capsys.readouterr().out
    assert out.startswith("ALTERED:")
    assert ("] “As the war between Russia and Ukraine intensifies, Ukrainian President…” "
            "(003_c2cc60b2651c84c4.txt), characters") in out  # untitled: its first words
    assert "said by Zelenskyy" in out and "changes (archive → quote): two → three" in out
    assert _cli(corpus_bot, "The Chinese side has never provided deadly weapons",
                "--speaker", "Zelensky") == 4
    assert capsys.readouterr().out.startswith(
        "ALTERED: A close passage is in the archive, but the quote changes its words. "
        "The archive has Lin Jian saying it, not Zelensky.\n")


def test_cli_json_output(corpus_bot: Citebot, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(corpus_bot, LIN_JIAN, "--speaker", "Zelensky", "--json") == 5  # misattributed
    verdict = Verdict.model_validate_json(capsys.readouterr().out)
    assert verdict.verdict == "misattributed" and verdict.matches[0].speaker == "Lin Jian"


def test_cli_claimreview_output(corpus_bot: Citebot, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli(corpus_bot, LIN_JIAN, "--format", "claimreview") == 0
    review = json.loads(capsys.readouterr().out)
    assert review["@type"] == "ClaimReview"
    assert review["reviewRating"]["alternateName"] == "verified"
    assert review["itemReviewed"]["author"]["name"] == "Lin Jian"


def test_cli_refuses_json_with_another_format() -> None:
    with pytest.raises(SystemExit):
        parser().parse_args(["verify", "x", "--json", "--format", "claimreview"])
