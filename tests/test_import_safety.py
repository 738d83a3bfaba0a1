"""Issue 15: spreadsheets in and out safely.

Exports never write a cell that runs (OWASP's rule), and the import reads them back
unchanged; the importer reads ordinary spreadsheets (any header row, any cell size,
UTF-8/UTF-16/Windows-1252, line breaks in cells) a row at a time; a dry run takes no write
lock; a long import holds the write lock a batch at a time, and leaves nothing behind if it
stops part-way."""

from __future__ import annotations

import csv
from contextlib import closing
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import tracemalloc
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from chc_tui.spreadsheets import importer
from chc_tui.steps import usecases
from chc_tui.steps.assessment import answer_provision
from chc_tui.documents.assessment_export import export as export_assessment
from chc_tui.cli.main import main
from chc_tui.rules.context import StepContext
from chc_tui.spreadsheets.exporter import export, sheet_rows
from chc_tui.spreadsheets.importer import SheetUnreadable, import_file, read_sheet, unfinished_imports
from chc_tui.steps.settings import put_setting
from chc_tui.spreadsheets.sheet_cells import neutralise, restore
from conftest import dump
from store.engine import WRITE_LOCK_KEY, Database
from store.models import Complaint, Extension, Setting
from test_database_problems import _damage_an_index_no_note_touches
from test_import import GOOD, HEADER, TODAY, detail, empty_db, refs, run, write_csv  # noqa: F401  (empty_db: a fixture)

RISKY = ['=SUM(A1)', '-Smith', '+cmd|\' /C calc\'!A0', '@SUM(1+1)', '=HYPERLINK("http://evil.example","Click")',
         "'=already quoted", "'Ofa", "''Ofa", "\t=tabbed"]


# --- item 6: formula injection -------------------------------------------------------------


def test_the_neutraliser_is_exact_both_ways():
    for value in [*RISKY, "Mrs Pike", "", "'", "''", "O'Neil", "2026-03-02"]:
        assert restore(neutralise(value)) == value
    assert neutralise("=SUM(A1)") == "'=SUM(A1)" and neutralise("-Smith") == "'-Smith"
    assert neutralise("'Ofa") == "'Ofa" and restore("'Ofa") == "'Ofa"  # a real apostrophe is left alone
    assert neutralise("'=x") == "''=x"
    assert neutralise(date(2026, 3, 2)) == date(2026, 3, 2) and neutralise(None) is None


def _log_risky(db) -> None:
    ctx = StepContext(actor="alice", today=TODAY)
    for n, name in enumerate(RISKY):
        usecases.log_complaint(db, received_on=date(2026, 3, 2 + n), channel="email", resident_name=name,
                               category="=1+1" if n == 0 else "Repairs", resident_words="words", ctx=ctx)


def _text_cells(path: Path) -> list[str]:
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return [cell for row in csv.reader(handle) for cell in row]
    book = load_workbook(path)  # not read-only: every cell with its data type
    cells = [cell for row in book.active.iter_rows() for cell in row if cell.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []  # no formula anywhere
    return [c.value for c in cells if isinstance(c.value, str)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_has_no_cell_that_runs_and_imports_back_the_same(db, empty_db, tmp_path, fmt):
    _log_risky(db)
    out = tmp_path / f"all.{fmt}"
    export(db, fmt, out)
    cells = _text_cells(out)
    assert [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))] == []
    assert "'=SUM(A1)" in cells and "'-Smith" in cells and "''=already quoted" in cells and "'Ofa" in cells

    report = run(empty_db, out)
    assert report.problems == [] and len(report.imported) == len(RISKY)
    assert sheet_rows(empty_db) == sheet_rows(db)
    names = {row["resident"] for row in sheet_rows(empty_db)}
    assert {"=SUM(A1)", "-Smith", "'Ofa", "''Ofa", "'=already quoted"} <= names


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_self_assessment_export_has_no_cell_that_runs(db, tmp_path, fmt):
    ctx = StepContext(actor="alice", today=date(2025, 5, 1))
    with db.write() as session:
        put_setting(session, "landlord_name", "=HYPERLINK(\"http://evil.example\")")
    answer_provision(db, year=2024, provision="1.2", comply="yes", evidence="+cmd|' /C calc'!A0",
                     commentary="@SUM(1+1)", ctx=ctx)
    out = export_assessment(db, 2024, tmp_path / f"sa.{fmt}", today=date(2025, 5, 1))
    cells = _text_cells(out)
    assert [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))] == []
    assert "'@SUM(1+1)" in cells


# --- item 7: ordinary spreadsheets -------------------------------------------------------


def test_blank_and_unknown_header_cells_and_trailing_commas(db, tmp_path):
    path = tmp_path / "blanks.csv"
    path.write_text(
        "Reference,,Resident,Notes,,Received date,Category,Notes,,\n"
        "HA-1,,Mrs Pike,rang,,02/03/2026,Repairs,again,,\n"
        "HA-2,,Mr Stone,,,03/03/2026,Noise,,,,,\n",
        encoding="utf-8",
    )
    report = run(db, path)
    assert report.problems == [] and report.ignored_columns == ["Notes"]
    assert refs(report) == {"HA-1": "HA-1", "HA-2": "HA-2"}


def test_two_columns_meaning_the_same_are_refused_naming_both(db, tmp_path):
    path = write_csv(tmp_path / "twice.csv", [], header=["Resident", "Received date", "Category", "Name"])
    with pytest.raises(SheetUnreadable, match=r"columns A \('Resident'\) and D \('Name'\) both mean 'Resident'; keep one"):
        run(db, path)


def test_a_cell_of_any_size_and_line_breaks_inside_cells(db, tmp_path):
    long_reason = "Waiting for the roofer.\nThen the scaffold.\r\n" + "x" * 300_000
    rows = [{**GOOD[1], "Stage 1 extension reason": long_reason}, {**GOOD[4], "Notes": "y" * 200_000}]
    report = run(db, write_csv(tmp_path / "big.csv", rows, header=[*HEADER, "Stage 1 extension reason", "Notes"]))
    assert report.problems == [] and [d.row for d in report.imported] == [2, 3]
    with db.read() as session:
        reasons = list(session.exec(select(Extension.reason)))
    assert reasons == [long_reason]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-8", "cp1252"])
def test_the_text_encodings_excel_saves(db, tmp_path, encoding):
    path = tmp_path / f"{encoding}.csv"
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(["Resident", "Received date", "Category"])
        writer.writerow(["Zoë Brontë", "02/03/2026", "Damp – mould"])
    report = run(db, path)
    assert report.problems == [] and len(report.imported) == 1
    stored = detail(db, report.imported[0].reference)
    assert (stored.resident.name, stored.complaint.category) == ("Zoë Brontë", "Damp – mould")


def test_text_chc_cannot_tell_is_refused_clearly(db, tmp_path):
    no_mark = tmp_path / "no-bom.csv"
    no_mark.write_bytes("Resident,Received date,Category\n".encode("utf-16-le"))
    with pytest.raises(SheetUnreadable, match="UTF-16 without a byte-order mark.*CSV UTF-8"):
        run(db, no_mark)
    neither = tmp_path / "neither.csv"
    neither.write_bytes(b"Resident,Received date,Category\n\x81\xff,02/03/2026,Repairs\n")
    with pytest.raises(SheetUnreadable, match="neither UTF-8 nor Windows-1252"):
        run(db, neither)


def test_a_large_csv_is_read_a_row_at_a_time(tmp_path):
    path = tmp_path / "large.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Resident", "Received date", "Category", "Notes"])
        for n in range(40_000):
            writer.writerow([f"Resident {n}", "02/03/2026", "Repairs", "a note of some length " * 10])
    assert path.stat().st_size > 9_000_000
    sheet = read_sheet(path)
    tracemalloc.start()
    try:
        assert sum(1 for _ in sheet.rows()) == 40_000
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2_000_000


def test_the_cli_shows_progress_on_stderr(tmp_path, capsys, monkeypatch):
    from chc_tui.cli import spreadsheets as cli_import

    monkeypatch.setattr(cli_import, "PROGRESS_EVERY", 0)
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    monkeypatch.setattr(importer, "WRITE_BATCHES", 1)
    good = write_csv(tmp_path / "good.csv", GOOD)
    assert main(["--db", str(tmp_path / "cli.db"), "import", str(good)]) == 0
    err = capsys.readouterr().err
    assert "chc: checked 2 rows" in err and "chc: checked 5 rows" in err
    assert "chc: imported 4 of 5 rows" in err and "chc: imported 5 of 5 rows" in err


# --- item 7 and 4: no one locked out -----------------------------------------------------


def can_take_write_lock(db: Database) -> bool:
    """Whether another connection can start a write right now (it gives up at once)."""
    if db.is_server:
        with db.engine.connect() as conn:
            with conn.begin():
                return bool(conn.exec_driver_sql(f"SELECT pg_try_advisory_xact_lock({WRITE_LOCK_KEY})").scalar())
    other = sqlite3.connect(db.path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_another_handler_can_save_while_a_dry_run_runs(db, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    monkeypatch.setattr(importer, "WRITE_BATCHES", 1)
    before = dump(db)
    free = []
    report = run(db, write_csv(tmp_path / "c.csv", GOOD), dry_run=True, progress=lambda *_: free.append(can_take_write_lock(db)))
    assert len(report.imported) == 5 and free and all(free)
    assert dump(db) == before


def test_other_handlers_save_between_the_batches_of_an_import(db, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    monkeypatch.setattr(importer, "WRITE_BATCHES", 1)
    seen = []

    def between(step):
        if step.phase == importer.IMPORTING and step.done < step.total:
            seen.append(can_take_write_lock(db))
            usecases.log_complaint(db, received_on=TODAY, channel="phone", resident_name=f"Caller {step.done}",
                                   category="Repairs", resident_words="Leak",
                                   ctx=StepContext(actor="bob", today=TODAY))

    report = run(db, write_csv(tmp_path / "c.csv", GOOD), progress=between)
    assert report.committed and len(report.imported) == 5
    assert seen == [True, True]
    with db.read() as session:
        assert len(session.exec(select(Complaint)).all()) == 7  # the 5 imported and bob's 2
    assert unfinished_imports(db) == []


def test_a_save_already_waiting_gets_in_before_a_long_import_ends(db, tmp_path, monkeypatch):
    # A handler's save that began waiting while a batch was being written must not miss
    # every gap between batches and time out behind the whole import.
    if db.is_server:
        pytest.skip("SQLite's busy handler; PostgreSQL writers queue on the advisory lock")
    import threading

    monkeypatch.setattr(importer, "BATCH_ROWS", 10)
    monkeypatch.setattr(importer, "WRITE_BATCHES", 1)
    rows = [{"Reference": f"HB-{n:03d}", "Resident": f"Resident {n}", "Received date": "02/03/2026",
             "Category": "Repairs"} for n in range(60)]
    take = importer._take  # each row, replayed through the use-cases or their plans

    def slow_row(target, *args):  # a batch as long as a real one's, so the waiting
        if target is db:  # save is in SQLite's slowest retries (every 100 ms)
            time.sleep(0.05)
        return take(target, *args)

    monkeypatch.setattr(importer, "_take", slow_row)
    batches_done: list[int] = []
    saved_after: list[int] = []

    def handler_saves() -> None:
        with closing(sqlite3.connect(db.path, timeout=60, isolation_level=None)) as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT INTO setting (key, value) VALUES ('handler.save', '1')")
            conn.execute("COMMIT")
        saved_after.append(len(batches_done))

    waiting = threading.Thread(target=handler_saves)

    def between(step):
        if step.phase == importer.IMPORTING:
            batches_done.append(step.done)
            if len(batches_done) == 1:
                waiting.start()

    report = run(db, write_csv(tmp_path / "long.csv", rows), progress=between)
    waiting.join(timeout=60)
    assert report.committed and len(report.imported) == 60
    assert saved_after and saved_after[0] < len(batches_done), (
        f"the waiting save got in only after batch {saved_after} of {len(batches_done)}")


def test_an_import_replayed_and_refused_at_row_n_of_m_leaves_nothing_behind(db, tmp_path, monkeypatch):
    # the replay's write, as on a server (the bulk copy's own: test_import_bulk.py)
    monkeypatch.setattr(importer, "_writes_back", lambda _db: False)
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    monkeypatch.setattr(importer, "WRITE_BATCHES", 1)
    before = dump(db)
    take = importer._take  # each row, replayed through the use-cases or their plans
    visible = []

    def refused_at_row_5_when_writing(target, session, known, row, *args):
        if row.number == 5 and target is db:  # the check passed; the write meets a change
            with db.read() as session:  # the first batch is committed, and visible meanwhile
                visible.extend(session.exec(select(Complaint.reference).order_by(Complaint.reference)))
            raise importer._RowRefused([importer.RowProblem(5, "Reference", "changed since the check")])
        return take(target, session, known, row, *args)

    monkeypatch.setattr(importer, "_take", refused_at_row_5_when_writing)
    report = run(db, write_csv(tmp_path / "c.csv", GOOD))
    assert visible == ["HA-101", "HA-102"]
    assert [str(p) for p in report.problems] == ["row 5, Reference: changed since the check"]
    assert not report.committed and report.imported == [] and "nothing was imported" in report.summary()
    assert dump(db) == before


def test_an_import_stopped_part_way_leaves_nothing(db, tmp_path, monkeypatch):
    monkeypatch.setattr(importer, "BATCH_ROWS", 2)
    monkeypatch.setattr(importer, "WRITE_BATCHES", 1)
    before = dump(db)

    def interrupt(step):
        if step.phase == importer.IMPORTING and step.done == 4:
            raise KeyboardInterrupt  # Ctrl+C, or any error, after two batches were written

    with pytest.raises(KeyboardInterrupt):
        run(db, write_csv(tmp_path / "c.csv", GOOD), progress=interrupt)
    assert dump(db) == before


def test_a_file_changed_after_its_check_is_not_imported(db, tmp_path):
    before = dump(db)
    path = write_csv(tmp_path / "c.csv", GOOD)

    def edit(step):
        if step.phase == importer.CHECKING and step.done == 5:  # saved again, as an editor saves
            os.replace(write_csv(tmp_path / "edited.csv", GOOD[:2]), path)

    with pytest.raises(SheetUnreadable, match="changed while it was being imported"):
        run(db, path, progress=edit)
    assert dump(db) == before


KILLED = """
import os, signal, sys
from datetime import date
from chc_tui.spreadsheets import importer
from store.engine import open_database

importer.BATCH_ROWS = 2
importer.WRITE_BATCHES = 1

def die(step):
    if step.phase == importer.IMPORTING:
        os.kill(os.getpid(), signal.SIGKILL)  # killed outright after the first batch was written

importer.import_file(open_database(sys.argv[1]), sys.argv[2], actor="importer", today=date(2026, 11, 23), progress=die)
"""


def test_a_killed_import_is_found_and_removed_by_the_next(db, tmp_path):
    before = dump(db)
    path = write_csv(tmp_path / "c.csv", GOOD)
    where = db.url or str(db.path)
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(KILLED), where, str(path)], capture_output=True,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    [left] = unfinished_imports(db)
    assert (left.file, len(left.complaints), left.under_way) == ("c.csv", 2, False)

    report = run(db, write_csv(tmp_path / "other.csv", []))  # the next import, of any file, removes it
    assert report.notes == [f"An import of c.csv started {left.started} on {left.host} stopped part-way, "
                            "leaving 2 complaints; they were removed."]
    assert unfinished_imports(db) == [] and dump(db) == before
    assert refs(run(db, path)) == {f"HA-10{n}": f"HA-10{n}" for n in range(1, 6)}


def test_an_import_under_way_elsewhere_is_left_alone(db, tmp_path):
    with db.write() as session:  # a batch of an import running in another live process
        session.add(Setting(key="import.unfinished.abc.000001", value=(
            '{"file": "x.csv", "started": "2026-11-23T09:00:00", "host": "%s", "pid": %d, "complaints": []}'
            % (os.uname().nodename, os.getppid()))))
    run(db, write_csv(tmp_path / "c.csv", GOOD[:1]))
    assert [u.run for u in unfinished_imports(db)] == ["abc"]


# --- item 11: references in any case ----------------------------------------------------


def test_a_reference_in_another_case_or_spacing_is_the_same_complaint(db, tmp_path):
    first = run(db, write_csv(tmp_path / "a.csv", [{**GOOD[4], "Reference": "CASE-1"}]))
    assert refs(first) == {"CASE-1": "CASE-1"}
    again = run(db, write_csv(tmp_path / "b.csv", [{**GOOD[0], "Reference": "case-1"}, {**GOOD[1], "Reference": " Case - 1 "}]))
    assert [str(p) for p in again.problems] == ["row 3: the same complaint as row 2"]
    later = run(db, write_csv(tmp_path / "c.csv", [{**GOOD[0], "Reference": "case - 1"}]))
    assert later.imported == [] and [str(s) for s in later.already] == ["row 2: already imported as CASE-1"]


def test_a_dry_run_then_the_import_read_every_page_once(empty_db, tmp_path):
    # the check's copy is the file page for page: the file is checked, the copy is not again
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    seen: list[str] = []

    def note(conn, cursor, statement, *args) -> None:
        if "quick_check" in statement:
            seen.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    try:
        sheet = write_csv(tmp_path / "s.csv", GOOD)
        assert not run(empty_db, sheet, dry_run=True).problems
        assert not run(empty_db, sheet).problems
    finally:
        event.remove(Engine, "before_cursor_execute", note)
    assert len(seen) == 1


def test_a_dry_run_on_a_damaged_file_is_refused_naming_the_file(empty_db, tmp_path):
    run(empty_db, write_csv(tmp_path / "s.csv", GOOD))
    path = empty_db.path
    empty_db.dispose()
    _damage_an_index_no_note_touches(path)
    damaged = Database(path)
    try:
        with pytest.raises(Exception, match="failed its integrity check") as refused:
            run(damaged, write_csv(tmp_path / "t.csv", [{**GOOD[0], "Reference": "HA-999", "Resident": "New"}]),
                dry_run=True)
        assert str(path) in str(refused.value)
    finally:
        damaged.dispose()


def test_an_import_of_years_the_machine_has_noted_does_not_load_holidays(empty_db, tmp_path, monkeypatch):
    from chc_tui.rules import holiday_cache
    from chc_tui.rules.calendar import WorkingCalendar
    from chc_tui.steps import settings

    holiday_cache.save(WorkingCalendar(), TODAY)  # the note the app writes after its start
    monkeypatch.setattr(settings, "_CALENDARS", {})
    monkeypatch.setattr(WorkingCalendar, "_bank_holidays", property(lambda self: pytest.fail("loaded `holidays`")))
    report = run(empty_db, write_csv(tmp_path / "s.csv", [GOOD[0]]))
    assert not report.problems and len(report.imported) == 1
