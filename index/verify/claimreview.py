"""A ``Verdict`` as schema.org ClaimReview JSON-LD, the markup fact-checkers publish.

Built as a plain dict (the structure is small and fixed) so every surface can serve it:
the CLI prints it, the HTTP API returns it for ``"format": "claimreview"``.
"""

from datetime import date
from typing import Any

from citebot.index.models import Verdict
from citebot.index.verify.subjects import BODIES

# the rating scale: how far the corpus bears the quote out
RATINGS = {"verified": 5, "unattributed": 4, "misattributed": 3, "altered": 2, "not_found": 1}
EXPLANATIONS = {
    "verified": "The words are in the archive as quoted.",
    "unattributed": "The words are in the archive, but it does not say who said them.",
    "altered": "A close passage is in the archive, but the quote changes its words.",
    "misattributed": "The words are in the archive, attributed to someone else.",
    "not_found": "Neither these words nor a close variant are in the archive.",
}


# words that make a speaker a body, not a person ("Ukraine's Ministry of Foreign Affairs"):
# those speaker attribution knows (``subjects.BODIES``) and a few that name a whole body
_BODIES = BODIES | frozenset(
    "forces bureau union party organisation organization corporation nato".split())


def _agent(name: str) -> dict[str, str]:
    """A speaker as schema.org knows them: an Organization or a Person."""
    words = {w.strip("’'.,").lower() for w in name.split()}
    return {"@type": "Organization" if words & _BODIES else "Person", "name": name}


def another_speaker(verdict: Verdict) -> str:
    """What an altered quote's record says of the speaker given, when it names another."""
    return (f"The archive has {verdict.said_by_another} saying it, not {verdict.speaker}."
            if verdict.said_by_another else "")


def explanation(verdict: Verdict) -> str:
    """The verdict's explanation, with the speaker's when the record names another."""
    return " ".join(filter(None, [EXPLANATIONS[verdict.verdict], another_speaker(verdict)]))


def to_claimreview(
    verdict: Verdict,
    *,
    reviewer: str = "citebot",
    review_url: str | None = None,
    published: date | None = None,
) -> dict[str, Any]:
    """The ClaimReview for ``verdict``: the claim is the quote as attributed to the speaker
    (or, if none was given, to whom the archive names), the appearances are the matches."""
    author = verdict.speaker or next((m.speaker for m in verdict.matches if m.speaker), None)
    claim: dict[str, Any] = {"@type": "Claim"}
    if author:
        claim["author"] = _agent(author)
    appearances = [
        {
            "@type": "CreativeWork",
            **({"url": m.url} if m.url else {}),
            # as every surface names it: the title, else the first words (the file's name
            # is the identifier's)
            "name": m.title or (f"“{m.opening}”" if m.opening else m.source),
            "identifier": f"{m.source}#{m.start}-{m.end}",
            "text": m.text,
            **({"publisher": {"@type": "Organization", "name": m.outlet}} if m.outlet else {}),
            **({"datePublished": m.published} if m.published else {}),
            **({"author": _agent(m.speaker)} if m.speaker else {}),
        }
        for m in verdict.matches
    ]
    if appearances:
        claim["appearance"] = appearances
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "claimReviewed": verdict.quote,
        "author": {"@type": "Organization", "name": reviewer},
        "datePublished": (published or date.today()).isoformat(),
        "reviewRating": {
            "@type": "Rating",
            "ratingValue": RATINGS[verdict.verdict],
            "bestRating": max(RATINGS.values()),
            "worstRating": min(RATINGS.values()),
            "alternateName": verdict.verdict,
            "ratingExplanation": explanation(verdict),
        },
        "itemReviewed": claim,
    }
    if review_url:
        review["url"] = review_url
    return review
