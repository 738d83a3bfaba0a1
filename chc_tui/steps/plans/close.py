"""Closing a complaint whose current stage has been answered. Outstanding actions go on
being tracked after closure (Code 6.6, 7.3)."""

from __future__ import annotations

from datetime import date

from chc_tui.rules.context import StepContext
from chc_tui.steps.plans.checks import Checks
from chc_tui.steps.plans.state import ComplaintNow, StageNow, Values, audit_values


def plan_close(ctx: StepContext, complaint: ComplaintNow, stage: StageNow, *, closed_on: date) -> Values:
    """The audit entry of the close; the complaint becomes closed on `closed_on`."""
    checks = Checks()
    checks.must_be_open(complaint.reference, complaint.status, "close")
    if stage.responded_on is None:
        checks.add(None, f"stage {stage.stage} has not been answered; respond first, or record a refusal or withdrawal")
    checks.raise_if_any()
    assert stage.responded_on is not None  # refused above
    checks.a_date("closed_on", closed_on, "the closing date", ctx.today, (stage.responded_on, "the response"))
    checks.raise_if_any()
    return audit_values(ctx, "close", {"stage": stage.stage, "closed_on": closed_on})
