"""The self-assessment in the Ombudsman's layout, as .csv, .md, .docx or .xlsx.

Columns, as on the Ombudsman's self-assessment form: Code provision | Code requirement |
Comply: Yes/No | Evidence | Commentary/explanation. The landlord's name and the year head
the document; the Evidence column holds the entered evidence followed by what the records
show for the provisions they speak to (see chc_tui.assessment_evidence).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from chc_tui import document as model
from chc_tui import document_writers as writers
from chc_tui.assessment import landlord_name, year_label, year_span
from chc_tui.assessment_evidence import ChecklistRow, load_checklist
from chc_tui.policy import CODE_2024, CodePolicy
from chc_tui.sheet_cells import append_row, csv_row
from store.engine import Database

FORMATS = ("csv", "md", "docx", "xlsx")
COLUMNS = ("Code provision", "Code requirement", "Comply: Yes/No", "Evidence", "Commentary/explanation")


@dataclass(frozen=True)
class ExportRow:
    section: int
    section_title: str
    provision: str
    requirement: str
    comply: str  # "Yes" | "No" | ""
    evidence: str
    commentary: str

    def cells(self) -> tuple[str, str, str, str, str]:
        return (self.provision, self.requirement, self.comply, self.evidence, self.commentary)


@dataclass(frozen=True)
class Document:
    landlord: str
    year: int
    rows: list[ExportRow]

    @property
    def title(self) -> str:
        return f"{self.landlord}: self-assessment against the Housing Ombudsman's Complaint Handling Code"

    @property
    def subtitle(self) -> str:
        return f"Year {year_label(self.year)} ({year_span(self.year)})"

    def sections(self) -> list[tuple[int, str, list[ExportRow]]]:
        out: list[tuple[int, str, list[ExportRow]]] = []
        for row in self.rows:
            if not out or out[-1][0] != row.section:
                out.append((row.section, row.section_title, []))
            out[-1][2].append(row)
        return out


def rows_from_checklist(checklist: list[ChecklistRow]) -> list[ExportRow]:
    return [
        ExportRow(
            section=r.provision.section,
            section_title=r.provision.section_title,
            provision=r.number,
            requirement=r.provision.text,
            comply=r.comply_label,
            evidence=r.evidence_with_figure(),
            commentary=r.commentary,
        )
        for r in checklist
    ]


def build_document(db: Database, year: int, *, today: date, policy: CodePolicy = CODE_2024) -> Document:
    with db.read() as session:
        landlord = landlord_name(session)
    rows = rows_from_checklist(load_checklist(db, year, today=today, policy=policy))
    return Document(landlord, year, rows)


# --- writers ---------------------------------------------------------------------------


def write_csv(doc: Document, out: Path) -> None:
    """Two heading lines (landlord, year), a blank line, then the table: one row per
    provision. UTF-8 with a byte-order mark so Excel reads the curly quotes; no cell can
    run as a formula (chc_tui.sheet_cells)."""
    with open(out, "w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow(csv_row(["Landlord", doc.landlord]))
        writer.writerow(csv_row(["Year", doc.subtitle]))
        writer.writerow([])
        writer.writerow(COLUMNS)
        for row in doc.rows:
            writer.writerow(csv_row(row.cells()))


def document_of(doc: Document) -> model.Document:
    """Title, year, then one five-column table per section, as the Ombudsman's form has it."""
    blocks: list[model.Block] = [model.Heading(1, doc.title), model.Paragraph(doc.subtitle, kind="lead")]
    for number, title, rows in doc.sections():
        blocks.append(model.Heading(2, f"Section {number}: {title}"))
        blocks.append(model.Table(COLUMNS, [row.cells() for row in rows], widths_cm=(1.8, 9.0, 1.8, 8.0, 5.5)))
    page = model.Page(font=None, size_pt=9, side_margins_cm=1.5, top_bottom_margins_cm=1.5, landscape=True)
    return model.Document(doc.title, blocks, page)


def write_md(doc: Document, out: Path) -> None:
    Path(out).write_bytes(writers.to_markdown(document_of(doc)).encode("utf-8"))


def write_docx(doc: Document, out: Path) -> None:
    """A Word document, landscape: title, year, then one table per section."""
    writers.write_docx(document_of(doc), out)


def write_xlsx(doc: Document, out: Path) -> None:
    """One sheet: title and year, then the header row, then each section as a heading
    row followed by its provisions. Text is stored as text, never as a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = f"Self-assessment {year_label(doc.year).replace('/', '-')}"
    append_row(sheet, [doc.title])
    sheet["A1"].font = Font(bold=True, size=13)
    append_row(sheet, [doc.subtitle])
    sheet.append([])
    sheet.append(list(COLUMNS))
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for number, title, rows in doc.sections():
        append_row(sheet, [f"Section {number}: {title}"])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=len(COLUMNS))
        for row in rows:
            append_row(sheet, row.cells())
            for cell in sheet[sheet.max_row]:
                cell.alignment = wrap
    for letter, width in zip("ABCDE", (10, 70, 10, 60, 45)):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    book.save(str(out))


WRITERS = {"csv": write_csv, "md": write_md, "docx": write_docx, "xlsx": write_xlsx}


def format_for(path: Path, fmt: str | None = None) -> str:
    """The format asked for, else the file's extension; ValueError if neither is known."""
    chosen = (fmt or Path(path).suffix.lstrip(".")).lower()
    if chosen not in WRITERS:
        raise ValueError(f"unknown export format {chosen!r}: choose one of {', '.join(FORMATS)}")
    return chosen


def export(
    db: Database,
    year: int,
    out: Path | str,
    fmt: str | None = None,
    *,
    today: date,
    policy: CodePolicy = CODE_2024,
) -> Path:
    """Write the year's self-assessment to `out` in `fmt` (default: from the extension)."""
    out = Path(out).expanduser()
    chosen = format_for(out, fmt)
    doc = build_document(db, year, today=today, policy=policy)
    out.parent.mkdir(parents=True, exist_ok=True)
    return writers.write_atomically(out, lambda path: WRITERS[chosen](doc, path))

