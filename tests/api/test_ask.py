"""POST /v1/ask in-process: answers, the citation invariant, follow-ups and every refusal."""

import pytest
from fastapi.testclient import TestClient

from citebot.index.ask.answer import NOT_FOUND
from tests.api.helpers import assert_cited_verbatim


def test_answer_is_cited_verbatim(client: TestClient) -> None:
    response = client.post("/v1/ask", json={"question": "Who summoned the Chinese ambassador?"})
    assert response.status_code == 200
    answer = response.json()
    assert answer["found"] is True
    assert "Ministry of Foreign Affairs" in answer["citations"][0]["text"]
    assert [c["n"] for c in answer["citations"]] == list(range(1, len(answer["citations"]) + 1))
    assert set(answer["citations"][0]) >= {"n", "source", "title", "start", "end", "text",
                                           "score"}
    assert_cited_verbatim(client, answer)


def test_top_k_is_honoured(client: TestClient) -> None:
    answer = client.post("/v1/ask", json={"question": "drones", "top_k": 1}).json()
    assert answer["found"]
    assert len({c["source"] for c in answer["citations"]}) == 1  # one chunk, one source
    assert_cited_verbatim(client, answer)


def test_no_answer_says_so(client: TestClient) -> None:
    answer = client.post("/v1/ask", json={"question": "What is the capital of Peru?"}).json()
    assert answer == {"question": "What is the capital of Peru?",
                      "answer": f"{NOT_FOUND} None of the passages retrieved mentions “Peru”.",
                      "citations": [], "found": False, "short": None}
    answer = client.post("/v1/ask", json={"question": "How do I bake bread?"}).json()
    assert answer == {"question": "How do I bake bread?", "answer": NOT_FOUND,
                      "citations": [], "found": False, "short": None}


def test_follow_up_is_resolved_from_history(client: TestClient) -> None:
    """Stateless: the second request carries the first turn, so any process could serve it."""
    first = client.post(
        "/v1/ask", json={"question": "Who is the spokesman of China's foreign ministry?"}
    ).json()
    assert "Lin Jian" in first["answer"]
    history = [{"question": first["question"], "answer": first["answer"]}]
    follow = client.post(
        "/v1/ask", json={"question": "What did he say about weapons?", "history": history}
    ).json()
    assert follow["found"]
    assert "never provided lethal weapons" in follow["citations"][0]["text"]
    assert_cited_verbatim(client, follow)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"question": ""}, "question: the question is empty"),
        ({"question": " \t\n "}, "question: the question is empty or only white space"),
        ({"question": "x" * 2001}, "question: the question is 2,001 characters; the limit is "
                                   "2,000 (CITEBOT_MAX_QUESTION_CHARS)"),
        ({"question": "ok?", "top_k": 0}, "top_k: top_k must be between 1 and 50, not 0"),
        ({"question": "ok?", "top_k": 51}, "top_k: top_k must be between 1 and 50, not 51"),
        ({"question": "ok?", "top_k": 15.5}, "top_k: Input should be a valid integer"),
        ({"question": "ok?", "top_k": "5"}, "top_k: Input should be a valid integer"),
        ({"question": "ok?", "history": "earlier"}, "history: Input should be a valid list"),
        ({"question": "ok?", "history": [{"question": "q"}]}, "history.0.answer: Field required"),
        ({"question": "ok?", "history": [["q", "a"]]}, "history.0: Input should be"),
        ({"question": 42}, "question: Input should be a valid string"),
        ({}, "question: Field required"),
        (["Who?"], "the body must be a JSON object"),
        ({"question": "ok?", "topk": 3}, "topk: not a field of this request (misspelt?)"),
        ({"question": "ok?", "history": [{"question": "q", "answer": "a", "n": 1}]},
         "history.0.n: not a field of this request"),
    ],
)
def test_bad_requests_are_422_with_the_reason(
    client: TestClient, body: object, message: str
) -> None:
    response = client.post("/v1/ask", json=body)
    assert response.status_code == 422
    assert message in response.json()["detail"], response.json()
    assert response.json()["errors"]  # and the errors one by one


@pytest.mark.parametrize(
    ("content", "headers", "message"),
    [
        (b'{"question": ', {"Content-Type": "application/json"}, "not valid JSON"),
        (b'{"question": "Who', {"Content-Type": "application/json"},
         "(Unterminated string starting at character 13)"),
        (b'{"question": "caf\xe9?"}', {"Content-Type": "application/json"},
         "not valid UTF-8 (byte 0xe9 at offset 17)"),
        (b"question=Who", {"Content-Type": "application/x-www-form-urlencoded"},
         "Content-Type: application/json"),
        (b'{"question": "Who?"}', {}, "Content-Type: application/json"),
    ],
)
def test_malformed_bodies_are_422(
    client: TestClient, content: bytes, headers: dict[str, str], message: str
) -> None:
    response = client.post("/v1/ask", content=content, headers=headers)
    assert response.status_code == 422
    assert message in response.json()["detail"], response.json()
