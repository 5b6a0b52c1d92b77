"""Multipart uploads of HTML and PDF files: stored as their extracted text, cited verbatim."""

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from tests.api.helpers import AUTH, KEY, assert_cited_verbatim
from tests.index.ingest.formats import ARTICLE_TEXT, article_html, drawn_pdf, report_pdf


def test_html_and_pdf_uploads_are_extracted(make_client: Callable[..., TestClient]) -> None:
    c = make_client(api_key=KEY)
    page = c.post("/v1/documents", headers=AUTH,
                  files={"file": ("lithium.html", article_html("windows-1252"), "text/html")})
    assert page.status_code == 201, page.text
    assert page.json()["title"] == "Lithium boom in Bolivia"
    assert page.json()["url"] == "https://news.example.org/2025/lithium"
    assert c.get("/v1/documents/lithium.html").json()["text"] == ARTICLE_TEXT
    report = c.post("/v1/documents", headers=AUTH, data={"title": "Mining report"},
                    files={"file": ("report.pdf", report_pdf(), "application/pdf")})
    assert report.status_code == 201, report.text
    assert report.json()["title"] == "Mining report"
    answer = c.post("/v1/ask", json={"question": "Which country is the largest copper producer?"})
    assert answer.status_code == 200 and answer.json()["citations"][0]["source"] == "report.pdf"
    assert_cited_verbatim(c, answer.json())


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [("scan.pdf", drawn_pdf(text=None), "scan.pdf has no text layer"),
     ("broken.pdf", b"%PDF-1.7\nnot really", "broken.pdf is not a readable PDF"),
     ("locked.pdf", drawn_pdf(text="Secret.", password="pw"), "locked.pdf is encrypted"),
     ("page.html", "<p>caf\xe9</p>".encode("latin-1"), "page.html is not valid UTF-8")],
)
def test_unreadable_uploads_are_422_naming_the_file(
    make_client: Callable[..., TestClient], name: str, data: bytes, message: str
) -> None:
    c = make_client(api_key=KEY)
    response = c.post("/v1/documents", headers=AUTH, files={"file": (name, data)})
    assert response.status_code == 422
    assert message in response.json()["detail"], response.json()
    assert c.get("/v1/documents").json()["total"] == 0
