"""The full response at the current stage (Code 6.9, 6.19), with its remedies and
outstanding actions (7.1, 7.2)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import Decision
from chc_tui.steps.plans.changes import Changes, DeadlineChange
from chc_tui.steps.plans.checks import Checks
from chc_tui.steps.plans.state import ComplaintNow, StageNow, Values


@dataclass(frozen=True)
class RespondPlan:
    response: Values  # stage_id is the writer's
    remedy_lines: list[Any]  # chc_tui.steps.remedies.RemedyLine, recorded by the writer
    action_lines: list[Any]  # ActionLine
    _details: dict[str, Any]
    changes: Changes  # the stage answered, its response deadline met

    def details(self, remedy_ids: list[int], action_ids: list[int], due: date | None) -> dict[str, Any]:
        """The audit's, given the remedy and action records made and the deadline met."""
        return {**self._details, "remedies": remedy_ids, "actions": action_ids, "due": due}


def plan_respond(
    ctx: StepContext, complaint: ComplaintNow, stage: StageNow, *, decision: str, reasons: str,
    remedies: "str | Sequence[str]", actions: "str | Sequence[str]", no_remedy_reason: str, impact: str,
    remedies_guidance: str, responded_on: date,
) -> RespondPlan:
    from chc_tui.steps import remedies as remedy_steps  # it builds on the use-cases

    checks = Checks()
    checks.must_be_open(complaint.reference, complaint.status, "respond")
    if stage.responded_on is not None:
        checks.add(None, f"stage {stage.stage} was already answered on {stage.responded_on:%d/%m/%Y}")
    elif stage.acknowledged_on is None:
        checks.add(None, f"acknowledge stage {stage.stage} before responding to it (Code 6.2/6.11)")
    checks.raise_if_any()
    provision = "6.9" if stage.stage == 1 else "6.19"
    if decision not in set(Decision):
        checks.add("decision", f"choose a decision: {', '.join(d.label for d in Decision)} (Code {provision})")
    checks.required("reasons", reasons, "the reasons for the decision", provision)
    assert stage.acknowledged_on is not None  # refused above
    checks.a_date("responded_on", responded_on, "the response date", ctx.today,
                  (stage.acknowledged_on, "the acknowledgement"))
    remedy_lines, problems = remedy_steps.parse_remedy_lines(remedies, ctx.today)
    action_lines, action_problems = remedy_steps.parse_action_lines(actions, ctx.today)
    checks.problems += problems + action_problems
    if isinstance(responded_on, date):
        for n, line in enumerate(remedy_lines, start=1):
            if line.due_on < responded_on:
                checks.add("remedies", f"remedy {n} ({line.description[:40]}) cannot be due before the response "
                                       f"({responded_on:%d/%m/%Y})")
    upheld = decision in (Decision.UPHELD, Decision.PARTLY_UPHELD)
    if upheld and not (remedy_lines or action_lines or problems or action_problems or no_remedy_reason.strip()):
        checks.add("remedies", f"the complaint is {Decision(decision).label}: offer a remedy or an action to put "
                               "things right, or record why there is none (Code 7.1)")
    if remedy_lines and not impact.strip():
        checks.add("impact", "say what the fault cost the resident: the remedy must reflect the impact on them (Code 7.2)")
    checks.raise_if_any()
    response = {
        "responded_on": responded_on,
        "decision": decision,
        "reasons": reasons.strip(),
        "remedy": "; ".join(line.summary() for line in remedy_lines),
        "outstanding_actions": "; ".join(line.summary() for line in action_lines),
        "no_remedy_reason": no_remedy_reason.strip(),
        "impact": impact.strip(),
        "remedies_guidance": remedies_guidance.strip(),
        "responded_by": ctx.actor,
    }
    details = {"stage": stage.stage, "responded_on": responded_on, "decision": decision, "reasons": reasons.strip(),
               "no_remedy_reason": no_remedy_reason.strip(), "impact": impact.strip(),
               "remedies_guidance": remedies_guidance.strip()}
    changes = Changes(stage={"responded_on": responded_on},
                      deadlines=(DeadlineChange("respond", {"met_on": responded_on}),))
    return RespondPlan(response, remedy_lines, action_lines, details, changes)
