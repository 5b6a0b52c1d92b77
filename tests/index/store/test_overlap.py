"""The pool that runs a question's independent Chroma reads side by side."""

import os
import signal
import threading
import time

import pytest

from citebot.index.store.overlap import soon


def test_a_read_runs_on_another_thread_and_returns_its_result() -> None:
    caller = threading.get_ident()
    got = soon(lambda x, y=0: (threading.get_ident(), x + y), 2, y=3).result(timeout=10)
    assert got[1] == 5
    assert got[0] != caller


def test_a_failed_read_raises_its_own_error_to_whoever_waits() -> None:
    def unreachable() -> None:
        raise ConnectionError("no Chroma server")

    with pytest.raises(ConnectionError, match="no Chroma server"):
        soon(unreachable).result(timeout=10)


def test_reads_overlap() -> None:
    both = threading.Barrier(2, timeout=10)  # passes only if the two run at the same time
    first, second = soon(both.wait), soon(both.wait)
    assert {first.result(timeout=10), second.result(timeout=10)} == {0, 1}


def test_a_forked_child_gets_reads_done_too() -> None:
    soon(int).result(timeout=10)  # the parent's pool has a worker thread now
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only if its read completes
        try:
            os._exit(0 if soon(lambda: 7).result(timeout=10) == 7 else 1)
        except BaseException:
            os._exit(2)
    deadline = time.monotonic() + 30
    while (done := os.waitpid(pid, os.WNOHANG))[0] == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    if done[0] == 0:  # a hung child must not hang the run
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        pytest.fail("the forked child's read never completed")
    assert os.waitstatus_to_exitcode(done[1]) == 0
