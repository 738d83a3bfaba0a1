"""`chc export` streamed from one query (issue 22.4): the same sheet as before, cell for cell.

tests/export_before.json was written by the exporter that loaded every record as ORM
objects, on tests/export_helpers.build's records, before it was replaced. The one
deliberate difference: in the .xlsx an empty cell of a date column no longer carries the
date format (the streamed sheet writes no cell where there is no value); nothing a reader
sees changes, and every date cell keeps DD/MM/YYYY."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from chc_tui.spreadsheets.exporter import export, iter_sheet_rows, sheet_rows
from export_helpers import build, csv_rows, csv_text, xlsx_cells
from store import export_queries

BEFORE = json.loads((Path(__file__).parent / "export_before.json").read_text(encoding="utf-8"))


def _without_empty_formats(cells: dict) -> dict:
    rows = [[[v, t, f if v is not None else None, b] for v, t, f, b in row] for row in cells["rows"]]
    return {**cells, "rows": rows}


def test_the_csv_is_byte_for_byte_the_one_written_before(db, tmp_path):
    build(db)
    out = tmp_path / "all.csv"
    assert export(db, "csv", out) == 5
    assert csv_text(out) == BEFORE["csv"]


def test_the_xlsx_has_the_same_cells_as_before(db, tmp_path):
    build(db)
    out = tmp_path / "all.xlsx"
    assert export(db, "xlsx", out) == 5
    assert _without_empty_formats(xlsx_cells(out)) == _without_empty_formats(BEFORE["xlsx"])


def test_formulas_stay_text_and_dates_stay_dates_in_the_xlsx(db, tmp_path):
    build(db)
    out = tmp_path / "all.xlsx"
    export(db, "xlsx", out)
    cells = xlsx_cells(out)
    header, *rows = cells["rows"]
    by_ref = {row[0][0]: row for row in rows}
    name = by_ref["C2026-0002"][1]
    assert name[:2] == ["'=HYPERLINK(\"http://evil.example\",\"Bob\")", "s"]
    assert by_ref["C2026-0002"][3][:2] == ["'+Anti-social behaviour", "s"]
    received = by_ref["C2026-0002"][2]
    assert received[1:3] == ["d", "DD/MM/YYYY"] and received[0].startswith("2026-05-05")
    assert all(cell[3] for cell in header) and cells["freeze"] == "A2"


def test_a_stage_extended_twice_exports_the_later_extension(db, tmp_path):
    build(db)
    by_ref = {row["reference"]: row for row in sheet_rows(db)}
    assert by_ref["C2026-0003"]["s1_ext"] == date(2026, 6, 30)
    assert by_ref["C2026-0003"]["s1_ext_reason"] == "Second survey"
    out = tmp_path / "all.csv"
    export(db, "csv", out)
    assert [r for r in csv_rows(out) if r[0] == "C2026-0003"][0][7:9] == ["30/06/2026", "Second survey"]


def test_the_rows_come_from_the_cursor_in_small_batches_in_reference_order(db, monkeypatch):
    """A batch smaller than the sheet still gives every row, once, in reference order."""
    build(db)
    monkeypatch.setattr(export_queries, "ROWS_PER_FETCH", 2)
    rows = iter_sheet_rows(db)
    first = next(rows)
    assert first["reference"] == "C2025-0001"
    assert [r["reference"] for r in rows] == ["C2026-0001", "C2026-0002", "C2026-0003", "C2026-0004"]
