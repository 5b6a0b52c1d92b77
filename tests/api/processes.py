"""Real processes on loopback for the fault tests: ``citebot serve`` and ``chroma run``."""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import CORPUS, ROOT

BIN = Path(sys.executable).parent
START_TIMEOUT = 60.0  # seconds to import and listen on a busy machine


@dataclass
class Process:
    proc: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def launch(args: list[str], log: Path, env: dict[str, str] | None = None,
           cwd: Path = ROOT) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(args, env={**os.environ, **(env or {})}, cwd=cwd,
                                stdout=out, stderr=subprocess.STDOUT)


def serve_args(port: int) -> list[str]:
    return [str(BIN / "citebot"), "serve", "--host", "127.0.0.1", "--port", str(port)]


def serve_env(data: Path, **extra: str) -> dict[str, str]:
    return {"CITEBOT_DATA_DIR": str(data), "CITEBOT_CORPUS_DIR": str(CORPUS), **extra}


def wait_listening(proc: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        assert proc.poll() is None, f"exited with {proc.returncode}:\n{log.read_text()}"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            assert time.monotonic() < deadline, f"nothing listens on {port}:\n{log.read_text()}"
            time.sleep(0.1)


def stop(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


@contextmanager
def serving(data: Path, port: int, log: Path, **env: str) -> Iterator[Process]:
    """``citebot serve`` on ``data`` until the block ends (then SIGTERM)."""
    proc = launch(serve_args(port), log, serve_env(data, **env))
    try:
        wait_listening(proc, port, log)
        yield Process(proc, port, log)
    finally:
        stop(proc)


def start_chroma(path: Path, port: int, log: Path) -> subprocess.Popen[bytes]:
    """``chroma run`` on ``path``, once its heartbeat answers."""
    proc = launch([str(BIN / "chroma"), "run", "--path", str(path), "--host", "127.0.0.1",
                   "--port", str(port)], log)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat").status_code == 200:
                return proc
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop(proc, signal.SIGKILL)
            raise AssertionError(f"chroma run did not start on {port}:\n{log.read_text()}")
        time.sleep(0.2)
