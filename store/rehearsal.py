"""A rehearsal whose new rows can be written back: an in-memory copy of a SQLite database,
the writes tried on it kept, and then the rows they added copied into the real file with
executemany, a range at a time (chc_tui.spreadsheets.importer).

Copying the rows is the same as making the writes again only while the real file is still
what the copy was made from. So the copy and every write back go through one dedicated
connection, whose `PRAGMA data_version` changes exactly when another connection commits:
a write back finds it changed, writes nothing and raises `Changed`, and the caller checks
again on a fresh copy. Ids are copied as they are (nothing else took them: nobody wrote).

Only added rows are copied. A write on the copy that changed or deleted a row that was
already there (or one an earlier range already wrote back) is noticed by temporary
triggers: `changed_old_rows()` says so, and the caller writes the other way.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from typing import Iterator

from store import search_index
from store.engine import BUSY_TIMEOUT_MS, Database, _configure_sqlite

Marks = dict[str, int]  # table -> the highest rowid so far


class Changed(Exception):
    """Someone else committed to the real database since the copy was made."""


@dataclass(frozen=True)
class _Table:
    name: str
    columns: tuple[str, ...]


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class WritableRehearsal:
    """`scratch` is the copy to write on (a Database, used from the thread that made it)."""

    def __init__(self, db: Database) -> None:
        if db.is_server:
            raise ValueError("a rehearsal is written back only to a SQLite file")
        db.check_integrity()  # as db.write() would before writing to it
        self._real = sqlite3.connect(db.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        _configure_sqlite(self._real, None)  # as every connection of db's: foreign keys, busy timeout...
        self.scratch = Database(":memory:")
        try:
            self._version = self._copy()
            search_index.set_aside(self._raw())
            # The copy is the file just checked, page for page: checking it again before
            # its first write would read every page a second time (a quarter second at 10k).
            self.scratch._integrity = "ok"
            self._tables = self._in_write_order()
            self.marks: Marks = self._highest()
            self.at_copy: Marks = dict(self.marks)
            self._watch_old_rows()
        except BaseException:
            self.dispose()
            raise

    def _copy(self) -> int:
        """Copy the real file into scratch in one step (one read snapshot), and the
        data_version it was copied at: retried if a commit landed while it copied."""
        while True:
            before = self._data_version()
            with self.scratch.engine.connect() as conn:
                self._real.backup(conn.connection.dbapi_connection)  # type: ignore[arg-type]
            if self._data_version() == before:
                return before

    def _data_version(self) -> int:
        return int(self._real.execute("PRAGMA data_version").fetchone()[0])

    def _raw(self) -> sqlite3.Connection:
        # an in-memory SQLite engine keeps one connection per thread: the scratch itself
        with self.scratch.engine.connect() as conn:
            return conn.connection.dbapi_connection  # type: ignore[return-value]

    def _in_write_order(self) -> list[_Table]:
        """Every table, parents before the tables that point at them (foreign keys)."""
        from sqlmodel import SQLModel

        import store.models  # noqa: F401  (registers the tables)

        raw = self._raw()
        # Not the search's index: the real file's triggers index the rows written back.
        present = {name for (name,) in raw.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
        present -= search_index.index_tables()
        ordered = [t.name for t in SQLModel.metadata.sorted_tables if t.name in present]
        ordered += sorted(present - set(ordered) - {"alembic_version"})
        return [_Table(name, tuple(r[1] for r in raw.execute(f"PRAGMA table_info({_quoted(name)})")))
                for name in ordered]

    def _highest(self) -> Marks:
        raw = self._raw()
        return {t.name: int(raw.execute(f"SELECT coalesce(max(rowid), 0) FROM {_quoted(t.name)}").fetchone()[0])
                for t in self._tables}

    def _watch_old_rows(self) -> None:
        raw = self._raw()
        raw.execute("CREATE TEMP TABLE rehearsal_mark (tbl TEXT PRIMARY KEY, mark INTEGER)")
        raw.execute("CREATE TEMP TABLE rehearsal_changed (tbl TEXT)")
        raw.executemany("INSERT INTO rehearsal_mark VALUES (?, ?)", self.marks.items())
        for table in self._tables:
            for event in ("UPDATE", "DELETE"):
                raw.execute(
                    f"CREATE TEMP TRIGGER {_quoted('rehearsal_' + event + '_' + table.name)} AFTER {event} "
                    f"ON main.{_quoted(table.name)} "
                    f"WHEN OLD.rowid <= (SELECT mark FROM rehearsal_mark WHERE tbl = '{table.name}') "
                    f"BEGIN INSERT INTO rehearsal_changed VALUES ('{table.name}'); END"
                )

    def mark(self) -> Marks:
        """The highest rowids now (call between the scratch's transactions): the rows
        after the previous mark up to these are the next range to write back, and from
        now on a change to any of them counts as changing an old row."""
        self.marks = self._highest()
        self._raw().executemany("UPDATE rehearsal_mark SET mark = ? WHERE tbl = ?",
                                [(mark, tbl) for tbl, mark in self.marks.items()])
        return self.marks

    def ids(self, table: str, since: Marks, upto: Marks) -> list[int]:
        """The ids of the rows scratch added to `table` between the two marks."""
        return [i for (i,) in self._raw().execute(
            f"SELECT rowid FROM {_quoted(table)} WHERE rowid > ? AND rowid <= ? ORDER BY rowid",
            (since[table], upto[table]))]

    def changed_old_rows(self) -> list[str]:
        """The tables in which a write on scratch changed or deleted a row it did not add
        since the last mark."""
        return sorted({tbl for (tbl,) in self._raw().execute("SELECT tbl FROM rehearsal_changed")})

    def added(self, since: Marks, upto: Marks) -> Iterator[tuple[_Table, list[tuple]]]:
        raw = self._raw()
        for table in self._tables:
            if upto[table.name] > since[table.name]:
                rows = raw.execute(
                    f"SELECT {', '.join(map(_quoted, table.columns))} FROM {_quoted(table.name)} "
                    "WHERE rowid > ? AND rowid <= ? ORDER BY rowid", (since[table.name], upto[table.name])).fetchall()
                yield table, rows

    def write_back(self, since: Marks, upto: Marks, also: list[tuple[str, tuple]] = ()) -> dict[str, list]:  # type: ignore[assignment]
        """Copy the rows scratch added between the two marks into the real file in one
        write transaction (with `also`: (sql, parameters) written in it, e.g. a journal);
        raises Changed, writing nothing, if anyone else has committed since the copy.
        Returns the added rows' first column (the id) by table."""
        real = self._real
        real.execute("BEGIN IMMEDIATE")
        try:
            if self._data_version() != self._version:
                raise Changed("the database was changed by someone else since it was checked")
            ids: dict[str, list] = {}
            for table, rows in self.added(since, upto):
                marks = ", ".join("?" * len(table.columns))
                real.executemany(
                    f"INSERT INTO {_quoted(table.name)} ({', '.join(map(_quoted, table.columns))}) VALUES ({marks})", rows)
                ids[table.name] = [row[0] for row in rows]
            for sql, parameters in also:
                real.execute(sql, parameters)
            real.execute("COMMIT")
        except BaseException:
            real.execute("ROLLBACK")
            raise
        return ids

    def dispose(self) -> None:
        """Close both connections (again: harmless)."""
        with closing(self._real):
            if hasattr(self, "scratch"):
                self.scratch.dispose()
