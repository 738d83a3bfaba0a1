"""Spreadsheet cells that never run: the one rule every .csv and .xlsx chc writes follows,
and its reverse for `chc import`.

OWASP's rule against formula injection: a text cell beginning with `=`, `+`, `-`, `@`, a
tab or a carriage return is written with a leading apostrophe, so that Excel or
LibreOffice shows it as text instead of running it (a resident named
`=HYPERLINK("http://...")` stays a name). In an .xlsx the cell is also written as a
string, never as a formula.

The import takes that apostrophe off again, so an export imported into an empty database
gives back the same values. A value that itself begins with an apostrophe followed by
such a character (`'=x`) gets one more apostrophe on the way out, so the reverse is exact
for every value, and a real name such as `'Ofa` passes through untouched both ways.
"""

from __future__ import annotations

from typing import Any, Iterable

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def _needs_quote(text: str) -> bool:
    # "'=x" needs one too, or the import would read it back as "=x".
    while text.startswith(QUOTE):
        text = text[1:]
    return text.startswith(TRIGGERS)


def neutralise(value: Any) -> Any:
    """A text cell as written to a spreadsheet; anything else (dates, numbers) unchanged."""
    if isinstance(value, str) and _needs_quote(value):
        return QUOTE + value
    return value


def restore(value: Any) -> Any:
    """A cell as read from a spreadsheet: neutralise's apostrophe taken off again."""
    if isinstance(value, str) and value.startswith(QUOTE) and _needs_quote(value[1:]):
        return value[1:]
    return value


def csv_row(cells: Iterable[Any]) -> list[Any]:
    return [neutralise(cell) for cell in cells]


def append_row(sheet, cells: Iterable[Any]) -> None:
    """Append to an openpyxl worksheet: text neutralised and stored as a string, never a
    formula (openpyxl takes any str beginning with '=' for one)."""
    values = list(cells)
    sheet.append(csv_row(values))
    for cell, value in zip(sheet[sheet.max_row], values):
        if isinstance(value, str):
            cell.data_type = "s"


def write_only_cells(sheet, cells: Iterable[Any], dated: Iterable[bool], date_format: str) -> list[Any]:
    """A row for an openpyxl write-only worksheet: text neutralised, and any text that could
    still be taken for a formula (none can, once neutralised) made a string cell; a date in a
    `dated` column a cell shown in `date_format`. Other values go as they are: write-only
    mode writes plain values through one reused cell, which keeps a large sheet fast."""
    from openpyxl.cell import WriteOnlyCell

    row: list[Any] = []
    for value, is_date in zip(cells, dated):
        if isinstance(value, str):
            value = neutralise(value)
            if value.startswith("="):
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"
                value = cell
        elif is_date and value is not None:
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = date_format
            value = cell
        row.append(value)
    return row
