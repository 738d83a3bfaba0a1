"""`chc calendar add-working-days` and `chc calendar between`.

Every test points the database at a path inside tmp_path, so the user's real data folder
is never read or created.
"""

from __future__ import annotations

from datetime import date

import pytest

from chc_tui.cli.main import main


@pytest.fixture
def no_db(tmp_path, monkeypatch):
    """A database path that does not exist, also set as CHC_DB for good measure."""
    path = tmp_path / "missing" / "complaints.db"
    monkeypatch.setenv("CHC_DB", str(path))
    yield path
    # Counting days never creates a database.
    assert not path.exists()
    assert not path.parent.exists()


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def fail(capsys, *argv):
    with pytest.raises(SystemExit) as info:
        main(list(argv))
    out, err = capsys.readouterr()
    return info.value.code, out, err


# ---------------------------------------------------------------------------------------
# add-working-days
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "start", "n", "expected"),
    [
        # Christmas 2026: Boxing Day observed Mon 28, New Year Fri 1 Jan 2027.
        ("england-and-wales", "2026-12-24", "5", "2027-01-05"),
        # Scotland also has Mon 4 Jan 2027 (2 January falls on a Saturday).
        ("scotland", "2026-12-24", "5", "2027-01-06"),
        ("northern-ireland", "2026-12-24", "5", "2027-01-05"),
        # Easter 2024: no Easter Monday in Scotland.
        ("england-and-wales", "2024-03-28", "1", "2024-04-02"),
        ("scotland", "2024-03-28", "1", "2024-04-01"),
        # Battle of the Boyne observed Mon 13 Jul 2026 in Northern Ireland only.
        ("northern-ireland", "2026-07-10", "1", "2026-07-14"),
        ("england-and-wales", "2026-07-10", "1", "2026-07-13"),
        # Saturday receipt: Monday is day 1.
        ("england-and-wales", "2026-11-21", "1", "2026-11-23"),
        # n = 0 is the date itself.
        ("scotland", "2026-11-21", "0", "2026-11-21"),
    ],
)
def test_add_working_days_prints_only_the_date(capsys, no_db, region, start, n, expected):
    code, out, err = run(capsys, "--db", str(no_db), "calendar", "add-working-days", start, n, "--region", region)
    assert code == 0
    assert out == expected + "\n"
    assert err == ""


def test_add_working_days_defaults_to_england_without_a_database(capsys, no_db):
    # Easter Monday 6 Apr 2026 is skipped: England and Wales is the default region.
    code, out, _ = run(capsys, "--db", str(no_db), "calendar", "add-working-days", "2026-04-02", "1")
    assert code == 0
    assert out == "2026-04-07\n"


def test_chc_db_environment_variable_is_used_when_no_db_flag(capsys, no_db):
    # no_db has set CHC_DB to a missing file: defaults apply and nothing is created.
    code, out, _ = run(capsys, "calendar", "add-working-days", "2026-12-24", "1")
    assert code == 0
    assert out == "2026-12-29\n"


@pytest.mark.parametrize("typed", ["24/12/2026", "24/12/26", "24.12.2026", "24 Dec 2026", "2026-12-24"])
def test_add_working_days_accepts_handler_date_formats(capsys, no_db, typed):
    code, out, _ = run(capsys, "--db", str(no_db), "calendar", "add-working-days", typed, "1")
    assert code == 0
    assert out == "2026-12-29\n"


def test_add_working_days_today(capsys, no_db):
    code, out, _ = run(capsys, "--db", str(no_db), "calendar", "add-working-days", "today", "0")
    assert code == 0
    assert out.strip() in (date.today().isoformat(),)


def test_explain_lists_each_skipped_day_after_the_date(capsys, no_db):
    code, out, err = run(
        capsys,
        "--db", str(no_db),
        "calendar", "add-working-days", "2026-12-24", "5",
        "--region", "england-and-wales",
        "--explain",
    )
    assert code == 0
    assert err == ""
    assert out.splitlines() == [
        "2027-01-05",
        "2026-12-25 Fri bank holiday: Christmas Day",
        "2026-12-26 Sat Saturday",
        "2026-12-27 Sun Sunday",
        "2026-12-28 Mon bank holiday: Boxing Day (observed)",
        "2027-01-01 Fri bank holiday: New Year's Day",
        "2027-01-02 Sat Saturday",
        "2027-01-03 Sun Sunday",
    ]


def test_explain_scotland_2027_christmas_substitutes(capsys, no_db):
    code, out, _ = run(
        capsys, "--db", str(no_db), "calendar", "add-working-days", "2027-12-24", "1",
        "--region", "scotland", "--explain",
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "2027-12-29"
    assert [line[:14] for line in lines[1:]] == [
        "2027-12-25 Sat",
        "2027-12-26 Sun",
        "2027-12-27 Mon",
        "2027-12-28 Tue",
    ]
    assert "Christmas" in lines[3] and "Boxing" in lines[4]


def test_explain_with_nothing_skipped_prints_just_the_date(capsys, no_db):
    code, out, _ = run(
        capsys, "--db", str(no_db), "calendar", "add-working-days", "2026-11-23", "3", "--explain"
    )
    assert code == 0
    assert out == "2026-11-26\n"


def test_negative_n_is_refused(capsys, no_db):
    code, out, err = run(capsys, "--db", str(no_db), "calendar", "add-working-days", "2026-11-23", "-1")
    assert code == 2
    assert out == ""
    assert "0 or more" in err


# ---------------------------------------------------------------------------------------
# between
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("region", "a", "b", "expected"),
    [
        ("england-and-wales", "2026-11-23", "2026-12-07", "10"),
        ("scotland", "2026-11-23", "2026-12-07", "9"),  # St Andrew's Day Mon 30 Nov 2026
        ("england-and-wales", "2026-12-07", "2026-11-23", "-10"),  # overdue: negative
        ("england-and-wales", "2026-11-23", "2026-11-23", "0"),
        ("northern-ireland", "2026-03-16", "2026-03-18", "1"),  # St Patrick's Day Tue 17
        ("england-and-wales", "2026-03-16", "2026-03-18", "2"),
        ("england-and-wales", "2024-02-28", "2024-03-01", "2"),  # leap day counts
        ("scotland", "2025-12-31", "2026-12-31", "251"),  # whole of 2026 in Scotland
    ],
)
def test_between_prints_an_integer(capsys, no_db, region, a, b, expected):
    code, out, err = run(capsys, "--db", str(no_db), "calendar", "between", a, b, "--region", region)
    assert code == 0
    assert out == expected + "\n"
    assert err == ""


def test_between_default_region(capsys, no_db):
    # England: Good Friday 3 Apr and Easter Monday 6 Apr 2026 not counted.
    code, out, _ = run(capsys, "--db", str(no_db), "calendar", "between", "02/04/2026", "07/04/2026")
    assert code == 0
    assert out == "1\n"


# ---------------------------------------------------------------------------------------
# Bad input: argparse exits with status 2 and a message
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["add-working-days", "2026-11-23", "1"], ["between", "2026-11-23", "2026-11-30"]])
@pytest.mark.parametrize("region", ["wales", "England", "scotland-and-wales", ""])
def test_unknown_region_exits_2_naming_it(capsys, no_db, command, region):
    code, out, err = fail(capsys, "--db", str(no_db), "calendar", *command, "--region", region)
    assert code == 2
    assert out == ""
    assert repr(region) in err
    assert "unknown region" in err
    assert "england-and-wales" in err  # and says what would do


@pytest.mark.parametrize(
    ("bad", "says"),
    [
        ("31/02/2026", "not a real date"),
        ("2025-02-29", "not a real date"),
        ("banana", "not a date"),
        ("12", "not a date"),
        ("Nov 2026", "not a date"),
    ],
)
def test_malformed_date_exits_2(capsys, no_db, bad, says):
    code, out, err = fail(capsys, "--db", str(no_db), "calendar", "add-working-days", bad, "5")
    assert code == 2
    assert out == ""
    assert says in err
    assert repr(bad) in err


def test_malformed_second_date_in_between_exits_2(capsys, no_db):
    code, out, err = fail(capsys, "--db", str(no_db), "calendar", "between", "2026-11-23", "30/11/2026x")
    assert code == 2
    assert out == ""
    assert "30/11/2026x" in err


@pytest.mark.parametrize("n", ["five", "1.5", ""])
def test_non_integer_n_exits_2(capsys, no_db, n):
    code, out, _ = fail(capsys, "--db", str(no_db), "calendar", "add-working-days", "2026-11-23", n)
    assert code == 2
    assert out == ""


@pytest.mark.parametrize(
    "argv",
    [
        ["calendar"],  # no action
        ["calendar", "add-working-days"],
        ["calendar", "add-working-days", "2026-11-23"],  # no N
        ["calendar", "between", "2026-11-23"],  # no B
        ["calendar", "subtract", "2026-11-23", "1"],  # no such action
    ],
)
def test_missing_arguments_exit_2(capsys, no_db, argv):
    code, out, _ = fail(capsys, "--db", str(no_db), *argv)
    assert code == 2
    assert out == ""


# ---------------------------------------------------------------------------------------
# Region and closure days from an existing database (built in tmp_path)
# ---------------------------------------------------------------------------------------


@pytest.fixture
def scottish_db(tmp_path):
    from chc_tui.steps.settings import REGION_KEY, put_setting
    from store.engine import open_database
    from store.models import ClosureDay

    path = tmp_path / "landlord.db"
    db = open_database(path)
    with db.write() as session:
        put_setting(session, REGION_KEY, "scotland")
        for day in (date(2026, 12, 29), date(2026, 12, 30), date(2026, 12, 31)):
            session.add(ClosureDay(day=day, note="Christmas shutdown"))
    db.dispose()
    return path


def test_region_and_closure_days_come_from_the_database(capsys, scottish_db):
    # Scotland with a 29-31 Dec shutdown: after Thu 24 Dec 2026 everything up to Mon 4 Jan
    # 2027 (Scotland's 2 January substitute) is shut, so day 1 is Tue 5 Jan.
    code, out, _ = run(
        capsys, "--db", str(scottish_db), "calendar", "add-working-days", "2026-12-24", "1", "--explain"
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "2027-01-05"
    assert "2026-12-29 Tue closure day: Christmas shutdown" in lines
    assert "2026-12-31 Thu closure day: Christmas shutdown" in lines
    assert any(line.startswith("2027-01-04 Mon bank holiday:") for line in lines)


def test_database_via_chc_db(capsys, scottish_db, monkeypatch):
    monkeypatch.setenv("CHC_DB", str(scottish_db))
    code, out, _ = run(capsys, "calendar", "between", "2026-12-24", "2027-01-06")
    # Only Tue 5 and Wed 6 Jan are working days in that span.
    assert code == 0
    assert out == "2\n"


def test_region_flag_overrides_the_database_but_keeps_closure_days(capsys, scottish_db):
    # England: Mon 4 Jan 2027 is a working day; the shutdown still applies.
    code, out, _ = run(
        capsys, "--db", str(scottish_db), "calendar", "add-working-days", "2026-12-24", "1",
        "--region", "england-and-wales",
    )
    assert code == 0
    assert out == "2027-01-04\n"
