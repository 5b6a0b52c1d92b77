"""``index/offline.py``: the offline switches are set (a user's own choice kept) before the
libraries read them, and data paths that would make llama-index download are dropped."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from citebot.index import offline

SWITCHES = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_PROGRESS_BARS",
            "HF_HUB_DISABLE_TELEMETRY", "ANONYMIZED_TELEMETRY", "TOKENIZERS_PARALLELISM")


def test_enforce_sets_missing_switches_and_keeps_the_users(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in SWITCHES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TOKENIZERS_PARALLELISM", "true")  # the user's choice
    monkeypatch.setenv("NLTK_DATA", str(tmp_path / "missing"))
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))  # exists: kept
    offline.enforce()
    assert os.environ["HF_HUB_OFFLINE"] == os.environ["TRANSFORMERS_OFFLINE"] == "1"
    assert os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] == "1"
    assert os.environ["HF_HUB_DISABLE_TELEMETRY"] == "1"
    assert os.environ["ANONYMIZED_TELEMETRY"] == "False"
    assert os.environ["TOKENIZERS_PARALLELISM"] == "true"
    assert "NLTK_DATA" not in os.environ  # a folder that is not there would be downloaded to
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(tmp_path)


PROBE = "{}import huggingface_hub.constants as c; print(c.HF_HUB_OFFLINE)"


@pytest.mark.parametrize(("first", "seen"), [("import citebot.index.offline; ", "True"),
                                             ("", "False")])
def test_the_hub_library_reads_the_switch_set_on_import(first: str, seen: str) -> None:
    # without the module imported first, the same environment leaves the hub online: the
    # library reads the variable once, when it is imported
    env = {k: v for k, v in os.environ.items() if k not in SWITCHES}
    done = subprocess.run([sys.executable, "-c", PROBE.format(first)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == seen
