"""Answering provisions, carrying a year over, and the yearly submission date."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from chc_tui.steps import assessment
from chc_tui.steps.assessment import (
    answer_provision,
    confirm_carried_over,
    financial_year_of,
    set_board_approval,
    start_year,
    submission_due,
    year_label,
)
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StaleRecord, StepRefused
from conftest import dump
from store.assessment_queries import answers
from store.models import AuditEntry

TODAY = date(2026, 11, 23)


@pytest.fixture
def ctx():
    return StepContext(actor="alice", today=TODAY)


def stored(db, year):
    with db.read() as session:
        return answers(session, year)


def audit(db, action):
    with db.read() as session:
        return [json.loads(e.details_json) | {"actor": e.actor} for e in session.exec(select(AuditEntry).where(AuditEntry.action == action))]


def test_answer_is_stored_versioned_and_audited(db, ctx):
    done = answer_provision(db, year=2026, provision="6.2", comply="Yes", evidence="Policy 4.1", commentary="", ctx=ctx)
    assert done.version == 1 and done.comply == "yes"
    row = stored(db, 2026)["6.2"]
    assert (row.comply, row.evidence, row.commentary, row.changed_by, row.version, row.carried_over) == (
        "yes", "Policy 4.1", "", "alice", 1, False,
    )
    answer_provision(db, year=2026, provision="6.2", comply="no", evidence="Policy 4.1", commentary="Two late",
                     expected_version=1, ctx=StepContext(actor="bob", today=TODAY))
    row = stored(db, 2026)["6.2"]
    assert (row.comply, row.commentary, row.changed_by, row.version) == ("no", "Two late", "bob", 2)
    entries = audit(db, "self-assessment answer")
    assert [(e["actor"], e["provision"], e["comply"]) for e in entries] == [("alice", "6.2", "yes"), ("bob", "6.2", "no")]
    assert entries[1]["before"]["comply"] == "yes"


def test_an_unchanged_answer_writes_nothing(db, ctx):
    answer_provision(db, year=2026, provision="1.2", comply="yes", evidence="e", commentary="c", ctx=ctx)
    before = dump(db)
    done = answer_provision(db, year=2026, provision="1.2", comply="yes", evidence="e", commentary="c", ctx=ctx)
    assert done.version == 1 and dump(db) == before


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"provision": "1.1"}, "provision"),
        ({"provision": "6.21"}, "provision"),
        ({"comply": "maybe"}, "comply"),
        ({"year": 2022}, "year"),
        ({"year": 2028}, "year"),  # 2026/27 is the current year on 23/11/2026; 2027/28 may be prepared, not later
    ],
)
def test_refused_answers_write_nothing(db, ctx, kwargs, field):
    before = dump(db)
    args = {"year": 2026, "provision": "6.2", "comply": "yes", "evidence": "", "commentary": ""} | kwargs
    with pytest.raises(StepRefused) as refused:
        answer_provision(db, **args, ctx=ctx)
    assert refused.value.problems[0].field == field
    assert dump(db) == before


def test_next_year_may_be_prepared(db, ctx):
    answer_provision(db, year=2027, provision="6.2", comply="", evidence="draft", commentary="", ctx=ctx)
    assert stored(db, 2027)["6.2"].evidence == "draft"


def test_stale_version_is_refused(db, ctx):
    answer_provision(db, year=2026, provision="3.1", comply="yes", evidence="", commentary="", ctx=ctx)
    answer_provision(db, year=2026, provision="3.1", comply="no", evidence="", commentary="", expected_version=1, ctx=ctx)
    before = dump(db)
    with pytest.raises(StaleRecord, match="changed by alice"):
        answer_provision(db, year=2026, provision="3.1", comply="yes", evidence="x", commentary="", expected_version=1, ctx=ctx)
    with pytest.raises(StaleRecord):  # seen as unanswered (0), but someone answered it meanwhile
        answer_provision(db, year=2026, provision="3.1", comply="yes", evidence="x", commentary="", expected_version=0, ctx=ctx)
    assert dump(db) == before
    answer_provision(db, year=2026, provision="3.2", comply="yes", evidence="", commentary="", expected_version=0, ctx=ctx)


def test_a_new_year_starts_from_the_previous_years_answers(db, ctx):
    answer_provision(db, year=2025, provision="1.2", comply="yes", evidence="Policy 2.1", commentary="Since 2020", ctx=ctx)
    answer_provision(db, year=2025, provision="6.2", comply="no", evidence="KPI report", commentary="3 late", ctx=ctx)
    answer_provision(db, year=2025, provision="9.8", comply="", evidence="", commentary="", ctx=ctx)  # empty: not copied
    answer_provision(db, year=2026, provision="6.2", comply="yes", evidence="New system", commentary="", ctx=ctx)

    assert start_year(db, year=2026, ctx=StepContext(actor="bob", today=TODAY)) == 1
    now = stored(db, 2026)
    assert set(now) == {"1.2", "6.2"}
    assert (now["1.2"].comply, now["1.2"].evidence, now["1.2"].commentary, now["1.2"].carried_over, now["1.2"].changed_by) == (
        "yes", "Policy 2.1", "Since 2020", True, "bob",
    )
    assert now["6.2"].comply == "yes" and not now["6.2"].carried_over  # this year's own answer is kept
    assert stored(db, 2025)["1.2"].carried_over is False  # the old year is untouched
    assert audit(db, "self-assessment start year")[0] | {} == {"actor": "bob", "year": 2026, "from_year": 2025, "copied": 1}

    before = dump(db)
    assert start_year(db, year=2026, ctx=ctx) == 0  # idempotent: nothing written the second time
    assert dump(db) == before


def test_answering_or_confirming_clears_carried_over(db, ctx):
    for provision in ("1.2", "1.3", "1.4", "1.5"):
        answer_provision(db, year=2025, provision=provision, comply="yes", evidence="policy", commentary="", ctx=ctx)
    start_year(db, year=2026, ctx=ctx)
    # the same answer given again counts as confirming it
    answer_provision(db, year=2026, provision="1.2", comply="yes", evidence="policy", commentary="", expected_version=1, ctx=ctx)
    assert confirm_carried_over(db, year=2026, provision="1.3", expected_version=1, ctx=ctx) == 1
    now = stored(db, 2026)
    assert [now[p].carried_over for p in ("1.2", "1.3", "1.4", "1.5")] == [False, False, True, True]
    assert now["1.3"].version == 2
    assert confirm_carried_over(db, year=2026, provision="1.3", ctx=ctx) == 0  # already confirmed
    assert confirm_carried_over(db, year=2026, ctx=ctx) == 2  # all the rest
    assert not any(a.carried_over for a in stored(db, 2026).values())
    assert audit(db, "self-assessment confirm")[-1]["provisions"] == ["1.4", "1.5"]


def test_financial_years():
    assert financial_year_of(date(2025, 3, 31)) == 2024
    assert financial_year_of(date(2025, 4, 1)) == 2025
    assert year_label(2024) == "2024/25" and year_label(2099) == "2099/00"
    assert assessment.year_start(2024) == date(2024, 4, 1) and assessment.year_end(2024) == date(2025, 3, 31)


@pytest.mark.parametrize(
    "homes, year_end, due",
    [
        (1001, None, date(2025, 9, 30)),  # more than 1,000 homes: 30 September
        (5000, None, date(2025, 9, 30)),
        (1000, None, date(2025, 9, 30)),  # not more than 1,000: six months after 31 March
        (400, None, date(2025, 9, 30)),
        (None, None, date(2025, 9, 30)),
        (400, date(2024, 12, 31), date(2025, 6, 30)),  # a December year end: 30 June
        (400, date(2025, 2, 28), date(2025, 8, 31)),  # month end to month end
        (400, date(2025, 3, 15), date(2025, 9, 15)),
        (400, date(2023, 8, 31), date(2024, 2, 29)),  # leap year
        (5000, date(2024, 12, 31), date(2025, 9, 30)),  # large landlords: 30 September whatever the year end
    ],
)
def test_submission_due(homes, year_end, due):
    got, rule = submission_due(2024, homes, financial_year_end=year_end)
    assert got == due
    assert f"{due:%d %B %Y}" in rule and "2024/25" in rule
    assert "board approval not yet recorded" in rule


def test_submission_rule_text_and_board_approval(db, ctx):
    _, rule = submission_due(2024, 1200, board_approved_on=date(2025, 9, 10))
    assert rule == (
        "1,200 homes (more than 1,000): submit the 2024/25 self-assessment and annual complaints report to the "
        "Ombudsman by 30 September 2025; board approved it on 10/09/2025"
    )
    _, rule = submission_due(2024, 640)
    assert rule.startswith("640 homes (fewer than 1,000): submit the 2024/25 self-assessment and annual complaints "
                           "report within six months of the financial year end (31 March 2025), by 30 September 2025")
    set_board_approval(db, year=2025, approved_on=date(2026, 9, 1), ctx=ctx)
    with db.read() as session:
        assert assessment.board_approved_on(session, 2025) == date(2026, 9, 1)
        assert assessment.board_approved_on(session, 2024) is None
        assert assessment.landlord_name(session) == "Your landlord"
    with pytest.raises(StepRefused):
        set_board_approval(db, year=2025, approved_on=date(2026, 12, 1), ctx=ctx)
