"""The one document model and its writers (issue 16.5): each escaping rule in one place."""

from __future__ import annotations

from html.parser import HTMLParser

from chc_tui.document import Document, Fields, Heading, Letter, Paragraph, Table
from chc_tui.document_writers import md_cell, md_escape, to_html, to_markdown, to_text

AWKWARD = "Dear <Ms> O'Neil & co,\n\n  *indented* | a&amp;b\n"
DOC = Document("T <1>", [
    Heading(1, "Peaks & Plains <Trust>"),
    Paragraph("two\nlines", kind="note"),
    Fields([("Label", "a | b"), ("Blank", "")]),
    Table(["A", "B"], [["x|y", ""], ["1.2", "line\nbreak"]], numeric=(1,)),
    Letter(AWKWARD, quoted=True),
])


def test_markdown_escapes_once_and_keeps_plain_ampersands():
    assert md_escape("Peaks & Plains") == "Peaks & Plains"
    assert md_escape("&amp; <b>") == "\\&amp; \\<b\\>"
    assert md_cell("1.2") == "1.2" and md_cell("a|b\nc") == "a\\|b<br>c" and md_cell("") == " "
    text = to_markdown(DOC)
    assert text.startswith("# Peaks & Plains \\<Trust\\>\n\n*two\\\nlines*\n")
    assert "| x\\|y |   |" in text and "|---|---:|" in text
    assert "> Dear \\<Ms\\> O'Neil & co,\\\n> \\\n> &nbsp;&nbsp;\\*indented\\* \\| a\\&amp;b" in text


def test_html_is_autoescaped_and_well_formed():
    html = to_html(DOC)
    assert "<title>T &lt;1&gt;</title>" in html and "<h1>Peaks &amp; Plains &lt;Trust&gt;</h1>" in html
    assert '<p class="note">two<br>lines</p>' in html
    assert '<td class="num">line<br>break</td>' in html
    assert "<pre class=\"letter\">Dear &lt;Ms&gt; O&#39;Neil &amp; co,\n\n  *indented* | a&amp;amp;b\n</pre>" in html

    class Stack(HTMLParser):
        stack: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag not in ("meta", "br"):
                self.stack.append(tag)

        def handle_endtag(self, tag):
            assert self.stack.pop() == tag

    parser = Stack()
    parser.feed(html)
    assert parser.stack == []


def test_a_letter_ends_the_text_with_its_bytes_exactly_as_stored():
    letter = Document("L", [Letter(AWKWARD + "\n\n", letterhead=["Riverside", "1 Quay St"])])
    assert to_text(letter) == "Riverside\n1 Quay St\n\n" + AWKWARD + "\n\n"
    assert "-" * 72 + "\n" + AWKWARD.removesuffix("\n") + "\n" + "-" * 72 in to_text(DOC)
