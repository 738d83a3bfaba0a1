"""A restore takes only a file that is exactly a chc database of its schema version; a killed
backup or restore leaves nothing behind that the next run does not clear; old backups can
be pruned after an anonymisation."""

from __future__ import annotations

import fcntl
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

import pytest

from chc_tui.cli.main import main as chc
from store import backup as backups
from store.engine import Database, open_database
from store.migrate import HEAD, current_revision, upgrade
from test_backup_and_crashes import MON, ROOT, log, names

def tamper(path: Path, *statements: str) -> None:
    with closing(sqlite3.connect(path)) as conn:
        for sql in statements:
            conn.execute(sql)
        conn.commit()


@pytest.fixture
def live(tmp_path) -> Path:
    """A database holding Ann, and a good backup of it at b.db."""
    path = tmp_path / "c.db"
    db = open_database(path)
    log(db, "Ann")
    db.dispose()
    backups.backup(path, tmp_path / "b.db")
    return path


# --- what restore refuses --------------------------------------------------------------------


def test_a_backup_with_a_planted_trigger_is_refused_and_changes_nothing(live, tmp_path, capsys):
    planted = tmp_path / "b.db"
    tamper(planted, "CREATE TRIGGER rewrite AFTER INSERT ON correspondence BEGIN "
                    "UPDATE correspondence SET summary = 'nothing happened' WHERE id = new.id; END")
    assert chc(["--db", str(live), "restore", str(planted), "--yes"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "trigger 'rewrite' on 'correspondence'" in err
    with closing(sqlite3.connect(live)) as conn:
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'rewrite'").fetchone()[0] == 0
    assert names(live) == ["Ann"]


@pytest.mark.parametrize("sql, named", [
    ("CREATE VIEW everyone AS SELECT * FROM resident", "view 'everyone'"),
    ("CREATE TABLE exfiltrate (x)", "table 'exfiltrate' that chc does not know"),
    ("CREATE INDEX ix_odd ON resident (phone)", "index 'ix_odd' that chc does not know"),
    ("ALTER TABLE resident ADD COLUMN secret TEXT", "table 'resident' is not defined as schema"),
    ("DROP INDEX ix_resident_name", "no index 'ix_resident_name'"),
])
def test_anything_chc_does_not_make_is_refused_by_name(live, tmp_path, sql, named):
    tamper(tmp_path / "b.db", sql)
    with pytest.raises(backups.BackupError, match=named):
        backups.restore(tmp_path / "b.db", live)
    assert names(live) == ["Ann"]


def test_a_two_table_file_with_the_right_schema_version_is_refused(live, tmp_path, capsys):
    fake = tmp_path / "fake.db"
    tamper(fake, "CREATE TABLE complaint (id INTEGER PRIMARY KEY)", "CREATE TABLE alembic_version (version_num)",
           f"INSERT INTO alembic_version VALUES ('{HEAD}')")
    assert chc(["--db", str(live), "restore", str(fake), "--yes"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is refused: " in err and "'resident'" in err and "no table 'action'" in err
    assert names(live) == ["Ann"]


def test_a_backup_of_an_older_schema_is_checked_against_that_schema_and_restored(live, tmp_path):
    older = tmp_path / "older.db"
    db = Database(older)
    upgrade(db.engine, "0004")
    db.dispose()
    tamper(older, "INSERT INTO resident (name, address, phone, email, preferred_channel, version, created_at) "
                  "VALUES ('Old Ann', '', '', '', '', 1, '2024-01-01 00:00:00')")
    assert chc(["--db", str(live), "restore", str(older), "--yes"]) == 0
    with closing(sqlite3.connect(live)) as conn:
        assert conn.execute("SELECT name FROM resident").fetchall() == [("Old Ann",)]
    reopened = Database(live)
    assert current_revision(reopened.engine) == HEAD  # brought up to date straight after
    reopened.dispose()


def test_a_file_that_is_not_sqlite_is_refused_in_one_line(live, tmp_path, capsys):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert chc(["--db", str(live), "restore", str(junk), "--yes"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "junk.db" in err


# --- partial copies left by a killed run -------------------------------------------------------


def _partials(*folders: Path) -> list[str]:
    return sorted(p.name for f in folders for p in f.glob(".*.partial*"))


def test_the_next_backup_clears_partials_a_killed_run_left_and_spares_one_being_written(live, tmp_path):
    folder = backups.backups_dir(live)
    folder.mkdir(exist_ok=True)
    killed = folder / ".c-2026-11-01.db.partial"
    killed.write_bytes(b"full-size personal data" * 1000)
    (folder / ".c-2026-11-01.db.partial-journal").write_bytes(b"x")
    (tmp_path / ".elsewhere.db.partial").write_bytes(b"personal data")
    busy = folder / ".c-2026-11-02.db.partial"
    busy.write_bytes(b"being written")
    holder = os.open(busy, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # as a running copy holds it
    try:
        assert backups.daily_backup(live, MON) is not None  # beside the database too
        assert _partials(folder, tmp_path) == [".c-2026-11-02.db.partial"]
    finally:
        os.close(holder)  # its writer killed: the lock goes with it
    backups.restore(tmp_path / "b.db", live)
    assert _partials(folder, tmp_path) == []


def test_a_partial_is_owner_and_group_only_before_any_page_is_in_it(live, tmp_path, monkeypatch):
    seen = []
    real = backups._copy_pages

    def watch(source, target):
        seen.append(stat.S_IMODE(Path(target).stat().st_mode))
        return real(source, target)

    monkeypatch.setattr(backups, "_copy_pages", watch)
    old = os.umask(0)
    try:
        backups.backup(live, tmp_path / "copy.db")
        backups.restore(tmp_path / "b.db", live)
    finally:
        os.umask(old)
    assert seen and all(mode & stat.S_IRWXO == 0 for mode in seen), [oct(m) for m in seen]


def _copying(folder: Path) -> bool:
    """A partial holds pages (an empty one just made holds no one's data and may wait)."""
    for partial in folder.glob(".*.partial*"):
        try:
            if partial.name.endswith("-journal") or partial.stat().st_size > 0:
                return True
        except FileNotFoundError:  # renamed into place or removed as we looked
            pass
    return False


RESTORE = """
import sys
sys.path.insert(0, {root!r})
from chc_tui.cli.main import main
sys.exit(main(["--db", sys.argv[1], "restore", sys.argv[2], "--yes"]))
"""


def test_a_restore_killed_part_way_leaves_the_old_or_the_new_database_and_no_partial(tmp_path):
    path = tmp_path / "c.db"
    db = open_database(path)
    log(db, "Ann")
    db.dispose()
    big = tmp_path / "big.db"
    backups.backup(path, big)
    tamper(big, "UPDATE resident SET name = 'Bea'",
           "UPDATE complaint SET resident_words = hex(randomblob(20000000))")  # 40 MB to copy
    script = tmp_path / "restore.py"
    script.write_text(RESTORE.format(root=str(ROOT)))
    folder = backups.backups_dir(path)
    proc = subprocess.Popen([sys.executable, str(script), str(path), str(big)])
    try:
        deadline = time.monotonic() + 120
        while not _copying(folder) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)  # waiting for pages to be in a partial, not for time to pass
        assert _copying(folder), "the restore finished before a partial was seen"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert names(path) in (["Ann"], ["Bea"])  # never a mixture
    backups.backup(path, tmp_path / "after.db")  # the next run
    assert _partials(folder, tmp_path) == []


# --- prune ----------------------------------------------------------------------------------


def test_prune_deletes_daily_and_before_restore_backups_made_before_the_date(live, tmp_path, capsys):
    for day in (1, 2, 3):
        backups.daily_backup(live, date(2026, 11, day))
    folder = backups.backups_dir(live)
    for stamp in ("20261101-093000", "20261103-120000"):
        backups.backup(live, folder / f"c-before-restore-{stamp}.db")
    (folder / "notes.txt").write_text("not a backup")
    (folder / "other-2026-11-01.db").write_bytes(b"another database's backup")
    assert chc(["--db", str(live), "backup", "prune", "--before", "03/11/2026"]) == 0
    assert "3 backups made before 03/11/2026 deleted" in capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir()) == [
        "c-2026-11-03.db", "c-before-restore-20261103-120000.db", "notes.txt", "other-2026-11-01.db"]
    assert chc(["--db", str(live), "backup", "prune"]) == 2  # the date is required
    assert "prune needs --before DATE" in capsys.readouterr().err


def test_rotation_counts_only_the_daily_backups(live, tmp_path):
    folder = backups.backups_dir(live)
    for day in (1, 2, 3):
        backups.daily_backup(live, date(2026, 11, day), keep=2)
    backups.restore(tmp_path / "b.db", live, now=datetime(2026, 11, 3, 12))
    backups.daily_backup(live, date(2026, 11, 4), keep=2)
    assert sorted(p.name for p in folder.iterdir()) == [
        "c-2026-11-03.db", "c-2026-11-04.db", "c-before-restore-20261103-120000.db"]
    assert stat.S_IMODE(folder.stat().st_mode) == backups.SHARED_DIR_MODE
