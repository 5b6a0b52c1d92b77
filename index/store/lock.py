"""One process per embedded data folder, enforced with an OS lock the kernel releases.

Two processes with an embedded Chroma store on one folder do not see each other's writes:
the second one's searches miss, then fail ("Error finding id"). ``hold`` takes an
exclusive ``flock`` on ``citebot.lock`` in the folder, without waiting; the kernel drops it
when the process ends, however it ends (SIGKILL included), so nothing is left stuck.
Within one process every ``Citebot`` on the folder shares the lock (Chroma shares one
client per path inside a process, which is safe); it is released once none refers to it.
"""

import fcntl
import os
import weakref
from pathlib import Path

from citebot.index.errors import DataFolderBusy

LOCK_NAME = "citebot.lock"


class Lease:
    """This process's lock on one folder; released when the last holder drops it (a test
    session opens hundreds of stores: their descriptors must not pile up)."""

    def __init__(self, fd: int) -> None:
        self._finalizer = weakref.finalize(self, os.close, fd)  # closing the fd unlocks


_held: "weakref.WeakValueDictionary[Path, Lease]" = weakref.WeakValueDictionary()


def hold(folder: Path) -> Lease:
    """Lock ``folder`` for this process while the returned lease is referenced (the
    ``Citebot`` keeps it); DataFolderBusy if another process holds it."""
    folder = folder.resolve()
    lease = _held.get(folder)
    if lease is not None:
        return lease
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
    lease = _held[folder] = Lease(fd)
    return lease


def busy_message(folder: Path, holder: str) -> str:
    return (
        f"the data folder {folder} is in use by another citebot process (pid {holder}): an "
        "embedded store belongs to one process, and a second one would miss the first's "
        "writes. Use the running server (its HTTP API), stop it first, or run a Chroma "
        "server (`chroma run --path DIR`) and set CITEBOT_CHROMA_HOST in every process "
        "(see the README, 'Scaling out')"
    )
