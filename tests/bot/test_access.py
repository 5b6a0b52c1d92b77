"""``bot/access.py``: who may use the bot (the allowlist) and how often (the rate limit)."""

import asyncio

from citebot.bot import access
from citebot.bot.access import Allowlist, RateLimit


def test_allowlist() -> None:
    assert Allowlist([]).allows(1, 1)
    assert Allowlist([]).allows(None, None)  # an empty list allows everyone
    listed = Allowlist([7, -100])
    assert listed.allows(7, 99) and listed.allows(8, -100)
    assert not listed.allows(8, 8) and not listed.allows(None, None)


async def test_rate_limit_warns_once_then_drops_and_refills() -> None:
    limit = RateLimit(per_minute=600)  # one more every 0.1 s
    decisions = [await limit.check(1) for _ in range(603)]
    assert decisions[:600] == ["ok"] * 600
    assert decisions[600:] == ["warn", "drop", "drop"]
    assert await limit.check(2) == "ok"  # per user
    await asyncio.sleep(0.25)
    assert await limit.check(1) == "ok"
    decisions = [await limit.check(1) for _ in range(3)]
    assert "warn" in decisions  # warned again after being let through


async def test_drained_buckets_are_forgotten_when_many_users_have_one() -> None:
    # The bound on memory is only visible in the table of buckets itself: a forgotten
    # drained bucket behaves exactly like a new one, which is why it may be dropped.
    limit = RateLimit(per_minute=600)  # a bucket holding one message drains in 0.1 s
    flood = [await limit.check(0) for _ in range(601)]
    assert flood[-1] == "warn"
    for user in range(1, access._MAX_TRACKED):
        assert await limit.check(user) == "ok"
    assert len(limit._buckets) == access._MAX_TRACKED
    await asyncio.sleep(0.2)  # every one-message bucket is empty now; user 0's is not
    assert await limit.check(access._MAX_TRACKED) == "ok"
    assert set(limit._buckets) == {0, access._MAX_TRACKED}
    assert limit._warned == {0}
