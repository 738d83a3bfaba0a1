"""`chc export`: every complaint as one spreadsheet row, in the columns `chc import` reads
(chc_tui.spreadsheets.importer.COLUMNS), so an export imported into an empty database gives the same
sheet back. A .csv (UTF-8 with a BOM, which Excel opens correctly; dates dd/mm/yyyy) or
an .xlsx (real date cells shown dd/mm/yyyy). Text cells never run as formulas
(chc_tui.spreadsheets.sheet_cells), and the import reads them back unchanged."""

from __future__ import annotations

from datetime import date
from operator import itemgetter
from pathlib import Path
from typing import Iterable, Iterator

from chc_tui.rules.domain import Decision
from chc_tui.spreadsheets.importer import COLUMNS, EXCLUSION_WORDS
from chc_tui.spreadsheets.sheet_cells import MAY_NEED_QUOTE, neutralise
from store.engine import Database

FORMATS = ("csv", "xlsx")
DATE_FORMAT = "DD/MM/YYYY"  # how an .xlsx date cell is shown

_DECISION_LABELS = {decision.value: decision.label for decision in Decision}

# The keys in the order `_values` gives them, and where each column of COLUMNS is in it:
# the writers take a row's cells in the sheet's order in one C call (their per-row work is
# what a large export spends its time on).
_KEYS = ("reference", "resident", "received", "category", "channel", "tenure",
         "s1_ack", "s1_ext", "s1_ext_reason", "s1_resp", "s1_decision", "s1_handler",
         "s2_req", "s2_ack", "s2_ext", "s2_ext_reason", "s2_resp", "s2_decision", "s2_handler",
         "refused", "refused_reason", "withdrawn")
_in_column_order = itemgetter(*(_KEYS.index(column.key) for column in COLUMNS))


def _values(r) -> tuple:
    """One complaint's values (store.export_queries' row), in the order of _KEYS; dates as `date`."""
    (reference, resident, received, category, channel, tenure,
     s1_ack, s1_ext, s1_ext_reason, s1_resp, s1_decision, s1_handler, _s1_opened,
     s2_ack, s2_ext, s2_ext_reason, s2_resp, s2_decision, s2_handler, s2_opened,
     refused, exclusion_reason, explanation, withdrawn) = r  # in export_queries.FIELDS' order
    return (
        reference, resident, received, category, channel.replace("_", " "),
        tenure,  # LCRA, LCHO or blank: read back as the same (issue 18.6)
        s1_ack, s1_ext, s1_ext_reason or "", s1_resp, _DECISION_LABELS[s1_decision] if s1_decision else "",
        s1_handler or "",
        s2_opened, s2_ack, s2_ext, s2_ext_reason or "", s2_resp, _DECISION_LABELS[s2_decision] if s2_decision else "",
        s2_handler or "",
        refused, f"{EXCLUSION_WORDS[exclusion_reason]}: {explanation}" if refused is not None else "",
        withdrawn,
    )


def _rows(db: Database) -> Iterator[tuple]:
    """Each complaint's `_values`, in reference order, streamed from the cursor: one batch of
    rows in memory at a time (issue 22.4)."""
    from store import export_queries

    with db.read() as session:
        for r in export_queries.sheet_rows(session):
            yield _values(r)


def iter_sheet_rows(db: Database) -> Iterator[dict[str, object]]:
    """One dict per complaint, by column key, in reference order; dates as `date`."""
    for values in _rows(db):
        yield dict(zip(_KEYS, values))


def sheet_rows(db: Database) -> list[dict[str, object]]:
    """Every row of `iter_sheet_rows`, as a list (for tests and small sheets)."""
    return list(iter_sheet_rows(db))


def export(db: Database, fmt: str, out: Path) -> int:
    """Write the sheet; the number of complaints written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    return (_write_csv if fmt == "csv" else _write_xlsx)(_rows(db), Path(out))


class _DateTexts(dict):
    """A date's text, formatted once per date: a sheet has few dates and many cells of them."""

    def __init__(self, format_date) -> None:
        super().__init__({None: None})
        self._format = format_date

    def __missing__(self, day: date):
        text = self[day] = self._format(day)
        return text


def _cell_values(rows: Iterable[tuple], format_date) -> Iterator[list[object]]:
    """Each row as its cells, in the order of COLUMNS: text made safe (sheet_cells), a date
    as `format_date` gives it, an empty date None."""
    dates = _DateTexts(format_date)
    dated = [column.is_date for column in COLUMNS]
    for row in rows:
        # neutralise called only where it could change the text: two million cells at 100k
        yield [dates[value] if is_date else neutralise(value) if value and value[:1] in MAY_NEED_QUOTE else value
               for is_date, value in zip(dated, _in_column_order(row))]


def _write_csv(rows: Iterable[tuple], out: Path) -> int:
    import csv

    count = 0
    with out.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle)  # writes None as an empty cell
        writer.writerow([c.label for c in COLUMNS])
        for cells in _cell_values(rows, lambda day: f"{day:%d/%m/%Y}"):
            writer.writerow(cells)
            count += 1
    return count


def _write_xlsx(rows: Iterable[tuple], out: Path) -> int:
    """The sheet's XML written as the rows come (chc_tui.spreadsheets.xlsx_stream); header
    bold and frozen, each column as wide as its label."""
    from chc_tui.spreadsheets.xlsx_stream import SheetColumn, day_number, write_sheet

    columns = [SheetColumn(c.label, max(12, len(c.label) + 2), c.is_date) for c in COLUMNS]
    return write_sheet(out, "Complaints", columns, _cell_values(rows, day_number), DATE_FORMAT)
