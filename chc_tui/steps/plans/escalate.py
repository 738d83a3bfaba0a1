"""Escalating to stage 2 at the resident's request (Code 6.10-6.13): a stage 2 with its own
clocks (6.11, 6.14), handled by someone who did not consider stage 1 (6.13). A complaint
closed after stage 1 is reopened. The Code allows no third stage (5.3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chc_tui.rules import clocks
from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import Status, StepRefused
from chc_tui.rules.policy import Stage
from chc_tui.steps.plans.changes import Changes
from chc_tui.steps.plans.checks import Checks
from chc_tui.steps.plans.independent import not_independent
from chc_tui.steps.plans.state import ComplaintNow, StageNow, Values, audit_values, deadline_values


@dataclass(frozen=True)
class EscalatePlan:
    stage: Values  # the stage 2 record (complaint_id is the writer's)
    acknowledge: Values  # its acknowledgement deadline (complaint_id, stage_id the writer's)
    respond: Values  # its provisional response deadline, counted from the acknowledgement's
    changes: Changes  # the complaint at stage 2, open again
    audit: Values  # complaint_id is the writer's
    acknowledge_due: date


def plan_escalate(
    ctx: StepContext, calendar: WorkingCalendar, complaint: ComplaintNow, current: StageNow, *, requested_on: date,
    reason: str, handler: tuple[int, str] | StepRefused, stage_one_people: dict[int, list[str]],
) -> EscalatePlan:
    """`current`: the complaint's current stage; `handler`: the stage 2 handler as the
    staff register found them for stage 2 (assignment.assignee: their staff id and display
    name), or its refusal; `stage_one_people`: who considered stage 1 (staff id -> what
    they did, store.stage_people.who_considered)."""
    checks = Checks()
    if complaint.status in (Status.REFUSED, Status.WITHDRAWN):
        checks.add(None, f"cannot escalate: {complaint.reference} is {complaint.status}")
    elif current.stage == Stage.TWO:
        checks.add(None, "this complaint is already at stage 2: the Code allows no third stage (Code 5.3)")
    checks.raise_if_any()
    if current.responded_on is None:
        checks.add(None, "stage 1 has not been answered yet; escalate after the stage 1 response (Code 6.10)")
        checks.raise_if_any()
    assert current.responded_on is not None  # refused above
    checks.a_date("requested_on", requested_on, "the date escalation was requested", ctx.today,
                  (current.responded_on, "the stage 1 response"))
    if isinstance(handler, StepRefused):
        checks.problems.extend(handler.problems)
    else:
        staff_id, name = handler
        why = not_independent(stage_one_people, staff_id, "be assigned stage 2", lambda _: name)
        if why:
            checks.add("handler", why)
    checks.raise_if_any()
    assert not isinstance(handler, StepRefused)  # refused above
    staff_id, name = handler
    stage = {"stage": Stage.TWO, "opened_on": requested_on, "handler": name, "handler_staff_id": staff_id,
             "escalation_reason": reason.strip()}
    started = clocks.stage_clocks(calendar, ctx.policy, Stage.TWO, requested_on)
    details = {"requested_on": requested_on, "handler": name, "handler_staff_id": staff_id, "reason": reason.strip(),
               "reopened": complaint.status == Status.CLOSED, "acknowledge_due": started.acknowledge.due}
    return EscalatePlan(
        stage, deadline_values(calendar, "acknowledge", started.acknowledge),
        deadline_values(calendar, "respond", started.respond, provisional=True),
        Changes(complaint={"current_stage": Stage.TWO, "status": Status.OPEN, "closed_on": None}),
        audit_values(ctx, "escalate", details), started.acknowledge.due,
    )
