"""Errors the core raises; each adapter (CLI, HTTP, Telegram) turns them into a message."""


class CitebotError(Exception):
    """Base class: the message says what was wrong and how to fix it."""


class InvalidInput(CitebotError):
    """A question, quote or document the caller sent cannot be used as it is."""


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
