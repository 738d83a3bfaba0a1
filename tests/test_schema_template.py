"""A new SQLite file's schema from the template (store.schema_template) is exactly the one
the migrations make from empty: every table, index (0024's partial ones too), trigger and
the search index, as `sqlite3 FILE .schema` prints them, and every row; so the template
is made again whenever a migration is added (`python -m store.schema_template`)."""

from __future__ import annotations

import sqlite3
from contextlib import closing

import alembic.command
import pytest

from store import schema_template, search_index
from store.engine import Database, open_database
from store.migrate import HEAD, upgrade

REMAKE = "the template is not what the migrations make: run `python -m store.schema_template`"


def _objects(path) -> list[tuple]:
    """sqlite_master in SQLite's own order (the order `.schema` prints), root pages aside."""
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid").fetchall()


def _rows(path) -> dict[str, list[tuple]]:
    with closing(sqlite3.connect(path)) as conn:
        tables = [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {table: sorted(conn.execute(f'SELECT * FROM "{table}"').fetchall(), key=repr) for table in tables}


def _migrated(path):
    db = Database(path)
    try:
        upgrade(db.engine, HEAD)  # a named revision: through the migrations
    finally:
        db.dispose()
    return path


def _from_template(path, monkeypatch):
    def must_not_run(*args, **kwargs):
        raise AssertionError("Alembic ran on a new, empty file")

    with monkeypatch.context() as patch:
        patch.setattr(alembic.command, "upgrade", must_not_run)
        open_database(path).dispose()
    return path


@pytest.fixture
def trigram(tmp_path):
    with closing(sqlite3.connect(tmp_path / "probe.db")) as conn:
        if not search_index.trigram_available(conn):
            pytest.skip("this SQLite has no trigram tokenizer: new files are migrated")


def test_a_new_file_is_made_in_one_step_without_the_migrations(tmp_path, monkeypatch, trigram):
    path = _from_template(tmp_path / "new.db", monkeypatch)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(HEAD,)]


def test_the_template_makes_exactly_what_the_migrations_make(tmp_path, monkeypatch, trigram):
    migrated = _migrated(tmp_path / "migrated.db")
    made = _from_template(tmp_path / "made.db", monkeypatch)
    assert _objects(made) == _objects(migrated), REMAKE
    assert _rows(made) == _rows(migrated), REMAKE
    with closing(sqlite3.connect(made)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]


def test_the_template_is_of_this_releases_head():
    assert schema_template.template()["revision"] == HEAD, REMAKE
    assert schema_template.template() == schema_template.migrated_from_empty(), REMAKE


def test_a_file_with_tables_is_migrated_not_templated(tmp_path):
    path = tmp_path / "old.db"
    db = Database(path)
    upgrade(db.engine, "0001")
    with db.engine.connect() as conn:
        assert not schema_template.fits(conn.connection.driver_connection, HEAD)
    upgrade(db.engine)  # from 0001 through the migrations, as before
    db.dispose()
    assert _objects(path) == _objects(_migrated(tmp_path / "migrated.db"))


def test_a_template_of_another_revision_is_not_used(tmp_path, monkeypatch):
    monkeypatch.setattr(schema_template, "template", lambda: {"revision": "0001", "statements": [], "rows": {}})
    path = tmp_path / "new.db"
    open_database(path).dispose()
    assert _objects(path) == _objects(_migrated(tmp_path / "migrated.db"))


def test_the_search_finds_names_in_a_templated_file(tmp_path, monkeypatch, trigram):
    path = _from_template(tmp_path / "made.db", monkeypatch)
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("INSERT INTO resident (id, name, address, phone, email, preferred_channel, version, created_at) "
                     "VALUES (1, 'Margaret Okafor', '', '', '', 'letter', 1, '2026-12-04 00:00:00')")
        found = conn.execute("SELECT rowid FROM resident_name_search WHERE name LIKE '%okaf%'").fetchall()
        assert found == [(1,)]
        conn.execute("INSERT INTO resident_name_search(resident_name_search) VALUES ('integrity-check')")
