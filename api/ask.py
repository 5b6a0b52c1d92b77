"""``POST /v1/ask``: a question in, an answer made of cited verbatim sentences out."""

from functools import partial

import anyio
from fastapi import APIRouter

from citebot.api.deps import CitebotDep
from citebot.api.errors import error_responses
from citebot.api.routing import CheckedBodyRoute
from citebot.api.schemas import AskRequest
from citebot.index.models import Answer, Turn

router = APIRouter(tags=["ask"], route_class=CheckedBodyRoute)


@router.post("/v1/ask", responses=error_responses(413, 422, 503))
async def ask(body: AskRequest, bot: CitebotDep) -> Answer:
    """Answer from the corpus: each sentence is followed by ``[n]``, and citation ``n``'s
    ``text`` is exactly ``GET /v1/documents/{source}``'s ``text[start:end]``. ``found`` is
    false (and there are no citations) when the corpus holds no answer. Send earlier turns
    in ``history`` for follow-up questions; the server keeps no conversation state."""
    history = [Turn(question=t.question, answer=t.answer) for t in body.history]
    # embedding is CPU-bound: off the event loop, so other requests keep being served
    return await anyio.to_thread.run_sync(
        partial(bot.ask, body.question, top_k=body.top_k, history=history)
    )
