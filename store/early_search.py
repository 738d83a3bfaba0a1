"""The search typed while the ORM is still loading: the main screen's default list (open
complaints, the first page) narrowed by the search, read with the stdlib's sqlite3 as the
first paint is (store/fastread.py). The statement is store.queries.complaint_rows's own,
compiled for SQLite (OPEN_SEARCH_SQL); tests/test_early_search.py fails when the two
differ; `python -m store.early_search` prints it anew.

Returns None whenever it cannot be sure (no file, another schema, any SQLite error):
the search then waits for the services, as before.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from store.fastread import list_rows, open_current
from store.rows import ComplaintRow

OPEN_SEARCH_SQL = (
    'SELECT complaint.id, complaint.reference, resident.name, complaint.current_stage, complaint.status, stage_record.handler, complaint.received_on, complaint.category, EXISTS (SELECT * \n'
    'FROM definition \n'
    'WHERE definition.stage_id = stage_record.id) AS defined, stage_record.acknowledged_on, stage_record.responded_on, deadline.due_on, deadline.step, complaint.version \n'
    'FROM complaint JOIN resident ON resident.id = complaint.resident_id JOIN stage_record ON stage_record.complaint_id = complaint.id AND stage_record.stage = complaint.current_stage LEFT OUTER JOIN deadline ON deadline.stage_id = stage_record.id AND deadline.active = 1 AND deadline.met_on IS NULL AND deadline.provisional = 0 \n'
    "WHERE (complaint.reference LIKE ? OR resident.name LIKE ?) AND complaint.status = 'open' ORDER BY complaint.status != 'open', deadline.due_on IS NULL, deadline.due_on, complaint.received_on DESC, complaint.reference DESC\n"
    ' LIMIT ? OFFSET 0'
)

_NEEDLE = "chc-early-search-needle"  # stands for the pattern while compiling
_LIMIT = 987654321  # stands for the page


def read_search(path: Path, needle: str, limit: int) -> list[ComplaintRow] | None:
    """complaint_rows(search=needle, status="open", limit=limit), through the driver."""
    pattern = f"%{needle.strip()}%"
    conn = open_current(path)
    if conn is None:
        return None
    try:
        return list_rows(conn.execute(OPEN_SEARCH_SQL, (pattern, pattern, limit)).fetchall())
    except (sqlite3.Error, ValueError):
        return None
    finally:
        conn.close()


def compiled_for_sqlite() -> str:
    """complaint_rows's statement for an open-only search, as SQLite runs it, its pattern
    and page left as parameters."""
    from sqlalchemy.dialects import sqlite

    from store.queries import complaint_rows

    class Capture:
        """Just enough of a session for complaint_rows to build its statement."""

        def __init__(self) -> None:
            self.statements: list = []

        def get_bind(self):
            class Bind:
                dialect = sqlite.dialect()

            return Bind()

        def exec(self, statement):
            self.statements.append(statement)
            return []

    capture = Capture()
    complaint_rows(capture, search=_NEEDLE, status="open", limit=_LIMIT)  # type: ignore[arg-type]
    (statement,) = capture.statements
    sql = str(statement.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
    return sql.replace(f"'%{_NEEDLE}%'", "?").replace(f"LIMIT {_LIMIT}", "LIMIT ?")


if __name__ == "__main__":
    print(compiled_for_sqlite())
