"""A Chroma server that cannot be reached becomes ``StoreUnavailable``, logged once.

Chroma's HTTP client lets ``httpx`` transport errors through (connection refused, reset,
timed out), or, when it is created, turns one into a ``ValueError`` ("Could not connect
to a Chroma server"). Every caller gets a ``StoreUnavailable`` saying so; the log gets one line when
the outage starts and one when a call succeeds again, not a traceback per request. The
client reconnects by itself, so recovery needs no restart.
"""

import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from citebot.index.errors import StoreUnavailable

log = logging.getLogger("citebot.store")
UNREACHABLE = (httpx.TransportError, ConnectionError)


class Outages:
    def __init__(self, where: str) -> None:
        self.where = where
        self._since: float | None = None  # monotonic start of the current outage
        self._lock = threading.Lock()

    @contextmanager
    def guard(self) -> Iterator[None]:
        """Run a block that talks to the store, translating a lost connection."""
        try:
            yield
        except Exception as e:
            if not _lost(e):
                raise
            self._down(e)
            raise StoreUnavailable(
                f"the archive's store is unreachable (the Chroma server at {self.where} does not "
                "answer); try again shortly"
            ) from e
        if self._since is not None:
            self._up()

    def _down(self, error: Exception) -> None:
        with self._lock:
            if self._since is None:
                self._since = time.monotonic()
                log.error("the Chroma server at %s is unreachable (%s: %s); requests that "
                          "need the store fail until it is back", self.where,
                          type(error).__name__, error)

    def _up(self) -> None:
        with self._lock:
            if self._since is not None:
                log.warning("the Chroma server at %s is reachable again after %.0f s",
                            self.where, time.monotonic() - self._since)
                self._since = None


def _lost(error: BaseException) -> bool:
    """A connection failure, or an error Chroma raised because of one."""
    return isinstance(error, UNREACHABLE) or isinstance(error.__context__, UNREACHABLE)
