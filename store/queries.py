"""Read queries. Each returns plain, detached dataclasses: a screen never holds a session."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import and_, exists, func, or_, union_all
from sqlmodel import Session, select

from store import search_index, staff_queries
from store.columns import select_row
from store.engine import plain_rows
from store.running import RUNNING_DEADLINE_COLUMNS
from store.rows import ComplaintRow, list_row
from store.models import (
    AuditEntry,
    Attachment,
    Complaint,
    Correspondence,
    Deadline,
    Definition,
    Extension,
    Letter,
    LetterDelivery,
    Refusal,
    Resident,
    Response,
    StageRecord,
    Withdrawal,
    saved_id,
)

if TYPE_CHECKING:
    from store.wider_record_queries import AroundComplaint, ResidentNeeds


def _next_deadline():
    """A stage's next Code deadline: running, not met, not provisional."""
    return and_(
        Deadline.stage_id == StageRecord.id,
        *(getattr(Deadline, column).is_(None) if value is None else getattr(Deadline, column) == value
          for column, value in RUNNING_DEADLINE_COLUMNS),
    )


def _list_columns():
    has_definition = exists().where(Definition.stage_id == StageRecord.id)
    return (
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


def _list_select(*, due_only: bool = False):
    """The list's columns. `due_only` keeps only rows with a next deadline (an inner join),
    which lets SQLite start from ix_deadline_running instead of every stage record."""
    query = (
        select_row(*_list_columns())
        .join(Resident, Resident.id == Complaint.resident_id)
        .join(
            StageRecord,
            and_(StageRecord.complaint_id == Complaint.id, StageRecord.stage == Complaint.current_stage),
        )
    )
    return query.join(Deadline, _next_deadline()) if due_only else query.outerjoin(Deadline, _next_deadline())


def _page_of(clauses: list, order: tuple, limit: int, offset: int):
    """The list's page of the rows `clauses` keep, in `order`: the rows are sorted by their
    ids and sort keys alone, and only the page's rows then read their other columns (the
    resident, the definition): a search over every state matches thousands (4,611 at
    300k for a common surname) for a page of a few hundred. Same rows, same order."""
    page = (
        select_row(Complaint.id.label("cid"), StageRecord.id.label("sid"), Deadline.id.label("did"))
        .join(
            StageRecord,
            and_(StageRecord.complaint_id == Complaint.id, StageRecord.stage == Complaint.current_stage),
        )
        .outerjoin(Deadline, _next_deadline())
        .where(*clauses)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
        .subquery("page")
    )
    return (
        select_row(*_list_columns())
        .select_from(page)
        .join(Complaint, Complaint.id == page.c.cid)
        .join(Resident, Resident.id == Complaint.resident_id)
        .join(StageRecord, StageRecord.id == page.c.sid)
        .outerjoin(Deadline, Deadline.id == page.c.did)
        .order_by(*order)
    )


_row = list_row


def open_deadlines(session: Session, *, handler_staff_id: int | None = None, limit: int | None = None) -> list[ComplaintRow]:
    """Every open complaint's next Code deadline, soonest first (the `limit` soonest); with
    `handler_staff_id`, only those assigned to that person at their current stage ("mine")."""
    # From the running deadlines (ix_deadline_running, ~3,700 at 300k, in due-date order, so
    # a page stops at its last row) to their stages and complaints by primary key, rather
    # than from the open complaints through their stages. `status || ''`
    # keeps SQLite off ix_complaint_status, which it would otherwise start from.
    query = (
        _list_select(due_only=True)
        .where(*_open_deadline_where(handler_staff_id))
        .order_by(Deadline.due_on, Complaint.received_on.desc(), Complaint.reference.desc())
        .limit(limit)
    )
    # Through the connection, not the ORM, whose per-row loading was a tenth of the
    # panel's reload at 300k (3,074 rows). Same rows, same values.
    return [_row(v) for v in plain_rows(session, query)]


def _open_deadline_where(handler_staff_id: int | None) -> list:
    # `+ 0` keeps SQLite off ix_stage_record_handler_staff_id (a handler's ten years of
    # stages, 17k at 300k), so it walks the running deadlines in order: 30 -> 3 ms.
    mine = [] if handler_staff_id is None else [StageRecord.handler_staff_id + 0 == handler_staff_id]
    return [Complaint.status.concat("") == "open", *mine]


def open_deadline_days(session: Session, *, handler_staff_id: int | None = None) -> dict[date, int]:
    """How many of `open_deadlines` fall due on each day: the panel's counts by state,
    without building a row for each. The same joins less the resident's and the
    definition's (every complaint has its resident: a NOT NULL foreign key)."""
    query = (
        select(Deadline.due_on, func.count())
        .select_from(Complaint)
        .join(StageRecord, and_(StageRecord.complaint_id == Complaint.id, StageRecord.stage == Complaint.current_stage))
        .join(Deadline, _next_deadline())
        .where(*_open_deadline_where(handler_staff_id))
        .group_by(Deadline.due_on)
    )
    return {due_on: count for due_on, count in plain_rows(session, query)}


def complaint_rows(
    session: Session,
    *,
    search: str = "",
    reference: str | None = None,
    stage: int | None = None,
    status: str | None = None,
    handler: str | None = None,
    handler_staff_id: int | None = None,
    overdue_on: date | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[ComplaintRow]:
    """The complaint list: open ones first by due date, then the rest, newest first.

    Ten years of records are about 98% closed, so a page is read group by group, each
    along its own index and stopping once the page is full, rather than by joining and
    sorting every complaint: the open ones (ix_complaint_status), then closed ones that
    somehow still have a deadline (ix_deadline_running, nearly always none), then the rest
    newest first (ix_complaint_received_on). Same rows, same order as one query would give.
    """
    open_only = status == "open" or overdue_on is not None
    needle = search.strip()
    clauses = []
    if needle:
        pattern = f"%{needle}%"
        if session.get_bind().dialect.name != "sqlite":
            # PostgreSQL's LIKE is case-sensitive; ILIKE is what SQLite's LIKE does.
            like = lambda column, p: column.ilike(p)  # noqa: E731
        else:
            like = lambda column, p: column.like(p)  # noqa: E731
        # SQLite's LIKE ignores ASCII case, exactly what ilike's lower() does there, but
        # without a function call per row. Over open complaints the status index leads and
        # each row is tested; over all of them, references and names are scanned in their
        # own (covering) indexes and only the matching complaints are joined and sorted.
        if open_only:
            clauses.append(or_(like(Complaint.reference, pattern), like(Resident.name, pattern)))
        elif (session.get_bind().dialect.name == "sqlite" and search_index.indexed(needle)
              and search_index.usable(session)):
            # The same LIKE, answered from the trigram index (migration 0023): its rows
            # are resident and complaint ids, and SQLite tests the LIKE on each.
            named = search_index.matching_rowids("resident_name_search", pattern)
            matching = union_all(
                search_index.matching_rowids("complaint_reference_search", pattern),
                select(Complaint.id).where(Complaint.resident_id.in_(named)).correlate(None),
            )
            clauses.append(Complaint.id.in_(matching))
        else:
            named = select(Resident.id).where(like(Resident.name, pattern)).correlate(None)
            matching = union_all(
                select(Complaint.id).where(like(Complaint.reference, pattern)).correlate(None),
                select(Complaint.id).where(Complaint.resident_id.in_(named)).correlate(None),
            )
            clauses.append(Complaint.id.in_(matching))
    if reference is not None:
        clauses.append(Complaint.reference == reference)
    if stage is not None:
        clauses.append(Complaint.current_stage == stage)
    if handler:
        clauses.append(StageRecord.handler == handler)
    if handler_staff_id is not None:  # "mine": assigned to this person at the current stage
        clauses.append(StageRecord.handler_staff_id == handler_staff_id)
    if overdue_on is not None:
        clauses.append(and_(Complaint.status == "open", Deadline.due_on < overdue_on))
    by_due = (
        Deadline.due_on.is_(None),
        Deadline.due_on,
        Complaint.received_on.desc(),
        Complaint.reference.desc(),
    )
    if limit is None or needle or reference is not None or handler or handler_staff_id is not None:
        # Everything, or a set already narrowed (a search, a reference, one handler's
        # stages through ix_stage_record_handler or ix_stage_record_handler_staff_id):
        # one query, sorted whole.
        if status:
            clauses.append(Complaint.status == status)
        order = ((Complaint.status != "open"), *by_due)
        if needle and not open_only and limit is not None:  # the clauses name no resident column
            return [_row(v) for v in session.exec(_page_of(clauses, order, limit, offset))]
        query = _list_select().where(*clauses).order_by(*order)
        if limit is not None:
            query = query.limit(limit).offset(offset)
        return [_row(v) for v in session.exec(query)]

    groups = []
    if not status or status == "open":
        groups.append(_list_select().where(*clauses, Complaint.status == "open").order_by(*by_due))
    if not open_only:
        rest = [*clauses, Complaint.status != "open"]
        if status:
            # `status || ''`: compared without ix_complaint_status, so that "closed" (most of
            # the table) is read newest first and stops at the page, not read whole and sorted.
            rest.append(Complaint.status.concat("") == status)
        groups.append(_list_select(due_only=True).where(*rest).order_by(*by_due))
        groups.append(
            _list_select()
            .where(*rest, Deadline.id == None)  # noqa: E711
            .order_by(Complaint.received_on.desc(), Complaint.reference.desc())
        )
    wanted = offset + limit
    rows: list[ComplaintRow] = []
    for query in groups:
        if len(rows) >= wanted:
            break
        rows.extend(_row(v) for v in session.exec(query.limit(wanted - len(rows))))
    return rows[offset:wanted]


def complaints_on_record(session: Session) -> int:
    """About how many complaints the file holds (the newest id: deletions aside), read
    from the primary key alone: the size that decides where a report is counted."""
    return session.exec(select(func.max(Complaint.id))).one() or 0


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
    handler_staff_id: int | None = None  # the staff member assigned (issue 17)
    update_every_days: int | None = None  # the update interval agreed with the resident (5.9)
    update_agreed_on: date | None = None

    @property
    def definition(self) -> Definition | None:
        return self.definitions[-1] if self.definitions else None


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    actor: str  # the login used
    action: str
    details: dict
    before: dict = field(default_factory=dict)
    actor_name: str = ""  # who that login is on the staff register

    @property
    def who(self) -> str:
        """"Gareth Lewis (login glewis)", or the login alone before the register."""
        if self.actor_name and self.actor_name != self.actor:
            return f"{self.actor_name} (login {self.actor})"
        return self.actor


@dataclass(frozen=True)
class CorrespondenceView:
    item: Correspondence
    attachments: list[Attachment]


@dataclass(frozen=True)
class ComplaintDetail:
    complaint: Complaint
    resident: Resident
    stages: list[StageView]
    refusal: Refusal | None
    withdrawal: Withdrawal | None
    history: list[HistoryEntry] = field(default_factory=list)
    letters: list[Letter] = field(default_factory=list)
    deliveries: dict[int, LetterDelivery] = field(default_factory=dict)  # letter id -> how it goes (issue 21)
    correspondence: list[CorrespondenceView] = field(default_factory=list)
    # The resident's needs (Code 5.10, 3.6, 5.14) and the records around the complaint (issue 7).
    needs: "ResidentNeeds | None" = None
    around: "AroundComplaint | None" = None
    staff_names: dict[int, str] = field(default_factory=dict)  # staff id -> display name

    def by(self, record, typed: str = "") -> str:
        """Who did a step record: their name on the staff register, else what the record
        says (a login, from before the register)."""
        staff_id = getattr(record, "by_staff_id", None)
        return self.staff_names.get(staff_id, typed) if staff_id is not None else typed

    @property
    def current(self) -> StageView:
        return self.stages[-1]

    def stage(self, number: int) -> StageView | None:
        return next((s for s in self.stages if s.stage == number), None)


def complaint_detail(session: Session, reference: str) -> ComplaintDetail | None:
    from store.wider_record_queries import around_complaint, resident_needs

    complaint = session.exec(select(Complaint).where(Complaint.reference == reference)).first()
    if complaint is None:
        return None
    resident = session.get_one(Resident, complaint.resident_id)  # the complaint's resident: a foreign key
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
                handler_staff_id=record.handler_staff_id,
                update_every_days=record.update_every_days,
                update_agreed_on=record.update_agreed_on,
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
    entries = list(session.exec(select(AuditEntry).where(AuditEntry.complaint_id == complaint.id).order_by(AuditEntry.id)))
    letters = list(session.exec(select(Letter).where(Letter.complaint_id == complaint.id).order_by(Letter.id)))
    deliveries = {d.letter_id: d for d in session.exec(
        select(LetterDelivery).join(Letter, LetterDelivery.letter_id == Letter.id)
        .where(Letter.complaint_id == complaint.id))}
    records = [r for s in stages for r in (*s.definitions, *s.extensions, s.response) if r is not None] + letters
    names = staff_queries.names_by_id(
        session, {a.actor_staff_id for a in entries} | {r.by_staff_id for r in records}
    )
    history = [
        HistoryEntry(a.at, a.actor, a.action, json.loads(a.details_json), json.loads(a.before_json or "{}"),
                     names.get(a.actor_staff_id, "") if a.actor_staff_id is not None else "")
        for a in entries
    ]
    return ComplaintDetail(
        complaint=complaint,
        resident=resident,
        stages=stages,
        refusal=session.exec(select(Refusal).where(Refusal.complaint_id == complaint.id)).first(),
        withdrawal=session.exec(select(Withdrawal).where(Withdrawal.complaint_id == complaint.id)).first(),
        history=history,
        letters=letters,
        deliveries=deliveries,
        correspondence=_correspondence(session, saved_id(complaint)),
        needs=resident_needs(session, saved_id(resident), with_history=False),
        around=around_complaint(session, complaint),
        staff_names=names,
    )


def _correspondence(session: Session, complaint_id: int) -> list[CorrespondenceView]:
    items = list(
        session.exec(
            select(Correspondence)
            .where(Correspondence.complaint_id == complaint_id)
            .order_by(Correspondence.happened_on, Correspondence.id)
        )
    )
    files: dict[int, list[Attachment]] = {}
    if items:
        for attachment in session.exec(
            select(Attachment)
            .where(Attachment.correspondence_id.in_([c.id for c in items]))
            .order_by(Attachment.id)
        ):
            files.setdefault(attachment.correspondence_id, []).append(attachment)
    return [CorrespondenceView(c, files.get(saved_id(c), [])) for c in items]
