"""Dates as handlers type them: 2026-11-23, 23/11/2026, 23/11/26, "today", "yesterday".

UK day-first always: 03/04/2026 is 3 April.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta


class DateParseError(ValueError):
    pass


_ISO = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}$")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
# No complaint, tenancy or housing record predates this: a year before it is a typing slip
# (01/01/0001 was once read as 2001), never a date to count working days from.
EARLIEST_YEAR = 1900


def _plausible(day: date, text: str) -> date:
    if day.year < EARLIEST_YEAR:
        raise DateParseError(f"{text.strip()!r} is before {EARLIEST_YEAR}: check the year")
    return day


def _numeric_date(value: str, text: str) -> date | None:
    """2026-11-23 or 23/11/2026 (23.11.26, 23-11-2026); None for any other shape."""
    try:
        if _ISO.match(value):
            return date.fromisoformat("-".join(part.zfill(2) for part in value.split("-")))
        match = _DMY.match(value)
        if match:
            day, month, year_text = match.groups()
            # Only a two-digit year is short for 20yy; "0001" is the year 1, not 2001.
            year = 2000 + int(year_text) if len(year_text) == 2 else int(year_text)
            return date(year, int(month), int(day))
    except ValueError:
        raise DateParseError(f"{text.strip()!r} is not a real date") from None
    return None


def parse_date(text: str, today: date | None = None) -> date:
    """Parse a typed date, day first; raise DateParseError with a message for the handler."""
    today = today or date.today()
    value = (text or "").strip().lower()
    if not value:
        raise DateParseError("enter a date, for example 23/11/2026 or today")
    if value in ("today", "t"):
        return today
    if value in ("yesterday", "y"):
        return today - timedelta(days=1)
    numeric = _numeric_date(value, text)
    if numeric is not None:
        return _plausible(numeric, text)
    # Anything else ("23 Nov 2026", "1 April 2025"): python-dateutil, day first, and strict
    # enough that a stray word is an error rather than a guess.
    from dateutil import parser

    if not (re.search(r"[a-z]{3}", value) and re.search(r"\d{4}", value)):
        raise DateParseError(
            f"{text.strip()!r} is not a date: use dd/mm/yyyy, yyyy-mm-dd, today or yesterday"
        )
    # Parse against two different defaults: if the results differ, the text left out the
    # day, month or year and dateutil filled it in (from the clock) -- a guess, not a date.
    parsed: datetime | None
    check: datetime | None
    try:
        parsed = parser.parse(value, dayfirst=True, default=datetime(2000, 1, 1))
        check = parser.parse(value, dayfirst=True, default=datetime(2001, 2, 2))
    except (ValueError, OverflowError, TypeError):
        parsed = check = None
    if parsed is None or check is None or parsed.date() != check.date():
        raise DateParseError(
            f"{text.strip()!r} is not a date: use dd/mm/yyyy, yyyy-mm-dd, today or yesterday"
        )
    return _plausible(parsed.date(), text)
