"""Extending the response deadline of the current stage (Code 6.4, 6.5, 6.15, 6.16),
measured from the deadline set at acknowledgement so that several extensions together stay
within the Code's limit unless a good reason is recorded."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from chc_tui.rules import clocks
from chc_tui.rules.calendar import DueDate, WorkingCalendar
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import NeedsConfirmation, Problem
from chc_tui.rules.extension_standard import extension_shortfalls
from chc_tui.steps.plans.changes import Changes, DeadlineChange
from chc_tui.steps.plans.checks import Checks
from chc_tui.steps.plans.state import ComplaintNow, StageNow, Values
from store.models import Extension


@dataclass(frozen=True)
class ExtendPlan:
    """The running response deadline ends; `counted` replaces it, naming the extension."""

    extension: Values  # stage_id is the writer's
    counted: DueDate
    details: dict[str, Any]  # the audit's, before any letter's
    changes: Changes


def told_by_letter(letter_sent: bool, told_resident_on: date | None, ombudsman_details_given: bool | None,
                   today: date) -> tuple[date | None, bool | None]:
    """(told on, Ombudsman details given) once a letter goes: the letter is how the resident
    is told, and it carries the Ombudsman's details (6.5). It goes out today: a letter made
    now is never dated back to the decision, which would make a late extension look told in
    time."""
    if not letter_sent:
        return told_resident_on, ombudsman_details_given
    return told_resident_on or today, True


def plan_extend(
    ctx: StepContext, calendar: WorkingCalendar, complaint: ComplaintNow, stage: StageNow, *, new_due: date,
    reason: str, decided_on: date | None, told_resident_on: date | None, ombudsman_details_given: bool | None,
    good_reason: str, accept_shortfalls: bool, current_due: date | None, target_due: date | None,
) -> ExtendPlan:
    """`current_due`: the running response deadline's due date; `target_due`: the one fixed
    at acknowledgement (both there once the stage is acknowledged). One not in line with the
    Code is refused with what it falls short of (NeedsConfirmation) unless `accept_shortfalls`."""
    rules = ctx.policy.for_stage(stage.stage)
    checks = Checks()
    checks.must_be_open(complaint.reference, complaint.status, "extend")
    if stage.acknowledged_on is None:
        checks.add(None, f"acknowledge stage {stage.stage} before extending its response deadline")
    if stage.responded_on is not None:
        checks.add(None, f"stage {stage.stage} has already been answered")
    checks.required("reason", reason, "the reason for the extension", rules.extension_provision)
    checks.raise_if_any()
    assert stage.acknowledged_on is not None  # refused above
    if decided_on is not None:
        checks.a_date("decided_on", decided_on, "the date decided", ctx.today, (stage.acknowledged_on, "the acknowledgement"))
    if told_resident_on is not None:
        checks.a_date("told_resident_on", told_resident_on, "the date the resident was told", ctx.today,
                      (decided_on or stage.acknowledged_on, "the extension was decided" if decided_on else "the acknowledgement"))
    assert current_due is not None and target_due is not None
    beyond = 0
    moved = None
    if not isinstance(new_due, date):
        checks.add("new_due", f"the new due date must be a date, not {new_due!r}")
    else:
        moved = clocks.extension_clock(calendar, ctx.policy, stage.stage, target=target_due, current=current_due,
                                       new_due=new_due)
        if not moved.after_current:
            checks.add("new_due", f"the new due date must be after the current one ({current_due:%d/%m/%Y})")
        if moved.not_working:
            checks.add(
                "new_due",
                f"{new_due:%a %d/%m/%Y} is not a working day ({moved.not_working}); "
                f"the next one is {moved.next_working_day:%d/%m/%Y}",
            )
        beyond = moved.beyond_target
    checks.raise_if_any()
    extension: Values = {
        "decided_on": decided_on, "previous_due": current_due, "new_due": new_due,
        "working_days_beyond_target": beyond, "reason": reason.strip(), "told_resident_on": told_resident_on,
        "ombudsman_details_given": ombudsman_details_given, "good_reason": good_reason.strip(),
        "decided_by": ctx.actor,
    }
    # judged as the figures judge the stored record (a record made here, never saved)
    shortfalls = extension_shortfalls(Extension(**extension), rules)
    if shortfalls and not accept_shortfalls:
        raise NeedsConfirmation([
            Problem(s.kind.field, f"{s}: this extension will count as late, not in line with the Code")
            for s in shortfalls
        ] + [Problem(None, "Not in line with the Code: correct it, or record it knowingly as it is (save again; on the command line, --record-anyway)")])
    assert moved is not None and moved.counted is not None  # after the current deadline, checked above
    details = {
        "stage": stage.stage, "previous_due": current_due, "new_due": new_due, "working_days_beyond_target": beyond,
        "reason": reason.strip(), "told_resident_on": told_resident_on,
        "ombudsman_details_given": ombudsman_details_given, "good_reason": good_reason.strip(),
        "not_in_line_with_code": [str(s) for s in shortfalls],
    }
    return ExtendPlan(extension, moved.counted, details, Changes(deadlines=(DeadlineChange("respond", {"active": False}),)))
