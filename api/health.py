"""``/healthz`` (the process answers) and ``/readyz`` (it can answer questions)."""

import anyio
from fastapi import APIRouter, Response

from citebot.api.deps import StateDep
from citebot.api.routing import CheckedBodyRoute
from citebot.api.schemas import Health, Readiness

router = APIRouter(tags=["health"], route_class=CheckedBodyRoute)
STORE_TIMEOUT = 5.0  # seconds; a Chroma server that does not answer by then is unreachable


@router.get("/healthz")
async def healthz() -> Health:
    """The process is up (it may still be loading the model or indexing)."""
    return Health()


@router.get("/readyz", responses={503: {"model": Readiness, "description": "Not ready yet"}})
async def readyz(state: StateDep, response: Response) -> Readiness:
    """Ready when the model is loaded and the store answers; 503 until then."""
    # one consistent snapshot: startup may move on while the store is being asked
    status, detail, model_loaded = state.status, state.detail, state.model_loaded
    documents = None
    if state.citebot is not None and model_loaded:
        count = state.citebot.count
        try:
            with anyio.fail_after(STORE_TIMEOUT):
                documents = await anyio.to_thread.run_sync(count, abandon_on_cancel=True)
        except Exception as e:  # any failure of the store means "not ready", with the reason
            detail = f"the store is unreachable: {type(e).__name__}: {e}"
    ready = status == "ready" and documents is not None
    response.status_code = 200 if ready else 503
    return Readiness(
        ready=ready, status=status, model_loaded=model_loaded,
        store_reachable=documents is not None, documents=documents, detail=detail,
    )
