"""`chc staff list/add/edit/deactivate` (issue 17 item 1), the register's refusals through
the command line, and the "mine" filter in the list's query (item 5)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from chc_tui.cli import args as cli_args
from chc_tui.cli.main import main
from chc_tui.steps.settings import put_setting
from store.models import AuditEntry, Staff
from sqlmodel import select

TODAY = date(2026, 12, 1)


@pytest.fixture
def chc(db, capsys, monkeypatch):
    monkeypatch.setattr(cli_args, "today", lambda: TODAY)

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--db", str(db.path), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    def login(name: str) -> None:
        for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
            monkeypatch.setenv(variable, name)

    run.login = login
    login("alice")
    return run


def _listed(chc) -> dict:
    code, out, err = chc("staff", "list", "--json")
    assert code == 0, err
    return json.loads(out)


def _person(chc, staff_id: int) -> dict:
    return next(p for p in _listed(chc)["staff"] if p["id"] == staff_id)


def test_add_list_edit_deactivate(db, chc):
    code, out, err = chc("staff", "add", "--name", "Alice Smith", "--login", "asmith", "--role", "handler",
                         "--role", "stage2-reviewer", "--title", "Complaints Officer", "--email", "a@example.org",
                         "--phone", "0161 000 0000")
    assert code == 0, err
    new_id = int(out.strip())
    person = _person(chc, new_id)
    assert person == {
        "id": new_id, "display_name": "Alice Smith", "job_title": "Complaints Officer", "email": "a@example.org",
        "phone": "0161 000 0000", "team": "", "logins": ["asmith"], "roles": ["handler", "stage2-reviewer"],
        "active_from": "2026-12-01", "active_to": None, "active": True,
    }
    code, out, _ = chc("staff", "list")
    assert code == 0 and "Alice Smith, Complaints Officer" in out and "logins: asmith" in out
    assert "Made from the names in the records" not in out  # a register made afresh

    code, _, err = chc("staff", "edit", str(new_id), "--title", "Senior Officer", "--login", "asmith",
                       "--login", "alice.smith", "--role", "stage2-reviewer")
    assert code == 0, err
    person = _person(chc, new_id)
    assert person["job_title"] == "Senior Officer" and person["email"] == "a@example.org"  # untouched kept
    assert person["logins"] == ["alice.smith", "asmith"] and person["roles"] == ["stage2-reviewer"]

    code, out, err = chc("staff", "deactivate", str(new_id), "--last-day", "30/11/2026")
    assert code == 0, err
    person = _person(chc, new_id)
    assert person["active_to"] == "2026-11-30" and person["active"] is False
    code, out, _ = chc("staff", "list")
    assert "(inactive)" in out
    with db.read() as session:
        actions = [a.action for a in session.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-3:] == ["staff add", "staff edit", "staff deactivate"]


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["add", "--name", "Zoe", "--role", "boss"], "chc staff add: --role: unknown role 'boss'"),
        (["add", "--name", "  ", "--role", "handler"], "chc staff add: --name:"),
        (["add", "--name", "Bob Two", "--login", "bob"], "chc staff add: --login: the login 'bob' is already bob's"),
        (["add", "--name", "Zoe", "--email", "not an email"], "chc staff add: --email:"),
        (["edit", "999", "--title", "X"], "chc staff edit: there is no staff member 999"),
    ],
)
def test_bad_input_is_one_line_exit_2_nothing_written(db, chc, argv, expected):
    before = _listed(chc)
    code, out, err = chc("staff", *argv)
    assert code == 2 and out == ""
    assert err.startswith(expected), err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert _listed(chc) == before


def test_a_deactivated_person_cannot_save(db, chc):
    code, out, _ = chc("staff", "add", "--name", "Gone Soon", "--login", "gone", "--role", "admin")
    gone = int(out)
    assert chc("staff", "deactivate", str(gone), "--last-day", "30/11/2026")[0] == 0
    chc.login("gone")
    code, out, err = chc("staff", "add", "--name", "Someone", "--login", "someone")
    assert code == 2 and "not active on the staff register" in err and "Traceback" not in err
    assert all(p["display_name"] != "Someone" for p in _listed(chc)["staff"])


def test_a_login_not_on_the_register_is_told_who_to_ask(db, chc):
    chc.login("stranger")
    code, _, err = chc("staff", "add", "--name", "Me Myself", "--login", "stranger")
    assert code == 2
    assert "'stranger' is not on the staff register" in err and "chc staff add" in err


def test_the_last_admin_cannot_go(db, chc):
    with db.write() as session:  # one admin left: alice
        for staff in session.exec(select(Staff)):
            if staff.display_name != "alice":
                staff.roles = "handler"
                session.add(staff)
        alice = session.exec(select(Staff).where(Staff.display_name == "alice")).one().id
    code, _, err = chc("staff", "edit", str(alice), "--role", "handler")
    assert code == 2 and "no active admin" in err
    code, _, err = chc("staff", "deactivate", str(alice))
    assert code == 2 and "no active admin" in err
    assert "admin" in _person(chc, alice)["roles"]
    assert _person(chc, alice)["active_to"] is None


def test_list_reports_what_the_migration_merged(db, chc):
    merged = [{"staff_id": 1, "display_name": "Bob  Jones", "spellings": ["Bob  Jones", "bob jones"], "logins": []}]
    with db.write() as session:
        put_setting(session, "staff_register_merged", merged)
    code, out, _ = chc("staff", "list")
    assert code == 0
    assert "Made from the names in the records (1 person" in out
    assert "Bob  Jones  also written: bob jones  no login yet" in out
    assert _listed(chc)["merged_from_records"] == merged


def test_mine_is_read_through_the_handler_staff_id_index(db):
    """`mine` narrows the list in its query, along ix_stage_record_handler_staff_id."""
    from sqlalchemy import event

    from store import queries

    sent: list[str] = []
    with db.read() as session:
        conn = session.connection()
        event.listen(conn, "before_cursor_execute", lambda *a: sent.append((a[2], a[3])))
        queries.complaint_rows(session, handler_staff_id=1, limit=200)
        sql, params = next(s for s in sent if "stage_record.handler_staff_id" in s[0])
        plan = " ".join(str(r[3]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
    assert "ix_stage_record_handler_staff_id" in plan
