"""``POST /v1/verify``: is this quote in the record, as worded, and from whom?"""

from functools import partial
from typing import Any

import anyio
from fastapi import APIRouter

from citebot.api.deps import CitebotDep
from citebot.api.errors import error_responses
from citebot.api.routing import CheckedBodyRoute
from citebot.api.schemas import VerifyRequest
from citebot.index.models import Verdict
from citebot.index.verify.claimreview import to_claimreview

router = APIRouter(tags=["verify"], route_class=CheckedBodyRoute)


class VerifyResponse(Verdict):
    claimreview: dict[str, Any] | None = None


@router.post("/v1/verify", responses=error_responses(413, 422, 503))
async def verify(body: VerifyRequest, bot: CitebotDep) -> VerifyResponse:
    """``verified``, ``unattributed`` (the words are there, but no speaker is named for
    them, so the given one is not confirmed), ``altered`` (with word-level
    ``differences``), ``misattributed`` or ``not_found``; every match's ``text`` is
    exactly the document's ``text[start:end]``.
    With ``"format": "claimreview"`` the verdict also comes as ClaimReview JSON-LD."""
    verdict = await anyio.to_thread.run_sync(partial(bot.verify, body.quote, body.speaker))
    extra = to_claimreview(verdict) if body.format == "claimreview" else None
    return VerifyResponse(**verdict.model_dump(), claimreview=extra)
