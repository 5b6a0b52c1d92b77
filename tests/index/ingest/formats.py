"""Small HTML and PDF files built in the test, offline (reportlab writes the PDFs)."""

import io

from reportlab.lib.pagesizes import A4
from reportlab.lib.pdfencrypt import StandardEncryption
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

LITHIUM = ("Bolivia exports lithium to many countries, and the Ministry of Mining said on Monday "
           "that the reserves in the salt flats of Uyuni are the largest in the world.")
DOUBLE = "Officials expect lithium exports to double by 2030 under the new agreement."
COPPER = ("Chile remains the largest copper producer in the world, according to the "
          "national copper commission, which publishes its production figures every month.")


def article_html(charset: str = "utf-8", encoding: str | None = None) -> bytes:
    """A news page with everything a real one has around the article, in ``encoding``
    (the declared ``charset`` unless given)."""
    page = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="{charset}">
<title>Lithium boom in Bolivia | Example News</title>
<meta property="og:title" content="Lithium  boom in Bolivia">
<meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2025-04-22T10:00:00Z">
<link rel="canonical" href="https://news.example.org/2025/lithium">
<style>p {{ color: red }}</style>
<script>var tracking = "<p>not text</p>";</script>
</head><body>
<header><a href="/">Example News</a><nav><a href="/world">World</a> <a href="/tech">Tech</a></nav>
</header>
<article>
<header><h1>Lithium boom in Bolivia</h1><p class="byline">By A. Writer</p></header>
<p>Bolivia exports <a href="/lithium">lithium</a> to <em>many</em>
   countries, and the Ministry of Mining said on Monday that the reserves in the salt
   flats of Uyuni are the largest in the world.</p>
<!-- an editor's comment -->
<p>“Exports will double,” the minister said.<br>{DOUBLE}</p>
<aside><p>Related: Chile's copper output</p></aside>
<ul><li>Uyuni</li><li>Oruro</li></ul>
<footer>Tags: mining</footer>
</article>
<footer><p>© 2025 Example News</p></footer>
</body></html>"""
    return page.encode(encoding or charset)


ARTICLE_TEXT = "\n".join([
    "Lithium boom in Bolivia",
    "By A. Writer",
    LITHIUM,
    "“Exports will double,” the minister said.",
    DOUBLE,
    "Uyuni",
    "Oruro",
    "Tags: mining",
])


def report_pdf(title: str = "Copper and lithium report") -> bytes:
    """Two pages of wrapped paragraphs under a heading, with /Title in the metadata."""
    styles = getSampleStyleSheet()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=title)
    doc.build([
        Paragraph("Copper in Chile", styles["Heading1"]),
        Paragraph(COPPER, styles["Normal"]),
        Paragraph("Prices rose in March.", styles["Normal"]),
        PageBreak(),
        Paragraph(LITHIUM + " " + DOUBLE, styles["Normal"]),
    ])
    return buf.getvalue()


def drawn_pdf(*, text: str | None, password: str | None = None) -> bytes:
    """One page with a line of text, or only a filled box (a scan has no text layer)."""
    buf = io.BytesIO()
    sheet = canvas.Canvas(
        buf, encrypt=StandardEncryption(password, canPrint=0) if password else None
    )
    if text:
        sheet.drawString(72, 700, text)
    else:
        sheet.rect(72, 500, 300, 200, fill=1)
    sheet.showPage()
    sheet.save()
    return buf.getvalue()
