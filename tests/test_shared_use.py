"""Several handlers on one server, exactly as README sets it up (issue 15, item 2): two real
OS users in one group, a setgid 2770 folder, CHC_DB there. Both save, whichever of them
opened the database first, and one exports the other's attachment."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest

from os_users import interpreter_paths, needs_root, traversable, users_in_a_group
from store.sharing import FILE_MODE, is_shared_folder, make_folder, settle_database

CHC = [sys.executable, "-m", "chc_tui.cli.main"]

# Keeps the database open, as a handler's app does, so that the -wal and -shm this user's
# open made stay for the other handler to use.
HOLDER = textwrap.dedent(
    """
    import os, sys
    from store.engine import open_database
    db = open_database(os.environ["CHC_DB"], create=False)
    with db.read() as session:
        session.connection().exec_driver_sql("SELECT count(*) FROM complaint").scalar()
    print("open", flush=True)
    sys.stdin.readline()
    db.dispose()
    """
)


@pytest.fixture
def shared_server():
    """README's set-up: groupadd, both handlers in the group, install -d -m 2770 -g."""
    base = Path(tempfile.mkdtemp(prefix="chc-shared-", dir="/tmp"))
    os.chmod(base, 0o711)  # like /srv: others pass through
    try:
        with traversable(interpreter_paths()), users_in_a_group(base, "alice", "bob") as (group, gid, users):
            folder = base / "complaints"
            subprocess.run(["install", "-d", "-m", "2770", "-g", group, str(folder)], check=True)
            sheet = base / "in.csv"
            sheet.write_text("Reference,Resident,Received date,Category\nR-1,Ann Smith,02/11/2026,Repairs\n")
            letter = base / "letter.txt"
            letter.write_text("Dear landlord, the roof leaks.\n")
            os.chmod(sheet, 0o644)
            os.chmod(letter, 0o644)
            yield folder, group, gid, users, sheet, letter
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@needs_root
@pytest.mark.parametrize("first", ["alice", "bob"])
def test_two_handlers_in_one_group_both_save_whoever_opens_first(shared_server, first):
    folder, group, gid, users, sheet, letter = shared_server
    one, other = users if first == "alice" else users[::-1]
    db = folder / "complaints.db"

    def chc(user, *args: str) -> str:
        done = user.run([*CHC, *args], [gid], CHC_DB=str(db))
        assert done.returncode == 0, f"{user.name}: chc {' '.join(args)}: {done.stderr}"
        assert "Traceback" not in done.stderr
        return done.stdout

    chc(one, "import", str(sheet))  # the first to save: the staff register's first admin
    chc(one, "staff", "add", "--name", f"{other.name} Jones", "--login", other.name, "--role", "handler")
    holder = one.popen([sys.executable, "-c", HOLDER], [gid], CHC_DB=str(db))
    try:
        assert holder.stdout.readline() == "open\n", holder.stderr.read()
        chc(one, "note", "R-1", "--kind", "letter", "--direction", "in", "--party", "resident",
            "--summary", f"{one.name}'s letter", "--file", str(letter))
        # The other handler writes while the first one's session (and its -wal, -shm) is open.
        chc(other, "note", "R-1", "--kind", "note", "--summary", f"{other.name}'s note")
        chc(other, "requests", "log", "Gate hinge", "--for", "R-1")
        chc(one, "requests", "log", "Fence panel", "--for", "R-1")  # and the first again, after
        for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
            assert _mode(path) == 0o660 and path.stat().st_gid == gid, path
        stored = [p for p in (folder / "complaints-attachments").rglob("*") if p.is_file()]
        assert stored and all(_mode(p) == 0o660 and p.stat().st_gid == gid for p in stored)

        out = other.home / "sar.json"
        chc(other, "personal-data", "export", "1", "--out", str(out))
        assert out.exists()
        copies = list((other.home / "sar-files").iterdir())
        assert [c.read_text() for c in copies] == [letter.read_text()]

        chc(one, "backup", "--auto")
        daily = next((folder / "backups").glob("complaints-*.db"))
        chc(other, "restore", str(daily), "--yes")
        chc(other, "note", "R-1", "--kind", "note", "--summary", "after the restore")
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)
    notes = chc(one, "deadlines")
    assert "R-1" in notes

    report = other.run([*CHC, "doctor"], [gid], CHC_DB=str(db)).stdout
    shared = [line for line in report.splitlines() if line.split()[0] in ("ok", "FAIL") and
              {"shared", "writable"} & set(line[6:30].split())]
    named = {line[6:31].strip() for line in shared}
    assert {"database shared", "database folder shared", "attachments shared", "backups shared"} <= named, report
    assert all(line.startswith("ok") for line in shared), report


@needs_root
def test_doctor_names_who_cannot_write_and_the_line_that_fixes_it(shared_server):
    folder, group, gid, (alice, bob), sheet, letter = shared_server
    db = folder / "complaints.db"
    assert alice.run([*CHC, "import", str(sheet)], [gid], CHC_DB=str(db)).returncode == 0
    assert alice.run([*CHC, "note", "R-1", "--kind", "note", "--summary", "x", "--file", str(letter)],
                     [gid], CHC_DB=str(db)).returncode == 0
    # What an older chc made: the database 0640, an attachment 0600.
    os.chmod(db, 0o640)
    attachment = next(p for p in (folder / "complaints-attachments").rglob("*") if p.is_file())
    os.chmod(attachment, 0o600)

    report = bob.run([*CHC, "doctor"], [gid], CHC_DB=str(db))
    assert report.returncode == 1
    lines = report.stdout.splitlines()
    database = next(line for line in lines if line.split()[1:3] == ["database", "shared"])
    assert database.startswith("FAIL") and bob.name in database
    assert f"chgrp {group} '{db}' && chmod 660 '{db}'" in database
    files = next(line for line in lines if line.split()[1:3] == ["attachments", "shared"])
    fix = files.split("as root, run: ", 1)[1]
    assert files.startswith("FAIL") and bob.name in files and "chmod -R g+rwX" in fix

    subprocess.run(fix, shell=True, check=True)  # the line doctor gave, as root
    subprocess.run(f"chgrp {group} '{db}' && chmod 660 '{db}'", shell=True, check=True)
    again = bob.run([*CHC, "doctor"], [gid], CHC_DB=str(db)).stdout
    assert all(line.startswith("ok") for line in again.splitlines() if "shared" in line[6:30].split()), again


# --- the modes themselves, without other users ----------------------------------------------


def test_what_chc_makes_in_a_setgid_folder_is_group_writable_whatever_the_umask(tmp_path):
    from datetime import date

    from chc_tui.steps import usecases
    from chc_tui.rules.context import StepContext
    from chc_tui.steps.correspondence import record_correspondence
    from store.engine import open_database

    folder = tmp_path / "shared"
    folder.mkdir()
    os.chmod(folder, 0o2770)
    source = tmp_path / "letter.txt"
    source.write_text("hello")
    old = os.umask(0o077)  # a strict login umask: nothing of ours may depend on it
    try:
        db = open_database(folder / "c.db")
        ctx = StepContext(actor="alice", today=date(2026, 11, 23))
        ref = usecases.log_complaint(db, received_on=date(2026, 11, 23), channel="phone", resident_name="Ann",
                                     category="Repairs", resident_words="Leak", ctx=ctx).reference
        record_correspondence(db, ref, happened_on=date(2026, 11, 23), kind="note", direction="internal", party="",
                              summary="s", files=[source], ctx=ctx)
        made = [folder / "c.db", folder / "c.db-wal", folder / "c.db-shm"]
        made += [p for p in (folder / "c-attachments").rglob("*")]
        for path in made:  # the journals while open: SQLite removes them at the last close
            expected = 0o2770 if path.is_dir() else FILE_MODE
            assert _mode(path) == expected, (path, oct(_mode(path)))
        db.dispose()
    finally:
        os.umask(old)


def test_a_database_file_the_group_cannot_write_is_given_to_it_by_its_owner_on_open(tmp_path):
    from store.engine import open_database

    folder = make_folder(tmp_path / "shared")
    os.chmod(folder, 0o2770)
    open_database(folder / "c.db").dispose()
    os.chmod(folder / "c.db", 0o640)  # made by an older chc
    assert is_shared_folder(folder)
    settle_database(folder / "c.db")
    assert _mode(folder / "c.db") == 0o660
    os.chmod(folder / "c.db", 0o640)
    open_database(folder / "c.db").dispose()
    assert _mode(folder / "c.db") == 0o660
