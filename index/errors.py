"""Errors the core raises; each adapter (CLI, HTTP, Telegram) turns them into a message."""

from collections.abc import Iterator
from contextlib import contextmanager


class CitebotError(Exception):
    """Base class: the message says what was wrong and how to fix it."""


class InvalidInput(CitebotError):
    """A question, quote or document the caller sent cannot be used as it is. ``field``
    names the input at fault ("question", "top_k", …): the HTTP API reports the error as
    that body field's, the CLI and Telegram show the message alone."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@contextmanager
def concerning(field: str) -> Iterator[None]:
    """Name ``field`` on an ``InvalidInput`` raised inside without one: a shared check
    (``valid_unicode``, ``check_source``) does not know which input it was given."""
    try:
        yield
    except InvalidInput as e:
        e.field = e.field or field
        raise


class EmptyCorpus(CitebotError):
    """There is nothing to index or nothing indexed to answer from."""


class DocumentNotFound(CitebotError):
    """No document is stored under that source."""


class UnreadableFile(CitebotError):
    """A file is not valid UTF-8 text (binary, or another encoding)."""


class StoreMismatch(CitebotError):
    """The store was built with another embedding model or precision than configured."""


class StoreUnavailable(CitebotError):
    """The Chroma server cannot be reached; the request may succeed once it is back."""


class DataFolderBusy(CitebotError):
    """Another process has the embedded store's data folder open."""
