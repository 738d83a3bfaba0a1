"""The .xlsx `chc export` writes itself (chc_tui.spreadsheets.xlsx_stream, issue 22.4): a
package openpyxl reads back cell for cell, with text that XML cannot hold as it is written
so that it comes back the same, and dates as date cells."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from chc_tui.spreadsheets import xlsx_stream
from chc_tui.spreadsheets.exporter import export
from chc_tui.spreadsheets.xlsx_stream import SheetColumn, column_letter, day_number, write_sheet
from export_helpers import on
from chc_tui.steps import usecases

AWKWARD = [
    "Tom & Jerry <x>", "]]> end", "  space before", "space after  ", "line\nbreak", "carriage\rreturn",
    "tab\tin", "_x0041_ as typed", "emoji 😀 ü", "a\u2028b", "'Ofa", "",
]
COLUMNS = [SheetColumn("Name", 12), SheetColumn("On", 14, is_date=True)]


def _sheet(path):
    return load_workbook(path).active


def test_awkward_text_reads_back_as_written(tmp_path):
    out = tmp_path / "t.xlsx"
    rows = [(text, day_number(date(2026, 3, 2))) for text in AWKWARD]
    assert write_sheet(out, "Complaints", COLUMNS, iter(rows), "DD/MM/YYYY") == len(AWKWARD)
    sheet = _sheet(out)
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [t or None for t in AWKWARD]
    assert all(cell.data_type == "s" for cell in sheet["A"][1:] if cell.value is not None)


def test_dates_are_date_cells_shown_in_the_date_format(tmp_path):
    out = tmp_path / "t.xlsx"
    days = [date(1900, 3, 1), date(2026, 3, 2), date(2099, 12, 31)]
    write_sheet(out, "Complaints", COLUMNS, [("x", day_number(d)) for d in days] + [("no date", None)], "DD/MM/YYYY")
    cells = _sheet(out)["B"][1:]
    assert [c.value for c in cells] == [datetime(d.year, d.month, d.day) for d in days] + [None]
    assert {(c.data_type, c.number_format) for c in cells[:3]} == {("d", "DD/MM/YYYY")}


def test_the_header_is_bold_frozen_and_the_widths_kept(tmp_path):
    out = tmp_path / "t.xlsx"
    write_sheet(out, "Complaints & more", COLUMNS, [], "DD/MM/YYYY")
    sheet = _sheet(out)
    assert sheet.title == "Complaints & more" and sheet.freeze_panes == "A2"
    assert [(c.value, c.font.b) for c in sheet[1]] == [("Name", True), ("On", True)]
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (12, 14)


def test_every_part_is_well_formed_xml(tmp_path):
    out = tmp_path / "t.xlsx"
    write_sheet(out, "Complaints", COLUMNS, [(t, None) for t in AWKWARD + ["ctl\x0bchar"]], "DD/MM/YYYY")
    with zipfile.ZipFile(out) as package:
        for name in package.namelist():
            ElementTree.fromstring(package.read(name))


def test_a_control_character_xml_cannot_hold_is_written_as_excel_writes_it(db, tmp_path):
    """openpyxl refused the whole export for one such character (IllegalCharacterError)."""
    usecases.log_complaint(db, received_on=date(2026, 3, 2), channel="email", resident_name="Ann\x0bLee",
                           category="Repairs", resident_words="w", ctx=on(date(2026, 3, 2)))
    out = tmp_path / "all.xlsx"
    assert export(db, "xlsx", out) == 1
    assert _sheet(out)["B2"].value == "Ann_x000B_Lee"  # Excel shows Ann, a vertical tab, Lee


def test_a_sheet_over_the_zip32_limit_goes_as_zip64(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx_stream, "ZIP32_LIMIT", 100)
    out = tmp_path / "t.xlsx"
    write_sheet(out, "Complaints", COLUMNS, [("Ann", day_number(date(2026, 3, 2)))] * 50, "DD/MM/YYYY")
    assert _sheet(out).max_row == 51


@pytest.mark.parametrize("number, letters", [(1, "A"), (22, "V"), (26, "Z"), (27, "AA"), (702, "ZZ"), (703, "AAA")])
def test_column_letters(number, letters):
    assert column_letter(number) == letters
