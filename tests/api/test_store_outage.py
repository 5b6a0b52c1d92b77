"""A Chroma server (`chroma run`) killed under a running ``citebot serve``, then restarted:
clear 503s with Retry-After meanwhile, one log line per outage, answers again after."""

import signal
import time
from pathlib import Path

import httpx

from tests.api.helpers import AUTH, KEY, free_port, wait_ready
from tests.api.processes import serving, start_chroma, stop

QUESTION = {"question": "Who summoned the Chinese ambassador?"}
RECOVERY_TIMEOUT = 60.0


def requests_needing_the_store(client: httpx.Client) -> list[httpx.Response]:
    document = {"source": "outage.txt", "text": "Written while the store was away."}
    return [
        client.post("/v1/ask", json=QUESTION),
        client.post("/v1/verify", json={"quote": "summoned the Chinese ambassador"}),
        client.get("/v1/documents"),
        client.get("/v1/documents/001_7bffb0ae13b85e22.txt"),
        client.post("/v1/documents", headers=AUTH, json=document),
        client.post("/v1/documents", headers=AUTH,
                    files={"file": ("outage.txt", b"Uploaded while away.", "text/plain")}),
        client.delete("/v1/documents/001_7bffb0ae13b85e22.txt", headers=AUTH),
    ]


def test_a_lost_chroma_server_gives_503s_then_recovers(tmp_path: Path) -> None:
    port, chroma_log = free_port(), tmp_path / "chroma.log"
    chroma = start_chroma(tmp_path / "chroma", port, chroma_log)
    try:
        with serving(tmp_path / "data", free_port(), tmp_path / "serve.log",
                     CITEBOT_API_KEY=KEY, CITEBOT_CHROMA_HOST="127.0.0.1",
                     CITEBOT_CHROMA_PORT=str(port)) as server, \
                httpx.Client(base_url=server.url, timeout=60) as client:
            assert wait_ready(client)["documents"] == 5
            assert client.post("/v1/ask", json=QUESTION).status_code == 200

            stop(chroma, signal.SIGKILL)
            for _ in range(2):  # an outage is logged once, however many requests fail
                for response in requests_needing_the_store(client):
                    assert response.status_code == 503, response.text
                    assert response.headers["content-type"] == "application/json"
                    assert response.headers["retry-after"].isdigit()
                    assert response.json()["detail"].startswith(
                        "the archive's store is unreachable"), response.json()
            assert client.get("/readyz").status_code == 503
            assert client.get("/healthz").status_code == 200  # the process itself is fine

            chroma = start_chroma(tmp_path / "chroma", port, chroma_log)  # same port, data
            deadline = time.monotonic() + RECOVERY_TIMEOUT
            while (answer := client.post("/v1/ask", json=QUESTION)).status_code != 200:
                assert answer.status_code == 503, answer.text
                assert time.monotonic() < deadline, "no recovery without a restart"
                time.sleep(0.5)
            assert answer.json()["found"] and wait_ready(client)["documents"] == 5
            log = server.output()
    finally:
        stop(chroma, signal.SIGKILL)
    assert log.count("is unreachable") == 1, log
    assert log.count("is reachable again") == 1, log
    assert "Traceback" not in log and "ConnectError" in log
