"""A one-sheet .xlsx written row by row as the rows come (issue 22.4), for `chc export`.

openpyxl's write-only mode builds an XML element for every cell, which took 44 s for
100,000 complaints; this writes the sheet's XML as text, into a temporary file (so memory
stays flat at any size; the zip then takes it whole, as openpyxl does, with ZIP64 only if it
is over 2 GB), and the few fixed parts of the package around it.

Every text is an inline string (never a formula, and no shared-strings table growing in
memory); a date is a day number shown in the sheet's date format, as Excel stores one; an
empty value writes no cell. Text is escaped for XML: `&`, `<`, `>` as entities, a carriage
return as a character reference (a reader would otherwise read it as a line feed), and the
control characters XML 1.0 cannot hold at all in OOXML's `_xHHHH_` form, as Excel writes
them (openpyxl refused such a text).
"""

from __future__ import annotations

import io
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Sequence
from xml.sax.saxutils import quoteattr

# Day 0 of Excel's 1900 date system as it counts from 1 March 1900 on (before that its
# phantom 29 February 1900 puts it a day out; no complaint is that old).
EXCEL_DAY_ZERO = date(1899, 12, 30).toordinal()
ZIP32_LIMIT = zipfile.ZIP64_LIMIT  # a part this large needs ZIP64

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# The styles the cells use, by their index in cellXfs.
PLAIN, BOLD, DATED = 0, 1, 2

# What a text cannot hold as it is: XML's specials, the control characters, and (for
# xml:space) a space at either end.
_SPECIAL = "&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
_NOT_PLAIN = re.compile(f"[{_SPECIAL}]|^\\s|\\s$")
_ESCAPED = re.compile(f"[{_SPECIAL}]")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\r": "&#13;"}


def _escape_one(match: re.Match) -> str:
    char = match.group()
    return _ENTITIES.get(char) or f"_x{ord(char):04X}_"


def text_element(text: str) -> str:
    """`text` as an inline string's <t> element: escaped, its spaces kept."""
    if _NOT_PLAIN.search(text) is None:
        return f"<t>{text}</t>"
    space = ' xml:space="preserve"' if text != text.strip() else ""
    return f"<t{space}>{_ESCAPED.sub(_escape_one, text)}</t>"


def day_number(day: date) -> str:
    """A date as a date cell holds it: its day number in Excel's 1900 date system, as text."""
    return str(day.toordinal() - EXCEL_DAY_ZERO)


def column_letter(number: int) -> str:
    """A column's letters from its number: 1 is A, 27 is AA."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class SheetColumn:
    label: str
    width: float
    is_date: bool = False


def write_sheet(out: Path, title: str, columns: Sequence[SheetColumn], rows: Iterable[Sequence[Any]],
                date_format: str) -> int:
    """Write `out`: a bold, frozen header of `columns`' labels, then one row per item of `rows`
    (each a value per column: text, or in a date column a `day_number`; None or "" for no
    cell). The number of rows written below the header."""
    letters = [column_letter(i) for i in range(1, len(columns) + 1)]
    with tempfile.TemporaryFile() as raw:
        sheet = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        sheet.write(_sheet_head(columns))
        sheet.write('<row r="1">' + "".join(
            f'<c r="{letter}1" t="inlineStr" s="{BOLD}"><is>{text_element(c.label)}</is></c>'
            for letter, c in zip(letters, columns)) + "</row>")
        count = _write_rows(sheet, letters, [c.is_date for c in columns], rows)
        sheet.write("</sheetData></worksheet>")
        sheet.flush()
        raw.seek(0)
        # the fastest deflate: 2.5 times quicker than the default level, the file a sixth larger
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
            for name, text in _package_parts(title, date_format).items():
                package.writestr(name, text)
            with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=_over_zip32(raw)) as part:
                while chunk := raw.read(1 << 20):
                    part.write(chunk)
        sheet.detach()
    return count


ROWS_PER_WRITE = 500


def _write_rows(sheet, letters: list[str], dated: list[bool], rows: Iterable[Sequence[Any]]) -> int:
    # One loop over every cell of the sheet: kept to a test, a format and an append each.
    kinds = list(zip(letters, dated))
    plain = _NOT_PLAIN.search
    written: list[str] = []
    number = 1
    for number, values in enumerate(rows, start=2):
        cells = []
        for (letter, is_date), value in zip(kinds, values):
            if not value:
                continue
            if is_date:
                cells.append(f'<c r="{letter}{number}" s="{DATED}"><v>{value}</v></c>')
            elif plain(value) is None:
                cells.append(f'<c r="{letter}{number}" t="inlineStr"><is><t>{value}</t></is></c>')
            else:
                cells.append(f'<c r="{letter}{number}" t="inlineStr"><is>{text_element(value)}</is></c>')
        written.append(f'<row r="{number}">{"".join(cells)}</row>')
        if len(written) == ROWS_PER_WRITE:
            sheet.write("".join(written))
            written.clear()
    sheet.write("".join(written))
    return number - 1


def _over_zip32(raw) -> bool:
    size = raw.seek(0, io.SEEK_END)
    raw.seek(0)
    return size >= ZIP32_LIMIT


def _sheet_head(columns: Sequence[SheetColumn]) -> str:
    widths = "".join(f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"/>'
                     for i, c in enumerate(columns, start=1))
    return (
        f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
        "</sheetView></sheetViews>"
        '<sheetFormatPr defaultRowHeight="15"/>'
        f"<cols>{widths}</cols><sheetData>"
    )


def _package_parts(title: str, date_format: str) -> dict[str, str]:
    """The parts of the package besides the sheet: fixed but for the title and date format."""
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    return {
        "[Content_Types].xml": (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{ct}.styles+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'{_XML}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_DOC_TYPE}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<bookViews><workbookView/></bookViews>'
            f'<sheets><sheet name={quoteattr(title)} sheetId="1" r:id="rId1"/></sheets>'
            "</workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_DOC_TYPE}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{_DOC_TYPE}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": (
            f'{_XML}<styleSheet xmlns="{_MAIN}">'
            f'<numFmts count="1"><numFmt numFmtId="164" formatCode={quoteattr(date_format)}/></numFmts>'
            '<fonts count="2">'
            '<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
            '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
            "</fonts>"
            '<fills count="2"><fill><patternFill patternType="none"/></fill>'
            '<fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="3">'  # PLAIN, BOLD, DATED
            '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
            '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
            '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
            "</cellXfs>"
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"
        ),
    }
