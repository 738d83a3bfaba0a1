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
# The first characters of every text that can need a quote: neutralise leaves any other
# text as it is, so a large export can test this first and call it only for these.
MAY_NEED_QUOTE = frozenset((*TRIGGERS, QUOTE))


def _needs_quote(text: str) -> bool:
    # "'=x" needs one too, or the import would read it back as "=x".
    while text.startswith(QUOTE):
        text = text[1:]
    return text.startswith(TRIGGERS)


def neutralise(value: Any) -> Any:
    """A text cell as written to a spreadsheet; anything else (dates, numbers) unchanged."""
    if isinstance(value, str) and value[:1] in MAY_NEED_QUOTE and _needs_quote(value):
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

