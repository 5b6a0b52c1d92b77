"""Verdicts as schema.org ClaimReview JSON-LD."""

import json
from collections.abc import Callable

from citebot.index.service import Citebot
from citebot.index.verify.claimreview import RATINGS, to_claimreview
from tests.index.verify.test_verdicts import SIGNAL


def test_claimreview_markup(corpus_bot: Citebot) -> None:
    v = corpus_bot.verify(SIGNAL, speaker="Lin Jian")
    review = to_claimreview(v)
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == SIGNAL
    rating = review["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"] == "misattributed"
    assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
    claim = review["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["author"] == {"@type": "Person", "name": "Lin Jian"}
    appearance = claim["appearance"][0]
    assert appearance["@type"] == "CreativeWork"
    assert appearance["text"] == v.matches[0].text
    assert appearance["author"]["name"] == "Volodymyr Zelensky"
    json.dumps(review)  # serialisable as it is


def test_claimreview_of_not_found_has_no_appearance(corpus_bot: Citebot) -> None:
    review = to_claimreview(corpus_bot.verify("The stock market rallied on Friday"))
    assert review["reviewRating"]["alternateName"] == "not_found"
    assert review["reviewRating"]["ratingValue"] == review["reviewRating"]["worstRating"]
    assert "appearance" not in review["itemReviewed"]


def test_claimreview_appearance_carries_the_url(make_bot: Callable[..., Citebot]) -> None:
    bot = make_bot()
    bot.add_document("a.txt", "Headline\n“We will win,” said Jane Doe.",
                     url="https://example.com/a", title="Doe speaks")
    review = to_claimreview(bot.verify("We will win"))
    assert review["reviewRating"]["alternateName"] == "verified"
    assert review["itemReviewed"]["author"] == {"@type": "Person", "name": "Jane Doe"}
    appearance = review["itemReviewed"]["appearance"][0]
    assert appearance["url"].startswith("https://example.com/a#:~:text=")
    assert appearance["name"] == "Doe speaks"


def test_claimreview_names_the_article_and_types_a_body_as_an_organisation(
    make_bot: Callable[..., Citebot],
) -> None:
    bot = make_bot()
    bot.add_document("b.txt", "“We reject the claims,” the Ministry of Foreign Affairs said.",
                     outlet="Kyiv Daily", published="2025-04-09")
    review = to_claimreview(bot.verify("We reject the claims"))
    claim = review["itemReviewed"]
    assert claim["author"] == {"@type": "Organization", "name": "Ministry of Foreign Affairs"}
    appearance = claim["appearance"][0]
    assert appearance["name"].startswith("“") and appearance["identifier"].startswith("b.txt#")
    assert appearance["publisher"] == {"@type": "Organization", "name": "Kyiv Daily"}
    assert appearance["datePublished"] == "2025-04-09"


# -- bad input -------------------------------------------------------------------------------


def test_every_verdict_has_a_rating_from_one_to_five() -> None:
    assert sorted(RATINGS.values()) == [1, 2, 3, 4, 5]
