"""Replicas: several ``citebot serve`` processes on one real ``chroma run`` server.

A document added, replaced by text of the same size (same chunk count) and deleted through
one replica is answered with its current text by the others, in each retrieval mode, within
two seconds of the write; none of them ever cites superseded or deleted text.
"""

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.helpers import AUTH, KEY, free_port, wait_ready
from tests.conftest import CORPUS, ROOT
from tests.index.store.test_chroma_server import chroma_server  # noqa: F401  (a fixture)

VISIBLE_WITHIN = 2.0  # seconds, the bound
MODES = ("lexical", "dense", "hybrid")


def _serve(port: int, data: Path, chroma: int, mode: str, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CITEBOT_DATA_DIR": str(data), "CITEBOT_CORPUS_DIR": str(CORPUS),
           "CITEBOT_API_KEY": KEY, "CITEBOT_CHROMA_HOST": "127.0.0.1",
           "CITEBOT_CHROMA_PORT": str(chroma), "CITEBOT_RETRIEVAL_MODE": mode}
    citebot = Path(sys.executable).parent / "citebot"
    with log.open("wb") as out:
        return subprocess.Popen([str(citebot), "serve", "--host", "127.0.0.1", "--port",
                                 str(port)], env=env, cwd=ROOT, stdout=out,
                                stderr=subprocess.STDOUT)


@pytest.fixture(scope="module")
def replicas(chroma_server: int, tmp_path_factory: pytest.TempPathFactory  # noqa: F811
             ) -> Iterator[dict[str, httpx.Client]]:
    """A writer (hybrid) started first (it indexes corpus/), then one reader per mode."""
    tmp = tmp_path_factory.mktemp("replicas")
    procs: list[subprocess.Popen[bytes]] = []
    clients: dict[str, httpx.Client] = {}
    try:
        for name in ("writer", *MODES):
            port = free_port()
            procs.append(_serve(port, tmp / name, chroma_server,
                                "hybrid" if name == "writer" else name, tmp / f"{name}.log"))
            clients[name] = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
            _wait_up(clients[name], procs[-1])
            wait_ready(clients[name])
        yield clients
    finally:
        for client in clients.values():
            client.close()
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)


def _wait_up(client: httpx.Client, proc: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        assert proc.poll() is None, f"citebot serve exited with {proc.returncode}"
        try:
            client.get("/healthz")
            return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("citebot serve did not start")


def _cited(client: httpx.Client, question: str) -> str:
    response = client.post("/v1/ask", json={"question": question})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return " ".join(c["text"] for c in answer["citations"])


def _until(readers: dict[str, httpx.Client], question: str, ok: Callable[[str], bool],
           never: Callable[[str], bool]) -> dict[str, float]:
    """When each reader's first right answer was asked (seconds after the write), polling
    until each has given one. An ask that starts VISIBLE_WITHIN or later after the write
    must be right: the time an answer takes under load is not staleness, so asks are
    judged by when they started. No answer may ever satisfy ``never``."""
    started = time.monotonic()
    seen: dict[str, float] = {}
    while len(seen) < len(readers):
        for mode, client in readers.items():
            if mode in seen:
                continue
            asked = time.monotonic() - started
            cited = _cited(client, question)
            assert not never(cited), (mode, cited)
            if ok(cited):
                seen[mode] = asked
            else:
                assert asked < VISIBLE_WITHIN, f"{mode}: still stale {asked:.1f} s after"
        assert time.monotonic() - started < 120, f"no answer in time: {seen}"
        time.sleep(0.1)
    return seen


def test_writes_through_one_replica_reach_every_other(
    replicas: dict[str, httpx.Client]
) -> None:
    writer = replicas["writer"]
    readers = {m: replicas[m] for m in MODES}
    source = "notes/replica.txt"
    first = "The quokka Quentin lives on Rottnest Island, the ranger said."
    second = "The wombat Wilma lives in Tasmania, the ranger said today."  # one chunk too
    added = writer.post("/v1/documents", headers=AUTH, json={"source": source, "text": first})
    assert added.status_code in (200, 201), added.text
    _until(readers, "Where does the quokka Quentin live?",
           ok=lambda c: "Rottnest" in c, never=lambda c: False)

    replaced = writer.post("/v1/documents", headers=AUTH, json={"source": source,
                                                              "text": second})
    assert replaced.status_code in (200, 201) and replaced.json()["chunks"] == 1
    _until(readers, "Where does the wombat Wilma live?",
           ok=lambda c: "Tasmania" in c, never=lambda c: "quokka" in c)
    for client in readers.values():  # superseded text is never cited again
        assert "quokka" not in _cited(client, "Where does the quokka Quentin live?")

    assert writer.delete(f"/v1/documents/{source}", headers=AUTH).status_code in (200, 204)
    time.sleep(VISIBLE_WITHIN)
    for mode, client in readers.items():
        assert "wombat" not in _cited(client, "Where does the wombat Wilma live?"), mode
        assert "quokka" not in _cited(client, "Where does the quokka Quentin live?"), mode
