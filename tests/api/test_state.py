"""``state.AppState``: what the process holds and how far startup got, which ``/readyz`` and
every route needing the core report."""

from pathlib import Path

from fastapi.testclient import TestClient

from citebot.api.app import create_app
from citebot.api.state import AppState
from citebot.settings import Settings


def test_a_new_state_is_starting_with_no_citebot(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    state = AppState(settings=settings)
    assert (state.citebot, state.status, state.detail, state.model_loaded) == (
        None, "starting", "starting up", False)
    app = create_app(settings)
    held = app.state.citebot_state
    assert isinstance(held, AppState) and held.settings is settings


def test_routes_report_the_state_before_startup(tmp_path: Path) -> None:
    """Without its lifespan (no ``with``) the app never starts: the state stays as made."""
    app = create_app(Settings(data_dir=tmp_path))
    client = TestClient(app)
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json() == {
        "ready": False, "status": "starting", "model_loaded": False, "store_reachable": False,
        "documents": None, "detail": "starting up"}
    asked = client.post("/v1/ask", json={"question": "Who?"})
    assert asked.status_code == 503
    assert asked.json()["detail"].startswith("citebot is starting: starting up; retry")
    app.state.citebot_state.detail = "loading the embedding model"
    assert client.get("/readyz").json()["detail"] == "loading the embedding model"
    assert not (tmp_path / "chroma").exists()  # nothing was opened
