"""Refusing a complaint (Code 2.2-2.5): an individual decision with its own reason and
explanation, and the resident told they may take it to the Ombudsman."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import ExclusionReason, Status
from chc_tui.steps.plans.changes import Changes, ended
from chc_tui.steps.plans.checks import Checks
from chc_tui.steps.plans.state import ComplaintNow, StageNow, Values


@dataclass(frozen=True)
class RefusePlan:
    """The complaint becomes refused on the refusal date, its open deadlines ended."""

    refusal: Values  # complaint_id is the writer's
    details: dict[str, Any]  # the audit's, before any letter's
    changes: Changes


def explained_by_letter(letter_sent: bool, ombudsman_right_explained: bool) -> bool:
    """A refusal's letter says the resident may take it to the Ombudsman (its text is
    checked for it, 2.4): with one, the right is explained."""
    return ombudsman_right_explained or letter_sent


def plan_refuse(
    ctx: StepContext, complaint: ComplaintNow, stage: StageNow, *, exclusion_reason: str, explanation: str,
    refused_on: date, ombudsman_right_explained: bool, right_explained_known: bool, issue_on: date | None,
    aware_on: date | None, discretion_considered: str, claim_filed_on: date | None, facts_known: bool,
) -> RefusePlan:
    """`right_explained_known=False` (the importer's) stores whether the Ombudsman route was
    explained as not known; `facts_known=False` stores the facts of 2.2, 2.3 as not known."""
    checks = Checks()
    checks.must_be_open(complaint.reference, complaint.status, "refuse")
    if stage.responded_on is not None:
        checks.add(None, f"stage {stage.stage} has already been answered; it can no longer be refused")
    if exclusion_reason not in set(ExclusionReason):
        checks.add("exclusion_reason", "choose one of the exclusion reasons the complaints policy sets out (Code 2.2)")
    checks.required("explanation", explanation, "an explanation to the resident", "2.4")
    if right_explained_known and not ombudsman_right_explained:
        checks.add(
            "ombudsman_right_explained",
            "the resident must be told they can take the refusal to the Ombudsman (Code 2.4)",
        )
    checks.a_date("refused_on", refused_on, "the refusal date", ctx.today, (stage.opened_on, "the stage began"))
    if not facts_known:
        issue_on = aware_on = claim_filed_on = None
        discretion_considered = ""
    else:
        _check_refusal_facts(checks, ctx, complaint, exclusion_reason, issue_on, aware_on,
                             discretion_considered, claim_filed_on)
    checks.raise_if_any()
    reason = exclusion_reason
    refusal = {
        "stage": stage.stage,
        "refused_on": refused_on,
        "exclusion_reason": exclusion_reason,
        "explanation": explanation.strip(),
        "ombudsman_right_explained": ombudsman_right_explained if right_explained_known else None,
        "refused_by": ctx.actor,
        "issue_on": issue_on if reason == ExclusionReason.OVER_TWELVE_MONTHS else None,
        "aware_on": aware_on if reason == ExclusionReason.OVER_TWELVE_MONTHS else None,
        "discretion_considered": (discretion_considered or "").strip()
        if reason == ExclusionReason.OVER_TWELVE_MONTHS else "",
        "claim_filed_on": claim_filed_on if reason == ExclusionReason.LEGAL_PROCEEDINGS else None,
    }
    details = {
        "stage": stage.stage,
        "refused_on": refused_on,
        "exclusion_reason": exclusion_reason,
        "explanation": explanation.strip(),
        **({"issue_on": issue_on, "aware_on": aware_on, "discretion_considered": discretion_considered.strip()}
           if facts_known and reason == ExclusionReason.OVER_TWELVE_MONTHS else {}),
        **({"claim_filed_on": claim_filed_on}
           if facts_known and reason == ExclusionReason.LEGAL_PROCEEDINGS else {}),
    }
    return RefusePlan(refusal, details, ended(Status.REFUSED, refused_on))


def _check_refusal_facts(
    checks: Checks, ctx: StepContext, complaint: ComplaintNow, reason: str, issue_on: date | None,
    aware_on: date | None, discretion: str, claim_filed_on: date | None,
) -> None:
    """The facts a refusal rests on (2.2, 2.3), each refused at its own field."""
    received = complaint.received_on
    if reason == ExclusionReason.OVER_TWELVE_MONTHS:
        limit = ctx.policy.refusal_age_limit(received)
        months = ctx.policy.refusal_age_months
        for name, value, label in (("issue_on", issue_on, "the date the issue occurred"),
                                   ("aware_on", aware_on, "the date the resident became aware of it")):
            if value is None:
                checks.add(name, f"{label} is required to refuse as over {months} months (Code 2.3)")
            elif not isinstance(value, date):
                checks.add(name, f"{label} must be a date, not {value!r}")
            elif value > received:
                checks.add(name, f"{label} cannot be after the complaint was received ({received:%d/%m/%Y})")
            elif not ctx.policy.over_refusal_age(value, received):
                checks.add(name, f"not over {months} months: {value:%d/%m/%Y} is within {months} months of "
                                 f"the complaint being received on {received:%d/%m/%Y} (on or after "
                                 f"{limit:%d/%m/%Y}); it must be accepted (Code 2.3)")
        if isinstance(issue_on, date) and isinstance(aware_on, date) and aware_on < issue_on:
            checks.add("aware_on", "the resident cannot have become aware of the issue before it occurred")
        checks.required("discretion_considered", discretion,
                        "the discretion considered to accept it anyway", "2.3")
    elif reason == ExclusionReason.LEGAL_PROCEEDINGS:
        if claim_filed_on is None:
            checks.add("claim_filed_on", "the date the claim was filed is required to refuse for legal proceedings "
                                         "(Code 2.2)")
        else:
            checks.a_date("claim_filed_on", claim_filed_on, "the date the claim was filed", ctx.today)


