"""The rules on their own, small cases written out by hand (issue 16.7): the next step of
a stage, how urgent a deadline is, "overdue across a weekend", the Code's timescales and
the working-day arithmetic at its edges. tools/mutation.py runs these first."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace

import pytest

from chc_tui.rules.calendar import DueDate, SkippedDay, WorkingCalendar, closure_days_from
from chc_tui.rules.deadlines import (
    Due,
    OtherDue,
    assess,
    assess_other,
    count_states,
    deadline_state,
    next_step,
    working_days_left,
)
from chc_tui.rules.domain import DeadlineState, Status, Step
from chc_tui.rules.policy import CODE_2024, Stage
from store.rows import ComplaintRow

D = date
CAL = WorkingCalendar()  # England and Wales, no closure days
OVERDUE, TODAY, SOON, ON_TRACK = (DeadlineState.OVERDUE, DeadlineState.DUE_TODAY, DeadlineState.DUE_SOON,
                                  DeadlineState.ON_TRACK)
# November 2026: Fri 6, Sat 7, Sun 8, Mon 9, Tue 10, Wed 11.
FRI, SAT, SUN, MON, TUE, WED = (D(2026, 11, d) for d in (6, 7, 8, 9, 10, 11))


def row(*, status=Status.OPEN, stage=1, defined=False, acknowledged_on=None, responded_on=None,
        due_on=None) -> ComplaintRow:
    return ComplaintRow(
        complaint_id=1, reference="C2026-0001", resident="Mrs A", stage=stage, status=status, handler="alice",
        received_on=D(2026, 11, 2), category="Repairs", defined=defined, acknowledged_on=acknowledged_on,
        responded_on=responded_on, due_on=due_on, due_step=None,
    )


# --- next_step -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kw, expected",
    [
        ({}, Step.DEFINE),  # logged, nothing else: define it first (6.2: acknowledged, defined, logged)
        ({"defined": True}, Step.ACKNOWLEDGE),
        ({"defined": True, "acknowledged_on": D(2026, 11, 3)}, Step.RESPOND),
        ({"defined": False, "acknowledged_on": D(2026, 11, 3)}, Step.RESPOND),  # acknowledged: respond next
        ({"defined": True, "acknowledged_on": D(2026, 11, 3), "responded_on": D(2026, 11, 10)}, Step.CLOSE_OR_ESCALATE),
        ({"stage": 2, "defined": True, "acknowledged_on": D(2026, 11, 3), "responded_on": D(2026, 11, 10)}, Step.CLOSE),
        ({"stage": 2, "defined": True, "acknowledged_on": D(2026, 11, 3)}, Step.RESPOND),
        ({"stage": 2}, Step.DEFINE),
    ],
)
def test_next_step_of_an_open_stage(kw, expected):
    assert next_step(row(**kw)) is expected


@pytest.mark.parametrize("status", [Status.CLOSED, Status.REFUSED, Status.WITHDRAWN])
@pytest.mark.parametrize(
    "kw", [{}, {"defined": True}, {"acknowledged_on": D(2026, 11, 3)},
           {"acknowledged_on": D(2026, 11, 3), "responded_on": D(2026, 11, 10)}],
)
def test_nothing_is_next_once_a_complaint_is_not_open(status, kw):
    assert next_step(row(status=status, **kw)) is Step.NONE


# --- how urgent -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "days_left, expected",
    [(-20, OVERDUE), (-1, OVERDUE), (0, TODAY), (1, SOON), (2, SOON), (3, ON_TRACK), (40, ON_TRACK)],
)
def test_deadline_state(days_left, expected):
    assert CODE_2024.due_soon_working_days == 2
    assert deadline_state(days_left, CODE_2024) is expected


def test_due_soon_follows_the_policy():
    none_soon = replace(CODE_2024, due_soon_working_days=0)
    assert [deadline_state(n, none_soon) for n in (-1, 0, 1)] == [OVERDUE, TODAY, ON_TRACK]
    wide = replace(CODE_2024, due_soon_working_days=5)
    assert [deadline_state(n, wide) for n in (5, 6)] == [SOON, ON_TRACK]


# --- overdue across a weekend -----------------------------------------------------------------


@pytest.mark.parametrize(
    "due_on, today, expected",
    [
        (FRI, D(2026, 11, 4), 2),  # Wednesday: Thursday and Friday left
        (FRI, D(2026, 11, 5), 1),
        (FRI, FRI, 0),
        # Due on Friday and not done: on Saturday and Sunday no working day has passed since,
        # yet the due date has, so it is overdue by one, not "due today".
        (FRI, SAT, -1),
        (FRI, SUN, -1),
        (FRI, MON, -1),  # Monday is the first working day after: one day overdue
        (FRI, TUE, -2),
        (FRI, WED, -3),
        (MON, SAT, 1),  # due Monday, seen at the weekend: one working day left
        (MON, SUN, 1),
        (MON, FRI, 1),
        (TUE, FRI, 2),
        (SAT, SUN, -1),  # a due date on a non-working day that has passed is overdue too
        (SUN, MON, -1),
        (SAT, MON, -1),
        (SAT, TUE, -2),
    ],
)
def test_working_days_left_and_the_weekend(due_on, today, expected):
    assert working_days_left(due_on, CAL, today) == expected


def test_overdue_across_a_bank_holiday_weekend():
    # Thu 24 Dec 2026; Christmas Day (Fri) and Boxing Day (Mon 28 Dec, substitute) off.
    christmas_eve = D(2026, 12, 24)
    assert [working_days_left(christmas_eve, CAL, D(2026, 12, d)) for d in (23, 24, 25, 26, 27, 28, 29)] == [
        1, 0, -1, -1, -1, -1, -1,
    ]
    assert working_days_left(christmas_eve, CAL, D(2026, 12, 30)) == -2


def test_overdue_across_a_closure_day():
    shut = WorkingCalendar(closure_days={MON: "staff training"})
    assert working_days_left(FRI, shut, MON) == -1  # past, though Monday is not a working day
    assert working_days_left(FRI, shut, TUE) == -1
    assert working_days_left(FRI, shut, WED) == -2
    assert working_days_left(TUE, shut, FRI) == 1


def test_assess_a_complaint_row():
    due = assess(row(defined=True, due_on=TUE), CAL, FRI, CODE_2024)
    assert due == Due(row(defined=True, due_on=TUE), Step.ACKNOWLEDGE, 2, SOON)
    assert assess(row(due_on=FRI), CAL, SAT, CODE_2024) == Due(row(due_on=FRI), Step.DEFINE, -1, OVERDUE)
    assert assess(row(due_on=FRI), CAL, FRI, CODE_2024).state is TODAY
    far = assess(row(due_on=D(2026, 11, 13)), CAL, FRI, CODE_2024)
    assert (far.days_left, far.state) == (5, ON_TRACK)


@pytest.mark.parametrize("status", [Status.CLOSED, Status.REFUSED, Status.WITHDRAWN])
def test_assess_nothing_due(status):
    assert assess(row(), CAL, FRI, CODE_2024) == Due(row(), Step.DEFINE, None, None)
    closed = row(status=status, due_on=FRI)
    assert assess(closed, CAL, MON, CODE_2024) == Due(closed, Step.NONE, None, None)


def test_count_states_counts_every_due_date_even_the_same_day_twice():
    from collections import Counter

    # counted by day, as the panel's queries give them: Friday twice
    counts = count_states(Counter([FRI, TUE, FRI, D(2026, 11, 20), WED, D(2026, 11, 5)]), CAL, FRI, CODE_2024)
    assert counts == {OVERDUE: 1, TODAY: 2, SOON: 1, ON_TRACK: 2}
    assert count_states({}, CAL, FRI, CODE_2024) == {OVERDUE: 0, TODAY: 0, SOON: 0, ON_TRACK: 0}
    assert count_states({FRI: 1}, CAL, MON, CODE_2024) == {OVERDUE: 1, TODAY: 0, SOON: 0, ON_TRACK: 0}


def test_assess_another_due_date():
    review = SimpleNamespace(due_on=FRI)
    assert assess_other(review, CAL, SUN, CODE_2024) == OtherDue(review, -1, OVERDUE)
    assert assess_other(review, CAL, D(2026, 11, 4), CODE_2024) == OtherDue(review, 2, SOON)


# --- the Code's timescales ---------------------------------------------------------------------


def test_the_codes_timescales():
    one, two = CODE_2024.stage_one, CODE_2024.stage_two
    assert (one.acknowledge_days, one.respond_days, one.max_extension_days) == (5, 10, 10)  # 6.2, 6.3, 6.4
    assert (two.acknowledge_days, two.respond_days, two.max_extension_days) == (5, 20, 20)  # 6.11, 6.14, 6.15
    assert (one.acknowledge_provision, one.respond_provision, one.extension_provision) == ("6.2", "6.3", "6.4")
    assert (two.acknowledge_provision, two.respond_provision, two.extension_provision) == ("6.11", "6.14", "6.15")
    assert CODE_2024.due_soon_working_days == 2
    assert CODE_2024.refusal_age_months == 12  # 2.2, 2.3


def test_for_stage():
    assert CODE_2024.for_stage(1) is CODE_2024.stage_one
    assert CODE_2024.for_stage(Stage.ONE) is CODE_2024.stage_one
    assert CODE_2024.for_stage(2) is CODE_2024.stage_two
    assert CODE_2024.for_stage(Stage.TWO) is CODE_2024.stage_two
    for bad in (0, 3):  # the Code allows exactly two stages
        with pytest.raises(ValueError):
            CODE_2024.for_stage(bad)


# --- working days at their edges -----------------------------------------------------------------


def _walk(calendar: WorkingCalendar, a: date, b: date) -> int:
    """Working days after `a` up to and including `b`, counted one day at a time."""
    sign, (a, b) = (1, (a, b)) if a <= b else (-1, (b, a))
    return sign * sum(calendar.is_working_day(D.fromordinal(o)) for o in range(a.toordinal() + 1, b.toordinal() + 1))


@pytest.mark.parametrize("first", [2022, 2025, 2028])
def test_working_days_between_across_years_whichever_year_is_asked_first(first):
    calendar = WorkingCalendar(closure_days={D(2024, 12, 27): "", D(2027, 6, 1): "away day"})
    calendar.working_days_between(D(first, 6, 1), D(first, 6, 2))  # the year counted from
    pairs = [
        (D(2025, 12, 31), D(2026, 1, 2), 1),  # New Year's Day between
        (D(2023, 3, 31), D(2024, 4, 2), None), (D(2027, 12, 24), D(2021, 1, 4), None),
        (D(2020, 12, 31), D(2028, 1, 1), None), (D(2028, 1, 1), D(2028, 1, 1), 0),
        (D(2024, 12, 24), D(2024, 12, 30), 1),  # Christmas, Boxing Day, the closure day, the weekend
        (D(2024, 1, 1), D(2024, 12, 31), None), (D(2026, 12, 31), D(2027, 1, 1), 0),
    ]
    for a, b, expected in pairs:
        got = calendar.working_days_between(a, b)
        assert got == _walk(calendar, a, b), (a, b)
        if expected is not None:
            assert got == expected, (a, b)
    assert calendar.working_days_between(D(2024, 1, 1), D(2025, 1, 1)) == 254 - 1  # 2024 less its closure day
    assert calendar.working_days_between(D(2025, 1, 1), D(2024, 1, 1)) == -253


def test_days_of_a_year_are_counted_from_1_january():
    calendar = WorkingCalendar()
    assert calendar.working_days_between(D(2025, 12, 31), D(2026, 1, 1)) == 0  # a bank holiday
    assert calendar.working_days_between(D(2026, 1, 1), D(2026, 1, 2)) == 1  # Friday 2 January
    assert calendar.working_days_between(D(2026, 1, 2), D(2026, 1, 5)) == 1  # over the weekend
    assert calendar.working_days_between(D(2026, 12, 30), D(2026, 12, 31)) == 1
    assert calendar.working_days_between(D(2026, 12, 31), D(2027, 1, 4)) == 1


def test_known_holidays_are_trusted_for_their_years_only():
    made_up = {2026: {MON: "Made-up Day"}}  # and no Christmas: the known list is what counts
    calendar = WorkingCalendar(known_holidays=made_up)
    assert calendar.bank_holiday(MON) == "Made-up Day"
    assert calendar.non_working_reason(MON) == "bank holiday: Made-up Day"
    assert calendar.bank_holiday(D(2026, 12, 25)) is None
    assert calendar.is_working_day(D(2026, 12, 25)) is True
    assert calendar.bank_holiday(D(2027, 1, 1)) == "New Year's Day"  # another year: asks `holidays`
    assert calendar.add_working_days(FRI, 1) == TUE
    assert WorkingCalendar().bank_holiday(MON) is None


def test_bank_holidays_in_a_year():
    assert WorkingCalendar().bank_holidays_in(2026) == {
        D(2026, 1, 1): "New Year's Day", D(2026, 4, 3): "Good Friday", D(2026, 4, 6): "Easter Monday",
        D(2026, 5, 4): "May Day", D(2026, 5, 25): "Spring Bank Holiday", D(2026, 8, 31): "Late Summer Bank Holiday",
        D(2026, 12, 25): "Christmas Day", D(2026, 12, 26): "Boxing Day", D(2026, 12, 28): "Boxing Day (observed)",
    }


def test_explain_add_at_its_edges():
    assert CAL.explain_add(FRI, 0) == DueDate(FRI, 0, FRI, ())
    assert CAL.explain_add(SAT, 0) == DueDate(SAT, 0, SAT, ())
    assert CAL.explain_add(FRI, 1) == DueDate(FRI, 1, MON, (SkippedDay(SAT, "Saturday"), SkippedDay(SUN, "Sunday")))
    assert CAL.explain_add(FRI, 2) == DueDate(FRI, 2, TUE, (SkippedDay(SAT, "Saturday"), SkippedDay(SUN, "Sunday")))
    assert CAL.explain_add(D(2026, 11, 5), 1) == DueDate(D(2026, 11, 5), 1, FRI, ())
    with pytest.raises(ValueError, match="cannot be negative"):
        CAL.explain_add(FRI, -1)


def test_a_closure_day_and_its_note():
    calendar = WorkingCalendar(closure_days=closure_days_from([(MON, ""), (TUE, "audit")]))
    assert calendar.closure_days == {MON: "", TUE: "audit"}
    assert calendar.non_working_reason(MON) == "closure day"
    assert calendar.non_working_reason(TUE) == "closure day: audit"
    assert calendar.non_working_reason(WED) is None
    assert calendar.is_working_day(WED) and not calendar.is_working_day(MON)
    assert calendar.add_working_days(FRI, 1) == WED
    assert SkippedDay.from_json(["2026-11-09", "closure day"]) == SkippedDay(MON, "closure day")
    assert SkippedDay(TUE, "closure day: audit").to_json() == ["2026-11-10", "closure day: audit"]
