"""The search's index on SQLite (migration 0023): FTS5 trigram tables over the two texts
the list's search matches, resident names and complaint references, kept by triggers.

An FTS5 trigram table answers `LIKE '%needle%'` from its index, and SQLite still tests
the LIKE itself on each row the index finds (the index folds case more widely than
LIKE does), so the matches are exactly the plain LIKE's. The tables hold no text of
their own (external content: they read resident.name and complaint.reference), only
the index, which store.personal compacts after an anonymisation so a removed name's
trigrams leave the file too.

The trigram tokenizer needs SQLite 3.34 or later. Where the running SQLite lacks it (an
older Linux's system library), 0023 makes no index and `keep` drops any index triggers a
file brought from a newer machine has, since every write to a resident or a complaint
would fail on them; the search then runs the plain LIKE (`usable`). Back on a SQLite with
the tokenizer, `keep` rebuilds the index from the rows and puts its triggers back.
"""

from __future__ import annotations

import logging
import sqlite3
from contextlib import contextmanager

from sqlalchemy import column, select, table

log = logging.getLogger(__name__)

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
    deletion marker, until a merge drops both. Where this SQLite cannot open the index
    (no trigram tokenizer: its triggers are gone, see `keep`), its stored trigrams are
    emptied instead; `keep` rebuilds it on a SQLite that can."""
    present = _present(conn, "table", INDEXED)
    available = trigram_available(conn)
    for name in INDEXED:
        if name in present and available:
            conn.execute(f"INSERT INTO {name}({name}) VALUES ('optimize')")
        elif name in present:
            for shadow in ("_data", "_idx", "_docsize"):
                conn.execute(f"DELETE FROM {name}{shadow}")


def not_the_index(name: str | None, type_: str, parent_names) -> bool:
    """Alembic's include_name: the index is made by 0023's SQL, not from the models, so
    comparing the models with the database leaves its tables out."""
    return not (type_ == "table" and name in index_tables())


def trigger_sql(index: str) -> dict[str, str]:
    """The triggers that keep `index` in step with its table, by name (as 0023 makes them)."""
    source, text = INDEXED[index]
    delete = f"INSERT INTO {index}({index}, rowid, {text}) VALUES ('delete', old.id, old.{text})"
    insert = f"INSERT INTO {index}(rowid, {text}) VALUES (new.id, new.{text})"
    return {
        f"{index}_insert": f"CREATE TRIGGER {index}_insert AFTER INSERT ON {source} BEGIN {insert}; END",
        f"{index}_delete": f"CREATE TRIGGER {index}_delete AFTER DELETE ON {source} BEGIN {delete}; END",
        f"{index}_update": f"CREATE TRIGGER {index}_update AFTER UPDATE OF {text} ON {source} BEGIN {delete}; {insert}; END",
    }


def table_sql(index: str) -> str:
    source, text = INDEXED[index]
    return (f"CREATE VIRTUAL TABLE {index} USING fts5({text}, content='{source}', content_rowid='id', "
            "tokenize='trigram')")


def trigger_names() -> frozenset[str]:
    return frozenset(name for index in INDEXED for name in trigger_sql(index))


def set_aside(conn) -> None:
    """Drop the index's triggers on a copy that is never searched (an import's in-memory
    rehearsal, a DB-API connection): keeping its index made every resident and complaint
    written there cost twice (0.03 s a 1,000-row import, bench/RESULTS.md). The rows a
    rehearsal writes back are indexed by the real file's own triggers."""
    for name in sorted(trigger_names()):
        conn.execute(f"DROP TRIGGER IF EXISTS {name}")


_TRIGRAM: list[bool] = []  # the running SQLite's answer, asked once per process


def trigram_available(conn) -> bool:
    """Whether this SQLite has FTS5's trigram tokenizer (a DB-API connection to SQLite)."""
    if not _TRIGRAM:
        try:
            conn.execute("CREATE VIRTUAL TABLE temp.chc_trigram_probe USING fts5(x, tokenize='trigram')")
            conn.execute("DROP TABLE temp.chc_trigram_probe")
            _TRIGRAM.append(True)
        except sqlite3.Error:
            _TRIGRAM.append(False)
    return _TRIGRAM[0]


def _present(conn, kind: str, names) -> set[str]:
    names = tuple(names)
    found = conn.execute(
        f"SELECT name FROM sqlite_master WHERE type = ? AND name IN ({', '.join('?' * len(names))})", (kind, *names))
    return {row[0] for row in found}


@contextmanager
def _one_transaction(conn):
    """All or nothing on a DB-API connection whatever its transaction mode (chc's own take
    BEGIN themselves: store.engine); IMMEDIATE, as every writer here takes the lock."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


def keep(conn) -> bool:
    """Bring a SQLite file's index to what this SQLite can keep (a DB-API connection, outside
    any transaction); True when the search may read it. Nothing to do, the usual case, costs
    two lookups. A file that cannot be written (read-only) is left as it is."""
    triggers = _present(conn, "trigger", trigger_names())
    available = trigram_available(conn)
    if not available:
        if triggers:
            try:
                with _one_transaction(conn):
                    for name in sorted(triggers):
                        conn.execute(f"DROP TRIGGER {name}")
            except sqlite3.Error as exc:
                log.warning("could not drop the search index's triggers: %s", exc)
            else:
                log.info("this SQLite has no trigram tokenizer: the search index is set aside")
        return False
    if triggers == trigger_names():
        return True
    tables = _present(conn, "table", INDEXED)
    try:
        with _one_transaction(conn):
            for index in INDEXED:
                for name in trigger_sql(index):
                    conn.execute(f"DROP TRIGGER IF EXISTS {name}")
                if index not in tables:
                    conn.execute(table_sql(index))
                conn.execute(f"INSERT INTO {index}({index}) VALUES ('rebuild')")
                for sql in trigger_sql(index).values():
                    conn.execute(sql)
    except sqlite3.Error as exc:
        log.warning("could not rebuild the search index: %s", exc)
        return False
    log.info("the search index was rebuilt from the records")
    return True


def usable(session) -> bool:
    """Whether a search on this session may read the index: SQLite with the trigram
    tokenizer, and the index kept by all its triggers (store.engine.open_database runs
    `keep`; one small lookup, so a file changed under a running app is still answered right)."""
    raw = session.connection().connection.driver_connection
    if not trigram_available(raw):
        return False
    return _present(raw, "trigger", trigger_names()) == trigger_names()
