"""the search's index on SQLite: FTS5 trigram tables over resident names and complaint
references, kept by triggers

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 04:10:00.000000

Issue 22.5: a search over every state scanned the whole name and reference indexes with
LIKE (36 of its 72 ms of SQL at 300k). A trigram index finds the same rows from the
needle's trigrams; SQLite still tests LIKE on each (store/search_index.py). The tables
read their text from resident and complaint (external content), so they add only the
index (about 7 MB at 100k). PostgreSQL keeps the plain query: nothing is made there.
"""
from alembic import op


revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None

# index -> (table, column); as store/search_index.INDEXED at this revision
INDEXED = {
    "resident_name_search": ("resident", "name"),
    "complaint_reference_search": ("complaint", "reference"),
}


def _triggers(index: str, source: str, text: str) -> list[str]:
    delete = f"INSERT INTO {index}({index}, rowid, {text}) VALUES ('delete', old.id, old.{text})"
    insert = f"INSERT INTO {index}(rowid, {text}) VALUES (new.id, new.{text})"
    return [
        f"CREATE TRIGGER {index}_insert AFTER INSERT ON {source} BEGIN {insert}; END",
        f"CREATE TRIGGER {index}_delete AFTER DELETE ON {source} BEGIN {delete}; END",
        f"CREATE TRIGGER {index}_update AFTER UPDATE OF {text} ON {source} BEGIN {delete}; {insert}; END",
    ]


def _trigram_available() -> bool:
    """SQLite 3.34 and later have the trigram tokenizer; an older one makes no index here
    (store.search_index.keep builds it once the file is opened by a SQLite that can)."""
    raw = op.get_bind().connection.driver_connection
    assert raw is not None  # a migration runs on an open connection
    try:
        raw.execute("CREATE VIRTUAL TABLE temp.chc_trigram_probe USING fts5(x, tokenize='trigram')")
        raw.execute("DROP TABLE temp.chc_trigram_probe")
    except Exception:
        return False
    return True


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite" or not _trigram_available():
        return
    for index, (source, text) in INDEXED.items():
        op.execute(f"CREATE VIRTUAL TABLE {index} USING fts5({text}, content='{source}', content_rowid='id', "
                   "tokenize='trigram')")
        op.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")
        for trigger in _triggers(index, source, text):
            op.execute(trigger)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for index in INDEXED:
        for event in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS {index}_{event}")
        op.execute(f"DROP TABLE IF EXISTS {index}")
