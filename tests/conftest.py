"""Shared fixtures: a fresh database per test, a dated step context, and a full dump of
the database for "nothing was written" assertions."""

from __future__ import annotations

import os
import shutil
from datetime import date
from pathlib import Path
from typing import Callable

import pytest
from sqlalchemy import select
from sqlmodel import SQLModel

import store.models  # noqa: F401  (registers every table on SQLModel.metadata)
from chc_tui.rules.context import StepContext
from store.engine import Database, open_database


@pytest.fixture(autouse=True, scope="session")
def _private_user_folders(tmp_path_factory):
    """Keep every test away from the user's real data and cache folders."""
    home = tmp_path_factory.mktemp("xdg")
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_DATA_HOME", str(home / "data"))
    patch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    patch.setenv("XDG_STATE_HOME", str(home / "state"))  # the log file (chc_tui.log)
    patch.setenv("XDG_CONFIG_HOME", str(home / "config"))  # the handler's own settings (chc_tui/user_config.py)
    patch.delenv("CHC_DB", raising=False)
    patch.delenv("CHC_CONFIG_DIR", raising=False)
    yield
    patch.undo()


# The people the tests act as: each is on the staff register with a login of the same name
# and a display name equal to it, so a test's `actor="bob"` and `handler="bob"` are one
# person. The tests of an empty register (the first login becomes admin) open their own.
TEST_STAFF = ("alice", "bob", "carol", "dave", "erin", "zed", "manager", "importer", "dpo")


def seed_test_staff(database: Database, logins: tuple[str, ...] | None = None) -> None:
    """Put these logins (the test cast and the runner's by default) on the register."""
    from chc_tui.rules.context import os_user
    from store.models import Staff, StaffLogin

    with database.write() as session:
        for login in logins or (*TEST_STAFF, os_user()):
            if session.get(StaffLogin, login) is not None:
                continue  # the test runner's own login is one of the cast's
            staff = Staff(display_name=login, roles="admin,handler,stage2-reviewer,complaints-lead",
                          active_from=date(2000, 1, 1))
            session.add(staff)
            session.flush()
            session.add(StaffLogin(login=login, staff_id=staff.id))


@pytest.fixture(scope="session")
def _migrated_db_file(tmp_path_factory) -> Path:
    """One database file upgraded to head with the test staff, copied for each test:
    Alembic runs once."""
    path = tmp_path_factory.mktemp("template") / "t.db"
    database = open_database(path)
    seed_test_staff(database)
    with database.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database.dispose()
    return path


# The store's own tests: with CHC_TEST_POSTGRES_URL set they run twice, on SQLite and on
# that PostgreSQL server (issue 8). The screens' tests run on SQLite only.
POSTGRES_URL = os.environ.get("CHC_TEST_POSTGRES_URL", "")
STORE_TESTS = {
    "test_lifecycle", "test_refusals", "test_stage_two_independence", "test_nested_writes",
    "test_letters", "test_other_deadlines", "test_report_figures", "test_assessment_evidence",
    "test_correspondence_store", "test_postgres", "test_wider_record", "test_report_wider_record",
    "test_import_safety",
}


def pytest_generate_tests(metafunc):
    if "db" in metafunc.fixturenames and POSTGRES_URL and metafunc.module.__name__.split(".")[-1] in STORE_TESTS:
        metafunc.parametrize("db", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def _postgres_at_head():
    """The test server's schema, emptied and brought to head once per run."""
    from sqlalchemy import create_engine

    engine = create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE")
        conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    open_database(POSTGRES_URL).dispose()
    return POSTGRES_URL


def _empty_postgres(database: Database) -> None:
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with database.engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture
def db(request, tmp_path, _migrated_db_file) -> Database:
    """open_database(tmp_path / 't.db'), on a fresh copy of an empty database at head;
    or, when parametrized "postgresql", the test server emptied."""
    if getattr(request, "param", "sqlite") == "postgresql":
        request.getfixturevalue("_postgres_at_head")
        monkeypatch = request.getfixturevalue("monkeypatch")
        monkeypatch.setenv("CHC_DATA_DIR", str(tmp_path))  # attachments and templates per test
        database = open_database(POSTGRES_URL)
        _empty_postgres(database)
        seed_test_staff(database)
        yield database
        database.dispose()
        return
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


def refusal_facts(reason: str) -> dict:
    """What a refusal for `reason` must record (Code 2.2, 2.3), for tests that refuse."""
    from datetime import date as _date

    return {
        "over_12_months": dict(issue_on=_date(2020, 1, 6), aware_on=_date(2020, 1, 6),
                               discretion_considered="Considered: no good reason for the delay"),
        "legal_proceedings": dict(claim_filed_on=_date(2024, 1, 2)),
    }.get(reason, {})


# The suite runs on two workers (pytest-xdist, `-n 2 --dist loadgroup` in pyproject.toml).
# Tests that share one thing outside their tmp folder run on one worker, one after another:
# the PostgreSQL test server (one schema, emptied per test) and the OS-user tests (they open
# /root's folders to other users for the length of a module, and put the modes back after).
SHARED_OUTSIDE = {"test_shared_use": "os_users", "test_stage_two_os_users": "os_users"}


@pytest.hookimpl(tryfirst=True)  # before xdist reads the groups
def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.module.__name__.split(".")[-1]
        params = getattr(getattr(item, "callspec", None), "params", {})
        if params.get("db") == "postgresql" or module == "test_postgres":
            item.add_marker(pytest.mark.xdist_group("postgres"))
        elif module in SHARED_OUTSIDE:
            item.add_marker(pytest.mark.xdist_group(SHARED_OUTSIDE[module]))
