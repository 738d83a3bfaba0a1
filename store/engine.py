"""Opening a database: the SQLite file's location, its pragmas, and write transactions."""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Iterator, cast

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine
from sqlmodel import Session

from store.errors import CORRUPT, DAMAGED_FIX, DatabaseProblem, explain
from store.paths import check_database_file, default_db_path, resolve_db_path  # noqa: F401  (re-exported)

# How long a writer waits for another's write lock before giving up. The longest normal
# write is an import's batch or a restore; both finish well inside this (issue 15).
BUSY_TIMEOUT_MS = 30_000


def _configure_sqlite(dbapi_conn: sqlite3.Connection, _record) -> None:
    # Take transaction control from pysqlite so that BEGIN is ours (see _begin).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    # Check each page's cells as it is read: a damaged page is reported as corrupt rather
    # than written around (issue 15).
    cur.execute("PRAGMA cell_size_check = ON")
    cur.close()


def _begin(conn) -> None:
    # Writers take the write lock up front (BEGIN IMMEDIATE) so that two handlers' steps
    # queue behind the busy timeout instead of failing half-way with "database is locked".
    mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
    conn.exec_driver_sql(f"BEGIN {mode}")


WRITE_LOCK_KEY = 0x43_48_43  # "CHC": PostgreSQL writers queue on this advisory lock


def _begin_postgres(conn) -> None:
    # The same one-writer-at-a-time as SQLite's BEGIN IMMEDIATE: references are counted
    # and versions checked inside the transaction, so writers must not interleave.
    if conn.get_execution_options().get("serialize_writes"):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITE_LOCK_KEY})")


def make_engine(path: Path) -> Engine:
    # hide_parameters: an error's text never quotes the values being written (a resident's
    # name, their words), so neither the log nor a message carries personal data.
    engine = create_engine(f"sqlite:///{path}", connect_args={"check_same_thread": False}, hide_parameters=True)
    event.listen(engine, "connect", _configure_sqlite)
    event.listen(engine, "begin", _begin)
    return engine


def make_server_engine(url: str) -> Engine:
    engine = create_engine(url, pool_pre_ping=True, hide_parameters=True)  # as make_engine
    event.listen(engine, "begin", _begin_postgres)
    return engine


class Database:
    """An open database: short read sessions and short immediate write transactions."""

    def __init__(self, path: Path | str) -> None:
        from store.paths import data_anchor_for_url, is_url

        self.url = str(path) if is_url(path) else None
        if self.url is not None:
            # A PostgreSQL server; files (attachments, templates) live in the data folder.
            self.path = data_anchor_for_url(self.url)
            self.engine = make_server_engine(self.url)
            self._write_engine: Engine = self.engine.execution_options(serialize_writes=True)
        else:
            self.path = Path(path)
            self.engine = make_engine(self.path)
            self._write_engine = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._watch: sqlite3.Connection | None = None
        self._watch_lock = threading.Lock()
        self._integrity: str | None = None  # quick_check's verdict, once per open database
        self._local = threading.local()  # the write transaction this thread has open, if any

    @contextmanager
    def read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed whole on success, rolled back whole on any error.

        Inside another write on the same thread it joins that transaction as a savepoint:
        an importer runs many use-cases as one all-or-nothing transaction, and a refused
        row undoes only itself while the importer collects every problem."""
        outer = getattr(self._local, "session", None)
        if outer is not None:
            with outer.begin_nested():
                yield outer
            return
        self.check_integrity()
        with Session(self._write_engine, expire_on_commit=False) as session:
            with session.begin():
                self._local.session = session
                try:
                    yield session
                finally:
                    self._local.session = None

    def rehearsal(self) -> Database:
        """A database to try writes on without taking this one's write lock, for a dry run
        that rolls back everything it writes (chc_tui.spreadsheets.importer). For SQLite, an in-memory
        copy read like any reader reads (other handlers keep saving meanwhile); used from
        the thread that made it. For a server, the same database with its writes not
        queued on the write lock. Dispose of it when done."""
        if self.url is not None:
            copy = Database(self.url)
            copy._write_engine = copy.engine
            return copy
        # The file is checked (once per open database, as before its first write), not the
        # copy: the copy is that file page for page, so checking it too read every page a
        # second time (0.13 s at 10k), and a dry run then the import checked twice.
        from store import search_index

        self.check_integrity()
        copy = Database(":memory:")
        source = sqlite3.connect(self.path)
        try:
            with copy.engine.connect() as conn:
                # a SQLite engine's driver connection is a sqlite3.Connection
                source.backup(cast(sqlite3.Connection, conn.connection.dbapi_connection))
                search_index.set_aside(conn.connection.dbapi_connection)  # nobody searches the copy
        finally:
            source.close()
        copy._integrity = "ok"
        return copy

    def check_integrity(self) -> None:
        """Refuse to write to a damaged file: a write would build on pages that are wrong,
        and bury the damage under new records. Checked once, before this open database's
        first write (PRAGMA quick_check reads every page: tens of milliseconds)."""
        if self.url is not None:
            return
        if self._integrity is None:
            try:
                with self.engine.connect() as conn:
                    rows = conn.exec_driver_sql("PRAGMA quick_check").fetchall()
                self._integrity = "; ".join(str(r[0]) for r in rows)
            except Exception as exc:
                if explain(exc) != CORRUPT:
                    raise  # busy, unreadable: not a verdict on the file
                self._integrity = str(exc)
        if self._integrity != "ok":
            raise DatabaseProblem(f"{self.path} failed its integrity check, so nothing was saved. {DAMAGED_FIX}")

    @property
    def is_server(self) -> bool:
        return self.url is not None

    def data_version(self) -> int:
        """A number that changes whenever another connection commits, for live refresh.

        Uses one dedicated connection: SQLite counts data_version per connection, so a
        pooled connection would report its own history rather than others' commits.
        """
        if self.url is not None:
            # No data_version on a server: every write leaves an audit entry, so the
            # newest entry's id changes exactly when someone has written.
            with self.engine.connect() as conn:
                return int(conn.exec_driver_sql("SELECT coalesce(max(id), 0) FROM audit_entry").scalar_one())
        # One connection, asked from the app's thread (the watch for commits) and from the
        # report's counting thread (its stamp): one at a time, never while it is closed
        # (a test worker died in this call with two threads on the connection at once).
        with self._watch_lock:
            if self._watch is None:
                self._watch = sqlite3.connect(self.path, check_same_thread=False)
            return int(self._watch.execute("PRAGMA data_version").fetchone()[0])

    def dispose(self) -> None:
        with self._watch_lock:
            if self._watch is not None:
                self._watch.close()
                self._watch = None
        self.engine.dispose()


def _refuse_foreign(path: Path) -> None:
    # An SQLite file from another program has tables but no chc schema version: adding
    # chc's tables to it (or even switching it to WAL) would change another program's
    # file, and a mistyped path would hide the real database. Read-only, before our pragmas.
    from urllib.parse import quote

    with closing(sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if tables and "alembic_version" not in tables:
        raise DatabaseProblem(f"{path} is an SQLite database but not a chc one; check --db or CHC_DB")


def open_database(path: Path | str, create: bool = True) -> Database:
    """Open and upgrade the schema in place to this release's. A missing file is created
    (for its owner and group, see store.sharing) only when `create`. A problem a handler
    can act on (locked, read-only, corrupt, too new, not a database) is raised as
    DatabaseProblem with its one-line message."""
    from store.migrate import upgrade
    from store.paths import is_url
    from store.sharing import create_file, settle_database

    db = None
    try:
        if not is_url(path):
            path = Path(path)
            check_database_file(path, create)
            if not create_file(path):
                settle_database(path)
                _refuse_foreign(path)
        db = Database(path)
        upgrade(db.engine)
        if not db.is_server:
            _keep_search_index(db)
            settle_database(db.path)  # the journals SQLite has just made, or found
    except Exception as exc:
        if db is not None:
            db.dispose()
        message = explain(exc)
        if message is None or isinstance(exc, DatabaseProblem):
            raise
        where = "" if is_url(path) else f"{path}: "  # never a URL: it may hold a password
        raise DatabaseProblem(f"{where}{message}") from exc
    return db


def _keep_search_index(db: Database) -> None:
    """The search's index as this SQLite can keep it (store.search_index.keep): a file
    brought from a machine with another SQLite is set right before anyone writes."""
    from store import search_index

    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        search_index.keep(raw)


def plain_rows(session: Session, query):
    """A query's rows as plain named tuples, through the connection. For reads of
    thousands of rows (a year's stages, the panel's other due dates), the ORM's per-row
    loading cost more than the queries themselves (bench/RESULTS.md)."""
    return session.connection().execute(query)
