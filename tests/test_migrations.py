"""Schema upgrades: old databases keep every row, the models match the migrations, a
database from a newer release is refused, opening is idempotent, and the pragmas hold."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlmodel import AutoString, SQLModel

import store.models  # noqa: F401  (registers the tables)
from store import migrate
from store.engine import Database, open_database
from store.migrate import HEAD, DatabaseTooNew, current_revision, upgrade
from store.queries import complaint_detail, complaint_rows
from store.search_index import not_the_index


def _version(engine) -> list[str]:
    with engine.connect() as conn:
        return [r[0] for r in conn.exec_driver_sql("SELECT version_num FROM alembic_version")]


# Rows as a release at revision 0001 wrote them: only the columns 0001 had, in its formats
# (SQLAlchemy stores SQLite dates as 'YYYY-MM-DD' and datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff').
ROWS_0001 = {
    "setting": ("key, value", [("'region'", "'\"scotland\"'")]),
    "closure_day": ("day, note", [("'2026-12-24'", "'Christmas Eve'")]),
    "resident": (
        "id, name, address, phone, email, preferred_channel, version, created_at",
        [("1", "'Mrs Old Row'", "'1 High St'", "'0100'", "'a@example.org'", "'letter'", "1",
          "'2026-11-02 09:00:00.000000'")],
    ),
    "complaint": (
        "id, reference, resident_id, representative_name, representative_relationship, received_on, "
        "channel, category, resident_words, status, current_stage, closed_on, version, created_at, created_by",
        [("1", "'C2026-0001'", "1", "''", "''", "'2026-11-02'", "'letter'", "'repairs'", "'Leaking roof.'",
          "'open'", "2", "NULL", "7", "'2026-11-02 09:00:00.000000'", "'alice'"),
         ("2", "'C2026-0002'", "1", "''", "''", "'2026-11-03'", "'phone'", "'noise'", "'Loud music.'",
          "'refused'", "1", "'2026-11-04'", "2", "'2026-11-03 09:00:00.000000'", "'alice'")],
    ),
    "stage_record": (
        "id, complaint_id, stage, opened_on, handler, escalation_reason, acknowledged_on, responded_on",
        [("1", "1", "1", "'2026-11-02'", "'alice'", "''", "'2026-11-03'", "'2026-11-10'"),
         ("2", "1", "2", "'2026-11-11'", "'bob'", "'Still leaking.'", "NULL", "NULL"),
         ("3", "2", "1", "'2026-11-03'", "'alice'", "''", "NULL", "NULL")],
    ),
    "definition": (
        "id, stage_id, understanding, outcomes_sought, responsible_aspects, not_responsible_aspects, "
        "defined_on, defined_by",
        [("1", "1", "'Roof leaks.'", "'Fix it.'", "'Roof repairs.'", "''", "'2026-11-03'", "'alice'")],
    ),
    "extension": (
        "id, stage_id, decided_on, previous_due, new_due, working_days_beyond_target, reason, "
        "told_resident_on, ombudsman_details_given, good_reason, decided_by",
        [("1", "1", "'2026-11-05'", "'2026-11-17'", "'2026-11-19'", "2", "'Scaffold.'", "'2026-11-05'",
          "1", "''", "'alice'")],
    ),
    "response": (
        "id, stage_id, responded_on, decision, reasons, remedy, outstanding_actions, responded_by",
        [("1", "1", "'2026-11-10'", "'upheld'", "'It leaked.'", "'£25'", "''", "'alice'")],
    ),
    "refusal": (
        "id, complaint_id, stage, refused_on, exclusion_reason, explanation, ombudsman_right_explained, refused_by",
        [("1", "2", "1", "'2026-11-04'", "'legal_proceedings'", "'Claim filed.'", "1", "'alice'")],
    ),
    "withdrawal": ("id, complaint_id, stage, withdrawn_on, reason, recorded_by", []),
    "deadline": (
        "id, complaint_id, stage_id, step, clock_start, working_days, due_on, skipped_json, region, "
        "provisional, extension_id, active, met_on, created_at",
        [("1", "1", "1", "'acknowledge'", "'2026-11-02'", "5", "'2026-11-09'", "'[]'", "'scotland'", "0",
          "NULL", "1", "'2026-11-03'", "'2026-11-02 09:00:00.000000'"),
         ("2", "1", "1", "'respond'", "'2026-11-17'", "2", "'2026-11-19'", "'[]'", "'scotland'", "0",
          "1", "1", "'2026-11-10'", "'2026-11-05 09:00:00.000000'"),
         ("3", "1", "2", "'acknowledge'", "'2026-11-11'", "5", "'2026-11-18'",
          "'[[\"2026-11-14\", \"Saturday\"], [\"2026-11-15\", \"Sunday\"]]'", "'scotland'", "0",
          "NULL", "1", "NULL", "'2026-11-11 09:00:00.000000'")],
    ),
    "audit_entry": (
        "id, at, actor, action, complaint_id, details_json",
        [("1", "'2026-11-02 09:00:00.000000'", "'alice'", "'log'", "1", "'{\"reference\": \"C2026-0001\"}'"),
         ("2", "'2026-11-02 09:01:00.000000'", "'alice'", "'set region'", "NULL", "'{\"region\": \"scotland\"}'")],
    ),
}


def _literal(sql_value: str):
    """What a raw SQL literal reads back as from sqlite3."""
    if sql_value == "NULL":
        return None
    if sql_value.startswith("'"):
        return sql_value[1:-1]
    return int(sql_value)


def test_upgrading_a_0001_database_to_head_keeps_every_row(tmp_path):
    db = Database(tmp_path / "old.db")
    upgrade(db.engine, "0001")
    assert _version(db.engine) == ["0001"]
    with db.engine.begin() as conn:
        for table, (columns, rows) in ROWS_0001.items():
            for values in rows:
                conn.exec_driver_sql(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(values)})")

    upgrade(db.engine, "head")

    assert _version(db.engine) == [HEAD]
    assert current_revision(db.engine) == HEAD
    with db.engine.connect() as conn:
        for table, (columns, rows) in ROWS_0001.items():
            # 0008 adds its report of the staff register it made (tested below)
            mine = " WHERE key != 'staff_register_merged'" if table == "setting" else ""
            got = conn.exec_driver_sql(f"SELECT {columns} FROM {table}{mine} ORDER BY 1").fetchall()
            expected = [tuple(_literal(v) for v in values) for values in rows]
            assert [tuple(r) for r in got] == expected, table
    # And the application reads the old rows through today's models.
    with db.read() as session:
        detail = complaint_detail(session, "C2026-0001")
    assert detail.complaint.version == 7
    assert [s.stage for s in detail.stages] == [1, 2]
    assert detail.stage(1).response.remedy == "£25"
    assert detail.stage(1).extensions[0].new_due == date(2026, 11, 19)
    assert detail.stage(2).deadlines[0].skipped == [(date(2026, 11, 14), "Saturday"), (date(2026, 11, 15), "Sunday")]
    assert [h.action for h in detail.history] == ["log"]
    # 0023 indexed the rows already there for the search.
    with db.read() as session:
        assert "C2026-0001" in [r.reference for r in complaint_rows(session, search="old row")]
        assert [r.reference for r in complaint_rows(session, search="C2026-0001")] == ["C2026-0001"]
    db.dispose()
    # Opening it normally afterwards is a no-op.
    reopened = open_database(tmp_path / "old.db")
    assert _version(reopened.engine) == [HEAD]
    reopened.dispose()


def test_head_names_the_newest_migration():
    """open_database skips Alembic when the database is at HEAD: a new revision that
    forgot to move HEAD would never be applied."""
    script = ScriptDirectory(str(migrate.MIGRATIONS_DIR))
    assert script.get_heads() == [HEAD]
    assert migrate.known_revisions()[-1] == HEAD


def _only_string_naming(diff) -> bool:
    """True for a column type 'difference' that is only SQLModel's AutoString (a String
    subclass every `str` field gets) against the plain String the migrations write or the
    VARCHAR SQLite reflects. They are the same column in SQLite; anything else is real."""
    if not (isinstance(diff, list) and len(diff) == 1):
        return False
    (op,) = diff
    if op[0] != "modify_type":
        return False
    existing, wanted = op[5], op[6]
    return isinstance(existing, sa.String) and isinstance(wanted, AutoString) and (
        getattr(existing, "length", None) == getattr(wanted, "length", None)
    )


def test_models_and_migrations_agree(db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": not_the_index})
        diffs = compare_metadata(context, SQLModel.metadata)
    real = [d for d in diffs if not _only_string_naming(d)]
    assert real == [], "the models and the migrations differ: write a migration (alembic revision --autogenerate)"


def test_a_database_from_a_newer_release_is_refused(tmp_path):
    path = tmp_path / "new.db"
    db = open_database(path)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
    db.dispose()
    with pytest.raises(DatabaseTooNew, match="9999"):
        open_database(path)
    # ... and left as it was.
    check = Database(path)
    assert _version(check.engine) == ["9999"]
    check.dispose()


def test_opening_twice_is_a_no_op(tmp_path, monkeypatch):
    from conftest import dump

    path = tmp_path / "twice.db"
    first = open_database(path)
    before = dump(first)
    version = _version(first.engine)
    first.dispose()

    import alembic.command

    def must_not_run(*args, **kwargs):
        raise AssertionError("Alembic ran on a database already at head")

    monkeypatch.setattr(alembic.command, "upgrade", must_not_run)
    second = open_database(path)
    assert _version(second.engine) == version == [HEAD]
    assert dump(second) == before
    second.dispose()


def test_sqlite_pragmas_are_in_force(db):
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    # The same on the connections the sessions use, reads and writes.
    with db.read() as session:
        conn = session.connection()
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    with db.write() as session:
        conn = session.connection()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_foreign_keys_are_enforced(db):
    with pytest.raises(sa.exc.IntegrityError):
        with db.write() as session:
            session.connection().exec_driver_sql(
                "INSERT INTO stage_record (complaint_id, stage, opened_on, handler, escalation_reason) "
                "VALUES (999, 1, '2026-11-02', 'alice', '')"
            )


def test_0008_makes_one_staff_member_per_person_from_the_names_in_the_records(tmp_path):
    """Free-text names become staff rows: spellings differing only in case or spaces are one
    person, a login-like audit actor becomes that person's login, the first actor is admin."""
    import json

    db = Database(tmp_path / "old.db")
    upgrade(db.engine, "0001")
    with db.engine.begin() as conn:
        for table, (columns, rows) in ROWS_0001.items():
            for values in rows:
                conn.exec_driver_sql(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(values)})")
        conn.exec_driver_sql("UPDATE stage_record SET handler = 'Bob  Jones' WHERE id = 2")
        conn.exec_driver_sql("UPDATE response SET responded_by = 'bob jones' WHERE id = 1")
    upgrade(db.engine, "head")
    with db.engine.connect() as conn:
        staff = {r[1]: (r[0], r[2]) for r in conn.exec_driver_sql("SELECT id, display_name, roles FROM staff")}
        logins = dict(conn.exec_driver_sql("SELECT login, staff_id FROM staff_login").fetchall())
        handlers = conn.exec_driver_sql("SELECT id, handler_staff_id FROM stage_record ORDER BY id").fetchall()
        responded = conn.exec_driver_sql("SELECT by_staff_id FROM response").scalar()
        actors = {r[0] for r in conn.exec_driver_sql("SELECT actor_staff_id FROM audit_entry")}
        report = json.loads(conn.exec_driver_sql(
            "SELECT value FROM setting WHERE key = 'staff_register_merged'").scalar())
    assert set(staff) == {"alice", "Bob  Jones"}
    alice, bob = staff["alice"][0], staff["Bob  Jones"][0]
    assert staff["alice"][1] == "handler,admin"
    assert staff["Bob  Jones"][1] == "handler,stage2-reviewer"
    assert logins == {"alice": alice}
    assert handlers == [(1, alice), (2, bob), (3, alice)]
    assert responded == bob and actors == {alice}
    assert {r["display_name"]: r["spellings"] for r in report} == {"alice": ["alice"], "Bob  Jones": ["Bob  Jones", "bob jones"]}


def test_0009_turns_what_an_import_invented_into_not_known(tmp_path):
    """The importer used to fill in what a sheet never held; 0009 marks its complaints and
    makes those facts not known, leaving typed-in complaints and later steps alone."""
    db = Database(tmp_path / "old.db")
    upgrade(db.engine, "0001")
    moved_in = "'Not recorded: this complaint was moved in from the complaints spreadsheet (old.xlsx, row 2), which'"
    with db.engine.begin() as conn:
        for table, (columns, rows) in ROWS_0001.items():
            for values in rows:
                conn.exec_driver_sql(f"INSERT INTO {table} ({columns}) VALUES ({', '.join(values)})")
        # complaint 1 (extended) and 2 (refused) were moved in on 20 November, after both facts' dates;
        # the extension was "decided" on the deadline day, with the sheet's reason as its good reason
        conn.exec_driver_sql(f"UPDATE complaint SET resident_words = {moved_in}, created_at = '2026-11-20 09:00:00.000000'")
        conn.exec_driver_sql("UPDATE extension SET decided_on = previous_due, good_reason = reason")
    upgrade(db.engine, "0008")
    with db.engine.begin() as conn:  # a complaint typed in since: nothing of it changes
        conn.exec_driver_sql(
            "INSERT INTO complaint (id, reference, resident_id, representative_name, representative_relationship, "
            "received_on, channel, category, resident_words, status, current_stage, version, created_at, created_by, "
            "adjustments, theme, root_cause) VALUES (3, 'C2026-0003', 1, '', '', '2026-11-21', 'phone', 'repairs', "
            "'Typed in.', 'open', 1, 1, '2026-11-21 09:00:00.000000', 'alice', '', '', '')")
    upgrade(db.engine, "head")
    with db.engine.connect() as conn:
        marked = dict(conn.exec_driver_sql("SELECT id, imported_from FROM complaint").fetchall())
        extension = conn.exec_driver_sql(
            "SELECT decided_on, ombudsman_details_given, good_reason, reason, told_resident_on FROM extension").one()
        explained = conn.exec_driver_sql("SELECT ombudsman_right_explained FROM refusal").scalar()
        problems = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        fk_on = conn.exec_driver_sql("PRAGMA foreign_keys").scalar()
    assert marked == {1: "spreadsheet", 2: "spreadsheet", 3: ""}
    assert tuple(extension) == (None, None, "", "Scaffold.", "2026-11-05")
    assert explained is None
    assert problems == [] and fk_on == 1
