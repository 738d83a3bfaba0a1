"""Shared fixtures: a fresh database per test, a dated step context, and a full dump of
the database for "nothing was written" assertions."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Callable

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

import store.models  # noqa: F401  (registers every table on SQLModel.metadata)
from chc_tui.context import StepContext
from store.engine import Database, open_database


@pytest.fixture(autouse=True, scope="session")
def _private_user_folders(tmp_path_factory):
    """Keep every test away from the user's real data and cache folders."""
    home = tmp_path_factory.mktemp("xdg")
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_DATA_HOME", str(home / "data"))
    patch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    patch.delenv("CHC_DB", raising=False)
    yield
    patch.undo()


@pytest.fixture(scope="session")
def _migrated_db_file(tmp_path_factory) -> Path:
    """One database file upgraded to head, copied for each test: Alembic runs once."""
    path = tmp_path_factory.mktemp("template") / "t.db"
    database = open_database(path)
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


@pytest.fixture
def db(tmp_path, _migrated_db_file) -> Database:
    """open_database(tmp_path / 't.db'), on a fresh copy of an empty database at head."""
    path = tmp_path / "t.db"
    shutil.copyfile(_migrated_db_file, path)
    database = open_database(path)
    yield database
    database.dispose()


@pytest.fixture
def ctx_on() -> Callable[..., StepContext]:
    """ctx_on(date(2026, 11, 2)) -> the context of 'alice' acting on that day."""

    def make(today: date, actor: str = "alice") -> StepContext:
        return StepContext(actor=actor, today=today)

    return make


def dump(db: Database) -> dict[str, list[tuple]]:
    """Every row of every table, as plain tuples in primary-key order, by table name."""
    result: dict[str, list[tuple]] = {}
    with db.engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            query = select(table).order_by(*table.primary_key.columns)
            result[table.name] = [tuple(row) for row in conn.execute(query)]
    return result
