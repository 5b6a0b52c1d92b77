"""citebot: question answering over a news archive with verbatim, checkable citations.

The one import root. The folders map into it (see pyproject.toml): ``index/`` is the core
(``citebot.index``); ``api/``, ``bot/`` and ``cli/`` are its adapters; ``evaluate/`` measures
it through the same facade.
"""
