"""The same API on a real ``citebot serve`` process (uvicorn) on a free loopback port."""

import asyncio
import json
import os
import select
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.api.helpers import AUTH, KEY, assert_cited_verbatim, free_port, wait_ready
from tests.conftest import CORPUS, ROOT


@dataclass
class Server:
    url: str
    port: int
    client: httpx.Client
    stdout: Path


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``citebot serve`` with an empty data folder: it indexes corpus/ itself on start."""
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {**os.environ, "CITEBOT_DATA_DIR": str(tmp / "data"), "CITEBOT_CORPUS_DIR": str(CORPUS),
           "CITEBOT_API_KEY": KEY}
    out = tmp / "stdout.txt"
    citebot = Path(sys.executable).parent / "citebot"
    with out.open("wb") as stdout:
        proc = subprocess.Popen([str(citebot), "serve", "--host", "127.0.0.1", "--port",
                                 str(port)], env=env, cwd=ROOT, stdout=stdout,
                                stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=60) as client:
            _wait_listening(proc, port)
            yield Server(url, port, client, out)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
    # a graceful shutdown: uvicorn finishes the lifespan, then re-raises the SIGTERM
    assert proc.returncode in (0, -signal.SIGTERM), out.read_text()
    assert "Application shutdown complete" in out.read_text()


def _wait_listening(proc: subprocess.Popen[bytes], port: int) -> None:
    for _ in range(600):  # bounded: at most 60 s to import and bind
        if proc.poll() is not None:
            pytest.fail(f"citebot serve exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"citebot serve did not listen on {port}")


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, (response.status_code, response.text)
    body: dict[str, Any] = response.json()
    return body


def test_ready_after_indexing_the_corpus(server: Server) -> None:
    assert server.client.get("/healthz").json() == {"status": "ok"}
    ready = wait_ready(server.client)
    assert ready["documents"] == 5 and ready["model_loaded"] and ready["store_reachable"]
    assert server.client.get("/").headers["content-type"].startswith("text/html")


def test_printed_curl_example_works(server: Server) -> None:
    wait_ready(server.client)
    printed = server.stdout.read_text()
    line = next(x.strip() for x in printed.splitlines() if x.strip().startswith("curl "))
    args = shlex.split(line)
    assert args[args.index("-H") + 1] == "Content-Type: application/json"
    url, body = args[2], json.loads(args[args.index("-d") + 1])
    assert url == f"{server.url}/v1/ask"
    answer = _ok(httpx.post(url, json=body, timeout=60))
    assert answer["found"]
    assert_cited_verbatim(server.client, answer)


def test_follow_up_over_http(server: Server) -> None:
    wait_ready(server.client)
    first = _ok(server.client.post(
        "/v1/ask", json={"question": "Who is the spokesman of China's foreign ministry?"}
    ))
    follow = _ok(server.client.post("/v1/ask", json={
        "question": "What did he say about weapons?",
        "history": [{"question": first["question"], "answer": first["answer"]}],
    }))
    assert "never provided lethal weapons" in follow["citations"][0]["text"]
    assert_cited_verbatim(server.client, follow)


def test_add_answer_delete_over_http(server: Server) -> None:
    wait_ready(server.client)
    text = "The Atacama desert in Chile is the driest place on Earth, scientists said."
    question = {"question": "Which is the driest place on Earth?"}
    assert server.client.post("/v1/documents", json={"source": "x/atacama.txt", "text": text}
                              ).status_code == 401
    added = server.client.post("/v1/documents", headers=AUTH,
                               json={"source": "x/atacama.txt", "text": text})
    assert added.status_code == 201, added.text
    answer = _ok(server.client.post("/v1/ask", json=question))
    assert answer["citations"][0]["text"] == text
    assert server.client.delete("/v1/documents/x/atacama.txt", headers=AUTH).status_code == 200
    after = _ok(server.client.post("/v1/ask", json=question))
    assert all(c["source"] != "x/atacama.txt" for c in after["citations"])


def test_concurrent_questions_are_all_answered(server: Server) -> None:
    wait_ready(server.client)
    questions = ["Who summoned the Chinese ambassador?", "What did NATO call China?",
                 "How were the Chinese fighters recruited?", "What is the capital of Peru?"]

    async def ask_all() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
            return await asyncio.gather(*(
                client.post("/v1/ask", json={"question": questions[i % 4]}) for i in range(24)
            ))

    responses = asyncio.run(ask_all())
    assert [r.status_code for r in responses] == [200] * 24, [r.text for r in responses]
    by_question: dict[str, set[str]] = {}
    for r in responses:
        by_question.setdefault(r.json()["question"], set()).add(r.text)
    assert all(len(texts) == 1 for texts in by_question.values())  # same answer every time


def _raw(port: int, head: bytes, chunks: Iterable[bytes] = ()) -> tuple[int, dict[str, object]]:
    """Send bytes exactly as given (no client-side path clean-up, no Content-Length), and
    stop sending once the server answers, as a client would on an early 413."""
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        s.sendall(head)
        for chunk in chunks:
            if select.select([s], [], [], 0)[0]:
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


def test_dot_dot_path_is_400_over_a_raw_socket(server: Server) -> None:
    status, body = _raw(server.port, b"GET /v1/documents/../../etc/passwd HTTP/1.1\r\n"
                                     b"Host: x\r\nConnection: close\r\n\r\n")
    assert status == 400 and "not a relative path" in str(body["detail"])


def test_chunked_body_over_the_limit_is_413(server: Server) -> None:
    head = (b"POST /v1/ask HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
    status, body = _raw(server.port, head, [chunk] * 100 + [b"0\r\n\r\n"])  # 6.5 MB
    assert status == 413 and "CITEBOT_MAX_BODY_BYTES" in str(body["detail"])
    assert server.client.get("/healthz").status_code == 200


def test_verify_over_http(server: Server) -> None:
    wait_ready(server.client)
    verdict = _ok(server.client.post("/v1/verify", json={
        "quote": "Our military captured two Chinese citizens who fought in the Russian army",
        "speaker": "Lin Jian",
    }))
    assert verdict["verdict"] == "misattributed"
    match = verdict["matches"][0]
    assert match["speaker"].startswith("Zelensk")
    text = server.client.get(f"/v1/documents/{match['source']}").json()["text"]
    assert match["text"] == text[match["start"] : match["end"]]
