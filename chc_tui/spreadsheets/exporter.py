"""`chc export`: every complaint as one spreadsheet row, in the columns `chc import` reads
(chc_tui.spreadsheets.importer.COLUMNS), so an export imported into an empty database gives the same
sheet back. A .csv (UTF-8 with a BOM, which Excel opens correctly; dates dd/mm/yyyy) or
an .xlsx (real date cells shown dd/mm/yyyy). Text cells never run as formulas
(chc_tui.spreadsheets.sheet_cells), and the import reads them back unchanged."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Iterable, Iterator

from chc_tui.rules.domain import Decision, ExclusionReason
from chc_tui.spreadsheets.importer import COLUMNS, EXCLUSION_WORDS
from chc_tui.spreadsheets.sheet_cells import csv_row, write_only_cells
from store.engine import Database

FORMATS = ("csv", "xlsx")
DATE_FORMAT = "DD/MM/YYYY"  # how an .xlsx date cell is shown


def _row(r) -> dict[str, object]:
    """One complaint's row (store.export_queries), by column key; dates as `date`."""
    row: dict[str, object] = {
        "reference": r.reference,
        "resident": r.resident,
        "received": r.received,
        "category": r.category,
        "channel": r.channel.replace("_", " "),
        "tenure": r.tenure,  # LCRA, LCHO or blank: read back as the same (issue 18.6)
    }
    for n in (1, 2):
        s = f"s{n}_"
        row[s + "ack"] = getattr(r, s + "ack")
        row[s + "ext"] = getattr(r, s + "ext")
        row[s + "ext_reason"] = getattr(r, s + "ext_reason") or ""
        row[s + "resp"] = getattr(r, s + "resp")
        decision = getattr(r, s + "decision")
        row[s + "decision"] = Decision(decision).label if decision else ""
        row[s + "handler"] = getattr(r, s + "handler") or ""
        if n == 2:
            row["s2_req"] = r.s2_opened
    row["refused"] = r.refused
    row["refused_reason"] = (
        f"{EXCLUSION_WORDS[ExclusionReason(r.exclusion_reason)]}: {r.explanation}" if r.refused is not None else ""
    )
    row["withdrawn"] = r.withdrawn
    return row


def iter_sheet_rows(db: Database) -> Iterator[dict[str, object]]:
    """One dict per complaint, by column key, in reference order; dates as `date`. Streamed
    from the cursor: one batch of rows in memory at a time (issue 22.4)."""
    from store import export_queries

    with db.read() as session:
        for r in export_queries.sheet_rows(session):
            yield _row(r)


def sheet_rows(db: Database) -> list[dict[str, object]]:
    """Every row of `iter_sheet_rows`, as a list (for tests and small sheets)."""
    return list(iter_sheet_rows(db))


def export(db: Database, fmt: str, out: Path) -> int:
    """Write the sheet; the number of complaints written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return (_write_csv if fmt == "csv" else _write_xlsx)(iter_sheet_rows(db), Path(out))


def _write_csv(rows: Iterable[dict[str, object]], out: Path) -> int:
    import csv

    def cell(value: object) -> str:
        if isinstance(value, date):
            return f"{value:%d/%m/%Y}"
        return "" if value is None else str(value)

    count = 0
    with out.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.label for c in COLUMNS])
        for row in rows:
            writer.writerow(csv_row(cell(row.get(c.key)) for c in COLUMNS))
            count += 1
    return count


def _write_xlsx(rows: Iterable[dict[str, object]], out: Path) -> int:
    """openpyxl's write-only workbook: each row goes to the file as it is appended, never
    held as a sheet of cells. Widths and the frozen header are set before the first row,
    as write-only mode requires."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Complaints")
    for i, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(12, len(column.label) + 2)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column.label)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    dated = [c.is_date for c in COLUMNS]
    count = 0
    for row in rows:
        values = [row.get(c.key) if row.get(c.key) != "" else None for c in COLUMNS]
        sheet.append(write_only_cells(sheet, values, dated, DATE_FORMAT))
        count += 1
    book.save(out)
    return count
