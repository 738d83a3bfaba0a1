"""A running deadline is defined once (store/running.py); the ORM's condition, the partial
indexes', the early read's and migration 0024's frozen copy must all say the same, or
SQLite stops using the index (tests/test_panel_reads.py holds the plans) or a reader
counts other rows."""

from __future__ import annotations

import importlib

from sqlalchemy.dialects import postgresql, sqlite

from store import fastread
from store.models import Deadline
from store.queries import _next_deadline
from store.running import running_deadline_sql


def compiled(clause, dialect) -> str:
    return str(clause.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def test_the_orms_condition_is_the_one_definition_on_both_databases():
    assert compiled(_next_deadline(), sqlite.dialect()) == (
        "deadline.stage_id = stage_record.id AND " + running_deadline_sql("deadline"))
    assert compiled(_next_deadline(), postgresql.dialect()) == (
        "deadline.stage_id = stage_record.id AND " + running_deadline_sql("deadline", postgresql=True))
    assert running_deadline_sql() == "active = 1 AND met_on IS NULL AND provisional = 0"


def test_the_partial_indexes_and_the_early_read_use_it():
    for index in Deadline.__table__.indexes:
        if index.name in ("ix_deadline_running", "ix_deadline_running_stage"):
            assert str(index.dialect_options["sqlite"]["where"]) == running_deadline_sql()
            assert str(index.dialect_options["postgresql"]["where"]) == running_deadline_sql(postgresql=True)
    for sql in (fastread.OPEN_DUE_ROWS_SQL, fastread.OPEN_UNDUE_ROWS_SQL, fastread.OPEN_DAYS_SQL):
        assert running_deadline_sql("d") in sql


def test_migration_0024s_frozen_copy_still_matches():
    """A migration never imports the live definition (it must make the schema of its day);
    if the definition changes, a new migration must rebuild the indexes."""
    frozen = importlib.import_module("store.migrations.versions.0024_running_due_date_indexes")
    assert frozen.RUNNING_DEADLINE == running_deadline_sql()
    assert frozen.RUNNING_DEADLINE_POSTGRESQL == running_deadline_sql(postgresql=True)
