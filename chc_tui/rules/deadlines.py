"""What is due, when, and how urgent: the deadline panel's and the list's arithmetic."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Mapping

from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.domain import DeadlineState, Status, Step
from chc_tui.rules.policy import CodePolicy
from store.rows import ComplaintRow

if TYPE_CHECKING:
    from store.other_deadline_rows import OtherDeadlineRow


def next_step(row: ComplaintRow) -> Step:
    if row.status != Status.OPEN:
        return Step.NONE
    if row.acknowledged_on is None:
        return Step.ACKNOWLEDGE if row.defined else Step.DEFINE
    if row.responded_on is None:
        return Step.RESPOND
    return Step.CLOSE_OR_ESCALATE if row.stage == 1 else Step.CLOSE


def deadline_state(days_left: int, policy: CodePolicy) -> DeadlineState:
    if days_left < 0:
        return DeadlineState.OVERDUE
    if days_left == 0:
        return DeadlineState.DUE_TODAY
    if days_left <= policy.due_soon_working_days:
        return DeadlineState.DUE_SOON
    return DeadlineState.ON_TRACK


@dataclass(frozen=True)
class Due:
    """A complaint row with its next step and, when something is due, how urgent it is."""

    row: ComplaintRow
    step: Step
    days_left: int | None
    state: DeadlineState | None


def is_overdue(due_on: date | None, today: date) -> bool:
    """Its day has gone by: overdue, even when no working day has passed since (due on a
    Friday and looked at on the Sunday). No due date is never overdue. The one rule for
    complaints and every other due date: reviews, service requests, remedies, actions,
    the Ombudsman's requests and orders, improvements."""
    return due_on is not None and due_on < today


def is_due_today(due_on: date | None, today: date) -> bool:
    return due_on is not None and due_on == today


def working_days_left(due_on: date, calendar: WorkingCalendar, today: date) -> int:
    """Working days from today to the due date: 0 on the day, negative once overdue
    (-1 at least, even when only a weekend or a holiday has passed since)."""
    if is_due_today(due_on, today):
        return 0
    days_left = calendar.working_days_between(today, due_on)
    if is_overdue(due_on, today) and days_left == 0:
        days_left = -1  # due on a day that has passed, even over a weekend, is overdue
    return days_left


def state_on(due_on: date, calendar: WorkingCalendar, today: date, policy: CodePolicy) -> tuple[int, DeadlineState]:
    """Working days left and the state they give: overdue, due today, due soon, on track."""
    days_left = working_days_left(due_on, calendar, today)
    return days_left, deadline_state(days_left, policy)


def assess(row: ComplaintRow, calendar: WorkingCalendar, today: date, policy: CodePolicy) -> Due:
    step = next_step(row)
    if row.due_on is None or row.status != Status.OPEN:
        return Due(row, step, None, None)
    return Due(row, step, *state_on(row.due_on, calendar, today, policy))


# The states from the most urgent: a later due date is never more urgent than an earlier
# one (working days left never fall as the date moves on, and deadline_state follows them).
URGENCY = (DeadlineState.OVERDUE, DeadlineState.DUE_TODAY, DeadlineState.DUE_SOON, DeadlineState.ON_TRACK)


def count_states(days: Mapping[date, int], calendar: WorkingCalendar, today: date, policy: CodePolicy,
                 known: dict[date, DeadlineState] | None = None) -> dict[DeadlineState, int]:
    """How many due dates are overdue, due today, due soon and on track, given how many
    fall due on each day (a query's counts by day): the panel's counts. In date order the
    days' states run in URGENCY's order, so only where each state begins is looked for
    (by halving), not each of the distinct days (a thousand at 300k, most long past or
    far ahead) counted in working days. `known`: the states found so far, shared by
    several counts over the same days."""
    state_of = {} if known is None else known

    def rank(due_on: date) -> int:
        state = state_of.get(due_on)
        if state is None:
            state = state_of[due_on] = state_on(due_on, calendar, today, policy)[1]
        return URGENCY.index(state)

    ordered = sorted(days)
    counts = dict.fromkeys(DeadlineState, 0)
    start = 0
    for r, state in enumerate(URGENCY):
        low, high = start, len(ordered)  # the first day after `start` less urgent than `state`
        while low < high:
            middle = (low + high) // 2
            if rank(ordered[middle]) <= r:
                low = middle + 1
            else:
                high = middle
        counts[state] = sum(days[due_on] for due_on in ordered[start:low])
        start = low
    return counts


@dataclass(frozen=True)
class OtherDue:
    """A due date around a complaint (a review, a remedy, an Ombudsman order...) with its
    urgency, counted in working days like the complaint deadlines."""

    row: "OtherDeadlineRow"
    days_left: int
    state: DeadlineState


def assess_other(row: "OtherDeadlineRow", calendar: WorkingCalendar, today: date, policy: CodePolicy) -> OtherDue:
    return OtherDue(row, *state_on(row.due_on, calendar, today, policy))


def assess_others(rows: list["OtherDeadlineRow"], calendar: WorkingCalendar, today: date, policy: CodePolicy) -> list[OtherDue]:
    """The panel's other due dates with their urgency. Many share a date (a week's
    remedies): each date's working days are counted once."""
    counted: dict[date, OtherDue] = {}
    out = []
    for row in rows:
        same = counted.get(row.due_on)
        if same is None:
            same = counted[row.due_on] = assess_other(row, calendar, today, policy)
        out.append(OtherDue(row, same.days_left, same.state))
    return out


@dataclass(frozen=True)
class YearlySubmission:
    """The next self-assessment and annual report submission (chc_tui.rules.submission)."""

    year: int  # financial year start: 2025 is 1 April 2025 - 31 March 2026
    due_on: date
    rule: str
    days_left: int
    state: DeadlineState


def assess_submission(today: date, settings: dict, calendar: WorkingCalendar, policy: CodePolicy) -> YearlySubmission:
    from chc_tui.rules.submission import next_submission

    year, due, rule = next_submission(today, settings)
    return YearlySubmission(year, due, rule, *state_on(due, calendar, today, policy))
