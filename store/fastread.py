"""The first paint's read: open complaints and their next deadline, with the stdlib's
sqlite3 only, so the main screen fills before SQLAlchemy has loaded (about half a
second on a small office PC). Same rows, same order as store.queries.complaint_rows
(status="open"); tests/test_fastread.py holds the two to each other.

Returns None whenever it cannot be sure (no file yet, a schema not at this release's
newest revision, any SQLite error); the app then waits for the full open instead.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import overload

from store.rows import ComplaintRow, list_row
from store.running import running_deadline_sql

_VERSIONS = Path(__file__).parent / "migrations" / "versions"

# The open complaints in the list's order (store.queries.complaint_rows, status "open"),
# in two parts: those with a running deadline from ix_deadline_running in due-date order,
# so the first paint's page stops at its last row (the whole of every open complaint was
# joined and sorted: 20 ms at 300k), then those with none, newest first.
_OPEN_COLUMNS = """
SELECT c.id, c.reference, r.name, c.current_stage, c.status, s.handler, c.received_on,
       c.category,
       EXISTS (SELECT 1 FROM definition df WHERE df.stage_id = s.id) AS defined,
       s.acknowledged_on, s.responded_on, {due}, c.version
"""
_RUNNING = running_deadline_sql("d")

OPEN_DUE_ROWS_SQL = _OPEN_COLUMNS.format(due="d.due_on, d.step") + f"""
FROM deadline d
JOIN stage_record s ON s.id = d.stage_id
JOIN complaint c ON c.id = s.complaint_id AND s.stage = c.current_stage
JOIN resident r ON r.id = c.resident_id
WHERE {_RUNNING} AND c.status || '' = 'open'
ORDER BY d.due_on, c.received_on DESC, c.reference DESC
LIMIT :first
"""

OPEN_UNDUE_ROWS_SQL = _OPEN_COLUMNS.format(due="NULL, NULL") + f"""
FROM complaint c
JOIN resident r ON r.id = c.resident_id
JOIN stage_record s ON s.complaint_id = c.id AND s.stage = c.current_stage
WHERE c.status = 'open'
  AND NOT EXISTS (SELECT 1 FROM deadline d WHERE d.stage_id = s.id AND {_RUNNING})
ORDER BY c.received_on DESC, c.reference DESC
LIMIT :first
"""

# How many open complaints' next deadlines fall on each day (store.queries.open_deadline_days).
OPEN_DAYS_SQL = f"""
SELECT d.due_on, count(*)
FROM complaint c
JOIN stage_record s ON s.complaint_id = c.id AND s.stage = c.current_stage
JOIN deadline d ON d.stage_id = s.id AND {_RUNNING}
WHERE c.status || '' = 'open'
GROUP BY d.due_on
"""


@dataclass(frozen=True)
class EarlyRead:
    rows: list[ComplaintRow]  # the first open complaints (all of them unless asked for fewer), in the list's order
    due_days: dict[date, int]  # every open complaint's next due date: how many fall on each day
    region: str | None
    closure_days: dict[date, str]
    other_results: dict[str, list[tuple]]  # store/early_sql.py's PANEL_SQL's rows, for store.other_deadline_rows
    settings: dict[str, object]  # every setting, decoded (the yearly submission reads a few)


def _newest_revision() -> str:
    return max(p.name.split("_", 1)[0] for p in _VERSIONS.glob("[0-9]*.py"))


class _Days:
    """ISO text to a date, each distinct text parsed once: a few hundred distinct dates
    among thousands of rows."""

    def __init__(self) -> None:
        self._known: dict[str, date] = {}

    @overload
    def __call__(self, text: str) -> date: ...
    @overload
    def __call__(self, text: None) -> None: ...
    def __call__(self, text: str | None) -> date | None:
        if text is None:
            return None
        known = self._known.get(text)
        if known is None:
            known = self._known[text] = date.fromisoformat(text)
        return known


def list_rows(found, day: _Days | None = None) -> list[ComplaintRow]:
    """The list's rows from the driver's tuples, in the columns of OPEN_DUE_ROWS_SQL (and of
    store.queries' list select)."""
    day = day or _Days()
    return [list_row(values, day) for values in found]


def open_current(path: Path) -> sqlite3.Connection | None:
    """A read-only connection to the file when its schema is this release's newest, else None."""
    if not Path(path).exists():
        return None
    try:
        conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True, timeout=5)
    except sqlite3.Error:
        return None
    try:
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        conn.close()
        return None
    if version is None or version[0] != _newest_revision():
        conn.close()
        return None
    return conn


def read_open(path: Path, first: int | None = None, panel_rows: int | None = None) -> EarlyRead | None:
    """The open complaints: `first` of them as rows (all when None), and how many fall due
    on each day, which is all the panel's counts need; of the other due dates, the
    `panel_rows` soonest of each kind (all when None) and how many fall on each day."""
    conn = open_current(path)
    if conn is None:
        return None
    try:
        found = conn.execute(OPEN_DUE_ROWS_SQL, {"first": -1 if first is None else first}).fetchall()
        if first is None or len(found) < first:
            left = -1 if first is None else first - len(found)
            found += conn.execute(OPEN_UNDUE_ROWS_SQL, {"first": left}).fetchall()
        day = _Days()
        rows = list_rows(found, day)
        due_days = {day(due): count for due, count in conn.execute(OPEN_DAYS_SQL)}
        import json

        from store.early_sql import PANEL_SQL

        settings = {key: json.loads(value) for key, value in conn.execute("SELECT key, value FROM setting")}
        region = settings.get("region")
        closures = {day(day_text): note for day_text, note in conn.execute("SELECT day, note FROM closure_day")}
        page = {"rows": -1 if panel_rows is None else panel_rows}
        others = {name: conn.execute(sql, page).fetchall() for name, sql in PANEL_SQL.items()}
        return EarlyRead(rows, due_days, region, closures, others, settings)
    except (sqlite3.Error, ValueError):
        return None
    finally:
        conn.close()
