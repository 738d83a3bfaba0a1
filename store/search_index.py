"""The search's index on SQLite (migration 0023): FTS5 trigram tables over the two texts
the list's search matches, resident names and complaint references, kept by triggers.

An FTS5 trigram table answers `LIKE '%needle%'` from its index, and SQLite still tests
the LIKE itself on each row the index finds (the index folds case more widely than
LIKE does), so the matches are exactly the plain LIKE's. The tables hold no text of
their own (external content: they read resident.name and complaint.reference), only
the index, which store.personal compacts after an anonymisation so a removed name's
trigrams leave the file too.
"""

from __future__ import annotations

from sqlalchemy import column, select, table

# index table -> (the table it indexes, the indexed column)
INDEXED = {
    "resident_name_search": ("resident", "name"),
    "complaint_reference_search": ("complaint", "reference"),
}
# FTS5's own tables behind each index (an external-content table has no _content).
_SHADOWS = ("_data", "_idx", "_docsize", "_config")


def index_tables() -> frozenset[str]:
    """Every table the index is made of: not the models' tables, never copied row by row."""
    return frozenset(name + shadow for name in INDEXED for shadow in ("", *_SHADOWS))


def indexed(text: str) -> bool:
    """Whether the index can narrow `LIKE '%text%'`: it needs three characters in a row
    that are not LIKE wildcards. Shorter needles read the whole index, slower than the
    plain scan of the name and reference indexes, and keep the plain query."""
    run = 0
    for char in text:
        run = 0 if char in "%_" else run + 1
        if run >= 3:
            return True
    return False


def matching_rowids(name: str, pattern: str):
    """SELECT the rowids (resident or complaint ids) whose indexed text is LIKE `pattern`."""
    indexed_column = INDEXED[name][1]
    index = table(name, column("rowid"), column(indexed_column))
    return select(index.c.rowid).where(index.c[indexed_column].like(pattern)).correlate(None)


def compact(conn) -> None:
    """Merge each index into one segment (a DB-API connection to a SQLite file at 0023 or
    later): an update or delete leaves the old text's trigrams in the index, beside a
    deletion marker, until a merge drops both."""
    present = {row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN (%s)" % ", ".join("?" * len(INDEXED)),
        tuple(INDEXED),
    )}
    for name in INDEXED:
        if name in present:
            conn.execute(f"INSERT INTO {name}({name}) VALUES ('optimize')")


def not_the_index(name: str | None, type_: str, parent_names) -> bool:
    """Alembic's include_name: the index is made by 0023's SQL, not from the models, so
    comparing the models with the database leaves its tables out."""
    return not (type_ == "table" and name in index_tables())
