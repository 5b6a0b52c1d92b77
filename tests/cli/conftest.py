"""A sample index built by `citebot ingest`, and `citebot` run as a user runs it."""

import codecs
import fcntl
import os
import pty
import select
import shutil
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from citebot.index.embed.embedder import Embedder
from citebot.settings import get_settings
from tests.conftest import CORPUS

CITEBOT = str(Path(sys.executable).parent / "citebot")


def with_model(data: Path, embedder: Embedder) -> Path:
    """A data folder holding the session's ONNX export already, so a `citebot` process
    started on it loads the model instead of exporting it again (~15 s). The file's name
    depends on the weights and the recipe, not on the folder."""
    onnx = embedder._onnx_file()
    (data / "models").mkdir(parents=True, exist_ok=True)
    shutil.copy(onnx, data / "models" / onnx.name)
    return data


def run(args: list[str], data: Path, stdin: str | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """`citebot ARGS` in a new process, on the index in ``data``."""
    environ = os.environ | {"CITEBOT_DATA_DIR": str(data), "CITEBOT_CORPUS_DIR": str(CORPUS)}
    return subprocess.run([CITEBOT, *args], input=stdin, capture_output=True, text=True,
                          env=environ | (env or {}), timeout=300)


@pytest.fixture(scope="session")
def sample_data(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> Path:
    """The sample corpus ingested by `citebot ingest`. Read-only: don't write."""
    data = with_model(tmp_path_factory.mktemp("cli-sample"), embedder)
    done = run(["ingest"], data)
    assert done.returncode == 0 and "5 added" in done.stdout, done.stderr
    return data


@pytest.fixture
def sample(monkeypatch: pytest.MonkeyPatch, sample_data: Path) -> Iterator[Path]:
    """``sample_data`` as the environment's data folder, for ``main([...])`` in-process."""
    monkeypatch.setenv("CITEBOT_DATA_DIR", str(sample_data))
    get_settings.cache_clear()  # the CLI reads the environment once per process
    yield sample_data
    get_settings.cache_clear()


class Terminal:
    """`citebot ARGS` on a pseudo-terminal, as someone typing at it sees it."""

    def __init__(self, args: list[str], data: Path) -> None:
        environ = os.environ | {"CITEBOT_DATA_DIR": str(data), "CITEBOT_CORPUS_DIR": str(CORPUS),
                                "TERM": "xterm"}
        self.master, slave = pty.openpty()
        # 100 columns: a new pseudo-terminal has 0, where progress bars draw nothing
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.process = subprocess.Popen([CITEBOT, *args], stdin=slave, stdout=slave,
                                        stderr=slave, env=environ, close_fds=True)
        os.close(slave)
        self.output = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")  # "›" may come split

    def expect(self, text: str, timeout: float = 120.0, after: int = 0) -> int:
        """Read until ``text`` appears after position ``after``; its end position."""
        deadline = time.monotonic() + timeout
        while (found := self.output.find(text, after)) < 0:
            if time.monotonic() > deadline or not self._read(deadline - time.monotonic()):
                raise AssertionError(f"{text!r} did not appear; the screen: {self.output!r}")
        return found + len(text)

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def finish(self, timeout: float = 60.0) -> int:
        """Wait for the process to end, reading what it still prints; its exit status."""
        deadline = time.monotonic() + timeout
        while self._read(max(0.0, deadline - time.monotonic())):
            pass
        code = self.process.wait(timeout=max(1.0, deadline - time.monotonic()))
        os.close(self.master)
        return code

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # EIO: the process has ended and closed the terminal
            return False
        self.output += self._decoder.decode(chunk)
        return bool(chunk)
