"""When the self-assessment and annual complaints report are due at the Ombudsman (issue 18,
item 5): the landlord's financial year end drives the deadline (the report year stays
April-March), exactly 1,000 homes needs the landlord's decision (the earlier date shown),
and 2023/24 was due on 30 June 2024. Tested by date."""

from __future__ import annotations

from datetime import date

import pytest

from chc_tui.cli.main import main
from chc_tui.figures.report_texts import set_homes_owned
from chc_tui.rules import submission
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.services import Services
from chc_tui.steps.assessment import submission_due
from chc_tui.steps.landlord import landlord_settings, update_landlord_settings
from conftest import dump

D = date
ALICE = StepContext(actor="alice", today=D(2025, 5, 1))


@pytest.mark.parametrize("homes", [5035, 1000, 999, 12, None])
@pytest.mark.parametrize("year_end", [None, D(2023, 12, 31)])
def test_2023_24_is_due_on_30_june_2024_whatever_the_size_and_year_end(homes, year_end):
    due, rule = submission_due(2023, homes, financial_year_end=year_end)
    assert due == D(2024, 6, 30)
    assert "by 30 June 2024" in rule and "2023/24" in rule and "first year under the 2024 Code" in rule


def test_the_2023_24_exception_is_written_once_with_its_source():
    [exception] = submission.EXCEPTIONS.values()
    assert (exception.year, exception.due_on) == (2023, D(2024, 6, 30))
    assert "30 June 2024" in exception.source and "5.14" in exception.source


@pytest.mark.parametrize(
    "homes, year_end, due, says",
    [
        (5035, "31/03", D(2025, 9, 30), "5,035 homes (more than 1,000): submit the 2024/25 self-assessment and "
                                        "annual complaints report to the Ombudsman by 30 September 2025"),
        (5035, "31/12", D(2025, 9, 30), "(more than 1,000)"),  # 30 September whatever the year end
        (999, "31/03", D(2025, 9, 30), "999 homes (fewer than 1,000): submit the 2024/25 self-assessment and annual "
                                       "complaints report within six months of the financial year end (31 March "
                                       "2025), by 30 September 2025"),
        (999, "31/12", D(2025, 6, 30), "within six months of the financial year end (31 December 2024), "
                                       "by 30 June 2025"),
        (1000, "31/03", D(2025, 9, 30), "exactly 1,000 homes: decide which rule applies"),
        # exactly 1,000 with a December year end: 30 June (fewer) is earlier than 30 September (more)
        (1000, "31/12", D(2025, 6, 30), "exactly 1,000 homes: decide which rule applies (more than 1,000 homes: by "
                                        "30 September 2025; fewer: within six months of the financial year end (31 "
                                        "December 2024), by 30 June 2025); until you do, submit the 2024/25 "
                                        "self-assessment and annual complaints report by the earlier, 30 June 2025"),
        (None, "31/12", D(2025, 6, 30), "homes owned not set"),
    ],
)
def test_2024_25_by_homes_and_year_end(homes, year_end, due, says):
    got, rule = submission_due(2024, homes, financial_year_end=submission.year_end_in(2024, year_end))
    assert got == due
    assert says in rule
    assert submission.needs_decision(homes) == (homes == 1000)


def test_the_year_end_falls_within_the_report_year():
    assert submission.year_end_in(2024) == D(2025, 3, 31)
    assert submission.year_end_in(2024, "31/12") == D(2024, 12, 31)
    assert submission.year_end_in(2024, "1/4") == D(2024, 4, 1)
    assert submission.year_end_in(2024, "28/02") == D(2025, 2, 28)
    assert submission.add_months(D(2025, 2, 28), 6) == D(2025, 8, 31)


# --- the setting ---------------------------------------------------------------------------------


def _services(db, today: date) -> Services:
    return Services(db, actor="alice", today_fn=lambda: today)


def test_the_financial_year_end_defaults_to_31_march_and_drives_the_deadline_panel(db):
    with db.read() as s:
        assert landlord_settings(s).financial_year_end == "31/03"
    set_homes_owned(db, year=2024, homes=999, ctx=ALICE)
    assert _services(db, D(2025, 5, 1)).yearly_submission().due_on == D(2025, 9, 30)
    update_landlord_settings(db, financial_year_end="31/12", ctx=ALICE)
    submission_now = _services(db, D(2025, 5, 1)).yearly_submission()
    assert (submission_now.year, submission_now.due_on) == (2024, D(2025, 6, 30))
    assert "31 December 2024" in submission_now.rule
    set_homes_owned(db, year=2024, homes=1000, ctx=ALICE)
    shown = _services(db, D(2025, 5, 1)).yearly_submission()
    assert shown.due_on == D(2025, 6, 30) and shown.rule.startswith("exactly 1,000 homes: decide which rule applies")


def test_2023_24_on_the_deadline_panel(db):
    set_homes_owned(db, year=2023, homes=5035, ctx=ALICE)
    shown = _services(db, D(2024, 5, 1)).yearly_submission()
    assert (shown.year, shown.due_on) == (2023, D(2024, 6, 30))


@pytest.mark.parametrize("typed, message", [
    ("31/02", "31/02 is not a day and month: February has no day 31"),
    ("29/02", "29/02 is not in every year: give 28/02 for a year ending at the end of February"),
    ("31/13", "31/13 is not a day and month: the month must be 1 to 12"),
    ("2025-03-31", "give the financial year end as a day and month, DD/MM, such as 31/03, not '2025-03-31'"),
    ("", "give the financial year end as a day and month, DD/MM, such as 31/03, not ''"),
    ("0/03", "0/03 is not a day and month: March has no day 0"),
])
def test_an_invalid_financial_year_end_is_refused_at_its_field(db, typed, message):
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        update_landlord_settings(db, financial_year_end=typed, ctx=ALICE)
    assert [(p.field, p.message) for p in refused.value.problems] == [("financial_year_end", message)]
    assert dump(db) == before


def test_chc_settings_set_financial_year_end(db, capsys, monkeypatch):
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "alice")

    def chc(*argv: str) -> tuple[int, str, str]:
        code = main(["--db", str(db.path), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    assert chc("settings", "set", "financial-year-end", "31/12")[0] == 0
    code, out, _ = chc("settings", "show")
    assert code == 0 and "financial_year_end: 31/12" in out.splitlines()
    code, _, err = chc("settings", "set", "financial-year-end", "29/02")
    assert code == 2 and "29/02 is not in every year" in err
    assert "financial_year_end: 31/12" in chc("settings", "show")[1].splitlines()
