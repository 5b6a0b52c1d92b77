"""Helpers shared by the API tests (imported as ``tests.api.helpers``)."""

import json
import select
import socket
import time
from collections.abc import Iterable
from typing import Any, Protocol

from tests.conftest import CORPUS

KEY = "test-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
READY_TIMEOUT = 240.0  # seconds: a cold server loads the model and indexes corpus/ first


class Getter(Protocol):
    def get(self, url: str) -> Any: ...


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(client: Getter, timeout: float = READY_TIMEOUT) -> dict[str, Any]:
    """Poll ``/readyz`` until it says 200 (bounded); returns its body."""
    deadline = time.monotonic() + timeout
    while True:
        response = client.get("/readyz")
        if response.status_code == 200:
            body: dict[str, Any] = response.json()
            return body
        assert response.status_code == 503, response.text
        assert response.json()["status"] != "failed", response.json()
        assert time.monotonic() < deadline, f"not ready after {timeout} s: {response.json()}"
        time.sleep(0.1)


def assert_cited_verbatim(client: Getter, answer: dict[str, Any]) -> None:
    """Each citation's text is what GET /v1/documents/{source} returns at [start:end]."""
    for c in answer["citations"]:
        doc = client.get(f"/v1/documents/{c['source']}")
        assert doc.status_code == 200, doc.text
        text = doc.json()["text"]
        assert text[c["start"] : c["end"]] == c["text"], c
        assert c["text"] in answer["answer"]
        if (CORPUS / c["source"]).exists():  # and it is the file's own text on disk
            assert text == (CORPUS / c["source"]).read_bytes().decode("utf-8")


def raw_request(port: int, head: bytes,
                chunks: Iterable[bytes] = ()) -> tuple[int, dict[str, object]]:
    """Send bytes exactly as given (no client-side path clean-up, no Content-Length), and
    stop sending once the server answers, as a client would on an early 413."""
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(head)
        answered = select.poll()  # not select.select: it fails on a descriptor over 1023
        answered.register(s, select.POLLIN)
        for chunk in chunks:
            if answered.poll(0):
                break
            try:
                s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):  # it answered and closed
                break
        try:
            while part := s.recv(65536):
                data += part
        except ConnectionResetError:  # the server closes without reading the rest
            pass
    head_, _, body = data.partition(b"\r\n\r\n")
    if b"transfer-encoding: chunked" in head_.lower():
        body = _unchunk(body)
    return int(head_.split()[1]), json.loads(body)


def _unchunk(body: bytes) -> bytes:
    out = b""
    while body:
        size, _, rest = body.partition(b"\r\n")
        n = int(size, 16)
        if n == 0:
            break
        out, body = out + rest[:n], rest[n + 2 :]
    return out
