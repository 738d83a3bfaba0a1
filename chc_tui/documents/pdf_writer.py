"""A PDF writer for any chc_tui.documents.document.Document (fpdf2): A4, the document's
title in every page's header, "Page N of M" in its footer, headings, paragraphs, label:
value fields, tables whose header row repeats on each page they run onto, charts as the PNG
the Word writer uses, with their description, and a letter's text line by line.

Text is set in a Unicode TrueType font when one is found on the machine (DejaVu Sans,
Liberation Sans, Windows Arial); otherwise in the PDF's core Helvetica, which holds only
Latin-1, so any other character is replaced (curly quotes and dashes by their plain forms).

fpdf2 is imported only when a PDF is written.
"""

from __future__ import annotations

import os
from pathlib import Path

from chc_tui.documents.document import (
    WINDOW_HEIGHT_MM, WINDOW_LEFT_MM, WINDOW_TOP_MM, WINDOW_WIDTH_MM, Document, Fields, Figure, Heading, Image, Letter,
    PageBreak, Paragraph, Table, WindowAddress,
)

# (regular, bold) font files, in the order they are tried.
FONT_CANDIDATES: tuple[tuple[str, str], ...] = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"),
    ("/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
     "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf"),
    (os.path.join(os.environ.get("WINDIR", r"C:\Windows"), "Fonts", "arial.ttf"),
     os.path.join(os.environ.get("WINDIR", r"C:\Windows"), "Fonts", "arialbd.ttf")),
)

_PLAIN = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-",
                        "\u2026": "...", "\u2022": "*", "\u00a0": " ", "\u2212": "-", "\u2264": "<=", "\u2265": ">="})
HEADING_MM = {1: 7.0, 2: 5.5, 3: 4.8}
HEADING_PT = {1: 16, 2: 13, 3: 11.5}


def find_font(candidates=FONT_CANDIDATES) -> tuple[str, str] | None:
    """The first (regular, bold) pair of font files that exist, else None."""
    for regular, bold in candidates:
        if Path(regular).is_file() and Path(bold).is_file():
            return regular, bold
    return None


def latin1(text: str) -> str:
    """What Helvetica can show: plain forms of typographic marks, "?" for anything else."""
    return str(text).translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def _pdf_class():
    from fpdf import FPDF

    class _PDF(FPDF):
        running_title = ""
        family = "Helvetica"
        header_image: bytes | None = None
        furniture = True

        def header(self) -> None:
            if not self.furniture:
                return
            if self.header_image is not None:
                import io

                self.image(io.BytesIO(self.header_image), x=self.l_margin, y=6, h=8)
            self.set_font(self.family, "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 5, self.running_title, new_x="LMARGIN", new_y="NEXT", align="R")
            self.set_text_color(0, 0, 0)
            self.ln(2)

        def footer(self) -> None:
            if not self.furniture:
                return
            self.set_y(-14)
            self.set_font(self.family, "", 8)
            self.set_text_color(90, 90, 90)
            self.cell(0, 8, f"Page {self.page_no()} of {{nb}}", align="C")
            self.set_text_color(0, 0, 0)

    return _PDF


def to_pdf(document: Document, fonts: tuple[str, str] | None | bool = True) -> bytes:
    """The document as PDF bytes. `fonts`: True finds a Unicode font; None or False uses
    core Helvetica; a (regular, bold) pair uses those files."""
    pdf = _pdf_class()(orientation="L" if document.page.landscape else "P", unit="mm", format="A4")
    pair = find_font() if fonts is True else (fonts or None)
    if pair:
        pdf.add_font("Body", "", pair[0])
        pdf.add_font("Body", "B", pair[1])
        pdf.family = "Body"
        clean = str
    else:
        clean = latin1
    pdf.running_title = clean(document.page.header or document.title)
    if document.page.header_image is not None:
        pdf.header_image = document.page.header_image.data
    pdf.furniture = document.page.pdf_furniture
    pdf.set_title(clean(document.title))
    pdf.set_lang("en-GB")
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, margin=18)
    pdf.alias_nb_pages()
    pdf.add_page()
    family = pdf.family
    body_pt = 9.5 if not document.page.landscape else 8.5

    def text(style: str = "", size: float = body_pt) -> None:
        pdf.set_font(family, style, size)

    for block in document.blocks:
        if isinstance(block, Heading):
            level = min(block.level, 3)
            if pdf.get_y() > pdf.h - 50:  # keep a heading with what follows it
                pdf.add_page()
            pdf.ln(3 if level > 1 else 0)
            text("B", HEADING_PT[level])
            pdf.multi_cell(0, HEADING_MM[level] + 1, clean(block.text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1)
        elif isinstance(block, Paragraph):
            text("B" if block.kind == "lead" else "", body_pt - 1 if block.kind == "note" else body_pt)
            pdf.multi_cell(0, 5, clean(block.text), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif isinstance(block, Fields):
            for label, value in block.rows:
                if value:
                    text("B")
                    pdf.multi_cell(0, 5, clean(f"{label}: ") + clean(value), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(1.5)
        elif isinstance(block, Table):
            _table(pdf, block, clean, family, body_pt)
        elif isinstance(block, Figure):
            import io

            from chc_tui.documents.report_charts import to_png

            width = min(160.0, pdf.epw)
            if pdf.get_y() > pdf.h - 95:
                pdf.add_page()
            pdf.image(io.BytesIO(to_png(block.chart)), w=width, alt_text=clean(block.chart.description or block.chart.title))
            text("", body_pt - 1)
            pdf.multi_cell(0, 4.5, clean(block.chart.description or block.chart.title), new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
        elif isinstance(block, Image):
            import io

            pdf.image(io.BytesIO(block.data), w=block.width_cm * 10, alt_text=clean(block.alt))
            pdf.ln(3)
        elif isinstance(block, Letter):
            size = block.size_pt or body_pt
            line_mm = max(5.0, size * 0.5)
            if block.letterhead and block.size_pt:  # a letter on its own page: the landlord's name stands out
                name, *address = block.letterhead
                text("B", size + 5)
                pdf.multi_cell(0, line_mm + 2, clean(name) or " ", new_x="LMARGIN", new_y="NEXT")
                head = address
            else:
                head = list(block.letterhead)
            text("", size)
            for line in [*head, "", *block.body.split("\n")]:  # as written: ragged right, never justified
                pdf.multi_cell(0, line_mm, clean(line) or " ", new_x="LMARGIN", new_y="NEXT", align="L")
        elif isinstance(block, PageBreak):
            pdf.add_page()
        elif isinstance(block, WindowAddress):
            text("", block.size_pt)
            pdf.set_xy(WINDOW_LEFT_MM, WINDOW_TOP_MM)
            line_mm = max(4.5, block.size_pt * 0.45)
            for line in list(block.lines)[: int(WINDOW_HEIGHT_MM // line_mm)]:
                pdf.set_x(WINDOW_LEFT_MM)
                pdf.cell(WINDOW_WIDTH_MM, line_mm, clean(line), new_x="LMARGIN", new_y="NEXT")
            pdf.set_y(WINDOW_TOP_MM + WINDOW_HEIGHT_MM + 10)
    return bytes(pdf.output())


def _table(pdf, block: Table, clean, family: str, body_pt: float) -> None:
    from fpdf.fonts import FontFace

    columns = max([len(block.header), *(len(row) for row in block.rows)] or [1])
    if block.caption:
        pdf.set_font(family, "B", body_pt)
        pdf.multi_cell(0, 5, clean(block.caption), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", body_pt - 1.5)
    widths = block.widths_cm if len(block.widths_cm) == columns else None
    header = [clean(h) or " " for h in block.header] + [" "] * (columns - len(block.header))
    with pdf.table(
        col_widths=widths,
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
        line_height=4.6,
        repeat_headings=1,
        text_align=tuple("RIGHT" if i in block.numeric else "LEFT" for i in range(columns)),
        first_row_as_headings=True,
    ) as table:
        table.row(header)
        for row in block.rows:
            cells = [clean(c) for c in row] + [""] * (columns - len(row))
            table.row(cells)
    pdf.ln(2)


def write_pdf(document: Document, out: Path) -> None:
    Path(out).write_bytes(to_pdf(document))
