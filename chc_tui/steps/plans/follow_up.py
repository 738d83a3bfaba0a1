"""Following a response's promises to done (Code 7.3): a remedy's outcome (accepted,
declined, done) and an outstanding action's progress, as plans of records given as values
(the use-cases' ORM record, or one a bulk writer holds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping

from chc_tui.rules.context import StepContext
from chc_tui.rules.deadlines import is_overdue
from chc_tui.steps.plans.checks import Checks
from chc_tui.steps.plans.state import Values

REMEDY_OUTCOMES = ("accepted", "declined", "done")


@dataclass(frozen=True)
class FollowUpPlan:
    changes: Values  # the record's columns that change
    action: str  # the audit entry's
    details: dict[str, Any]
    before: dict[str, Any] | None = None


def plan_remedy_outcome(ctx: StepContext, remedy: Mapping[str, Any], *, outcome: str, on: date) -> FollowUpPlan:
    """The resident accepted or declined the offer, or the remedy was carried out."""
    checks = Checks()
    if outcome not in REMEDY_OUTCOMES:
        checks.add("outcome", f"choose one of: {', '.join(REMEDY_OUTCOMES)}")
    if remedy["done_on"] is not None:
        checks.add(None, f"this remedy was completed on {remedy['done_on']:%d/%m/%Y}")
    elif remedy["declined_on"] is not None:
        checks.add(None, f"the resident declined this remedy on {remedy['declined_on']:%d/%m/%Y}")
    elif outcome == "accepted" and remedy["accepted_on"] is not None:
        checks.add("outcome", f"already accepted on {remedy['accepted_on']:%d/%m/%Y}")
    checks.a_date("on", on, "the date", ctx.today, (remedy["offered_on"], "it was offered"))
    checks.raise_if_any()
    field = {"accepted": "accepted_on", "declined": "declined_on", "done": "done_on"}[outcome]
    due = remedy["due_on"]
    return FollowUpPlan({field: on}, f"remedy {outcome}", {
        "remedy": remedy["id"], "description": remedy["description"], field: on,
        **({"late": on > due} if outcome == "done" and due else {})})


def plan_action_update(ctx: StepContext, action: Mapping[str, Any], *, update: str, due_on: date | None,
                       owner: str, done_on: date | None) -> FollowUpPlan:
    """Progress on an action: a note, a new owner or due date, or done (with its date)."""
    checks = Checks()
    if action["done_on"] is not None:
        checks.add(None, f"this action was done on {action['done_on']:%d/%m/%Y}")
    checks.required("update", update, "what has happened")
    if done_on is not None:
        checks.a_date("done_on", done_on, "the date done", ctx.today)
    if due_on is not None and due_on != action["due_on"] and is_overdue(due_on, ctx.today):
        checks.add("due_on", f"a new due date cannot be in the past (today is {ctx.today:%d/%m/%Y})")
    checks.raise_if_any()
    before = {"owner": action["owner"], "due_on": action["due_on"], "update": action["update"]}
    new_due: date = due_on or action["due_on"]
    changes = {"update": update.strip(), "owner": owner.strip() or action["owner"], "due_on": new_due, "done_on": done_on}
    details = {"action": action["id"], "description": action["description"], "owner": changes["owner"],
               "due_on": new_due, "update": changes["update"],
               **({"done_on": done_on, "late": done_on > new_due} if done_on else {})}
    return FollowUpPlan(changes, "action done" if done_on else "update action", details, before)
