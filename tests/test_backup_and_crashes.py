"""No lost record: backups taken while others write, restore, the health check, several
processes writing at once, and a writer killed mid-run."""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import time
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from conftest import seed_test_staff

from chc_tui.steps import usecases
from chc_tui.cli.main import main as chc
from chc_tui.rules.context import StepContext
from store import backup as backups
from store.engine import open_database

MON = date(2026, 11, 23)
ALICE = StepContext(actor="alice", today=MON)
ROOT = Path(__file__).resolve().parent.parent


def log(db, name: str) -> str:
    return usecases.log_complaint(db, received_on=MON, channel="phone", resident_name=name, category="Repairs",
                                  resident_words="Leak", ctx=ALICE).reference


def names(path: Path) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        return [r[0] for r in conn.execute("SELECT r.name FROM complaint c JOIN resident r ON r.id = c.resident_id ORDER BY c.id")]


# --- backup and restore --------------------------------------------------------------------


def test_a_backup_taken_during_a_write_holds_what_was_committed_and_nothing_else(tmp_path):
    db = open_database(tmp_path / "c.db")
    log(db, "Ann")
    writer = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE resident SET name = 'half-written'")
    try:
        backups.backup(tmp_path / "c.db", tmp_path / "copy.db")  # the writer still holds its lock
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert names(tmp_path / "copy.db") == ["Ann"]
    with closing(sqlite3.connect(tmp_path / "copy.db")) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # stands alone
    db.dispose()


def test_restore_brings_back_the_backup_and_keeps_what_it_replaced(tmp_path):
    path = tmp_path / "c.db"
    db = open_database(path)
    log(db, "Ann")
    backups.backup(path, tmp_path / "monday.db")
    log(db, "Bob")  # entered after the backup
    other = open_database(path)  # another handler's session stays open throughout
    saved = backups.restore(tmp_path / "monday.db", path)
    assert names(path) == ["Ann"]
    assert names(saved) == ["Ann", "Bob"]  # the restore can be undone
    with other.read() as session:
        from sqlmodel import select
        from store.models import Resident

        assert [r.name for r in session.exec(select(Resident))] == ["Ann"]  # the other session sees it
    assert log(other, "Cy") == "C2026-0002"  # and writes on after it
    db.dispose()
    other.dispose()


def test_restore_refuses_what_is_not_a_chc_database(tmp_path):
    path = tmp_path / "c.db"
    open_database(path).dispose()
    stranger = tmp_path / "other.db"
    with closing(sqlite3.connect(stranger)) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(backups.BackupError, match="not a chc database"):
        backups.restore(stranger, path)
    newer = tmp_path / "newer.db"
    backups.backup(path, newer)
    with closing(sqlite3.connect(newer)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
    with pytest.raises(backups.BackupError, match="newer chc"):
        backups.restore(newer, path)


def test_daily_backups_are_made_once_a_day_and_rotated(tmp_path):
    path = tmp_path / "c.db"
    open_database(path).dispose()
    made = [backups.daily_backup(path, date(2026, 11, day), keep=3) for day in (1, 2, 3, 4, 5)]
    assert all(made)
    assert backups.daily_backup(path, date(2026, 11, 5), keep=3) is None  # once a day
    kept = sorted(p.name for p in backups.backups_dir(path).iterdir())
    assert kept == ["c-2026-11-03.db", "c-2026-11-04.db", "c-2026-11-05.db"]


def test_backup_restore_and_doctor_from_the_command_line(tmp_path, capsys):
    path = tmp_path / "c.db"
    db = open_database(path)
    seed_test_staff(db)  # the runner's login is on the register: the doctor's staff line is ok
    log(db, "Ann")
    db.dispose()
    os.chmod(path, 0o660)
    assert chc(["--db", str(path), "doctor"]) == 1  # no backup yet
    assert "FAIL  backups" in capsys.readouterr().out
    assert chc(["--db", str(path), "backup", "--auto"]) == 0
    assert chc(["--db", str(path), "backup", str(tmp_path / "b.db")]) == 0
    assert chc(["--db", str(path), "doctor"]) == 0
    out = capsys.readouterr().out
    assert "ok    integrity" in out and "ok    schema" in out and "ok    database permissions" in out
    os.chmod(path, 0o664)  # readable by everyone on a shared server: refused by the doctor
    assert chc(["--db", str(path), "doctor"]) == 1
    assert "open to everyone" in capsys.readouterr().out
    assert chc(["--db", str(path), "restore", str(tmp_path / "missing.db"), "--yes"]) == 2
    assert chc(["--db", str(path), "restore", str(tmp_path / "b.db"), "--yes"]) == 0
    assert names(path) == ["Ann"]


def test_files_chc_creates_are_for_owner_and_group_only(tmp_path):
    old = os.umask(0o022)
    try:
        assert chc(["--db", str(tmp_path / "c.db"), "backup", str(tmp_path / "b.db")]) == 2  # no database yet
        open_database(tmp_path / "c.db").dispose()  # made under chc's umask, set by main()
        assert chc(["--db", str(tmp_path / "c.db"), "backup", str(tmp_path / "b.db")]) == 0
        for made in (tmp_path / "c.db", tmp_path / "b.db"):
            assert stat.S_IMODE(made.stat().st_mode) & stat.S_IRWXO == 0, made
    finally:
        os.umask(old)


# --- several processes, and a killed one ----------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import date
    sys.path.insert(0, {root!r})
    from chc_tui.steps import usecases
    from chc_tui.rules.context import StepContext
    from store.engine import open_database

    db = open_database(__import__("pathlib").Path(sys.argv[1]))
    who, count = sys.argv[2], int(sys.argv[3])
    ctx = StepContext(actor=who, today=date(2026, 11, 23))
    for i in range(count):
        ref = usecases.log_complaint(db, received_on=date(2026, 11, 23), channel="phone",
                                     resident_name=f"{{who}}-{{i}}", category="Repairs",
                                     resident_words="Leak", ctx=ctx).reference
        print(ref, f"{{who}}-{{i}}", flush=True)
    """
)


def _writer(tmp_path: Path) -> Path:
    script = tmp_path / "writer.py"
    script.write_text(WRITER.format(root=str(ROOT)))
    return script


def test_several_processes_writing_at_once_each_write_lands_exactly_once(tmp_path):
    path = tmp_path / "c.db"
    database = open_database(path)
    seed_test_staff(database, tuple(f"w{n}" for n in range(4)))  # four handlers on the register
    database.dispose()
    script = _writer(tmp_path)
    procs = [
        subprocess.Popen([sys.executable, str(script), str(path), f"w{n}", "15"], stdout=subprocess.PIPE, text=True)
        for n in range(4)
    ]
    outputs = [p.communicate(timeout=240)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0, 0]
    reported = [line.split() for out in outputs for line in out.splitlines()]
    stored = names(path)
    assert sorted(stored) == sorted(f"w{n}-{i}" for n in range(4) for i in range(15))  # each once
    refs = [ref for ref, _ in reported]
    assert len(set(refs)) == 60  # no reference handed out twice


def test_a_writer_killed_mid_run_loses_nothing_committed_and_leaves_nothing_half_written(tmp_path):
    path = tmp_path / "c.db"
    open_database(path).dispose()
    proc = subprocess.Popen([sys.executable, str(_writer(tmp_path)), str(path), "k", "100000"],
                            stdout=subprocess.PIPE, text=True)
    committed = []
    deadline = time.monotonic() + 120
    while len(committed) < 25 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            committed.append(line.split()[1])
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert len(committed) >= 25
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = [r[0] for r in conn.execute("SELECT name FROM resident ORDER BY id")]
        # every complaint whole: its stage, its two deadlines, its audit entry
        broken = conn.execute(
            """SELECT c.reference FROM complaint c
               WHERE (SELECT count(*) FROM stage_record s WHERE s.complaint_id = c.id) != 1
                  OR (SELECT count(*) FROM deadline d WHERE d.complaint_id = c.id) != 2
                  OR (SELECT count(*) FROM audit_entry a WHERE a.complaint_id = c.id AND a.action = 'log') != 1"""
        ).fetchall()
        orphans = conn.execute(
            "SELECT count(*) FROM resident r WHERE NOT EXISTS (SELECT 1 FROM complaint c WHERE c.resident_id = r.id)"
        ).fetchone()[0]
    assert set(committed) <= set(stored)  # nothing reported as saved was lost
    assert broken == [] and orphans == 0  # nothing half-written
