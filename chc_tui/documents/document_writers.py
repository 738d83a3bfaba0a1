"""One writer per format for a chc_tui.documents.document.Document: Word (.docx), Markdown (.md),
HTML (through the Jinja2 template templates/document/document.html.j2, autoescaped) and
plain text (.txt).

Every escaping rule lives here once: `md_escape` (a line of text as Markdown that shows
exactly that text), `md_cell` (a table cell), `docx_safe` (what Word can hold), and HTML's
autoescape (Jinja2 with markupsafe). A letter as sent (a `Letter` block) is never
reflowed: one Word paragraph per line, Markdown hard breaks, and in plain text its bytes
exactly as stored.

python-docx and Jinja2 are imported only when a document is written in their format.
"""

from __future__ import annotations

import io
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Callable

from chc_tui.documents.document import (
    WINDOW_LEFT_MM, WINDOW_TOP_MM, Document, Fields, Figure, Heading, Image, Letter, PageBreak, Paragraph, Table, WindowAddress,
)

FORMATS = ("docx", "md", "html", "txt")


class UnknownFormat(ValueError):
    """The output file's suffix is not one this export writes."""


def format_of(out: Path, formats: tuple[str, ...]) -> str:
    """The format named by the file's suffix; UnknownFormat when it is not one of `formats`."""
    fmt = Path(out).suffix.lstrip(".").lower()
    if fmt not in formats:
        shown = Path(out).suffix or "no suffix"
        names = [f".{f}" for f in formats]
        raise UnknownFormat(f"{Path(out).name} has {shown}: the file must end in {', '.join(names[:-1])} or {names[-1]}")
    return fmt


def write_atomically(out: Path, write: Callable[[Path], object]) -> Path:
    """Call write(partial_path), then move the file into place: a failed export never
    leaves half a file where the old one was."""
    out = Path(out)
    partial = out.with_name(f".{out.name}.partial")
    try:
        write(partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return out


def write(document: Document, fmt: str, out: Path) -> Path:
    """Write the document to `out` in `fmt` (one of FORMATS), atomically; returns the path."""
    if fmt == "docx":
        return write_atomically(out, lambda path: write_docx(document, path))
    if fmt == "pdf":  # issue 20.3: chc_tui.documents.pdf_writer (fpdf2)
        from chc_tui.documents.pdf_writer import write_pdf

        return write_atomically(out, lambda path: write_pdf(document, path))
    render = {"md": to_markdown, "html": to_html, "txt": to_text}.get(fmt)
    if render is None:
        raise UnknownFormat(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    # Bytes, not text mode: a letter's body must arrive exactly as stored, on any platform.
    data = render(document).encode("utf-8")
    return write_atomically(out, lambda path: path.write_bytes(data))


def lines_of(text: str) -> list[str]:
    """The text's lines, split only at line feeds (a stray CR is dropped, not a break)."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def _letter_lines(text: str) -> list[str]:
    lines = lines_of(text)
    while lines and lines[-1] == "":
        lines.pop()  # a final newline is not a line of its own
    return lines


# --- Markdown -----------------------------------------------------------------------------

# Characters Markdown may read as syntax anywhere in a line; & only where it would start
# an entity (&amp; &#38;), so "Peaks & Plains" stays as written.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>#|~]|&(?=#?\w+;))")
# Line starts Markdown may read as a list, heading underline or numbered list.
_MD_LINE_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def _md_inline(text: str) -> str:
    return _MD_INLINE.sub(r"\\\1", text)


def md_escape(line: str) -> str:
    """One line of plain text as Markdown that shows exactly that text."""
    escaped = _md_inline(line)
    escaped = _MD_LINE_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", escaped)
    stripped = escaped.lstrip(" \t")
    indent = escaped[: len(escaped) - len(stripped)]
    # Leading spaces would be dropped (or make a code block): keep them as no-break spaces.
    return indent.replace("\t", "&nbsp;" * 4).replace(" ", "&nbsp;") + stripped


def md_verbatim(text: str, prefix: str = "") -> list[str]:
    """Text as Markdown lines that render line for line: one paragraph, every line ended
    by a hard break (a backslash), blank lines kept as empty breaks. `prefix` puts it in
    a block quote ("> ")."""
    lines = _letter_lines(text)
    return [prefix + md_escape(line) + ("" if i == len(lines) - 1 else "\\") for i, line in enumerate(lines)]


def md_cell(text: str, blank: str = " ") -> str:
    """A table cell: its lines joined by <br>, nothing in it read as syntax (a | included);
    `blank` for an empty one."""
    return "<br>".join(_md_inline(line) for line in lines_of(str(text))) or blank


def _md_paragraph(text: str, prefix: str = "") -> list[str]:
    return md_verbatim(text, prefix) or [prefix]


def to_markdown(document: Document) -> str:
    out: list[str] = []
    for block in document.blocks:
        if isinstance(block, Heading):
            out += ["#" * min(block.level, 6) + " " + md_escape(block.text), ""]
        elif isinstance(block, Paragraph):
            lines = _md_paragraph(block.text)
            mark = {"note": "*", "lead": "**"}.get(block.kind, "")
            if mark and block.text:
                lines[0] = mark + lines[0]
                lines[-1] += mark
            out += [*lines, ""]
        elif isinstance(block, Fields):
            for label, value in block.rows:
                if value:
                    lines = _md_paragraph(value)
                    out.append(f"- **{md_escape(label)}:** {lines[0]}")
                    out += ["  " + line for line in lines[1:]]
            out.append("")
        elif isinstance(block, Table):
            out.append("| " + " | ".join(md_cell(h, block.md_blank) for h in block.header) + " |")
            out.append("|" + "|".join("---:" if i in block.numeric else "---" for i in range(len(block.header))) + "|")
            out += ["| " + " | ".join(md_cell(cell, block.md_blank) for cell in row) + " |" for row in block.rows]
            out.append("")
        elif isinstance(block, Figure):
            from chc_tui.documents.report_charts import to_text as chart_text

            out += ["```text", *chart_text(block.chart), "```", ""]
        elif isinstance(block, Letter):
            if block.letterhead:
                name, *address = block.letterhead
                head = [f"**{md_escape(name)}**"] + [md_escape(line) for line in address]
                out += [line + "\\" for line in head[:-1]] + [head[-1], ""]
            out += [*_md_paragraph(block.body, "> " if block.quoted else ""), ""]
        elif isinstance(block, WindowAddress):
            out += [*_md_paragraph("\n".join(block.lines)), ""]
    return "\n".join(out).rstrip("\n") + "\n"


# --- plain text --------------------------------------------------------------------------------

RULE = "-" * 72
UNDERLINE = {1: "=", 2: "=", 3: "-", 4: "-"}


def _indented(text: str, indent: int) -> str:
    lines = lines_of(text)
    return "\n".join([lines[0], *(" " * indent + line for line in lines[1:])])


def _labelled(rows: list[tuple[str, str]]) -> list[str]:
    width = max((len(label) for label, _ in rows), default=0) + 2
    return [f"{label + ':':<{width}}{_indented(value, width)}" for label, value in rows]


def to_text(document: Document) -> str:
    """Plain text. A letter that is not quoted ends the document and keeps its bytes
    exactly as stored (after its letterhead and a blank line)."""
    out: list[str] = []
    for number, block in enumerate(document.blocks, start=1):
        if isinstance(block, Heading):
            rule = UNDERLINE.get(block.level, "-") * len(block.text)
            out += [block.text.upper() if block.level <= 2 else block.text, rule, ""]
        elif isinstance(block, Paragraph):
            out += [block.text, ""]
        elif isinstance(block, Fields):
            out += _labelled([(label, value) for label, value in block.rows if value]) + [""]
        elif isinstance(block, Table):
            # Columns would not fit a page: each row is a small record of its own.
            width = max((len(h) for h in block.header), default=0) + 2
            for row in block.rows:
                out += [f"{header + ':':<{width}}{_indented(cell, width)}" for header, cell in zip(block.header, row) if cell]
                out.append("")
        elif isinstance(block, Figure):
            from chc_tui.documents.report_charts import to_text as chart_text

            out += [*chart_text(block.chart), ""]
        elif isinstance(block, WindowAddress):
            out += [*block.lines, ""]
        elif isinstance(block, Letter) and block.quoted:
            # Between the rules, the text byte for byte: its checksum can be checked.
            out += [RULE, block.body.removesuffix("\n"), RULE, ""]
        elif isinstance(block, Letter):
            if number != len(document.blocks):
                raise ValueError("a letter as sent, unquoted, must end its document")
            head = [*out, *block.letterhead]
            return ("\n".join(head) + "\n\n" if head else "") + block.body
    return "\n".join(out).rstrip("\n") + "\n"


# --- HTML ------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _html_template():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("chc_tui.documents", "templates/document"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    add_document_filters(env)
    return env.get_template("document.html.j2")


def add_document_filters(env) -> None:
    """What a document's HTML template uses: the `lines` and `svg` filters, a test per block
    kind (`b is table`); shared with the landlord's own templates (publish_templates)."""
    from markupsafe import Markup, escape

    from chc_tui.documents.report_charts import to_svg

    env.filters["lines"] = lambda text: Markup("<br>").join(escape(line) for line in str(text).split("\n"))
    env.filters["svg"] = lambda chart: Markup(to_svg(chart))  # built from escaped parts (report_charts)
    env.filters["data_uri"] = data_uri
    env.filters["css_string"] = lambda text: Markup(css_string(str(text)))
    for name, kind in (("heading", Heading), ("paragraph", Paragraph), ("fields", Fields), ("table", Table),
                       ("figure", Figure), ("letter", Letter), ("image", Image), ("pagebreak", PageBreak)):
        env.tests[name] = lambda block, kind=kind: isinstance(block, kind)


def css_string(text: str) -> str:
    """`text` as a quoted CSS string that can hold nothing but text: every character but
    letters, digits and spaces is a CSS escape, so a landlord's name cannot end the string,
    the rule or the <style> element. (The space after each escape is CSS's own end of the
    escape, and is not shown.)"""
    return '"' + "".join(c if (c.isascii() and c.isalnum()) or c == " " else f"\\{ord(c):06x} " for c in text) + '"'


def data_uri(image: Image) -> str:
    """The picture inside the page itself: the page opens offline and fetches nothing."""
    import base64

    if image.mime not in ("image/png", "image/jpeg"):
        raise ValueError(f"not a picture this writes: {image.mime!r}")
    return f"data:{image.mime};base64,{base64.b64encode(image.data).decode('ascii')}"


def to_html(document: Document) -> str:
    return _html_template().render(document=document)


# --- Word ------------------------------------------------------------------------------------------

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def docx_safe(text: str) -> str:
    """Word cannot hold control characters; each becomes U+FFFD so the gap is visible."""
    return _XML_INVALID.sub("\ufffd", str(text))


def _docx_tight(paragraph, indent_cm: float = 0.0) -> None:
    from docx.shared import Cm, Pt

    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.space_before = Pt(0)
    if indent_cm:
        paragraph.paragraph_format.left_indent = Cm(indent_cm)


def _docx_cell(cell, text: str, *, bold: bool = False, right: bool = False) -> None:
    """A cell's text, one Word paragraph per line."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph = cell.paragraphs[0]
    for i, line in enumerate(lines_of(str(text))):
        if i:
            paragraph = cell.add_paragraph()
        if line:
            run = paragraph.add_run(docx_safe(line))
            if bold:
                run.bold = True
        if right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _docx_widths(table, widths_cm) -> None:
    from docx.shared import Cm

    for column, width in zip(table.columns, widths_cm):
        for cell in column.cells:
            cell.width = Cm(width)


def _docx_field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {instruction} "
            run._r.append(code)
        else:
            run.text = text


def _docx_page_numbers(paragraph) -> None:
    """'Page n of m', centred."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("Page ")
    _docx_field(paragraph, "PAGE")
    paragraph.add_run(" of ")
    _docx_field(paragraph, "NUMPAGES")


def _docx_repeat_header(row) -> None:
    """The table's header row repeats at the top of every page the table runs onto."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    row._tr.trPr[-1].set(qn("w:val"), "true")


def _docx_window_address(word, block: WindowAddress) -> None:
    """The address where a DL window shows it: a spacer of exact height down to the
    window's top, then the lines indented to its left edge (whatever the margins)."""
    from docx.enum.text import WD_LINE_SPACING
    from docx.shared import Emu, Mm, Pt

    section = word.sections[-1]
    spacer = word.add_paragraph()
    _docx_tight(spacer)
    spacer.paragraph_format.line_spacing = Emu(max(Mm(1), Mm(WINDOW_TOP_MM) - (section.top_margin or 0)))
    spacer.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    for line in block.lines:
        paragraph = word.add_paragraph()
        _docx_tight(paragraph)
        paragraph.paragraph_format.left_indent = Emu(Mm(WINDOW_LEFT_MM) - (section.left_margin or 0))
        paragraph.add_run(docx_safe(line)).font.size = Pt(block.size_pt)
    word.add_paragraph()


def write_docx(document: Document, out: Path, base: Path | None = None) -> None:
    """`base`: a landlord's own .docx (styles, letterhead) to start from; its styles are kept."""
    from docx import Document as WordDocument
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm, Pt, RGBColor

    word = WordDocument(str(base)) if base is not None else WordDocument()
    word.core_properties.title = document.title
    page = document.page
    if page.font and base is None:
        word.styles["Normal"].font.name = page.font
    if base is None:
        word.styles["Normal"].font.size = Pt(page.size_pt)
    for section in word.sections:
        if page.landscape:
            section.orientation = WD_ORIENT.LANDSCAPE
            section.page_width, section.page_height = section.page_height, section.page_width
        section.left_margin = section.right_margin = Cm(page.side_margins_cm)
        if page.top_bottom_margins_cm is not None:
            section.top_margin = section.bottom_margin = Cm(page.top_bottom_margins_cm)
        if base is not None:
            continue  # the landlord's own header and footer (their letterhead) are theirs
        if page.header_image is not None:
            section.header.paragraphs[0].add_run().add_picture(io.BytesIO(page.header_image.data), height=Cm(0.9))
            section.header.paragraphs[0].add_run("  ")
        if page.header:
            section.header.paragraphs[0].add_run(docx_safe(page.header)).font.size = Pt(8)
        if page.page_numbers:
            _docx_page_numbers(section.footer.paragraphs[0])

    for block in document.blocks:
        if isinstance(block, Heading):
            heading = word.add_heading(docx_safe(block.text), level=0 if block.level == 1 else min(block.level - 1, 9))
            heading.paragraph_format.keep_with_next = True
        elif isinstance(block, Paragraph):
            for line in lines_of(block.text):
                run = word.add_paragraph().add_run(docx_safe(line))
                if block.kind == "note":
                    run.italic = True
                    run.font.size = Pt(9)
                    run.font.color.rgb = RGBColor(0x55, 0x55, 0x55)
                elif block.kind == "lead":
                    run.bold = True
        elif isinstance(block, Fields):
            table = word.add_table(rows=0, cols=2)
            for label, value in block.rows:
                if value:
                    cells = table.add_row().cells
                    _docx_cell(cells[0], label, bold=True)
                    _docx_cell(cells[1], value)
            _docx_widths(table, (4.5, 12.5))
            word.add_paragraph()
        elif isinstance(block, Table):
            table = word.add_table(rows=1, cols=len(block.header))
            table.style = "Table Grid"
            for cell, header in zip(table.rows[0].cells, block.header):
                _docx_cell(cell, header, bold=True)
            _docx_repeat_header(table.rows[0])
            for row in block.rows:
                for i, (cell, text) in enumerate(zip(table.add_row().cells, row)):
                    _docx_cell(cell, text, right=i in block.numeric)
            _docx_widths(table, block.widths_cm)
            word.add_paragraph()
        elif isinstance(block, Figure):
            from chc_tui.documents.report_charts import to_png

            word.add_picture(io.BytesIO(to_png(block.chart)), width=Cm(16.5))
            run = word.add_paragraph().add_run(docx_safe(block.chart.description or block.chart.title))
            run.italic = True
            run.font.size = Pt(9)
        elif isinstance(block, Image):
            word.add_picture(io.BytesIO(block.data), width=Cm(block.width_cm))
        elif isinstance(block, Letter):
            size = Pt(block.size_pt) if block.size_pt else None
            if block.letterhead:
                name, *address = block.letterhead
                head = word.add_paragraph()
                head.paragraph_format.space_after = Pt(0)
                run = head.add_run(docx_safe(name))
                run.bold = True
                run.font.size = Pt(max(16, (block.size_pt or 0) + 4))
                for line in address:
                    paragraph = word.add_paragraph()
                    paragraph.paragraph_format.space_after = Pt(0)
                    run = paragraph.add_run(docx_safe(line))
                    if size:
                        run.font.size = size
                word.add_paragraph()
            # One paragraph per line, without the space Word adds after each (blank lines
            # are empty paragraphs).
            for line in _letter_lines(block.body):
                paragraph = word.add_paragraph()
                _docx_tight(paragraph, 0.75 if block.quoted else 0.0)
                if line:
                    run = paragraph.add_run(docx_safe(line))
                    if size:
                        run.font.size = size
            if block.quoted:
                word.add_paragraph()
        elif isinstance(block, PageBreak):
            word.add_page_break()
        elif isinstance(block, WindowAddress):
            _docx_window_address(word, block)
    word.save(str(out))
