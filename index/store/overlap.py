"""Independent Chroma reads of one question, run side by side.

Each read is a round trip to a Chroma server, or a call into Chroma's Rust core, which
releases the GIL; so reads that do not depend on each other overlap instead of queueing.
On the 300k-chunk archive (``benchmarks/overlap.py``) a hybrid question's reads took
0.72x their time one after another embedded, 0.76x through ``chroma run``. Hand-written
(a pool and a submit): Chroma's client has no call that batches different reads.
"""

import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

_POOL: ThreadPoolExecutor


def _new_pool() -> None:
    """Shared by every question of the process: a task never waits for another task, so a
    full pool only queues reads (the asking thread does its own share meanwhile)."""
    global _POOL
    _POOL = ThreadPoolExecutor(max_workers=8, thread_name_prefix="citebot-read")


_new_pool()
# a forked child has none of its parent's worker threads, but the pool, copied, would
# believe its idle ones are there and queue reads for them forever
os.register_at_fork(after_in_child=_new_pool)


def soon(read: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> "Future[T]":
    """Start ``read`` on a worker thread; its result (or error) is the future's."""
    return _POOL.submit(read, *args, **kwargs)
