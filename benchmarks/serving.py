"""A ``citebot serve`` process for the HTTP benchmarks: start, wait, read its memory, stop."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
CITEBOT = Path(sys.executable).parent / "citebot"
READY_TIMEOUT = 600.0  # seconds: importing, loading the model and indexing on busy cores
API_KEY = "bench-key-0123456789"
AUTH = {"Authorization": f"Bearer {API_KEY}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def memory_mb(pid: int) -> tuple[float, float]:
    """A process's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
    fields = dict(line.split(":", 1) for line in
                  Path(f"/proc/{pid}/status").read_text().splitlines())
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


class Server:
    """``citebot serve`` (``citebot`` may be another checkout's, to compare versions) on a
    free loopback port over ``data``, indexing corpus/ on start; writes allowed."""

    def __init__(self, data: Path, log: Path, citebot: Path = CITEBOT) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "CITEBOT_DATA_DIR": str(data), "CITEBOT_API_KEY": API_KEY,
               "CITEBOT_CORPUS_DIR": str(ROOT / "corpus")}
        with log.open("wb") as out:
            self.proc = subprocess.Popen(
                [str(citebot), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
                env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)

    def wait_ready(self) -> float:
        start = time.monotonic()
        while time.monotonic() - start < READY_TIMEOUT:
            if self.proc.poll() is not None:
                raise SystemExit(f"citebot serve exited with {self.proc.returncode}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200:
                    return time.monotonic() - start
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"the server was not ready after {READY_TIMEOUT:.0f} s")

    def memory_mb(self) -> tuple[float, float]:
        """The server's resident memory now and at its peak (VmRSS, VmHWM), in MB."""
        return memory_mb(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
