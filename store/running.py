"""What makes a deadline running, spelled once for every reader that needs it.

A stage's next Code deadline is the one still active (not superseded), not met and not
provisional. The ORM's queries (store.queries), the partial indexes that hold only these
rows in due-date order (store.models, migration 0024) and the standard library's early
read before the first paint (store.fastread, no SQLAlchemy) each need the condition; if
one spelling drifted from the index's, SQLite would stop using the index (or a reader
would count other rows). Standard library only: the early read imports it.
"""

from __future__ import annotations

# column -> the value a running deadline has (None: IS NULL)
RUNNING_DEADLINE_COLUMNS: tuple[tuple[str, bool | None], ...] = (
    ("active", True),
    ("met_on", None),
    ("provisional", False),
)


def running_deadline_sql(table: str = "", *, postgresql: bool = False) -> str:
    """The condition as SQL text, on `table`'s columns (an alias, or none): SQLite's
    booleans are 1 and 0, PostgreSQL's true and false."""
    prefix = f"{table}." if table else ""

    def term(column: str, value: bool | None) -> str:
        if value is None:
            return f"{prefix}{column} IS NULL"
        literal = ("true" if value else "false") if postgresql else str(int(value))
        return f"{prefix}{column} = {literal}"

    return " AND ".join(term(column, value) for column, value in RUNNING_DEADLINE_COLUMNS)
