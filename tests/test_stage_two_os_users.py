"""Code 6.13 on the command line as two real OS users on one shared database (issue 17):
alice, who handled stage 1, is refused any stage 2 step; bob, on the register as Bob Jones,
defines it; the audit names bob's login and staff id."""

from __future__ import annotations

import sqlite3
import sys
from contextlib import closing

from os_users import needs_root
from test_shared_use import shared_server  # noqa: F401  (a fixture: README's shared set-up)

CHC = [sys.executable, "-m", "chc_tui.cli.main"]


@needs_root
def test_alice_is_refused_stage_two_and_bob_defines_it(shared_server):  # noqa: F811
    folder, group, gid, (alice, bob), _sheet, _letter = shared_server
    db = folder / "complaints.db"
    sheet = folder.parent / "history.csv"
    sheet.write_text(
        "Reference,Resident,Received date,Category,Stage 1 acknowledged,Stage 1 responded,Stage 1 decision,"
        "Stage 2 requested,Stage 1 handler,Stage 2 handler\n"
        f"R-9,Ann Lee,02/11/2026,Repairs,03/11/2026,10/11/2026,Not upheld,16/11/2026,{alice.name},Bob Jones\n"
    )
    sheet.chmod(0o644)

    def chc(user, *args: str):
        done = user.run([*CHC, *args], [gid], CHC_DB=str(db))
        assert "Traceback" not in done.stderr, done.stderr
        return done

    # alice sets the database up: the register's first admin; she puts bob on it, then moves R-9 in.
    made = chc(alice, "setup", "--name", "Riverside Homes", "--address", "1 Quay Street, Exeter",
               "--region", "england-and-wales", "--homes-owned", "2026:1200")
    assert made.returncode == 0, made.stderr
    added = chc(alice, "staff", "add", "--name", "Bob Jones", "--login", bob.name, "--role", "handler",
                "--title", "Complaints Officer")
    assert added.returncode == 0, added.stderr
    moved = chc(alice, "import", str(sheet))
    assert moved.returncode == 0, moved.stderr + moved.stdout
    with closing(sqlite3.connect(db)) as conn:
        ref = conn.execute("SELECT reference FROM complaint").fetchone()[0]

    define = ["complaint", "define", ref, "--understanding", "Boiler still fails", "--outcomes", "A new boiler",
              "--responsible", "Heating repairs"]
    refused = chc(alice, *define)
    assert refused.returncode == 2 and "Code 6.13" in refused.stderr and f"{alice.name} considered stage 1" in refused.stderr
    done = chc(bob, *define)
    assert done.returncode == 0, done.stderr
    with closing(sqlite3.connect(db)) as conn:
        actor, staff = conn.execute(
            "SELECT a.actor, s.display_name FROM audit_entry a JOIN staff s ON s.id = a.actor_staff_id "
            "WHERE a.action = 'define' ORDER BY a.id DESC"
        ).fetchone()
        defined_by = conn.execute(
            "SELECT s.display_name FROM definition d JOIN staff s ON s.id = d.by_staff_id ORDER BY d.id DESC"
        ).fetchone()[0]
    assert (actor, staff, defined_by) == (bob.name, "Bob Jones", "Bob Jones")
