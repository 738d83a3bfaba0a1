"""One document model for everything the system writes out: letters, the evidence pack,
the self-assessment export and the annual report.

A producer builds a `Document` (a title, a page, a list of blocks) from the records;
chc_tui.documents.document_writers writes any document as Word (.docx), Markdown (.md), HTML or
plain text (.txt). Producers say what a document holds, never how a format spells it:
escaping, line breaks and layout live in the writers, once per format.

The blocks:

- `Heading(level, text)`: level 1 is the document's title.
- `Paragraph(text, kind)`: its line breaks are kept; kind "note" is a smaller explanatory
  note, "lead" a line that stands out under the title.
- `Fields(rows)`: label: value pairs (a blank value is left out).
- `Table(header, rows, ...)`: cells may hold several lines; `numeric` columns are
  right-aligned.
- `Figure(chart)`: a chart (chc_tui.documents.report_charts): an accessible SVG in HTML, a PNG in
  Word, bars of text in Markdown and plain text.
- `Letter(body, letterhead, quoted, size_pt)`: a text exactly as stored (a letter as sent),
  never reflowed or interpreted; `letterhead` lines go above it, `quoted` sets it apart
  inside a longer document, `size_pt` prints it in its own size (large print).
- `Image(data, mime, alt)`: a picture the landlord gave (their logo), PNG or JPEG bytes
  already checked (chc_tui.documents.logo); Markdown and plain text leave it out.
- `PageBreak()`: what follows starts a new page (Word, PDF, printed HTML).
- `WindowAddress(lines)`: a name and address placed where a DL window envelope shows it
  (Word and PDF; elsewhere, just the lines).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, Sequence

if TYPE_CHECKING:
    from chc_tui.documents.report_charts import Chart


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str  # line breaks are kept
    kind: Literal["body", "note", "lead"] = "body"


@dataclass(frozen=True)
class Fields:
    """Label: value pairs; a blank value is left out."""

    rows: Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Table:
    header: Sequence[str]
    rows: Sequence[Sequence[str]]
    caption: str = ""
    numeric: tuple[int, ...] = ()  # columns of numbers (right-aligned)
    widths_cm: tuple[float, ...] = ()  # Word column widths; empty: Word's own
    md_blank: str = " "  # an empty cell in Markdown (the annual report's have always been "")


@dataclass(frozen=True)
class Figure:
    chart: Chart


@dataclass(frozen=True)
class Letter:
    """A text reproduced exactly as stored (a letter as sent)."""

    body: str
    letterhead: Sequence[str] = ()  # the landlord's name, then address lines
    quoted: bool = False  # set apart inside a longer document (the evidence pack)
    size_pt: float | None = None  # its own print size (a large-print letter in a post run); None: the page's


@dataclass(frozen=True)
class Image:
    data: bytes  # PNG or JPEG, checked when the landlord set it (chc_tui.documents.logo)
    mime: str  # image/png | image/jpeg
    alt: str
    width_cm: float = 4.0


@dataclass(frozen=True)
class PageBreak:
    """What follows starts on a new page."""


# Where an address shows through the window of a DL envelope (220 x 110 mm; window 90 x 45
# mm, 20 mm from the left, 15 mm from the bottom) holding an A4 sheet folded in three: the
# address's top-left corner 20 mm from the sheet's left edge and 50 mm from its top, the
# address no wider than 85 mm and no taller than 40 mm.
WINDOW_LEFT_MM = 20.0
WINDOW_TOP_MM = 50.0
WINDOW_WIDTH_MM = 85.0
WINDOW_HEIGHT_MM = 40.0


@dataclass(frozen=True)
class WindowAddress:
    """A name and address for a DL window envelope, at the top of a page of its own."""

    lines: Sequence[str]
    size_pt: float = 11.0


Block = Heading | Paragraph | Fields | Table | Figure | Letter | Image | PageBreak | WindowAddress


@dataclass(frozen=True)
class Page:
    """How a Word document and printed HTML are set out; Markdown and plain text have no page."""

    font: str | None = "Arial"
    size_pt: float = 10
    side_margins_cm: float = 2.0
    top_bottom_margins_cm: float | None = None  # None: Word's default
    landscape: bool = False
    header: str = ""  # a line at the top of every page (Word's header; HTML, fixed when printed)
    page_numbers: bool = False  # "Page n of m" in every page's footer (Word, printed HTML and PDF)
    # PDF: the document's title above and "Page n of m" below every page; off for letters
    # to residents (a post run), which carry only the landlord's letterhead.
    pdf_furniture: bool = True
    header_image: Image | None = None  # the landlord's logo beside the header line


@dataclass(frozen=True)
class Document:
    title: str  # the file's title (Word's properties, HTML's <title>)
    blocks: list[Block] = field(default_factory=list)
    page: Page = Page()
