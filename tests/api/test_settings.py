"""``settings.HttpSettings``: the API's part of the settings, read from ``CITEBOT_*``, and
what the app does with it (the bind address, the key, the body limit, CORS)."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from citebot.api.settings import HttpSettings
from tests.api.helpers import AUTH, KEY


def test_defaults_serve_loopback_with_writes_off(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HOST", "PORT", "API_KEY", "MAX_BODY_BYTES", "CORS_ORIGINS"):
        monkeypatch.delenv(f"CITEBOT_{name}", raising=False)
    settings = HttpSettings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.host, settings.port, settings.api_key) == ("127.0.0.1", 8000, None)
    assert settings.max_body_bytes == 5_000_000 and settings.cors_origins == []


def test_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITEBOT_PORT", "9001")
    monkeypatch.setenv("CITEBOT_API_KEY", KEY)
    monkeypatch.setenv("CITEBOT_CORS_ORIGINS", '["https://news.example"]')
    monkeypatch.setenv("CITEBOT_MAX_BODY_BYTES", "4096")
    settings = HttpSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.port == 9001 and settings.cors_origins == ["https://news.example"]
    assert settings.max_body_bytes == 4096
    assert settings.api_key is not None and settings.api_key.get_secret_value() == KEY
    assert KEY not in repr(settings) and KEY not in str(settings.model_dump())  # kept secret


@pytest.mark.parametrize(("name", "value"), [
    ("CITEBOT_PORT", "70000"), ("CITEBOT_PORT", "http"),
    ("CITEBOT_MAX_BODY_BYTES", "100"), ("CITEBOT_CORS_ORIGINS", "https://news.example"),
])
def test_bad_values_are_refused_naming_the_setting(monkeypatch: pytest.MonkeyPatch, name: str,
                                                   value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises((ValidationError, ValueError), match=name.removeprefix("CITEBOT_").lower()):
        HttpSettings(_env_file=None)  # type: ignore[call-arg]


def test_the_app_uses_them(monkeypatch: pytest.MonkeyPatch,
                           make_client: Callable[..., TestClient]) -> None:
    monkeypatch.setenv("CITEBOT_API_KEY", KEY)
    monkeypatch.setenv("CITEBOT_MAX_BODY_BYTES", "2048")
    c = make_client()  # its Settings read the environment
    assert c.post("/v1/documents", headers=AUTH,
                  json={"source": "a.txt", "text": "Short."}).status_code == 201
    big = c.post("/v1/documents", headers=AUTH, json={"source": "b.txt", "text": "x" * 3000})
    assert big.status_code == 413 and "2,048 bytes" in big.json()["detail"]
