"""The dates a step fixes, counted once: the use-case saves them and the step's form
previews them by calling the same function, so a preview can never disagree with what
is saved.

- logging a complaint, or escalating it, starts the stage's clocks: acknowledge within
  5 working days (Code 6.2, 6.11) and a provisional response deadline counted from that;
- acknowledging fixes the response deadline, counted from the acknowledgement (6.3, 6.14);
- an extension moves the response deadline, judged against the Code's limit counted from
  the deadline fixed at acknowledgement (6.4, 6.15).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chc_tui.calendar import DueDate, WorkingCalendar
from chc_tui.policy import CodePolicy, StageTimescales


@dataclass(frozen=True)
class StageClocks:
    """The clocks a stage starts with when it opens (receipt, or the escalation request)."""

    acknowledge: DueDate
    respond: DueDate  # provisional until the acknowledgement fixes it

    @property
    def acknowledge_due(self) -> date:
        return self.acknowledge.due

    @property
    def provisional_response_due(self) -> date:
        return self.respond.due


def stage_clocks(calendar: WorkingCalendar, policy: CodePolicy, stage: int, opened_on: date) -> StageClocks:
    """Acknowledgement deadline, and a provisional response deadline counted from it."""
    rules = policy.for_stage(stage)
    ack = calendar.explain_add(opened_on, rules.acknowledge_days)
    return StageClocks(ack, calendar.explain_add(ack.due, rules.respond_days))


def response_clock(calendar: WorkingCalendar, policy: CodePolicy, stage: int, acknowledged_on: date) -> DueDate:
    """The response deadline an acknowledgement on `acknowledged_on` fixes."""
    return calendar.explain_add(acknowledged_on, policy.for_stage(stage).respond_days)


def working_days_late(calendar: WorkingCalendar, due_on: date, done_on: date) -> int:
    """Working days after `due_on` that `done_on` is (0 or less when on time)."""
    return calendar.working_days_between(due_on, done_on)


@dataclass(frozen=True)
class ExtensionClock:
    """What extending the response deadline to `new_due` would fix, and how it stands
    against the Code's limit."""

    new_due: date
    not_working: str | None
    """Why `new_due` is not a working day (the step refuses it), or None."""
    next_working_day: date | None
    """The first working day after `new_due` when it is not one."""
    after_current: bool
    """The new due date is after the current one (the step refuses it otherwise)."""
    beyond_target: int
    """Working days beyond the response deadline fixed at acknowledgement."""
    within_limit: bool
    """Kept to the Code's limit (6.4, 6.15): past it, a good reason must be recorded."""
    counted: DueDate | None
    """The new deadline counted on from the current one; None when not after it."""

    def allowed(self, rules: StageTimescales, good_reason: str) -> bool:
        return rules.extension_allowed(self.beyond_target, good_reason)


def extension_clock(
    calendar: WorkingCalendar,
    policy: CodePolicy,
    stage: int,
    *,
    target: date,
    current: date,
    new_due: date,
) -> ExtensionClock:
    """Extending a stage whose response deadline fixed at acknowledgement is `target` and
    whose deadline now is `current` to `new_due`."""
    rules = policy.for_stage(stage)
    closed = calendar.non_working_reason(new_due)
    beyond = calendar.working_days_between(target, new_due)
    after = new_due > current
    counted = calendar.explain_add(current, calendar.working_days_between(current, new_due)) if after else None
    return ExtensionClock(
        new_due=new_due,
        not_working=closed,
        next_working_day=calendar.add_working_days(new_due, 1) if closed else None,
        after_current=after,
        beyond_target=beyond,
        within_limit=rules.within_extension_limit(beyond),
        counted=counted,
    )


def extension_limit_date(calendar: WorkingCalendar, policy: CodePolicy, stage: int, target: date) -> date:
    """The last due date an extension may give without a good reason: the Code's limit
    counted on from the response deadline fixed at acknowledgement."""
    return calendar.add_working_days(target, policy.for_stage(stage).max_extension_days)
