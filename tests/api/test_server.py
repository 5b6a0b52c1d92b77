"""The whole API end to end on a real ``citebot serve`` process (uvicorn) on a free
loopback port (the ``served`` fixture): startup indexing, the printed example, follow-ups,
writes, concurrency."""

import asyncio
import json
import shlex
from typing import Any

import httpx

from tests.api.helpers import AUTH, assert_cited_verbatim, wait_ready
from tests.api.processes import Process


def _ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, (response.status_code, response.text)
    body: dict[str, Any] = response.json()
    return body


def test_ready_after_indexing_the_corpus(http: httpx.Client) -> None:
    assert http.get("/healthz").json() == {"status": "ok"}
    ready = wait_ready(http)
    assert ready["documents"] == 5 and ready["model_loaded"] and ready["store_reachable"]
    assert http.get("/").headers["content-type"].startswith("text/html")


def test_printed_curl_example_works(served: Process, http: httpx.Client) -> None:
    printed = served.output()
    line = next(x.strip() for x in printed.splitlines() if x.strip().startswith("curl "))
    args = shlex.split(line)
    assert args[args.index("-H") + 1] == "Content-Type: application/json"
    url, body = args[2], json.loads(args[args.index("-d") + 1])
    assert url == f"{served.url}/v1/ask"
    answer = _ok(httpx.post(url, json=body, timeout=60))
    assert answer["found"]
    assert_cited_verbatim(http, answer)


def test_follow_up_over_http(http: httpx.Client) -> None:
    first = _ok(http.post(
        "/v1/ask", json={"question": "Who is the spokesman of China's foreign ministry?"}
    ))
    follow = _ok(http.post("/v1/ask", json={
        "question": "What did he say about weapons?",
        "history": [{"question": first["question"], "answer": first["answer"]}],
    }))
    assert "never provided lethal weapons" in follow["citations"][0]["text"]
    assert_cited_verbatim(http, follow)


def test_add_answer_delete_over_http(http: httpx.Client) -> None:
    text = "The Atacama desert in Chile is the driest place on Earth, scientists said."
    question = {"question": "Which is the driest place on Earth?"}
    assert http.post("/v1/documents", json={"source": "x/atacama.txt", "text": text}
                              ).status_code == 401
    added = http.post("/v1/documents", headers=AUTH,
                               json={"source": "x/atacama.txt", "text": text})
    assert added.status_code == 201, added.text
    answer = _ok(http.post("/v1/ask", json=question))
    assert answer["citations"][0]["text"] == text
    assert http.delete("/v1/documents/x/atacama.txt", headers=AUTH).status_code == 200
    after = _ok(http.post("/v1/ask", json=question))
    assert all(c["source"] != "x/atacama.txt" for c in after["citations"])


def test_concurrent_questions_are_all_answered(served: Process) -> None:
    questions = ["Who summoned the Chinese ambassador?", "What did NATO call China?",
                 "How were the Chinese fighters recruited?", "What is the capital of Peru?"]

    async def ask_all() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=served.url, timeout=120) as client:
            return await asyncio.gather(*(
                client.post("/v1/ask", json={"question": questions[i % 4]}) for i in range(24)
            ))

    responses = asyncio.run(ask_all())
    assert [r.status_code for r in responses] == [200] * 24, [r.text for r in responses]
    by_question: dict[str, set[str]] = {}
    for r in responses:
        by_question.setdefault(r.json()["question"], set()).add(r.text)
    assert all(len(texts) == 1 for texts in by_question.values())  # same answer every time


def test_verify_over_http(http: httpx.Client) -> None:
    verdict = _ok(http.post("/v1/verify", json={
        "quote": "Our military captured two Chinese citizens who fought in the Russian army",
        "speaker": "Lin Jian",
    }))
    assert verdict["verdict"] == "misattributed"
    match = verdict["matches"][0]
    assert match["speaker"].startswith("Zelensk")
    text = http.get(f"/v1/documents/{match['source']}").json()["text"]
    assert match["text"] == text[match["start"] : match["end"]]
