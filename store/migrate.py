"""Versioned schema upgrades (Alembic). Every release upgrades an existing database in
place; `HEAD` names the newest revision so start-up can skip Alembic when nothing is due."""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from store.errors import DatabaseProblem

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
HEAD = "0024"


class DatabaseTooNew(DatabaseProblem, RuntimeError):
    """Written by a newer chc: this release must not touch it."""


def _config(connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["connection"] = connection
    return cfg


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def known_revisions() -> list[str]:
    return sorted(p.stem.split("_", 1)[0] for p in (MIGRATIONS_DIR / "versions").glob("[0-9]*.py"))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; a no-op when it is already there. "head" on an empty
    SQLite file is made from the template; a named revision always runs the migrations."""
    current = current_revision(engine)
    if revision == "head" and current == HEAD:
        return
    if current is not None and current not in known_revisions():
        raise DatabaseTooNew(
            f"this database was written by a newer chc (schema {current}); upgrade chc first"
        )
    with engine.connect() as conn:
        if revision == "head" and current is None and _made_from_template(conn):
            return
        from alembic import command

        with _foreign_keys_off_on_sqlite(conn):
            with conn.begin():
                command.upgrade(_config(conn), revision)
                _check_foreign_keys(conn)


def _made_from_template(conn) -> bool:
    """An empty SQLite file gets HEAD's schema in one step (store.schema_template: exactly
    what the migrations make from empty, a fifth of the first demo's build). False, having
    done nothing, where the template does not fit: the migrations run."""
    from store import schema_template

    if conn.dialect.name != "sqlite":
        return False
    raw = conn.connection.driver_connection
    # Looked at and made in one transaction holding the write lock from its start: a second
    # chc opening the same new file waits, then finds the tables made and makes none.
    with conn.execution_options(sqlite_begin="IMMEDIATE").begin():
        if not schema_template.fits(raw, HEAD):
            return False
        schema_template.create(raw)
    return True


@contextmanager
def _foreign_keys_off_on_sqlite(conn):
    """SQLite rebuilds a table to change a column (copy, drop, rename); with foreign keys
    on, dropping a table other rows point at is refused. SQLite's own procedure for such
    changes turns them off outside the transaction and checks them before it commits."""
    sqlite = conn.dialect.name == "sqlite"
    raw = conn.connection.driver_connection if sqlite else None
    if raw is not None:
        raw.execute("PRAGMA foreign_keys = OFF")  # outside any transaction, or it is ignored
    try:
        yield
    finally:
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = ON")


def _check_foreign_keys(conn) -> None:
    if conn.dialect.name != "sqlite":
        return
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise DatabaseProblem(f"the upgrade would leave {len(broken)} records pointing at nothing; nothing was changed")
