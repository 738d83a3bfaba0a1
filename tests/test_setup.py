"""First-run setup (issue 17.4): `chc setup` and the set_up use-case save everything in one
transaction, and bad input is refused with one line and nothing written."""

from __future__ import annotations

from datetime import date

import pytest

from chc_tui.cli import args as cli_args
from chc_tui.cli.main import main
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.rules.staff_roles import Role
from chc_tui.steps.landlord import landlord_settings
from chc_tui.steps.settings import closure_days, get_setting, region
from chc_tui.steps.setup import Person, needs_setup, set_up
from conftest import dump
from store import staff_queries
from store.engine import open_database

TODAY = date(2026, 11, 23)
FIRST = StepContext(actor="pat", today=TODAY)


@pytest.fixture
def fresh(tmp_path):
    """A new database: an empty register, no settings."""
    database = open_database(tmp_path / "new.db")
    yield database
    database.dispose()


def _setup(db, **kw):
    values = dict(
        name="Riverside Homes", address="1 Quay Street, Exeter EX1 1AA", region="england-and-wales",
        homes_owned={2026: "1,200"}, closures=[(date(2026, 12, 24), date(2027, 1, 1))],
        officer=Person("Pat Jones", "Complaints Manager", "pat@riverside.example", "01632 960 100"),
        mrc="Cllr Ruth Adeyemi", ctx=FIRST,
    )
    values.update(kw)
    return set_up(db, **values)


def test_a_new_database_needs_setup_until_it_is_done(fresh):
    with fresh.read() as session:
        assert needs_setup(session)
    _setup(fresh, staff=[Person("Sam Lee", login="sam", roles=("handler", "stage2-reviewer"))])
    with fresh.read() as session:
        assert not needs_setup(session)
        landlord = landlord_settings(session)
        assert (landlord.name, landlord.address) == ("Riverside Homes", "1 Quay Street, Exeter EX1 1AA")
        assert landlord.member_responsible == "Cllr Ruth Adeyemi"
        assert region(session) == "england-and-wales"
        assert get_setting(session, "homes_owned:2026") == 1200
        # the Christmas shutdown's working days: not the weekend, not the bank holidays
        assert sorted(closure_days(session)) == [date(2026, 12, 24), date(2026, 12, 29), date(2026, 12, 30),
                                                 date(2026, 12, 31)]
        people = {p.display_name: p for p in staff_queries.staff_list(session)}
    # the first admin (login pat) is the officer: their own name, title and contact
    pat = people["Pat Jones"]
    assert pat.logins == ("pat",) and pat.has(Role.COMPLAINTS_LEAD) and pat.has(Role.ADMIN)
    assert (pat.job_title, pat.email, pat.phone) == ("Complaints Manager", "pat@riverside.example", "01632 960 100")
    assert people["Sam Lee"].logins == ("sam",) and people["Sam Lee"].has(Role.STAGE2_REVIEWER)


@pytest.mark.parametrize("change, says", [
    ({"name": "  "}, "the landlord's name is required"),
    ({"region": "atlantis"}, "atlantis"),
    ({"homes_owned": {2026: "lots"}}, "homes owned must be a whole number"),
    ({"closures": [(date(2027, 1, 2), date(2026, 12, 24))]}, "before it starts"),
    ({"staff": [Person("  ", login="sam")]}, "display name"),
])
def test_bad_input_is_refused_and_nothing_is_written(fresh, change, says):
    _setup(fresh, staff=[Person("Sam Lee", login="sam")], officer=None, mrc="", closures=[])  # a first, good setup
    before = dump(fresh)
    with pytest.raises(StepRefused) as refused:
        _setup(fresh, **{"staff": [], "officer": None, "mrc": "", "name": "Other Homes", **change})
    assert says in str(refused.value)
    assert dump(fresh) == before


@pytest.fixture
def chc(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli_args, "today", lambda: TODAY)
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "pat")
    path = tmp_path / "cli.db"

    def run(*argv: str) -> tuple[int, str, str]:
        code = main(["--db", str(path), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    run.path = path
    return run


BASE = ("setup", "--name", "Riverside Homes", "--address", "1 Quay Street", "--region", "scotland")


def test_chc_setup_in_one_command(chc):
    code, out, err = chc(*BASE, "--homes-owned", "2025:1100", "--homes-owned", "2026:1200",
                         "--closure", "24/12/2026:01/01/2027", "--closure", "14/08/2026",
                         "--officer-name", "Pat Jones", "--officer-title", "Complaints Manager",
                         "--officer-email", "pat@riverside.example", "--officer-phone", "01632 960 100",
                         "--mrc", "Cllr Ruth Adeyemi")
    assert (code, err) == (0, ""), err
    assert "landlord Riverside Homes, region scotland" in out and "complaints officer: Pat Jones" in out
    code, out, _ = chc("settings", "show")
    assert "name: Riverside Homes" in out and "region: scotland" in out and "homes_owned 2026: 1200" in out
    assert "2026-08-14" in out


@pytest.mark.parametrize("argv, says", [
    (("setup", "--name", "", "--address", "1 Quay Street", "--region", "scotland"), "the landlord's name is required"),
    ((*BASE[:-1], "atlantis"), "atlantis"),
    ((*BASE, "--homes-owned", "2026:lots"), "homes owned must be a whole number"),
    ((*BASE, "--closure", "02/01/2027:24/12/2026"), "before it starts"),
])
def test_chc_setup_refuses_with_one_line_and_writes_nothing(chc, argv, says):
    code, out, err = chc(*argv)
    assert code == 2 and says in err and len(err.strip().splitlines()) == 1, err
    database = open_database(chc.path)
    try:
        with database.read() as session:
            assert needs_setup(session)
    finally:
        database.dispose()


def test_chc_setup_a_bad_homes_argument_is_argparses_one_line(chc):
    with pytest.raises(SystemExit) as exited:
        chc(*BASE, "--homes-owned", "1200")
    assert exited.value.code == 2
