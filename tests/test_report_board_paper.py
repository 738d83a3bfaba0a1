"""Issue 20.1 (part): the page header, page numbers and repeated table headers of the
shared writers, as the annual report uses them."""

import zipfile

from chc_tui.documents import document_writers as writers
from chc_tui.documents.document import Document, Heading, Page, Table


def _doc():
    page = Page(header="Peaks & Plains Housing: annual complaints report 2025/26", page_numbers=True)
    return Document("t", [Heading(1, "Report"), Table(["Stage", "Count"], [["Stage 1", "3"]], numeric=(1,))], page)


def test_docx_header_footer_page_field_and_repeated_header_row(tmp_path):
    out = writers.write(_doc(), "docx", tmp_path / "r.docx")
    with zipfile.ZipFile(out) as z:
        names = z.namelist()
        headers = "".join(z.read(n).decode() for n in names if n.startswith("word/header"))
        footers = "".join(z.read(n).decode() for n in names if n.startswith("word/footer"))
        body = z.read("word/document.xml").decode()
    assert "Peaks &amp; Plains Housing" in headers
    assert " PAGE " in footers and " NUMPAGES " in footers
    assert "w:tblHeader" in body and "w:keepNext" in body


def test_html_header_and_print_page_numbers():
    html = writers.to_html(_doc())
    assert '<div class="page-header" role="note">Peaks &amp; Plains Housing' in html
    assert 'counter(page) " of " counter(pages)' in html and "size: A4" in html
    assert "display: table-header-group" in html


def test_no_header_without_one():
    html = writers.to_html(Document("t", [Heading(1, "x")]))
    assert "page-header\"" not in html and "counter(page)" not in html


def test_the_printed_header_is_in_every_page_margin_and_holds_only_text():
    """Chromium once printed the fixed header over the foot of every page's content; it is
    now the page's top margin box, a CSS string in which a name cannot close the style."""
    html = writers.to_html(Document("t", [Heading(1, "x")], Page(header='Bright & Co "</style><script>x')))
    style = html.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "@top-left { content: \"Bright \\000026  Co" in style
    assert "<" not in style and "&" not in style.replace("\\000026", "")
    assert "<script>" not in html and "position: fixed" not in html
