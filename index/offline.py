"""Switch every library citebot uses to offline mode before any of them is imported.

Set in code, not only in the README: a missing variable makes transformers retry the
network for about 70 s, and Chroma or llama-index try to download data.
"""

import os

_OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
}


def enforce() -> None:
    """Set the offline switches (keeping any value the user already chose)."""
    for key, value in _OFFLINE_ENV.items():
        os.environ.setdefault(key, value)
    # llama-index ships nltk and tiktoken data; pointing these elsewhere makes it download.
    for key in ("NLTK_DATA", "TIKTOKEN_CACHE_DIR"):
        if key in os.environ and not os.path.isdir(os.environ[key]):
            del os.environ[key]


enforce()
