"""Process faults probed as an operator would, on real ``citebot serve`` processes: a
second process on the same data folder, a killed server's lock, a bad webhook URL."""

import os
import signal
import subprocess
from pathlib import Path

from tests.api.helpers import free_port
from tests.api.processes import (
    BIN,
    Process,
    launch,
    serve_args,
    serve_env,
    serving,
    stop,
    wait_listening,
)
from tests.conftest import ROOT

REFUSED = "is in use by another citebot process"


def test_a_second_process_on_the_same_data_folder_is_refused(served: Process,
                                                             tmp_path: Path) -> None:
    data = (served.log.parent / "data").resolve()  # the fixture's folder, as the lock names it
    second = launch(serve_args(free_port()), tmp_path / "second.log", serve_env(data))
    assert second.wait(timeout=60) == 2
    said = (tmp_path / "second.log").read_text()
    assert f"citebot: the data folder {data} {REFUSED} (pid {served.proc.pid})" in said
    assert "CITEBOT_CHROMA_HOST" in said and "Traceback" not in said
    ask = subprocess.run([str(BIN / "citebot"), "ask", "Who summoned the ambassador?"],
                         env={**os.environ, **serve_env(data)}, cwd=ROOT,
                         capture_output=True, text=True, timeout=120, check=False)
    assert ask.returncode == 2 and REFUSED in ask.stderr, ask.stderr


def test_a_killed_server_leaves_no_stale_lock(tmp_path: Path) -> None:
    data, empty = tmp_path / "data", tmp_path / "empty-corpus"
    empty.mkdir()  # nothing to index: the servers only need to start
    first_port = free_port()
    first = launch(serve_args(first_port), tmp_path / "first.log",
                   serve_env(data, CITEBOT_CORPUS_DIR=str(empty)))
    try:
        wait_listening(first, first_port, tmp_path / "first.log")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        with serving(data, free_port(), tmp_path / "next.log",
                     CITEBOT_CORPUS_DIR=str(empty)) as following:
            assert following.proc.poll() is None  # it listens: the lock was released
            assert REFUSED not in following.output()
    finally:
        stop(first, signal.SIGKILL)


def test_an_http_webhook_url_is_refused_at_start(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    proc = launch(serve_args(free_port()), log, serve_env(
        tmp_path / "data", CITEBOT_TELEGRAM_TOKEN="123:abc",
        CITEBOT_TELEGRAM_WEBHOOK_URL="http://bot.example.org/hook",
        CITEBOT_TELEGRAM_WEBHOOK_SECRET="s3cret"))
    assert proc.wait(timeout=60) == 2
    said = log.read_text()
    assert "CITEBOT_TELEGRAM_WEBHOOK_URL must be an https:// address" in said, said
