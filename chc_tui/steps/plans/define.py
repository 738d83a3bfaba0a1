"""Defining the complaint at its current stage (Code 5.6, 5.7)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from chc_tui.rules.context import StepContext
from chc_tui.steps.plans.checks import Checks
from chc_tui.steps.plans.state import ComplaintNow, StageNow, Values, audit_values

DEFINITION_FIELDS = ("defined_on", "understanding", "outcomes_sought", "responsible_aspects", "not_responsible_aspects")


@dataclass(frozen=True)
class DefinePlan:
    definition: Values  # stage_id is the writer's
    audit: Values


def plan_define(
    ctx: StepContext, complaint: ComplaintNow, stage: StageNow, previous: Values | None, *, understanding: str,
    outcomes_sought: str, responsible_aspects: str, not_responsible_aspects: str, defined_on: date,
) -> DefinePlan:
    """`previous`: the stage's latest definition (DEFINITION_FIELDS), None for the first."""
    checks = Checks()
    checks.must_be_open(complaint.reference, complaint.status, "define the complaint")
    if stage.responded_on is not None:
        checks.add(None, f"stage {stage.stage} has already been answered; it cannot be redefined")
    checks.required("understanding", understanding, "the landlord's understanding of the complaint", "5.6")
    checks.required("outcomes_sought", outcomes_sought, "the outcomes the resident seeks", "5.6")
    checks.required("responsible_aspects", responsible_aspects, "the aspects the landlord is responsible for", "5.7")
    checks.a_date("defined_on", defined_on, "the date defined", ctx.today, (stage.opened_on, "the stage began"))
    checks.raise_if_any()
    texts = {
        "understanding": understanding.strip(),
        "outcomes_sought": outcomes_sought.strip(),
        "responsible_aspects": responsible_aspects.strip(),
        "not_responsible_aspects": not_responsible_aspects.strip(),
    }
    definition = {**texts, "defined_on": defined_on, "defined_by": ctx.actor}
    details = {"stage": stage.stage, "defined_on": defined_on, **texts}
    return DefinePlan(definition, audit_values(ctx, "redefine" if previous else "define", details, before=previous))
