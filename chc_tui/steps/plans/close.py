"""Closing a complaint whose current stage has been answered. Outstanding actions go on
being tracked after closure (Code 6.6, 7.3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import Status
from chc_tui.steps.plans.changes import Changes
from chc_tui.steps.plans.checks import Checks
from chc_tui.steps.plans.state import ComplaintNow, StageNow, Values, audit_values


@dataclass(frozen=True)
class ClosePlan:
    audit: Values  # complaint_id is the writer's
    changes: Changes  # the complaint closed on the closing date


def plan_close(ctx: StepContext, complaint: ComplaintNow, stage: StageNow, *, closed_on: date) -> ClosePlan:
    checks = Checks()
    checks.must_be_open(complaint.reference, complaint.status, "close")
    if stage.responded_on is None:
        checks.add(None, f"stage {stage.stage} has not been answered; respond first, or record a refusal or withdrawal")
    checks.raise_if_any()
    assert stage.responded_on is not None  # refused above
    checks.a_date("closed_on", closed_on, "the closing date", ctx.today, (stage.responded_on, "the response"))
    checks.raise_if_any()
    return ClosePlan(audit_values(ctx, "close", {"stage": stage.stage, "closed_on": closed_on}),
                     Changes(complaint={"status": Status.CLOSED, "closed_on": closed_on}))
