"""Logging a new stage 1 complaint (Code 5.1, 6.2): its records, and the clocks it starts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable

from chc_tui.rules import clocks
from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import Channel, StepRefused
from chc_tui.rules.policy import Stage
from chc_tui.steps.plans.checks import Checks
from chc_tui.steps.plans.state import Values, audit_values, deadline_values


def check_log(
    ctx: StepContext, *, received_on: date, channel: str, resident_name: str, category: str, resident_words: str,
    handler: str | int | None, resident_id: int | None, representative_name: str, representative_relationship: str,
    reference: str,
) -> None:
    """What the handler typed, checked before anything is read."""
    checks = Checks()
    if len(reference) > 40:
        checks.add("reference", "a reference can be at most 40 characters")
    checks.a_date("received_on", received_on, "the date received", ctx.today)
    if channel not in set(Channel):
        checks.add("channel", f"unknown channel {channel!r}: choose one of {', '.join(Channel)}")
    if resident_id is None:
        checks.required("resident_name", resident_name, "the resident's name")
    checks.required("category", category, "the category")
    checks.required("resident_words", resident_words, "the resident's own words", "5.12")
    if isinstance(handler, str):
        checks.required("handler", handler, "the handler")
    if representative_name.strip() and not representative_relationship.strip():
        checks.add(
            "representative_relationship",
            "say how the representative is related to the resident (Code 3.6)",
        )
    checks.raise_if_any()


def refuse_taken(reference: str) -> None:
    """A reference names one complaint: a kept one already used is refused."""
    raise StepRefused(f"the reference {reference} is already used by another complaint", "reference")


def reference_prefix(received_on: date) -> str:
    return f"C{received_on.year}-"


def next_reference(received_on: date, count: int, taken: Callable[[str], bool]) -> str:
    """The reference a complaint without one is given: C<year received>-NNNN, one more than
    the references of that year (`count`), or the next after it that is not `taken` (an
    imported reference may have taken it)."""
    prefix = reference_prefix(received_on)
    number = count + 1
    while taken(f"{prefix}{number:04d}"):
        number += 1
    return f"{prefix}{number:04d}"


def new_resident(*, name: str, address: str, phone: str, email: str, channel: str, tenure: str) -> Values:
    return {"name": name.strip(), "address": address.strip(), "phone": phone.strip(), "email": email.strip(),
            "preferred_channel": channel, "tenure": tenure}


@dataclass(frozen=True)
class LogPlan:
    complaint: Values  # resident_id is the writer's
    stage: Values  # complaint_id is the writer's
    acknowledge: Values  # the acknowledgement deadline
    respond: Values  # the provisional response deadline, counted from it
    started: clocks.StageClocks
    audit: Values


def plan_log(
    ctx: StepContext, calendar: WorkingCalendar, *, reference: str, resident_shown: str, received_on: date,
    channel: str, category: str, resident_words: str, representative_name: str, representative_relationship: str,
    adjustments: str, imported_from: str, handler_name: str, handler_staff_id: int | None,
) -> LogPlan:
    """`reference` is the one kept or given; `resident_shown` the resident's name as the
    audit records it; the handler is the staff member already chosen (assignment.assignee)."""
    complaint = {
        "reference": reference,
        "representative_name": representative_name.strip(),
        "representative_relationship": representative_relationship.strip(),
        "received_on": received_on,
        "channel": channel,
        "category": category.strip(),
        "resident_words": resident_words.strip(),
        "adjustments": adjustments.strip(),
        "imported_from": imported_from.strip(),
        "created_by": ctx.actor,
    }
    stage = {"stage": Stage.ONE, "opened_on": received_on, "handler": handler_name,
             "handler_staff_id": handler_staff_id}
    started = clocks.stage_clocks(calendar, ctx.policy, Stage.ONE, received_on)
    details = {
        "reference": reference,
        "resident": resident_shown,
        "received_on": received_on,
        "channel": channel,
        "category": complaint["category"],
        "handler": handler_name,
        "handler_staff_id": handler_staff_id,
        "representative": complaint["representative_name"],
        "acknowledge_due": started.acknowledge.due,
        **({"adjustments": complaint["adjustments"]} if complaint["adjustments"] else {}),
        **({"imported_from": complaint["imported_from"]} if complaint["imported_from"] else {}),
    }
    return LogPlan(
        complaint, stage, deadline_values(calendar, "acknowledge", started.acknowledge),
        deadline_values(calendar, "respond", started.respond, provisional=True), started,
        audit_values(ctx, "log", details),
    )
