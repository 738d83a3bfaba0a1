"""A search typed while the services are still loading, answered from the file with the
stdlib's sqlite3 (store/early_search.py) and assessed as the first paint's rows are: the
same rows and deadlines the services give for it a moment later."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.deadlines import Due, assess
from chc_tui.rules.policy import CODE_2024


def open_matches(path: Path, needle: str, calendar: WorkingCalendar, today: date, limit: int) -> list[Due] | None:
    """The main screen's default list (open complaints, first `limit`) narrowed by `needle`;
    None when the file cannot be read early (the search then waits for the services)."""
    from store.early_search import read_search

    rows = read_search(path, needle, limit)
    if rows is None:
        return None
    return [assess(row, calendar, today, CODE_2024) for row in rows]
