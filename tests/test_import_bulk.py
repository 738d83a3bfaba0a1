"""Issue 22.2: an import in bulk. The rows the check wrote on its in-memory copy are copied
into the database (store.rehearsal) instead of being replayed: the same records and audit
as the step-by-step replay, all or nothing, and checked again when someone saved since."""

from __future__ import annotations

import sqlite3
from datetime import datetime

import pytest
from sqlmodel import select

from chc_tui.rules.context import StepContext
from chc_tui.spreadsheets import importer
from chc_tui.steps import usecases
from chc_tui.spreadsheets.importer import import_file, unfinished_imports
from conftest import dump
from store.engine import Database
from store.models import Complaint, Staff, StaffLogin
from store.rehearsal import Changed, WritableRehearsal
from test_import import GOOD, HEADER, TODAY, refs, run, write_csv

NO_REFERENCE = [
    {**GOOD[0], "Reference": "", "Resident": "Ann Other"},
    {**GOOD[1], "Reference": "", "Resident": "Ben Other", "Stage 2 handler": "a new reviewer"},
    {**GOOD[2], "Reference": "", "Resident": "Cy Other", "Refused reason": "other: not a complaint",
     "Stage 1 handler": "someone new"},
]
ROWS = GOOD + NO_REFERENCE


def without_timestamps(db: Database) -> dict[str, list[tuple]]:
    """dump(), with the times records were made left out (the check's, when copied in)."""
    return {name: [tuple(v for v in row if not isinstance(v, datetime)) for row in rows]
            for name, rows in dump(db).items()}


@pytest.fixture
def two_dbs(db, tmp_path, _migrated_db_file):
    import shutil

    from store.engine import open_database

    if db.is_server:
        pytest.skip("the bulk copy is SQLite's")
    path = tmp_path / "other.db"
    shutil.copyfile(_migrated_db_file, path)
    other = open_database(path)
    yield db, other
    other.dispose()


@pytest.fixture
def replayed(db, monkeypatch) -> list[int]:
    """The numbers of the rows replayed (through the use-cases, or their plans) on the real database."""
    numbers: list[int] = []
    take = importer._take

    def noted(target, session, known, row, *args):
        taken = take(target, session, known, row, *args)
        if target is db and isinstance(taken, importer.Imported):
            numbers.append(row.number)
        return taken

    monkeypatch.setattr(importer, "_take", noted)
    return numbers


def test_the_bulk_copy_writes_what_the_replay_writes(two_dbs, tmp_path, monkeypatch):
    bulk, replayed = two_dbs
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)  # several batches, copied in two transactions
    monkeypatch.setattr(importer, "WRITE_BATCHES", 2)
    path = write_csv(tmp_path / "c.csv", ROWS)
    by_copy = run(bulk, path)
    with monkeypatch.context() as m:
        m.setattr(importer, "_writes_back", lambda _db: False)
        by_replay = run(replayed, path)
    assert by_copy.committed and by_copy.summary() == by_replay.summary()
    assert [i.line("imported") for i in by_copy.imported] == [i.line("imported") for i in by_replay.imported]
    assert by_copy.unknown_lines() == by_replay.unknown_lines()
    assert without_timestamps(bulk) == without_timestamps(replayed)
    again = run(bulk, path)
    assert again.imported == [] and len(again.already) == len(ROWS)


def test_a_save_during_the_check_is_kept_and_the_rows_checked_again(db, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    monkeypatch.setattr(importer, "WRITE_BATCHES", 1)
    phases = []

    def a_handler_saves(step):
        phases.append((step.phase, step.done))
        if step.phase == importer.CHECKING and step.total is None and step.done == 2:
            usecases.log_complaint(db, received_on=TODAY, channel="phone", resident_name="Caller", category="Repairs",
                                   resident_words="Leak", ctx=StepContext(actor="bob", today=TODAY))

    report = run(db, write_csv(tmp_path / "c.csv", ROWS), progress=a_handler_saves)
    assert report.committed and len(report.imported) == len(ROWS)
    # chc chose the next free references after bob's complaint, which took C2026-0001
    assert [i.reference for i in report.imported][-3:] == ["C2026-0002", "C2026-0003", "C2026-0004"]
    assert (importer.CHECKING, 2) in phases[phases.index((importer.CHECKING, len(ROWS))) + 1:]  # checked again
    with db.read() as session:
        assert len(session.exec(select(Complaint)).all()) == len(ROWS) + 1
    assert unfinished_imports(db) == []


def test_a_row_refused_when_checked_again_leaves_nothing_behind(db, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    monkeypatch.setattr(importer, "WRITE_BATCHES", 1)
    visible = []

    def carol_no_longer_handles(step):
        if step.phase == importer.IMPORTING and step.done == 2:  # the first batch is written
            with db.read() as session:
                visible.extend(session.exec(select(Complaint.reference).order_by(Complaint.reference)))
            with db.write() as session:  # an admin takes carol's handler role away meanwhile
                carol = session.exec(select(Staff).join(StaffLogin).where(StaffLogin.login == "carol")).one()
                carol.roles = "admin"
                session.add(carol)

    before = dump(db)
    report = run(db, write_csv(tmp_path / "c.csv", GOOD), progress=carol_no_longer_handles)
    assert visible == ["HA-101", "HA-102"]
    assert [str(p) for p in report.problems] == [
        f"row {n}, Stage 1 handler: carol cannot be assigned stage 1: that needs the role handler on the staff register"
        for n in (4, 5)]
    assert not report.committed and report.imported == [] and "nothing was imported" in report.summary()
    after = dump(db)
    assert {k: v for k, v in after.items() if k != "staff"} == {k: v for k, v in before.items() if k != "staff"}
    assert unfinished_imports(db) == []


def test_after_too_many_saves_meanwhile_the_rest_is_replayed(db, tmp_path, monkeypatch, replayed):
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    monkeypatch.setattr(importer, "WRITE_BATCHES", 1)
    monkeypatch.setattr(importer, "RECHECKS", 0)

    def bob_saves(step):
        if step.phase == importer.IMPORTING and step.done == 2:
            usecases.log_complaint(db, received_on=TODAY, channel="phone", resident_name="Caller", category="Repairs",
                                   resident_words="Leak", ctx=StepContext(actor="bob", today=TODAY))

    report = run(db, write_csv(tmp_path / "c.csv", GOOD), progress=bob_saves)
    assert report.committed and refs(report) == {f"HA-10{n}": f"HA-10{n}" for n in range(1, 6)}
    assert replayed == [4, 5, 6]  # the first batch was copied in, the rest replayed
    assert unfinished_imports(db) == []


def test_a_check_that_changed_rows_already_there_is_replayed_instead(db, tmp_path, monkeypatch, replayed):
    monkeypatch.setattr(WritableRehearsal, "changed_old_rows", lambda self: ["resident"])
    report = run(db, write_csv(tmp_path / "c.csv", GOOD))
    assert report.committed and replayed == [2, 3, 4, 5, 6]


# --- store.rehearsal ---------------------------------------------------------------------


def test_the_rehearsal_notices_a_change_to_a_row_already_there(db):
    if db.is_server:
        pytest.skip("SQLite's")
    usecases.log_complaint(db, received_on=TODAY, channel="phone", resident_name="Caller", category="Repairs",
                           resident_words="Leak", ctx=StepContext(actor="bob", today=TODAY))
    rehearsal = WritableRehearsal(db)
    try:
        assert rehearsal.changed_old_rows() == []
        with rehearsal.scratch.write() as session:  # a new row, then changed: not an old row
            session.connection().exec_driver_sql("INSERT INTO setting (key, value) VALUES ('new', '1')")
            session.connection().exec_driver_sql("UPDATE setting SET value = '2' WHERE key = 'new'")
        assert rehearsal.changed_old_rows() == []
        rehearsal.mark()
        with rehearsal.scratch.write() as session:  # marked: now it is one the real file would have
            session.connection().exec_driver_sql("UPDATE setting SET value = '3' WHERE key = 'new'")
            session.connection().exec_driver_sql("UPDATE complaint SET category = 'Noise'")
        assert rehearsal.changed_old_rows() == ["complaint", "setting"]
    finally:
        rehearsal.dispose()


def test_the_rehearsal_writes_back_only_while_nobody_else_has(db):
    if db.is_server:
        pytest.skip("SQLite's")
    rehearsal = WritableRehearsal(db)
    try:
        since = rehearsal.marks
        with rehearsal.scratch.write() as session:
            session.connection().exec_driver_sql("INSERT INTO setting (key, value) VALUES ('mine', '1')")
        upto = rehearsal.mark()
        other = sqlite3.connect(db.path, isolation_level=None)
        other.execute("INSERT INTO setting (key, value) VALUES ('theirs', '1')")
        other.close()
        with pytest.raises(Changed):
            rehearsal.write_back(since, upto)
        with db.read() as session:
            assert session.connection().exec_driver_sql("SELECT key FROM setting WHERE key = 'mine'").all() == []
    finally:
        rehearsal.dispose()



def _search_triggers(conn) -> list[str]:
    from store.search_index import trigger_names

    return [name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            if name in trigger_names()]


def test_the_rehearsals_keep_no_search_index_and_the_file_indexes_what_they_write(db, tmp_path):
    # nobody searches a rehearsal: its index made each resident and complaint cost twice
    from store.search_index import trigram_available

    if db.is_server:
        pytest.skip("SQLite's")
    real = sqlite3.connect(db.path)
    try:
        if not trigram_available(real):
            pytest.skip("this SQLite keeps no search index")
        assert _search_triggers(real)
        rehearsal, dry = WritableRehearsal(db), db.rehearsal()
        try:
            for copy in (rehearsal.scratch, dry):
                with copy.engine.connect() as conn:
                    assert _search_triggers(conn.connection.dbapi_connection) == []
        finally:
            rehearsal.dispose()
            dry.dispose()
        assert run(db, write_csv(tmp_path / "c.csv", ROWS)).committed
        found = real.execute("SELECT resident.name FROM resident JOIN resident_name_search s ON s.rowid = resident.id "
                             "WHERE s.name LIKE '%Other%' ORDER BY resident.name").fetchall()
        assert found == [("Ann Other",), ("Ben Other",), ("Cy Other",)]
    finally:
        real.close()


def test_a_login_not_on_the_register_is_each_row_s_problem_not_a_crash(db, tmp_path):
    # named_in_history's refusal names no field: it was looked up as the column "handler",
    # which is no column (KeyError), instead of the stage's handler column
    report = import_file(db, write_csv(tmp_path / "c.csv", GOOD[:2]), actor="nobody", today=TODAY)
    assert [(p.row, p.column) for p in report.problems] == [(2, "Stage 1 handler"), (3, "Stage 1 handler")]
    assert "the login 'nobody' is not on the staff register" in report.problems[0].message
    assert not report.committed


def test_the_acting_staff_found_once_is_forgotten_with_a_savepoint_rolled_back(tmp_path):
    # the first login on an empty register becomes its admin; a savepoint rolled back takes
    # that admin with it, and the next step must not act as the staff member rolled back
    from store.engine import open_database

    from chc_tui.steps.identity import acting_staff

    empty = open_database(tmp_path / "empty.db")
    try:
        ctx = StepContext(actor="first", today=TODAY)
        with empty.write() as session:
            try:
                with empty.write():
                    acting_staff(session, ctx)
                    raise RuntimeError("refused")
            except RuntimeError:
                pass
            again = acting_staff(session, ctx)
            session.flush()
            assert session.exec(select(Staff)).all() == [again]
    finally:
        empty.dispose()


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_collector_waits_while_the_rows_are_checked_and_written(db, tmp_path, monkeypatch, dry_run):
    # the rows held form no cycles: a collection part-way rescans them all (chc_tui.collector)
    import gc

    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    collecting: list[bool] = []
    report = import_file(db, write_csv(tmp_path / "c.csv", ROWS), actor="importer", today=TODAY, dry_run=dry_run,
                         progress=lambda _: collecting.append(gc.isenabled()))
    assert not report.problems and collecting and not any(collecting)
    assert gc.isenabled()


def test_the_check_reads_no_complaint_an_earlier_batch_of_the_file_wrote(two_dbs, tmp_path, monkeypatch):
    # a file's rows never match each other (_checked_rows), so each batch's natural keys
    # are the database's own: reading the earlier batches' too made the check quadratic
    bulk, _ = two_dbs
    monkeypatch.setattr(importer, "BATCH_ROWS", 1)
    found: list[int] = []
    natural_keys = importer._natural_keys

    def counted(session, rows, *args):
        keys = natural_keys(session, rows, *args)
        found.append(len(keys))
        return keys

    monkeypatch.setattr(importer, "_natural_keys", counted)
    same_day = [{**GOOD[0], "Reference": f"SD-{n}", "Resident": f"Resident {n}"} for n in range(3)]
    first = run(bulk, write_csv(tmp_path / "a.csv", same_day[:1]))
    assert first.committed and len(first.imported) == 1
    found.clear()
    report = run(bulk, write_csv(tmp_path / "b.csv", same_day[:1] + [{**row, "Reference": ""} for row in same_day[1:]]))
    assert [s.row for s in report.already] == [2] and len(report.imported) == 2
    assert found == [1, 1, 1]  # the complaint imported before, never this file's own
