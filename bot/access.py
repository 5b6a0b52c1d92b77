"""Who may use the bot, and how often: the allowlist and the per-user rate limit."""

from collections.abc import Iterable
from typing import Literal

from aiolimiter import AsyncLimiter

_MAX_TRACKED = 10_000  # users with a bucket before drained buckets are dropped


class Allowlist:
    """User and chat ids allowed to use the bot; an empty list allows everyone."""

    def __init__(self, ids: Iterable[int]) -> None:
        self.ids = frozenset(ids)

    def allows(self, user_id: int | None, chat_id: int | None) -> bool:
        """A listed user may use the bot anywhere; anyone may use it in a listed chat."""
        return not self.ids or user_id in self.ids or chat_id in self.ids


Decision = Literal["ok", "warn", "drop"]


class RateLimit:
    """At most ``per_minute`` messages per user: a leaky bucket per user (aiolimiter's, which
    PTB's rate limiter already depends on), allowing a burst of ``per_minute`` at once.

    Over the limit, the first message gets a warning ("warn") and the rest are dropped
    silently ("drop") until the bucket has room again, so a flood gets one reply, not one
    per message. Must be used from one event loop (aiolimiter's buckets belong to one).
    """

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[int, AsyncLimiter] = {}
        self._warned: set[int] = set()

    async def check(self, user_id: int) -> Decision:
        bucket = self._buckets.get(user_id)
        if bucket is None:
            self._forget_idle()
            bucket = self._buckets[user_id] = AsyncLimiter(self.per_minute, 60)
        if bucket.has_capacity():
            await bucket.acquire()  # returns at once: there is capacity
            self._warned.discard(user_id)
            return "ok"
        if user_id in self._warned:
            return "drop"
        self._warned.add(user_id)
        return "warn"

    def _forget_idle(self) -> None:
        """Bound memory: a fully drained bucket is the same as a new one, so drop those."""
        if len(self._buckets) >= _MAX_TRACKED:
            self._buckets = {
                user: bucket
                for user, bucket in self._buckets.items()
                if not bucket.has_capacity(self.per_minute)
            }
            self._warned &= self._buckets.keys()
