"""One process per embedded data folder, enforced with an OS lock the kernel releases.

Two processes with an embedded Chroma store on one folder do not see each other's writes:
the second one's searches miss, then fail ("Error finding id"). ``hold`` takes an
exclusive ``flock`` on ``citebot.lock`` in the folder, without waiting; the kernel drops it
when the process ends, however it ends (SIGKILL included), so nothing is left stuck.
Within one process every ``Citebot`` on the folder shares the lock: Chroma shares one
client per path inside a process, which is safe.
"""

import fcntl
import os
from pathlib import Path

from citebot.index.errors import DataFolderBusy

LOCK_NAME = "citebot.lock"
_held: dict[Path, int] = {}  # folder -> the open descriptor holding its lock


def hold(folder: Path) -> None:
    """Lock ``folder`` for this process until it exits; DataFolderBusy if another has it."""
    folder = folder.resolve()
    if folder in _held:
        return
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
        os.close(fd)
        raise DataFolderBusy(busy_message(folder, holder)) from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())  # for the message another process shows
    _held[folder] = fd


def busy_message(folder: Path, holder: str) -> str:
    return (
        f"the data folder {folder} is in use by another citebot process (pid {holder}): an "
        "embedded store belongs to one process, and a second one would miss the first's "
        "writes. Use the running server (its HTTP API), stop it first, or run a Chroma "
        "server (`chroma run --path DIR`) and set CITEBOT_CHROMA_HOST in every process "
        "(see the README, 'Scaling out')"
    )
