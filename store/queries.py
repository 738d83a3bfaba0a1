"""Read queries. Each returns plain, detached dataclasses: a screen never holds a session."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, exists, or_
from sqlmodel import Session, select

from store.rows import ComplaintRow
from store.models import (
    AuditEntry,
    Complaint,
    Deadline,
    Definition,
    Extension,
    Refusal,
    Resident,
    Response,
    StageRecord,
    Withdrawal,
)


def _list_select():
    has_definition = exists().where(Definition.stage_id == StageRecord.id)
    next_deadline = and_(
        Deadline.stage_id == StageRecord.id,
        Deadline.active == True,  # noqa: E712
        Deadline.met_on == None,  # noqa: E711
        Deadline.provisional == False,  # noqa: E712
    )
    return (
        select(
            Complaint.id,
            Complaint.reference,
            Resident.name,
            Complaint.current_stage,
            Complaint.status,
            StageRecord.handler,
            Complaint.received_on,
            Complaint.category,
            has_definition.label("defined"),
            StageRecord.acknowledged_on,
            StageRecord.responded_on,
            Deadline.due_on,
            Deadline.step,
            Complaint.version,
        )
        .join(Resident, Resident.id == Complaint.resident_id)
        .join(
            StageRecord,
            and_(StageRecord.complaint_id == Complaint.id, StageRecord.stage == Complaint.current_stage),
        )
        .outerjoin(Deadline, next_deadline)
    )


def _row(values) -> ComplaintRow:
    (cid, ref, name, stage, status, handler, received, category, defined, acked, responded, due, step, version) = values
    return ComplaintRow(
        complaint_id=cid,
        reference=ref,
        resident=name,
        stage=stage,
        status=status,
        handler=handler,
        received_on=received,
        category=category,
        defined=bool(defined),
        acknowledged_on=acked,
        responded_on=responded,
        due_on=due,
        due_step=step,
        version=version,
    )


def open_deadlines(session: Session) -> list[ComplaintRow]:
    """Every open complaint's next Code deadline, soonest first."""
    query = (
        _list_select()
        .where(Complaint.status == "open", Deadline.id != None)  # noqa: E711
        .order_by(Deadline.due_on, Complaint.received_on.desc(), Complaint.reference.desc())
    )
    return [_row(v) for v in session.exec(query)]


def complaint_rows(
    session: Session,
    *,
    search: str = "",
    reference: str | None = None,
    stage: int | None = None,
    status: str | None = None,
    handler: str | None = None,
    overdue_on: date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[ComplaintRow]:
    """The complaint list: open ones first by due date, then the rest, newest first."""
    query = _list_select()
    if search.strip():
        needle = f"%{search.strip()}%"
        query = query.where(or_(Complaint.reference.ilike(needle), Resident.name.ilike(needle)))
    if reference is not None:
        query = query.where(Complaint.reference == reference)
    if stage is not None:
        query = query.where(Complaint.current_stage == stage)
    if status:
        query = query.where(Complaint.status == status)
    if handler:
        query = query.where(StageRecord.handler == handler)
    if overdue_on is not None:
        query = query.where(Complaint.status == "open", Deadline.due_on < overdue_on)
    query = query.order_by(
        (Complaint.status != "open"),
        Deadline.due_on.is_(None),
        Deadline.due_on,
        Complaint.received_on.desc(),
        Complaint.reference.desc(),
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return [_row(v) for v in session.exec(query)]


def handlers(session: Session) -> list[str]:
    return sorted(set(session.exec(select(StageRecord.handler).distinct())))


# --- one complaint in full ---------------------------------------------------------------


@dataclass(frozen=True)
class DeadlineView:
    step: str
    clock_start: date
    working_days: int
    due_on: date
    skipped: list[tuple[date, str]]
    provisional: bool
    active: bool
    met_on: date | None
    by_extension: bool


@dataclass(frozen=True)
class StageView:
    stage: int
    opened_on: date
    handler: str
    escalation_reason: str
    acknowledged_on: date | None
    responded_on: date | None
    definitions: list[Definition]
    extensions: list[Extension]
    response: Response | None
    deadlines: list[DeadlineView]

    @property
    def definition(self) -> Definition | None:
        return self.definitions[-1] if self.definitions else None


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str
    action: str
    details: dict


@dataclass(frozen=True)
class ComplaintDetail:
    complaint: Complaint
    resident: Resident
    stages: list[StageView]
    refusal: Refusal | None
    withdrawal: Withdrawal | None
    history: list[HistoryEntry] = field(default_factory=list)

    @property
    def current(self) -> StageView:
        return self.stages[-1]

    def stage(self, number: int) -> StageView | None:
        return next((s for s in self.stages if s.stage == number), None)


def complaint_detail(session: Session, reference: str) -> ComplaintDetail | None:
    complaint = session.exec(select(Complaint).where(Complaint.reference == reference)).first()
    if complaint is None:
        return None
    resident = session.get(Resident, complaint.resident_id)
    stages = []
    for record in session.exec(
        select(StageRecord).where(StageRecord.complaint_id == complaint.id).order_by(StageRecord.stage)
    ):
        deadlines = [
            DeadlineView(
                step=d.step,
                clock_start=d.clock_start,
                working_days=d.working_days,
                due_on=d.due_on,
                skipped=[(date.fromisoformat(a), b) for a, b in json.loads(d.skipped_json)],
                provisional=d.provisional,
                active=d.active,
                met_on=d.met_on,
                by_extension=d.extension_id is not None,
            )
            for d in session.exec(select(Deadline).where(Deadline.stage_id == record.id).order_by(Deadline.id))
        ]
        stages.append(
            StageView(
                stage=record.stage,
                opened_on=record.opened_on,
                handler=record.handler,
                escalation_reason=record.escalation_reason,
                acknowledged_on=record.acknowledged_on,
                responded_on=record.responded_on,
                definitions=list(
                    session.exec(select(Definition).where(Definition.stage_id == record.id).order_by(Definition.id))
                ),
                extensions=list(
                    session.exec(select(Extension).where(Extension.stage_id == record.id).order_by(Extension.id))
                ),
                response=session.exec(select(Response).where(Response.stage_id == record.id)).first(),
                deadlines=deadlines,
            )
        )
    history = [
        HistoryEntry(a.at, a.actor, a.action, json.loads(a.details_json))
        for a in session.exec(
            select(AuditEntry).where(AuditEntry.complaint_id == complaint.id).order_by(AuditEntry.id)
        )
    ]
    return ComplaintDetail(
        complaint=complaint,
        resident=resident,
        stages=stages,
        refusal=session.exec(select(Refusal).where(Refusal.complaint_id == complaint.id)).first(),
        withdrawal=session.exec(select(Withdrawal).where(Withdrawal.complaint_id == complaint.id)).first(),
        history=history,
    )
