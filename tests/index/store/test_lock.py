"""One process per embedded data folder: a real second process is refused, and a killed
holder leaves nothing stuck."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from citebot.index.errors import DataFolderBusy
from citebot.index.store.lock import hold

HOLDER = """
import sys, time
from pathlib import Path
from citebot.index.store.lock import hold
lease = hold(Path(sys.argv[1]))  # held while referenced
print("held", flush=True)
time.sleep(600)
"""


def holder(folder: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(folder)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def test_one_process_may_hold_its_folder_twice(tmp_path: Path) -> None:
    first = hold(tmp_path / "data")
    assert hold(tmp_path / "data") is first  # a second Citebot in the same process shares it


def test_the_lock_is_released_when_no_one_holds_the_lease(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    lease = hold(folder)
    del lease  # every Citebot on the folder is gone
    proc = holder(folder)  # another process can take it now
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def test_another_process_is_refused_until_the_holder_is_killed(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    proc = holder(folder)
    try:
        with pytest.raises(DataFolderBusy, match=rf"in use by another citebot process "
                                                 rf"\(pid {proc.pid}\)") as refused:
            hold(folder)
        assert "CITEBOT_CHROMA_HOST" in str(refused.value)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert hold(folder)  # the kernel released the lock with the process
