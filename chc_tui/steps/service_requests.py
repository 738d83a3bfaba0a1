"""Service requests (Code 1.4, 1.5): a request to put something right, not a complaint.
Recorded with the landlord's target in working days, tracked to done, and counted.

When the resident is dissatisfied with how a request is going, a complaint is raised from
it (1.5): both are linked and the request stays open, because the landlord must not stop
its efforts on the request because the resident complained.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlmodel import Session, func, select

from chc_tui.steps import usecases
from chc_tui.rules.context import StepContext
from chc_tui.steps.identity import acting_write
from chc_tui.rules.domain import Channel, NotFound, Problem, StepRefused
from chc_tui.steps.settings import load_calendar
from chc_tui.steps.usecases import Checks, audit, record_for_change
from store.engine import Database
from store.models import Complaint, Resident, ServiceRequest, saved_id

TARGET_KEY = "landlord.service_request_target_days"
DEFAULT_TARGET_DAYS = 10


@dataclass(frozen=True)
class RequestLogged:
    reference: str
    due_on: date
    target_days: int


def target_days(session: Session) -> int:
    """The landlord's target, a setting (F4, `chc settings`); 10 working days until set."""
    from chc_tui.steps.landlord import landlord_settings

    value = landlord_settings(session).service_request_target_days
    return int(value) if str(value).isdigit() and int(value) > 0 else DEFAULT_TARGET_DAYS


def _next_reference(session: Session, received_on: date) -> str:
    prefix = f"SR{received_on.year}-"
    count = session.exec(
        select(func.count()).select_from(ServiceRequest).where(ServiceRequest.reference.like(f"{prefix}%"))
    ).one()
    number = count + 1
    while session.exec(select(ServiceRequest.id).where(ServiceRequest.reference == f"{prefix}{number:04d}")).first():
        number += 1
    return f"{prefix}{number:04d}"


def _request(session: Session, reference: str, expected_version: int | None) -> ServiceRequest:
    found = session.exec(select(ServiceRequest).where(ServiceRequest.reference == reference)).first()
    if found is None:
        raise NotFound(f"no service request with reference {reference!r}")
    return record_for_change(session, ServiceRequest, saved_id(found), expected_version, "service request")


def log_service_request(
    db: Database,
    *,
    received_on: date,
    category: str,
    description: str,
    resident_id: int | None = None,
    resident_name: str = "",
    resident_address: str = "",
    ctx: StepContext | None = None,
) -> RequestLogged:
    """Record a service request for an existing resident (resident_id) or a new one."""
    ctx = ctx or StepContext()
    checks = Checks()
    checks.a_date("received_on", received_on, "the date received", ctx.today)
    checks.required("category", category, "the category")
    checks.required("description", description, "what the resident asked for", "1.4")
    if resident_id is None:
        checks.required("resident_name", resident_name, "the resident's name")
    checks.raise_if_any()
    with acting_write(db, ctx) as session:
        resident: Resident | None
        if resident_id is None:
            resident = Resident(name=resident_name.strip(), address=resident_address.strip())
            session.add(resident)
            session.flush()
        else:
            resident = session.get(Resident, resident_id)
            if resident is None:
                raise StepRefused(f"no resident with id {resident_id}", "resident_name")
        days = target_days(session)
        due_on = load_calendar(session).add_working_days(received_on, days)
        row = ServiceRequest(
            reference=_next_reference(session, received_on), resident_id=saved_id(resident), received_on=received_on,
            category=category.strip(), description=description.strip(), target_days=days, due_on=due_on,
            recorded_by=ctx.actor,
        )
        session.add(row)
        session.flush()
        audit(session, ctx, "log service request", None,
              {"service_request": row.reference, "resident_id": resident.id, "resident": resident.name, "received_on": received_on,
               "category": row.category, "target_days": days, "due_on": due_on})
        return RequestLogged(row.reference, due_on, days)


def complete_service_request(
    db: Database, reference: str, *, done_on: date, outcome: str, expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        row = _request(session, reference, expected_version)
        checks = Checks()
        if row.done_on is not None:
            checks.add(None, f"{reference} was already done on {row.done_on:%d/%m/%Y}")
        checks.a_date("done_on", done_on, "the date done", ctx.today, (row.received_on, "it was received"))
        checks.required("outcome", outcome, "what was done")
        checks.raise_if_any()
        row.done_on, row.outcome = done_on, outcome.strip()
        audit(session, ctx, "complete service request", row.complaint_id,
              {"service_request": reference, "done_on": done_on, "outcome": row.outcome,
               "late": done_on > row.due_on})


def _raise_linked(
    db: Database, session: Session, row: ServiceRequest, ctx: StepContext, *, received_on: date, channel: str,
    resident_words: str, category: str = "", handler: str | None = None, fields: dict[str, str] | None = None,
) -> usecases.Logged:
    """Log the stage 1 complaint for a request's resident, in the caller's transaction, and
    link it to the request (1.5), which stays open. `fields` renames log_complaint's fields
    to the caller's form's, so a refusal lands next to the field the handler typed in."""
    if row.complaint_id is not None:
        existing = session.get(Complaint, row.complaint_id)
        raise StepRefused(f"{row.reference} already has complaint {existing.reference if existing else row.complaint_id}")
    rename = fields or {}
    if isinstance(received_on, date) and received_on < row.received_on:
        raise StepRefused(f"the complaint cannot be before the request ({row.received_on:%d/%m/%Y})",
                          rename.get("received_on", "received_on"))
    try:
        logged = usecases.log_complaint(
            db, received_on=received_on, channel=channel, resident_name="", resident_id=row.resident_id,
            category=category or row.category, resident_words=resident_words, handler=handler, ctx=ctx,
        )
    except StepRefused as refused:
        if not rename:
            raise
        raise StepRefused([Problem(rename.get(p.field or "", p.field), p.message) for p in refused.problems]) from None
    complaint = session.exec(select(Complaint).where(Complaint.reference == logged.reference)).one()
    row.complaint_id = complaint.id
    audit(session, ctx, "raise complaint from service request", complaint.id,
          {"service_request": row.reference, "complaint": logged.reference, "request_stays_open": row.done_on is None})
    return logged


def raise_complaint(
    db: Database,
    reference: str,
    *,
    received_on: date,
    channel: str,
    resident_words: str,
    category: str = "",
    handler: str | None = None,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> usecases.Logged:
    """The resident is dissatisfied with the response to their request (Code 1.5): log a
    stage 1 complaint for them, linked to the request, which stays open."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        row = _request(session, reference, expected_version)
        return _raise_linked(db, session, row, ctx, received_on=received_on, channel=channel,
                             resident_words=resident_words, category=category, handler=handler)


class ComplaintChoice(StrEnum):
    """The resident's answer when offered the choice to make a complaint (Code 1.3)."""

    YES = "yes"
    NO = "no"
    UNDECIDED = "undecided"

    @property
    def label(self) -> str:
        return {"yes": "yes, make a complaint", "no": "no complaint", "undecided": "not yet decided"}[self.value]


@dataclass(frozen=True)
class DissatisfactionRecorded:
    reference: str
    choice: ComplaintChoice
    complaint: usecases.Logged | None  # the stage 1 complaint raised at once on "yes"


def record_dissatisfaction(
    db: Database,
    reference: str,
    *,
    dissatisfied_on: date,
    dissatisfaction: str,
    choice_offered: bool,
    choice: str,
    channel: str = "",
    handler: str | None = None,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> DissatisfactionRecorded:
    """The resident expressed dissatisfaction about their request (Code 1.3, 1.5).

    The choice to make a complaint must have been offered (1.3), and their answer is
    recorded: "yes" logs the stage 1 complaint at once, in this transaction, linked to the
    request (1.5: the request stays open); "no" and "undecided" are recorded as said. An
    undecided resident may say yes later: record the dissatisfaction again with "yes"."""
    ctx = ctx or StepContext()
    checks = Checks()
    checks.required("dissatisfaction", dissatisfaction, "what the resident is dissatisfied with, in their words", "1.3")
    if choice_offered is not True:
        checks.add("choice_offered", "the resident must be given the choice to make a complaint whenever they "
                   "express dissatisfaction: record that it was offered (Code 1.3)")
    if choice not in set(ComplaintChoice):
        checks.add("choice", f"record the resident's answer: {', '.join(c.label for c in ComplaintChoice)} (Code 1.3)")
    if choice == ComplaintChoice.YES and channel not in set(Channel):
        checks.add("channel", "how the complaint came in is required to log it (Code 5.1): "
                   f"one of {', '.join(c.value.replace('_', ' ') for c in Channel)}")
    with acting_write(db, ctx) as session:
        row = _request(session, reference, expected_version)
        checks.a_date("dissatisfied_on", dissatisfied_on, "the date the resident was dissatisfied", ctx.today,
                      (row.received_on, "the request was received"))
        if row.complaint_id is not None:
            existing = session.get(Complaint, row.complaint_id)
            checks.add("choice", f"{reference} already has complaint "
                       f"{existing.reference if existing else row.complaint_id}: record further dissatisfaction on it")
        checks.raise_if_any()
        answer = ComplaintChoice(choice)
        row.dissatisfied_on, row.dissatisfaction = dissatisfied_on, dissatisfaction.strip()
        row.complaint_choice_offered, row.complaint_choice = True, answer.value
        audit(session, ctx, "record dissatisfaction on service request", None,
              {"service_request": reference, "dissatisfied_on": dissatisfied_on, "dissatisfaction": row.dissatisfaction,
               "choice_offered": True, "choice": answer.value})
        logged = None
        if answer is ComplaintChoice.YES:
            logged = _raise_linked(
                db, session, row, ctx, received_on=dissatisfied_on, channel=channel, resident_words=row.dissatisfaction,
                handler=handler, fields={"received_on": "dissatisfied_on", "resident_words": "dissatisfaction"},
            )
        return DissatisfactionRecorded(reference, answer, logged)


def record_decision_told(
    db: Database,
    reference: str,
    *,
    told_on: date,
    how: str,
    decision: str,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    """The resident was told the decision on their request and the next steps (Code 1.3,
    1.5): when, how (phone, letter, email...) and what they were told."""
    ctx = ctx or StepContext()
    checks = Checks()
    if how not in set(Channel):
        checks.add("how", f"how they were told is required: one of {', '.join(c.value.replace('_', ' ') for c in Channel)}")
    checks.required("decision", decision, "the decision and next steps the resident was told")
    with acting_write(db, ctx) as session:
        row = _request(session, reference, expected_version)
        checks.a_date("told_on", told_on, "the date told", ctx.today, (row.received_on, "the request was received"))
        checks.raise_if_any()
        row.told_decision_on, row.told_decision_how, row.told_decision = told_on, how, decision.strip()
        audit(session, ctx, "record decision told on service request", row.complaint_id,
              {"service_request": reference, "told_on": told_on, "how": how, "decision": row.told_decision})
