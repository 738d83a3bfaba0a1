"""A database that is missing, mistyped, empty, foreign, damaged, newer, read-only, full or
busy: every command says so in one line and exits non-zero, creates nothing it should
not, and writes nothing to a damaged file (issue 15, item 8). Also the log file (item 12),
crash leftovers in doctor (item 10) and control characters kept off the terminal."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import sys
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from conftest import seed_test_staff

from chc_tui.steps import usecases
from chc_tui.cli.main import main as chc
from chc_tui.rules.context import StepContext
from store import engine
from store.engine import open_database
from store.errors import BUSY, DISK_FULL, READ_ONLY, DatabaseProblem, explain

MON = date(2026, 11, 23)
CTX = StepContext(actor="alice", today=MON)

READ_ONLY_COMMANDS = [
    ["deadlines"],
    ["report", "--year", "2026"],
    ["self-assessment", "export", "--year", "2026", "--out", "{out}/sa.md"],
    ["evidence", "C2026-0001", "--out", "{out}/pack.md"],
    ["letter", "list", "C2026-0001"],
    ["letter", "export", "1", "--out", "{out}/letter.txt"],
    ["personal-data", "find", "Ann"],
    ["personal-data", "export", "1", "--out", "{out}/sar.json"],
    ["personal-data", "due"],
    ["export", "--format", "csv", "--out", "{out}/all.csv"],
    ["settings", "show"],
    ["import", "{out}/in.csv", "--dry-run"],
    ["backup", "{out}/b.db"],
    ["deadlines", "--json"],
    ["complaint", "show", "C2026-0001", "--json"],
    ["settings", "closure", "list"],
]
WRITE_COMMANDS = [
    ["note", "C2026-0001", "--kind", "note", "--summary", "x"],
    ["requests", "log", "Gate", "--resident", "Ann"],
    ["settings", "set", "region", "wales"],
    ["personal-data", "anonymise", "1", "--yes"],
    ["complaint", "log", "--received", "23/11/2026", "--resident", "Ann", "--category", "Repairs", "--words", "Leak"],
    ["complaint", "close", "C2026-0001"],
    ["settings", "closure", "add", "24/12/2026", "31/12/2026"],
    ["settings", "set", "homes-owned", "2025", "5035"],
]


def _args(command: list[str], out: Path) -> list[str]:
    return [part.replace("{out}", str(out)) for part in command]


def _one_line_error(capsys) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chc"), captured.err
    assert "Traceback" not in captured.err + captured.out
    return lines[0]


def _database(path: Path, name: str = "Ann") -> Path:
    db = open_database(path)
    seed_test_staff(db)  # the CLI acts as the runner's login, the steps here as alice
    usecases.log_complaint(db, received_on=MON, channel="phone", resident_name=name, category="Repairs",
                           resident_words="Leak", ctx=CTX)
    db.dispose()
    return path


@pytest.fixture
def sheet(tmp_path):
    (tmp_path / "in.csv").write_text("Resident,Received date,Category\nAnn,02/11/2026,Repairs\n")
    return tmp_path


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS + WRITE_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_a_mistyped_path_is_refused_and_never_becomes_a_database(tmp_path, sheet, capsys, command):
    missing = tmp_path / "no-such-folder" / "complaints.bd"
    assert chc(["--db", str(missing), *_args(command, tmp_path)]) == 2
    assert "no database at" in _one_line_error(capsys)
    assert not missing.parent.exists()


def test_calendar_and_doctor_never_create_one_either(tmp_path, capsys):
    missing = tmp_path / "complaints.db"
    assert chc(["--db", str(missing), "calendar", "add-working-days", "23/11/2026", "5"]) == 0
    assert chc(["--db", str(missing), "doctor"]) == 1
    assert "FAIL  database" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []


def test_the_commands_meant_to_create_one_do(tmp_path, sheet, capsys):
    assert chc(["--db", str(tmp_path / "new.db"), "import", str(tmp_path / "in.csv")]) == 0
    assert (tmp_path / "new.db").exists()


@pytest.mark.parametrize("command", [["deadlines"], WRITE_COMMANDS[0], ["doctor"]], ids=lambda c: c[0])
def test_an_empty_file_is_not_a_database(tmp_path, capsys, command):
    empty = tmp_path / "c.db"
    empty.touch()
    assert chc(["--db", str(empty), *command]) != 0
    message = _one_line_error(capsys) if command != ["doctor"] else capsys.readouterr().out
    assert "empty file, not a database" in message
    assert empty.stat().st_size == 0


def test_a_file_of_another_program_is_refused_and_left_alone(tmp_path, capsys):
    other = tmp_path / "places.sqlite"
    with closing(sqlite3.connect(other)) as conn:
        conn.execute("CREATE TABLE moz_places (url TEXT)")
        conn.commit()
    before = other.read_bytes()
    assert chc(["--db", str(other), "deadlines"]) == 2
    assert "not a chc one" in _one_line_error(capsys)
    assert other.read_bytes() == before


def _damage_an_index_no_note_touches(path: Path) -> None:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'ix_resident_name'").fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    with open(path, "r+b") as handle:
        handle.seek((page - 1) * size)
        handle.write(b"\xff" * size)


def test_a_damaged_file_takes_no_write_and_doctor_reports_it(tmp_path, capsys):
    path = _database(tmp_path / "c.db")
    _damage_an_index_no_note_touches(path)
    before = path.read_bytes()
    assert chc(["--db", str(path), "note", "C2026-0001", "--kind", "note", "--summary", "x"]) == 2
    assert "failed its integrity check, so nothing was saved" in _one_line_error(capsys)
    assert path.read_bytes() == before
    assert chc(["--db", str(path), "doctor"]) == 1
    out = capsys.readouterr()
    assert "FAIL  integrity" in out.out and "chc restore" in out.out and "Traceback" not in out.err


def test_a_file_that_is_not_sqlite_is_reported_by_doctor_too(tmp_path, capsys):
    path = tmp_path / "c.db"
    path.write_bytes(b"PK\x03\x04 a spreadsheet, not a database" * 100)
    assert chc(["--db", str(path), "doctor"]) == 1
    assert "not a chc database" in capsys.readouterr().out


def test_a_database_from_a_newer_chc_is_refused_in_one_line(tmp_path, capsys):
    path = _database(tmp_path / "c.db")
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
    for command in (["deadlines"], WRITE_COMMANDS[0]):
        assert chc(["--db", str(path), *command]) == 2
        assert "newer chc (schema 9999)" in _one_line_error(capsys)
    assert chc(["--db", str(path), "doctor"]) == 1
    assert "FAIL  schema" in capsys.readouterr().out


def test_a_writer_waits_then_says_the_database_is_busy(tmp_path, capsys, monkeypatch):
    path = _database(tmp_path / "c.db")
    assert engine.BUSY_TIMEOUT_MS >= 30_000  # longer than the longest normal write
    monkeypatch.setattr(engine, "BUSY_TIMEOUT_MS", 50)
    with closing(sqlite3.connect(path, isolation_level=None)) as importer:
        importer.execute("BEGIN IMMEDIATE")  # another process saving
        assert chc(["--db", str(path), "note", "C2026-0001", "--kind", "note", "--summary", "x"]) == 2
        importer.execute("ROLLBACK")
    assert _one_line_error(capsys) == f"chc: {BUSY}"


def test_a_full_disk_is_said_in_one_line(tmp_path, capsys, monkeypatch):
    path = _database(tmp_path / "c.db")
    configure = engine._configure_sqlite

    def no_room(conn, record):  # the file may not grow: SQLite's own "database or disk is full"
        configure(conn, record)
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")

    monkeypatch.setattr(engine, "_configure_sqlite", no_room)
    assert chc(["--db", str(path), "note", "C2026-0001", "--kind", "note", "--summary", "x" * 200_000]) == 2
    assert _one_line_error(capsys) == f"chc: {DISK_FULL}"


def test_a_read_only_database_is_said_in_one_line(tmp_path, capsys):
    path = _database(tmp_path / "c.db")
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        with pytest.raises(sqlite3.OperationalError) as refused:
            conn.execute("DELETE FROM complaint")
    assert explain(refused.value) == READ_ONLY
    if os.geteuid() != 0:  # root writes whatever the mode; tests/test_shared_use.py runs as users
        os.chmod(path, 0o440)
        assert chc(["--db", str(path), "note", "C2026-0001", "--kind", "note", "--summary", "x"]) == 2
        assert READ_ONLY in _one_line_error(capsys)


def test_open_database_raises_the_plain_message(tmp_path):
    (tmp_path / "c.db").write_text("not a database at all" * 20)
    with pytest.raises(DatabaseProblem, match="not a chc database"):
        open_database(tmp_path / "c.db")
    with pytest.raises(DatabaseProblem, match="no database at"):
        open_database(tmp_path / "missing.db", create=False)


# --- the log (item 12) -------------------------------------------------------------------------


def test_an_unexpected_error_is_one_line_and_its_traceback_is_in_the_log(tmp_path, capsys, monkeypatch):
    from chc_tui import services
    from chc_tui.log import log_path

    path = _database(tmp_path / "c.db")

    def broken(self):
        raise RuntimeError("Ann Smith, 1 Leak Lane")  # record data: never on the terminal

    monkeypatch.setattr(services.Services, "deadlines", broken)
    assert chc(["--db", str(path), "deadlines"]) == 1
    line = _one_line_error(capsys)
    assert "RuntimeError" in line and str(log_path()) in line and "Ann Smith" not in line
    for handler in logging.getLogger().handlers:
        handler.flush()
    logged = log_path().read_text()
    assert "Traceback" in logged and "Ann Smith, 1 Leak Lane" in logged
    assert stat.S_IMODE(log_path().stat().st_mode) == 0o600
    assert chc(["--db", str(path), "doctor"]) == 1
    assert str(log_path()) in capsys.readouterr().out


def test_the_log_is_rotated_and_set_up_without_heavy_imports():
    import subprocess

    code = ("import sys; from chc_tui.log import setup_logging; setup_logging(); "
            "print(sorted(m for m in ('logging.handlers', 'sqlalchemy', 'textual') if m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"
    from chc_tui.log import KEEP, MAX_BYTES, _rotating

    handler = _rotating(Path(os.environ["XDG_STATE_HOME"]) / "rotation-check.log")
    try:
        assert (handler.maxBytes, handler.backupCount) == (MAX_BYTES, KEEP) and MAX_BYTES <= 1024 * 1024
    finally:
        handler.close()


# --- crash leftovers (item 10, the doctor's half) ----------------------------------------------


def test_doctor_lists_copies_a_stopped_backup_restore_or_attachment_left(tmp_path, capsys):
    path = _database(tmp_path / "c.db")
    left = [tmp_path / ".c-before.db.partial", tmp_path / "backups" / ".c-2026-11-23.db.partial",
            tmp_path / "c-attachments" / "ab" / ".incoming-x1y2"]
    for leftover in left:
        leftover.parent.mkdir(parents=True, exist_ok=True)
        leftover.write_bytes(b"a full copy of the residents' data")
    assert chc(["--db", str(path), "doctor"]) == 1
    line = next(line for line in capsys.readouterr().out.splitlines() if "leftovers" in line)
    assert line.startswith("FAIL") and "rm -f" in line
    assert all(f"'{leftover}'" in line for leftover in left)


# --- control characters -----------------------------------------------------------------------


def test_control_characters_from_the_database_do_not_reach_the_terminal(tmp_path, capsys):
    path = _database(tmp_path / "c.db", name="Ann \x1b]0;pwned\x07\x1b[31mRed\x9b2J")
    for command in (["deadlines"], ["personal-data", "find", "Ann"]):
        assert chc(["--db", str(path), *command]) == 0
        out = capsys.readouterr().out
        assert "\x1b" not in out and "\x07" not in out and "\x9b" not in out
        assert "Ann \\x1b]0;pwned\\x07" in out


def test_a_database_error_never_quotes_the_values_being_written(tmp_path):
    # SQLAlchemy's error text quotes the parameters ("[parameters: ('Mrs Ada Brown', ...)]"):
    # a refused write must not carry a resident's words into the log or onto a screen.
    from sqlalchemy import text as sql
    from sqlalchemy.exc import DBAPIError

    db = open_database(tmp_path / "c.db", create=True)
    try:
        with pytest.raises(DBAPIError) as failed:
            with db.write() as session:
                session.execute(sql("INSERT INTO no_such_table (name) VALUES (:name)"), {"name": "Mrs Ada Brown"})
        assert "Mrs Ada Brown" not in str(failed.value)
    finally:
        db.dispose()
