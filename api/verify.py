"""``POST /v1/verify``: is this quote in the record, as worded, and from whom?"""

from functools import partial
from typing import Any

import anyio
from fastapi import APIRouter

from citebot.api.deps import CitebotDep
from citebot.api.errors import error_responses
from citebot.api.routing import CheckedBodyRoute
from citebot.api.schemas import VerifyRequest, verify_request
from citebot.index.models import Verdict
from citebot.index.verify.claimreview import to_claimreview
from citebot.settings import Settings


class VerifyResponse(Verdict):
    claimreview: dict[str, Any] | None = None


def router(settings: Settings) -> APIRouter:
    Verify = verify_request(settings)  # a class, built with this app's limits
    api = APIRouter(tags=["verify"], route_class=CheckedBodyRoute)

    @api.post("/v1/verify", responses=error_responses(413, 422, 503))
    async def verify(body: Verify, bot: CitebotDep) -> VerifyResponse:  # type: ignore[valid-type]
        """``verified``, ``unattributed`` (the words are there, but no speaker is named for
        them, so the given one is not confirmed), ``altered`` (with word-level
        ``differences``), ``misattributed`` or ``not_found``; every match's ``text`` is
        exactly the document's ``text[start:end]``.
        With ``"format": "claimreview"`` the verdict also comes as ClaimReview JSON-LD."""
        request: VerifyRequest = body  # the class verify_request built derives from it
        verdict = await anyio.to_thread.run_sync(partial(bot.verify, request.quote,
                                                         request.speaker))
        extra = to_claimreview(verdict) if request.format == "claimreview" else None
        return VerifyResponse(**verdict.model_dump(), claimreview=extra)

    return api
