"""/v1/documents: listing, reading, add → answerable → delete, uploads, refusals, source
names (in-process, and on uvicorn where the client must not clean the path up); the API
key is deps' (test_deps.py)."""

from collections.abc import Callable

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import AUTH, KEY, assert_cited_verbatim, raw_request
from tests.api.processes import Process
from tests.conftest import CORPUS

LITHIUM = ("Bolivia holds the largest lithium reserves in the world, officials in La Paz said. "
           "The salt flats of Uyuni contain most of the lithium.")
SOURCES = sorted(p.name for p in CORPUS.glob("*.txt"))


def test_list_is_paginated_with_a_total(client: TestClient) -> None:
    first = client.get("/v1/documents", params={"limit": 2}).json()
    rest = client.get("/v1/documents", params={"offset": 2, "limit": 100}).json()
    assert first["total"] == rest["total"] == len(SOURCES)
    assert (first["offset"], first["limit"]) == (0, 2)
    assert [d["source"] for d in first["documents"] + rest["documents"]] == SOURCES
    doc = first["documents"][0]
    assert doc["chunks"] > 0 and len(doc["hash"]) == 64 and doc["chars"] > 0
    assert {"title", "url", "outlet", "published"} <= set(doc)


@pytest.mark.parametrize(
    ("params", "message"),
    [({"limit": 0}, "limit: Input should be greater than or equal to 1"),
     ({"limit": 101}, "limit: Input should be less than or equal to 100"),
     ({"offset": -1}, "offset: Input should be greater than or equal to 0"),
     ({"offset": "first"}, "offset: Input should be a valid integer")],
)
def test_list_bounds(client: TestClient, params: dict[str, object], message: str) -> None:
    response = client.get("/v1/documents", params=params)
    assert response.status_code == 422 and message in response.json()["detail"]


def test_document_text_is_the_file(client: TestClient) -> None:
    source = SOURCES[1]
    body = client.get(f"/v1/documents/{source}").json()
    assert body["text"] == (CORPUS / source).read_bytes().decode("utf-8")
    assert body["meta"]["source"] == source and body["meta"]["title"]


def test_unknown_document_is_404(client: TestClient) -> None:
    response = client.get("/v1/documents/news/none.txt")
    assert response.status_code == 404 and "news/none.txt" in response.json()["detail"]


@pytest.mark.parametrize(
    "path",
    ["%2E%2E/%2E%2E/etc/passwd", "news/%2E%2E/%2E%2E/etc/passwd", "/etc/passwd",
     "%2Fetc%2Fpasswd", "a//b.txt", "%2E/a.txt", "a%5C..%5Cb.txt"],
)
def test_paths_escaping_the_corpus_are_400(client: TestClient, path: str) -> None:
    # percent-encoded so the client sends the dots as they are instead of resolving them
    response = client.get(f"/v1/documents/{path}")
    assert response.status_code == 400, response.text
    assert "is not a relative path inside the corpus" in response.json()["detail"]


def test_added_document_is_answerable_then_deleted(make_client: Callable[..., TestClient]) -> None:
    c = make_client(api_key=KEY, ingest=True)
    question = {"question": "Which country holds the largest lithium reserves?"}
    assert not c.post("/v1/ask", json=question).json()["found"]

    added = c.post("/v1/documents", headers=AUTH, json={
        "source": "energy/lithium.txt", "text": LITHIUM, "title": "Lithium",
        "url": "https://example.org/lithium", "outlet": "Example", "published": "2025-01-02",
    })
    assert added.status_code == 201, added.text
    assert added.json()["chunks"] == 1 and added.json()["outlet"] == "Example"
    answer = c.post("/v1/ask", json=question).json()
    assert answer["found"] and answer["citations"][0]["source"] == "energy/lithium.txt"
    assert "Bolivia" in answer["citations"][0]["text"]
    assert_cited_verbatim(c, answer)
    assert c.get("/v1/documents").json()["total"] == len(SOURCES) + 1

    deleted = c.delete("/v1/documents/energy/lithium.txt", headers=AUTH)
    assert deleted.status_code == 200 and deleted.json() == {
        "source": "energy/lithium.txt", "deleted": True}
    after = c.post("/v1/ask", json=question).json()
    assert all(x["source"] != "energy/lithium.txt" for x in after["citations"])
    assert c.get("/v1/documents/energy/lithium.txt").status_code == 404
    assert c.delete("/v1/documents/energy/lithium.txt", headers=AUTH).status_code == 404


def test_replacing_a_document_is_200(make_client: Callable[..., TestClient]) -> None:
    c = make_client(api_key=KEY)
    first = c.post("/v1/documents", headers=AUTH, json={"source": "a.txt", "text": LITHIUM})
    again = c.post("/v1/documents", headers=AUTH,
                   json={"source": "a.txt", "text": "Peru grows many kinds of potato."})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["hash"] != first.json()["hash"]
    assert c.get("/v1/documents/a.txt").json()["text"] == "Peru grows many kinds of potato."
    answer = c.post("/v1/ask", json={"question": "What does Peru grow?"}).json()
    assert answer["found"] and answer["citations"][0]["text"] == "Peru grows many kinds of potato."


def test_multipart_upload(make_client: Callable[..., TestClient]) -> None:
    c = make_client(api_key=KEY)
    response = c.post(
        "/v1/documents", headers=AUTH,
        files={"file": ("C:\\docs\\lithium.txt", LITHIUM.encode(), "text/plain")},
        data={"title": "Lithium", "outlet": "Example"},
    )
    assert response.status_code == 201, response.text
    meta = response.json()
    assert (meta["source"], meta["title"], meta["outlet"]) == ("lithium.txt", "Lithium", "Example")
    named = c.post("/v1/documents", headers=AUTH, data={"source": "energy/b.txt"},
                   files={"file": ("x.txt", LITHIUM.encode())})
    assert named.status_code == 201 and named.json()["source"] == "energy/b.txt"
    assert c.get("/v1/documents/energy/b.txt").json()["text"] == LITHIUM


@pytest.mark.parametrize(
    ("data", "files", "message"),
    [({}, {"file": ("a.txt", b"\x00\x01\x02PNG")}, "a.txt looks binary"),
     ({}, {"file": ("a.txt", "café".encode("latin-1"))}, "a.txt is not valid UTF-8 (byte 0xe9"),
     ({}, {"file": ("a.txt", b"  \n ")}, "file: a.txt: the document is empty"),
     ({"source": "../a.txt"}, {"file": ("a.txt", b"text")}, "source: '../a.txt' is not a"),
     ({"title": "no file"}, {"other": ("a.txt", b"text")}, "file: upload the document as a"),
     ({}, {"file": ("", b"text")}, "file: upload the document as a file (with a filename)"),
     ({}, {"file": ("..", b"text")}, "source: '..' is not a relative path"),
     ({}, {"file": ("a.docx", b"PK\x03\x04 zip")},
      "a.docx: a .docx file is not a kind citebot reads; send .txt, .md, .html, .htm or .pdf"),
     ({"source": "notes/a"}, {"file": ("a.txt", b"text")},
      "notes/a: a file without a suffix is not a kind citebot reads")],
)
def test_bad_uploads_are_422_naming_the_problem(
    make_client: Callable[..., TestClient], data: dict[str, str],
    files: dict[str, tuple[str, bytes]], message: str,
) -> None:
    c = make_client(api_key=KEY)
    response = c.post("/v1/documents", headers=AUTH, data=data, files=files)
    assert response.status_code == 422
    assert message in response.json()["detail"], response.json()
    assert c.get("/v1/documents").json()["total"] == 0


@pytest.mark.parametrize(
    ("body", "message"),
    [({"source": "a.txt", "text": " \n "}, "text: a.txt: the document is empty"),
     ({"source": "/etc/a.txt", "text": "x"}, "source: '/etc/a.txt' is not a relative path"),
     ({"source": "a/../../b.txt", "text": "x"}, "is not a relative path"),
     ({"text": "x"}, "source: Field required"),
     ({"source": "a.txt", "text": "x" * 201},
      "text: a.txt: 201 characters is over the limit of 200"),
     ({"source": "a.txt", "text": "x", "title": 5}, "title: Input should be a valid string"),
     ({"source": "a.txt", "text": "x", "url": "javascript:alert(1)//"},
      "a.txt: the url 'javascript:alert(1)//' is not a web address"),
     ({"source": "a.txt", "text": "x", "url": "/news/a"}, "is not a web address")],
)
def test_bad_json_documents_are_422(
    make_client: Callable[..., TestClient], body: dict[str, object], message: str
) -> None:
    c = make_client(api_key=KEY, max_document_chars=200)
    response = c.post("/v1/documents", headers=AUTH, json=body)
    assert response.status_code == 422
    assert message in response.json()["detail"], response.json()


@pytest.mark.parametrize(
    ("content", "message"),
    [(b'{"source": "a.txt", "text": ', "the body is not valid JSON (EOF while parsing"),
     (b'{"source": "a.txt", "text": "caf\xe9"}', "not valid UTF-8 (byte 0xe9 at offset 32)"),
     (b'["a.txt"]', "the body must be a JSON object")],
)
def test_malformed_json_documents_are_422(
    make_client: Callable[..., TestClient], content: bytes, message: str
) -> None:
    c = make_client(api_key=KEY)
    response = c.post("/v1/documents", content=content,
                      headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 422
    assert message in response.json()["detail"], response.json()


def test_other_content_types_are_415(make_client: Callable[..., TestClient]) -> None:
    c = make_client(api_key=KEY)
    response = c.post("/v1/documents", headers={**AUTH, "Content-Type": "text/plain"},
                      content=LITHIUM)
    assert response.status_code == 415
    assert "application/json" in response.json()["detail"]


def test_dot_dot_path_is_400_over_a_raw_socket(served: Process) -> None:
    status, body = raw_request(served.port, b"GET /v1/documents/../../etc/passwd HTTP/1.1\r\n"
                                            b"Host: x\r\nConnection: close\r\n\r\n")
    assert status == 400 and "not a relative path" in str(body["detail"])


@pytest.mark.parametrize(("name", "named"), [
    ("\u202etxt.exe", "U+202E RIGHT-TO-LEFT OVERRIDE"),
    ("news/a\u200bb.txt", "U+200B ZERO WIDTH SPACE"),
    ("\ufeffa.txt", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
])
def test_source_names_with_format_characters_are_refused(
    http: httpx.Client, name: str, named: str
) -> None:
    as_json = http.post("/v1/documents", headers=AUTH, json={"source": name, "text": "t"})
    upload = http.post("/v1/documents", headers=AUTH,
                       files={"file": (name, b"Some text.", "text/plain")})
    read = http.get(f"/v1/documents/{name}")
    for response, status in ((as_json, 422), (upload, 422), (read, 400)):
        assert response.status_code == status, response.text
        assert named in response.json()["detail"], response.json()
        assert response.json()["errors"][0]["loc"][-1] == "source"
    assert all(d["source"] != name for d in http.get("/v1/documents").json()["documents"])


def test_percent_escapes_in_a_source_are_a_literal_name(http: httpx.Client) -> None:
    name = "%2e%2e%2fescaped.txt"  # not decoded: nine characters, then a name
    added = http.post("/v1/documents", headers=AUTH,
                      json={"source": name, "text": "The literal name is kept."})
    assert added.status_code == 201, added.text
    try:
        sources = [d["source"] for d in http.get("/v1/documents").json()["documents"]]
        assert name in sources and "../escaped.txt" not in sources
        # on the wire the '%' is escaped once, as for any character of a path
        served = http.get("/v1/documents/%252e%252e%252fescaped.txt")
        assert served.status_code == 200 and served.json()["meta"]["source"] == name
        # the decoded spelling is a path escape, refused as ever
        assert http.get("/v1/documents/%2e%2e%2fescaped.txt").status_code in (400, 404)
    finally:
        assert http.delete("/v1/documents/%252e%252e%252fescaped.txt",
                           headers=AUTH).status_code == 200
