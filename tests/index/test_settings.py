"""The core's settings: read from CITEBOT_* variables, refused with the variable named."""

import pytest
from pydantic import ValidationError

from citebot.index.settings import CoreSettings


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITEBOT_TOP_K", "7")
    monkeypatch.setenv("CITEBOT_RETRIEVAL_MODE", "lexical")
    settings = CoreSettings()
    assert (settings.top_k, settings.retrieval_mode) == (7, "lexical")
    assert settings.lexical_dir == settings.data_dir / "lexical"


@pytest.mark.parametrize(("env", "message"), [
    ({"CITEBOT_TOP_K": "40", "CITEBOT_MAX_TOP_K": "30"}, "CITEBOT_TOP_K .40. exceeds"),
    ({"CITEBOT_EMBED_PRECISION": "int8", "CITEBOT_EMBED_BACKEND": "torch"},
     "needs the onnx backend"),
])
def test_inconsistent_values_are_refused(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ValidationError, match=message):
        CoreSettings()
