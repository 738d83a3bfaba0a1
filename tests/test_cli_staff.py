"""`chc staff list|add|edit|deactivate` (issue 17): the interface as the issue spells it,
through the register's use-cases, bad input refused in one line with nothing written."""

from __future__ import annotations

import json

import pytest

from chc_tui.cli.main import main
from conftest import dump


@pytest.fixture
def chc(db, capsys, monkeypatch):
    def run(*argv: str, login: str = "alice") -> tuple[int, str, str]:
        for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):  # what getpass.getuser reads
            monkeypatch.setenv(variable, login)
        code = main(["--db", str(db.path), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _person(chc, staff_id: int) -> dict:
    code, out, _ = chc("staff", "list", "--json")
    assert code == 0
    return next(p for p in json.loads(out)["staff"] if p["id"] == staff_id)


def test_add_edit_list_and_deactivate(db, chc):
    code, out, err = chc("staff", "add", "--name", "Alice Smith", "--login", "asmith", "--role", "handler",
                         "--role", "stage2-reviewer", "--title", "Complaints Officer", "--email", "a@example.org",
                         "--phone", "01632 960 000")
    assert (code, err) == (0, "")
    new = int(out)
    assert _person(chc, new) == {
        "id": new, "display_name": "Alice Smith", "job_title": "Complaints Officer", "email": "a@example.org",
        "phone": "01632 960 000", "logins": ["asmith"], "roles": ["handler", "stage2-reviewer"],
        "active_from": _person(chc, new)["active_from"], "active_to": None, "active": True,
    }
    assert chc("staff", "edit", str(new), "--title", "Senior Complaints Officer", "--login", "asmith", "--login", "alice2")[0] == 0
    assert (_person(chc, new)["job_title"], _person(chc, new)["logins"]) == ("Senior Complaints Officer", ["alice2", "asmith"])
    assert chc("staff", "deactivate", str(new), "--last-day", "2026-12-01")[:2] == (0, f"staff {new} deactivated\n")
    assert _person(chc, new)["active_to"] == "2026-12-01"
    code, out, _ = chc("staff", "list")
    assert code == 0 and "Alice Smith" in out and "until 2026-12-01" in out


@pytest.mark.parametrize("argv, words", [
    (("--name", "", "--login", "newbie"), "--name: the display name is required"),
    (("--name", "Ann", "--login", "bob"), "--login: the login 'bob' is already bob's: one login is one person"),
    (("--name", "Ann", "--login", "ann", "--email", "not an email"), "--email: 'not an email' is not an email address"),
])
def test_bad_staff_are_refused_in_one_line_and_nothing_is_written(db, chc, argv, words):
    before = dump(db)
    code, out, err = chc("staff", "add", *argv)
    assert (code, out) == (2, "") and err == f"chc staff add: {words}\n"
    assert dump(db) == before


def test_an_unknown_role_is_refused_by_the_command_line(db, chc):
    with pytest.raises(SystemExit) as exited:
        chc("staff", "add", "--name", "Ann", "--role", "boss")
    assert exited.value.code == 2


def test_only_an_admin_changes_the_register_and_a_login_not_on_it_saves_nothing(db, chc):
    assert chc("staff", "add", "--name", "Hal", "--login", "hal", "--role", "handler")[0] == 0
    before = dump(db)
    code, _, err = chc("staff", "add", "--name", "Eve", "--login", "eve", login="hal")
    assert code == 2 and "only an admin can add staff" in err
    code, _, err = chc("staff", "add", "--name", "Eve", "--login", "eve", login="mallory")
    assert code == 2 and "not on the staff register" in err and "--login mallory" in err
    assert dump(db) == before


def test_the_report_of_what_the_upgrade_merged_is_listed(db, chc):
    from chc_tui.steps.settings import put_setting

    with db.write() as session:
        put_setting(session, "staff_register_merged",
                    [{"staff_id": 2, "display_name": "bob", "spellings": ["Bob", "bob"], "logins": ["bob"]}])
    code, out, _ = chc("staff", "list")
    assert code == 0 and "Made from the names in the records" in out and "from: Bob, bob" in out
    assert json.loads(chc("staff", "list", "--json")[1])["merged_from_records"][0]["spellings"] == ["Bob", "bob"]
