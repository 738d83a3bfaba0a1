"""The resident withdrawing the complaint."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import Status
from chc_tui.steps.plans.changes import Changes, ended
from chc_tui.steps.plans.checks import Checks
from chc_tui.steps.plans.state import ComplaintNow, StageNow, Values


@dataclass(frozen=True)
class WithdrawPlan:
    """The complaint becomes withdrawn on the withdrawal date, its open deadlines ended."""

    withdrawal: Values  # complaint_id is the writer's
    details: dict[str, Any]  # the audit's, before any letter's
    changes: Changes


def plan_withdraw(ctx: StepContext, complaint: ComplaintNow, stage: StageNow, *, reason: str,
                  withdrawn_on: date) -> WithdrawPlan:
    checks = Checks()
    checks.must_be_open(complaint.reference, complaint.status, "withdraw")
    checks.a_date("withdrawn_on", withdrawn_on, "the withdrawal date", ctx.today,
                  (complaint.received_on, "the complaint was received"))
    checks.raise_if_any()
    withdrawal = {"stage": stage.stage, "withdrawn_on": withdrawn_on, "reason": reason.strip(), "recorded_by": ctx.actor}
    return WithdrawPlan(withdrawal, {"stage": stage.stage, "withdrawn_on": withdrawn_on, "reason": reason.strip()},
                        ended(Status.WITHDRAWN, withdrawn_on))
