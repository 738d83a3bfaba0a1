"""Service requests (Code 1.4, 1.5): a request to put something right, not a complaint.
Recorded with the landlord's target in working days, tracked to done, and counted.

When the resident is dissatisfied with how a request is going, a complaint is raised from
it (1.5): both are linked and the request stays open, because the landlord must not stop
its efforts on the request because the resident complained.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, func, select

from chc_tui.steps import usecases
from chc_tui.rules.context import StepContext
from chc_tui.steps.identity import acting_write
from chc_tui.rules.domain import NotFound, StepRefused
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
        if row.complaint_id is not None:
            existing = session.get(Complaint, row.complaint_id)
            raise StepRefused(f"{reference} already has complaint {existing.reference if existing else row.complaint_id}")
        if isinstance(received_on, date) and received_on < row.received_on:
            raise StepRefused(f"the complaint cannot be before the request ({row.received_on:%d/%m/%Y})", "received_on")
        logged = usecases.log_complaint(
            db, received_on=received_on, channel=channel, resident_name="", resident_id=row.resident_id,
            category=category or row.category, resident_words=resident_words, handler=handler, ctx=ctx,
        )
        complaint = session.exec(select(Complaint).where(Complaint.reference == logged.reference)).one()
        row.complaint_id = complaint.id
        audit(session, ctx, "raise complaint from service request", complaint.id,
              {"service_request": reference, "complaint": logged.reference, "request_stays_open": row.done_on is None})
        return logged
