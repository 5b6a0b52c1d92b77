"""Faults probed as an operator would, on a real ``citebot serve`` (uvicorn) on loopback:
hostile bodies, HEAD probes, a key in the query string, disguised source names, error
pages, a second process on the same data folder, a bad webhook URL."""

import os
import re
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.helpers import AUTH, KEY, free_port, wait_ready
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
SECRET = "sk-do-not-log-0123456789"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Process]:
    tmp = tmp_path_factory.mktemp("faults")
    with serving(tmp / "data", free_port(), tmp / "serve.log", CITEBOT_API_KEY=KEY) as s:
        with httpx.Client(base_url=s.url, timeout=60) as client:
            wait_ready(client)
        yield s


@pytest.fixture
def client(server: Process) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=60) as c:
        yield c


def nested(depth: int) -> bytes:
    return b'{"question": ' + b"[" * depth + b"]" * depth + b"}"


@pytest.mark.parametrize("path", ["/v1/ask", "/v1/verify", "/v1/documents"])
def test_json_nested_10000_deep_is_422(client: httpx.Client, path: str) -> None:
    response = client.post(path, content=nested(10_000), headers={
        "Content-Type": "application/json", **AUTH})
    assert response.status_code == 422, response.text
    assert "the JSON is nested too deeply" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz", "/", "/v1/documents",
                                  "/v1/documents/001_7bffb0ae13b85e22.txt"])
def test_head_is_answered_where_get_is(client: httpx.Client, path: str) -> None:
    get, head = client.get(path), client.head(path)
    assert get.status_code == 200, get.text
    assert head.status_code == 200 and head.content == b""
    for name in ("content-type", "content-length"):
        assert head.headers[name] == get.headers[name]


def test_head_on_a_post_only_path_is_405_naming_post(client: httpx.Client) -> None:
    response = client.head("/v1/ask")
    assert response.status_code == 405 and response.headers["allow"] == "POST"


def test_a_key_in_the_query_string_is_never_logged(server: Process,
                                                    client: httpx.Client) -> None:
    refused = client.post(f"/v1/documents?api_key={SECRET}&x=1",
                          json={"source": "a.txt", "text": "text"})
    assert refused.status_code == 401  # the key goes in the Authorization header only
    client.get("/v1/documents", params={"token": SECRET, "Password": SECRET, "limit": 1})
    log = server.output()
    assert SECRET not in log
    assert "POST /v1/documents?api_key=[redacted]&x=1 HTTP/1.1" in log
    assert "GET /v1/documents?token=[redacted]&Password=[redacted]&limit=1 HTTP/1.1" in log


@pytest.mark.parametrize(("name", "named"), [
    ("\u202etxt.exe", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("news/a\u200bb.txt", "U+200B ZERO WIDTH SPACE"),
    ("\ufeffa.txt", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
])
def test_source_names_with_format_characters_are_refused(
    client: httpx.Client, name: str, named: str
) -> None:
    as_json = client.post("/v1/documents", headers=AUTH, json={"source": name, "text": "t"})
    upload = client.post("/v1/documents", headers=AUTH,
                         files={"file": (name, b"Some text.", "text/plain")})
    read = client.get(f"/v1/documents/{name}")
    for response, status in ((as_json, 422), (upload, 422), (read, 400)):
        assert response.status_code == status, response.text
        assert named in response.json()["detail"], response.json()
    assert all(d["source"] != name for d in client.get("/v1/documents").json()["documents"])


def test_percent_escapes_in_a_source_are_a_literal_name(client: httpx.Client) -> None:
    name = "%2e%2e%2fescaped.txt"  # not decoded: nine characters, then a name
    added = client.post("/v1/documents", headers=AUTH,
                        json={"source": name, "text": "The literal name is kept."})
    assert added.status_code == 201, added.text
    try:
        sources = [d["source"] for d in client.get("/v1/documents").json()["documents"]]
        assert name in sources and "../escaped.txt" not in sources
        # on the wire the '%' is escaped once, as for any character of a path
        served = client.get("/v1/documents/%252e%252e%252fescaped.txt")
        assert served.status_code == 200 and served.json()["meta"]["source"] == name
        # the decoded spelling is a path escape, refused as ever
        assert client.get("/v1/documents/%2e%2e%2fescaped.txt").status_code in (400, 404)
    finally:
        assert client.delete("/v1/documents/%252e%252e%252fescaped.txt",
                             headers=AUTH).status_code == 200


ASSET = re.compile(r"""<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*["']?"""
                   r"""\s*(?:https?:)?//|@import\s+(?:url\()?["']?(?:https?:)?//|"""
                   r"""url\(\s*["']?(?:https?:)?//""", re.IGNORECASE)


def test_error_pages_and_the_web_page_load_nothing_from_elsewhere(
    client: httpx.Client,
) -> None:
    errors = [client.get("/nowhere"), client.delete("/healthz"),
              client.post("/v1/ask", json={}), client.get("/v1/documents/none.txt"),
              client.post("/v1/documents", json={"source": "a.txt", "text": "x"}),
              client.post("/v1/ask", content=b"x" * 6_000_000)]
    assert [r.status_code for r in errors] == [404, 405, 422, 404, 401, 413]
    for response in errors:
        assert response.headers["content-type"] == "application/json", response.text
        assert not re.search(r"https?://", response.text), response.text
    page = client.get("/")
    assert page.headers["content-type"].startswith("text/html")
    assert not ASSET.search(page.text), ASSET.search(page.text)


def test_a_second_process_on_the_same_data_folder_is_refused(server: Process,
                                                             tmp_path: Path) -> None:
    data = (server.log.parent / "data").resolve()  # the fixture's folder, as the lock names it
    second = launch(serve_args(free_port()), tmp_path / "second.log", serve_env(data))
    assert second.wait(timeout=60) == 2
    said = (tmp_path / "second.log").read_text()
    assert f"citebot: the data folder {data} {REFUSED} (pid {server.proc.pid})" in said
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
