"""`chc export`: every complaint as one spreadsheet row, in the columns `chc import` reads
(chc_tui.spreadsheets.importer.COLUMNS), so an export imported into an empty database gives the same
sheet back. A .csv (UTF-8 with a BOM, which Excel opens correctly; dates dd/mm/yyyy) or
an .xlsx (real date cells shown dd/mm/yyyy). Text cells never run as formulas
(chc_tui.spreadsheets.sheet_cells), and the import reads them back unchanged."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from chc_tui.rules.domain import Decision, ExclusionReason
from chc_tui.spreadsheets.importer import COLUMNS, EXCLUSION_WORDS
from chc_tui.spreadsheets.sheet_cells import append_row, csv_row
from store.engine import Database

FORMATS = ("csv", "xlsx")


def sheet_rows(db: Database) -> list[dict[str, object]]:
    """One dict per complaint, by column key, in reference order; dates as `date`."""
    from sqlmodel import select

    from store.models import Complaint, Extension, Refusal, Resident, Response, StageRecord, Withdrawal

    with db.read() as session:
        complaints = session.exec(
            select(Complaint, Resident).join(Resident, Resident.id == Complaint.resident_id).order_by(Complaint.reference)
        ).all()
        stages = {(s.complaint_id, s.stage): s for s in session.exec(select(StageRecord))}
        responses = {r.stage_id: r for r in session.exec(select(Response))}
        extensions: dict[int, Extension] = {}
        for extension in session.exec(select(Extension).order_by(Extension.id)):
            extensions[extension.stage_id] = extension  # the latest one counts
        refusals = {r.complaint_id: r for r in session.exec(select(Refusal))}
        withdrawals = {w.complaint_id: w for w in session.exec(select(Withdrawal))}

    rows = []
    for complaint, resident in complaints:
        row: dict[str, object] = {
            "reference": complaint.reference,
            "resident": resident.name,
            "received": complaint.received_on,
            "category": complaint.category,
            "channel": complaint.channel.replace("_", " "),
            "tenure": resident.tenure,  # LCRA, LCHO or blank: read back as the same (issue 18.6)
        }
        for n in (1, 2):
            stage = stages.get((complaint.id, n))
            response = responses.get(stage.id) if stage else None
            extension = extensions.get(stage.id) if stage else None
            s = f"s{n}_"
            row[s + "ack"] = stage.acknowledged_on if stage else None
            row[s + "ext"] = extension.new_due if extension else None
            row[s + "ext_reason"] = extension.reason if extension else ""
            row[s + "resp"] = stage.responded_on if stage else None
            row[s + "decision"] = Decision(response.decision).label if response else ""
            row[s + "handler"] = stage.handler if stage else ""
            if n == 2:
                row["s2_req"] = stage.opened_on if stage else None
        refusal = refusals.get(complaint.id)
        row["refused"] = refusal.refused_on if refusal else None
        row["refused_reason"] = (
            f"{EXCLUSION_WORDS[ExclusionReason(refusal.exclusion_reason)]}: {refusal.explanation}" if refusal else ""
        )
        withdrawal = withdrawals.get(complaint.id)
        row["withdrawn"] = withdrawal.withdrawn_on if withdrawal else None
        rows.append(row)
    return rows


def export(db: Database, fmt: str, out: Path) -> int:
    """Write the sheet; the number of complaints written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    rows = sheet_rows(db)
    (_write_csv if fmt == "csv" else _write_xlsx)(rows, Path(out))
    return len(rows)


def _write_csv(rows: list[dict[str, object]], out: Path) -> None:
    import csv

    def cell(value: object) -> str:
        if isinstance(value, date):
            return f"{value:%d/%m/%Y}"
        return "" if value is None else str(value)

    with out.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.label for c in COLUMNS])
        for row in rows:
            writer.writerow(csv_row(cell(row.get(c.key)) for c in COLUMNS))


def _write_xlsx(rows: list[dict[str, object]], out: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Complaints"
    sheet.append([c.label for c in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        append_row(sheet, [row.get(c.key) if row.get(c.key) != "" else None for c in COLUMNS])
    for i, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = max(12, len(column.label) + 2)
        if column.is_date:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=i, max_col=i):
                cell.number_format = "DD/MM/YYYY"
    sheet.freeze_panes = "A2"
    book.save(out)
