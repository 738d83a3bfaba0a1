"""Each rule has one home (issue 16.4): the financial year, the extension limit, working
days left and its states, and the dates a step will fix. These tests pin each home and
that its callers use it."""

from __future__ import annotations

from datetime import date

import pytest

from chc_tui.steps import assessment
from chc_tui.rules import financial_year
from chc_tui.figures import report
from chc_tui.rules.policy import CODE_2024

D = date


# --- the financial year ----------------------------------------------------------------


@pytest.mark.parametrize(
    "day, year",
    [
        (D(2025, 3, 31), 2024),  # the last day of 2024/25
        (D(2025, 4, 1), 2025),  # the first day of 2025/26
        (D(2025, 1, 1), 2024),
        (D(2025, 12, 31), 2025),
        (D(2024, 2, 29), 2023),
    ],
)
def test_the_financial_year_of_a_day(day, year):
    assert financial_year.year_of(day) == year
    assert financial_year.first_day(year) <= day <= financial_year.last_day(year)


def test_a_financial_year_runs_1_april_to_31_march():
    assert financial_year.bounds(2024) == (D(2024, 4, 1), D(2025, 3, 31))
    assert financial_year.first_day(2025) == D(2025, 4, 1)
    assert financial_year.last_day(2023) == D(2024, 3, 31)  # a leap year's March still ends on the 31st
    assert financial_year.label(2024) == "2024/25"
    assert financial_year.label(2099) == "2099/00"
    assert financial_year.span(2024) == "1 April 2024 to 31 March 2025"


def test_the_months_of_a_financial_year():
    assert financial_year.month_index(D(2024, 4, 30)) == 0
    assert financial_year.month_index(D(2025, 3, 1)) == 11
    assert financial_year.month_bounds(2024, 0) == (D(2024, 4, 1), D(2024, 4, 30))
    assert financial_year.month_bounds(2024, 8) == (D(2024, 12, 1), D(2024, 12, 31))
    assert financial_year.month_bounds(2023, 10) == (D(2024, 2, 1), D(2024, 2, 29))
    assert financial_year.month_label(2024, 0) == "Apr 2024"
    assert financial_year.month_label(2024, 9) == "Jan 2025"
    # every day of a year is in exactly one of its months
    days = set()
    for i in range(12):
        first, last = financial_year.month_bounds(2024, i)
        days |= {D.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)}
    assert (min(days), max(days)) == financial_year.bounds(2024)
    assert len(days) == 365


def test_the_report_and_the_self_assessment_use_the_one_financial_year():
    assert report.year_of is assessment.financial_year_of is financial_year.year_of
    assert report.year_label is assessment.year_label is financial_year.label
    assert report.year_bounds is financial_year.bounds
    assert assessment.year_start is financial_year.first_day
    assert assessment.year_end is financial_year.last_day


# --- the extension limit ----------------------------------------------------------------


@pytest.mark.parametrize("stage, limit", [(1, 10), (2, 20)])
def test_the_extension_limit_at_and_past_it(stage, limit):
    rules = CODE_2024.for_stage(stage)
    assert rules.within_extension_limit(limit)  # at the limit exactly keeps to it (6.4, 6.15)
    assert not rules.within_extension_limit(limit + 1)
    assert rules.extension_allowed(limit, "")
    assert not rules.extension_allowed(limit + 1, "")
    assert not rules.extension_allowed(limit + 1, "   ")  # blank is no reason
    assert rules.extension_allowed(limit + 1, "contractor's survey")
    assert rules.past_limit_without_reason(limit + 1, "")
    assert not rules.past_limit_without_reason(limit, "")
    assert rules.past_limit_with_reason(limit + 1, "survey")
    assert not rules.past_limit_with_reason(limit, "survey")  # within the limit: no reason needed


# --- the dates a step fixes: the form's preview and the use-case agree ---------------------

from chc_tui.rules import clocks
from chc_tui.steps import usecases  # noqa: E402
from chc_tui.rules.calendar import WorkingCalendar  # noqa: E402
from chc_tui.rules.context import StepContext  # noqa: E402
from chc_tui.services import Services  # noqa: E402
from screens import steps  # noqa: E402
from screens.format import d  # noqa: E402

CLOSURE = D(2026, 12, 24)  # the office shuts on Christmas Eve
# Received on... a Saturday; before the Christmas bank holidays and the closure day; the
# day before Good Friday; the Friday before the August bank holiday; an ordinary Monday.
RECEIVED = [D(2026, 12, 19), D(2026, 12, 21), D(2026, 12, 23), D(2026, 4, 2), D(2026, 8, 28), D(2026, 6, 1)]


@pytest.fixture
def shut_services(db):
    usecases.add_closure_day(db, CLOSURE, "Christmas Eve", ctx=StepContext(actor="alice", today=D(2026, 1, 5)))
    return Services(db, actor="alice", today_fn=lambda: D(2027, 6, 1))


def _log(services, received):
    return usecases.log_complaint(
        services.db, received_on=received, channel="phone", resident_name="Ann Example", category="Repairs",
        resident_words="The boiler", ctx=StepContext(actor="alice", today=received),
    )


@pytest.mark.parametrize("received", RECEIVED)
def test_each_step_saves_the_dates_its_form_previews(shut_services, received):
    services = shut_services
    preview = steps.log_form(services, None).preview({"received_on": received})
    logged = _log(services, received)
    detail = services.complaint(logged.reference)
    saved = {dl.step: dl.due_on for dl in detail.current.deadlines}
    assert preview == (
        f"Acknowledge and define by {d(saved['acknowledge'])} (Code 6.2); respond by {d(saved['respond'])} (provisional)"
    )
    assert (logged.acknowledge_due, logged.provisional_response_due) == (saved["acknowledge"], saved["respond"])

    ref = logged.reference
    usecases.define(services.db, ref, understanding="u", outcomes_sought="o", responsible_aspects="r",
                    defined_on=received, ctx=StepContext(actor="alice", today=saved["acknowledge"]))
    acked_on = saved["acknowledge"]
    preview = steps.acknowledge_form(services, services.complaint(ref)).preview({"acknowledged_on": acked_on})
    due = usecases.acknowledge(services.db, ref, acknowledged_on=acked_on, ctx=StepContext(actor="alice", today=acked_on))
    assert preview == f"Respond by {d(due)} (Code 6.3)"

    # extend day by day to the limit, then past it with a good reason: the preview's count beyond the target is
    # the one saved, and its verdict on the limit is the use-case's
    calendar = services.calendar()
    new_due = due
    for n in range(1, 14):
        new_due = calendar.add_working_days(new_due, 1 if n <= 10 else 2)
        detail = services.complaint(ref)
        shown = steps.extend_form(services, detail).preview(
            {"new_due": new_due, "decided_on": acked_on, "told_resident_on": acked_on, "ombudsman_details_given": True})
        usecases.extend(services.db, ref, new_due=new_due, reason="a survey", good_reason="" if n <= 10 else "asbestos",
                        decided_on=acked_on, told_resident_on=acked_on, ombudsman_details_given=True,
                        ctx=StepContext(actor="alice", today=acked_on))
        after = services.complaint(ref).current
        beyond = after.extensions[-1].working_days_beyond_target
        verdict = "within the Code's limit" if beyond <= 10 else "PAST the limit of 10: record a good reason"
        assert shown == f"{beyond} wd beyond the {d(due)} target: {verdict} (Code 6.4)"
        active = next(dl for dl in after.deadlines if dl.step == "respond" and dl.active)
        assert active.due_on == new_due


def test_a_closure_day_and_a_bank_holiday_move_the_dates(shut_services):
    calendar = shut_services.calendar()
    started = clocks.stage_clocks(calendar, CODE_2024, 1, D(2026, 12, 21))
    # 22, 23 Dec; 24 closed; 25 Christmas, 26-27 weekend, 28 Boxing Day (substitute); 29, 30, 31
    assert started.acknowledge_due == D(2026, 12, 31)
    assert [s.day for s in started.acknowledge.skipped] == [D(2026, 12, d) for d in (24, 25, 26, 27, 28)]
    assert clocks.stage_clocks(WorkingCalendar(), CODE_2024, 1, D(2026, 12, 21)).acknowledge_due == D(2026, 12, 30)
    assert clocks.response_clock(calendar, CODE_2024, 2, D(2026, 12, 21)).due == calendar.add_working_days(D(2026, 12, 21), 20)


def test_an_extension_onto_a_closed_day_is_refused_as_the_preview_warns(shut_services):
    calendar = shut_services.calendar()
    moved = clocks.extension_clock(calendar, CODE_2024, 1, target=D(2026, 12, 17), current=D(2026, 12, 17), new_due=CLOSURE)
    assert moved.not_working == "closure day: Christmas Eve"
    assert moved.next_working_day == D(2026, 12, 29)
    at_limit = clocks.extension_limit_date(calendar, CODE_2024, 1, D(2026, 12, 17))
    assert clocks.extension_clock(calendar, CODE_2024, 1, target=D(2026, 12, 17), current=D(2026, 12, 17),
                                  new_due=at_limit).beyond_target == 10
    assert not clocks.extension_clock(calendar, CODE_2024, 1, target=D(2026, 12, 17), current=D(2026, 12, 17),
                                      new_due=calendar.add_working_days(at_limit, 1)).within_limit
    back = clocks.extension_clock(calendar, CODE_2024, 1, target=D(2026, 12, 17), current=D(2026, 12, 22), new_due=D(2026, 12, 21))
    assert not back.after_current and back.counted is None


# --- working days left and its states: one rule for every due date ----------------------

from chc_tui.rules import deadlines  # noqa: E402
from chc_tui.rules.domain import DeadlineState  # noqa: E402


@pytest.mark.parametrize(
    "today, due, left, state",
    [
        (D(2026, 6, 5), D(2026, 6, 5), 0, DeadlineState.DUE_TODAY),  # Friday, due that day
        (D(2026, 6, 6), D(2026, 6, 5), -1, DeadlineState.OVERDUE),  # Saturday: no working day gone, still overdue
        (D(2026, 6, 7), D(2026, 6, 5), -1, DeadlineState.OVERDUE),  # Sunday
        (D(2026, 6, 8), D(2026, 6, 5), -1, DeadlineState.OVERDUE),  # Monday: one working day gone
        (D(2026, 6, 9), D(2026, 6, 5), -2, DeadlineState.OVERDUE),
        (D(2026, 6, 5), D(2026, 6, 6), 0, DeadlineState.DUE_TODAY),  # due on the Saturday: no working day before it
        (D(2026, 6, 5), D(2026, 6, 8), 1, DeadlineState.DUE_SOON),
        (D(2026, 6, 5), D(2026, 6, 9), 2, DeadlineState.DUE_SOON),
        (D(2026, 6, 5), D(2026, 6, 10), 3, DeadlineState.ON_TRACK),
        (D(2026, 8, 29), D(2026, 8, 28), -1, DeadlineState.OVERDUE),  # a bank holiday weekend
        (D(2026, 9, 1), D(2026, 8, 28), -1, DeadlineState.OVERDUE),  # Tuesday after the bank holiday Monday
    ],
)
def test_working_days_left_and_its_state(today, due, left, state):
    calendar = WorkingCalendar()
    assert deadlines.working_days_left(due, calendar, today) == left
    assert deadlines.state_on(due, calendar, today, CODE_2024) == (left, state)
    assert deadlines.is_overdue(due, today) == (state is DeadlineState.OVERDUE)
    assert deadlines.is_due_today(due, today) == (due == today)


def test_no_due_date_is_never_overdue():
    assert not deadlines.is_overdue(None, D(2026, 6, 5))
    assert not deadlines.is_due_today(None, D(2026, 6, 5))


def test_the_yearly_submission_counts_its_days_left_like_every_deadline(db):
    services = Services(db, actor="alice", today_fn=lambda: D(2026, 10, 3))  # a Saturday after 30 September
    submission = services.yearly_submission()
    assert submission.due_on == D(2026, 9, 30)  # a Wednesday
    assert (submission.days_left, submission.state) == deadlines.state_on(
        submission.due_on, services.calendar(), D(2026, 10, 3), CODE_2024
    ) == (-2, DeadlineState.OVERDUE)


# --- one loader of the year's stages -------------------------------------------------------

from store import assessment_queries, report_queries, stage_queries  # noqa: E402


def test_the_report_and_the_self_assessment_read_stages_through_one_loader(shut_services):
    assert report_queries.StageFacts is assessment_queries.StageFacts is stage_queries.StageFacts
    services = shut_services
    for received in RECEIVED:
        _log(services, received)
    ref = _log(services, D(2026, 5, 1)).reference
    usecases.define(services.db, ref, understanding="u", outcomes_sought="o", responsible_aspects="r",
                    defined_on=D(2026, 5, 1), ctx=StepContext(actor="alice", today=D(2026, 5, 5)))
    usecases.acknowledge(services.db, ref, acknowledged_on=D(2026, 5, 5), ctx=StepContext(actor="alice", today=D(2026, 5, 5)))
    start, end = financial_year.bounds(2026)
    with services.db.read() as session:
        for_report = report_queries.report_stages(session, D(2024, 4, 1), end)
        for_assessment = assessment_queries.stage_facts(session, start, end)
    assert {f.reference for f in for_report} == {f.reference for f in for_assessment}
    by_ref = {f.reference: f for f in for_report}
    for f in for_assessment:
        other = by_ref[f.reference]
        # the same stage, the same facts; the self-assessment has its handling facts too
        assert (f.opened_on, f.acknowledged_on, f.target_due, f.stage, f.status) == (
            other.opened_on, other.acknowledged_on, other.target_due, other.stage, other.status)
        # the acknowledgement deadline too: both count 6.2 one way (issue 18)
        assert f.acknowledge_due is not None and other.acknowledge_due == f.acknowledge_due
    acked = next(f for f in for_assessment if f.reference == ref)
    assert acked.defined and acked.final_due == acked.target_due == D(2026, 5, 19)
