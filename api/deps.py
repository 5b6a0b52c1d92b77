"""Typed dependencies shared by the routes: the process's one ``Citebot``, settings, auth."""

import hmac
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from citebot.api.state import AppState
from citebot.index.service import Citebot
from citebot.settings import Settings

RETRY_SECONDS = 5


def get_state(request: Request) -> AppState:
    state: AppState = request.app.state.citebot_state
    return state


StateDep = Annotated[AppState, Depends(get_state)]


def get_settings(state: StateDep) -> Settings:
    return state.settings


def get_citebot(state: StateDep) -> Citebot:
    """The core, once it is ready; until then 503 with Retry-After (see GET /readyz)."""
    if state.citebot is None or state.status != "ready":
        raise HTTPException(
            status_code=503,
            detail=f"citebot is {state.status}: {state.detail}; retry in a few seconds "
            "(GET /readyz says when it is ready)",
            headers={"Retry-After": str(RETRY_SECONDS)},
        )
    return state.citebot


SettingsDep = Annotated[Settings, Depends(get_settings)]
CitebotDep = Annotated[Citebot, Depends(get_citebot)]

_bearer = HTTPBearer(
    auto_error=False,
    description="The key set in CITEBOT_API_KEY; writing is refused (403) while none is set",
)


def require_api_key(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Writes need ``Authorization: Bearer <CITEBOT_API_KEY>``, and a key to be configured."""
    if settings.api_key is None:
        raise HTTPException(
            status_code=403,
            detail="writing documents is disabled: set CITEBOT_API_KEY on the server to enable "
            "it, then send 'Authorization: Bearer <key>'",
        )
    expected = settings.api_key.get_secret_value().encode()
    given = credentials.credentials.encode() if credentials else b""
    if not hmac.compare_digest(given, expected):  # constant time: no timing oracle
        raise HTTPException(
            status_code=401,
            detail="missing or wrong API key: send 'Authorization: Bearer <CITEBOT_API_KEY>'",
            headers={"WWW-Authenticate": 'Bearer realm="citebot"'},
        )


WriterDep = Depends(require_api_key)
