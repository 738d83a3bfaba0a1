"""Acknowledging the current stage (Code 6.2, 6.11): it fixes the response deadline (6.3,
6.14), counted from the acknowledgement."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from chc_tui.rules import clocks
from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.context import StepContext
from chc_tui.steps.plans.changes import Changes, DeadlineChange
from chc_tui.steps.plans.checks import Checks
from chc_tui.steps.plans.state import ComplaintNow, StageNow, Values, deadline_values


@dataclass(frozen=True)
class AcknowledgePlan:
    """The acknowledgement deadline is met on `acknowledged_on`, the provisional response
    deadline ends (`changes`), and `respond` (a deadline) replaces it."""

    acknowledged_on: date
    respond: Values
    response_due: date
    details: dict[str, Any]  # the audit's, before any letter's
    changes: Changes


def plan_acknowledge(
    ctx: StepContext, calendar: WorkingCalendar, complaint: ComplaintNow, stage: StageNow, *, defined: bool,
    acknowledge_due: date | None, acknowledged_on: date,
) -> AcknowledgePlan:
    """`defined`: the stage has a definition; `acknowledge_due`: its running
    acknowledgement deadline's due date (None: none)."""
    checks = Checks()
    checks.must_be_open(complaint.reference, complaint.status, "acknowledge")
    if stage.acknowledged_on is not None:
        checks.add(None, f"stage {stage.stage} was already acknowledged on {stage.acknowledged_on:%d/%m/%Y}")
    elif not defined:
        checks.add(
            None,
            "define the complaint first: the acknowledgement must set out the landlord's "
            "understanding and the outcomes sought (Code 5.6)",
        )
    checks.a_date(
        "acknowledged_on", acknowledged_on, "the acknowledgement date", ctx.today,
        (stage.opened_on, "the complaint was received" if stage.stage == 1 else "escalation was requested"),
    )
    checks.raise_if_any()
    counted = clocks.response_clock(calendar, ctx.policy, stage.stage, acknowledged_on)
    details = {"stage": stage.stage, "acknowledged_on": acknowledged_on, "acknowledge_due": acknowledge_due,
               "response_due": counted.due}
    changes = Changes(stage={"acknowledged_on": acknowledged_on},
                      deadlines=(DeadlineChange("acknowledge", {"met_on": acknowledged_on}),
                                 DeadlineChange("respond", {"active": False})))
    return AcknowledgePlan(acknowledged_on, deadline_values(calendar, "respond", counted), counted.due, details,
                           changes)
