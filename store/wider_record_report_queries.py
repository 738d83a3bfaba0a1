"""Reads for the annual report and the self-assessment evidence from the records around a
complaint (issue 7): remedies, outstanding actions, service requests, Ombudsman cases,
lessons, and a resident's adjustments, vulnerabilities, representatives and restrictions.

As in store.report_queries: plain, detached dataclasses of facts, no counting or judging
(chc_tui.figures.report and chc_tui.figures.assessment_evidence do that). Every query filters by date in
SQL and selects only the columns it needs, so a store of 100,000 complaints is never read
whole: only the rows that can bear on the year `start`..`end` (1 April to 31 March).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, or_
from sqlmodel import Session, func, select

from store.columns import select_row
from store.engine import plain_rows
from store.models import (
    Action,
    Adjustment,
    Complaint,
    Lesson,
    LessonComplaint,
    OmbudsmanCase,
    OmbudsmanFinding,
    OmbudsmanOrder,
    Remedy,
    Representative,
    Restriction,
    ServiceRequest,
    Vulnerability,
)


# --- facts -----------------------------------------------------------------------------------


# Read-only like the others, but not `frozen`: a frozen dataclass sets each field through
# object.__setattr__, three times the cost of building a slotted one (a busy year reads
# some 100,000 of these at 300k complaints; store.stage_queries.StageFacts did the same).
@dataclass(slots=True, unsafe_hash=True)
class RemedyFacts:
    remedy_id: int
    reference: str  # the complaint's
    stage: int
    kind: str
    description: str
    amount_pence: int | None
    offered_on: date
    due_on: date | None
    declined_on: date | None
    done_on: date | None


@dataclass(slots=True, unsafe_hash=True)  # read-only: see RemedyFacts
class ActionFacts:
    action_id: int
    reference: str
    description: str
    owner: str
    due_on: date
    done_on: date | None


@dataclass(slots=True, unsafe_hash=True)  # read-only: see RemedyFacts
class ServiceRequestFacts:
    reference: str  # the request's (SR2026-0001)
    received_on: date
    due_on: date
    done_on: date | None
    complaint_reference: str | None  # the complaint raised from it, if any
    complaint_received_on: date | None


@dataclass(frozen=True)
class CaseFacts:
    reference: str  # the complaint's
    ombudsman_reference: str
    opened_on: date
    closed_on: date | None
    chfo_on: date | None
    chfo_reason: str


@dataclass(frozen=True)
class FindingFacts:
    reference: str
    ombudsman_reference: str
    issue: str
    determination: str
    determined_on: date


@dataclass(frozen=True)
class OrderFacts:
    reference: str
    ombudsman_reference: str
    kind: str  # order | recommendation
    description: str
    due_on: date
    complied_on: date | None
    order_id: int = 0
    determination: str | None = None  # the finding it was made on (Code 9.7(c)); None when not linked
    issue: str = ""  # that finding's issue


@dataclass(slots=True, unsafe_hash=True)  # read-only: see RemedyFacts
class ThemeFacts:
    reference: str
    received_on: date
    theme: str


@dataclass(frozen=True)
class LessonFacts:
    lesson_id: int
    theme: str
    lesson: str
    improvement: str
    recorded_on: date
    due_on: date | None
    done_on: date | None
    complaints: tuple[str, ...]  # the references that taught it, sorted

    @property
    def reference(self) -> str:
        return f"L{self.lesson_id}"


@dataclass(frozen=True)
class WiderRecordFacts:
    """Everything the annual report reads from the records around the complaints."""

    remedies: tuple[RemedyFacts, ...] = ()
    actions: tuple[ActionFacts, ...] = ()
    service_requests: tuple[ServiceRequestFacts, ...] = ()
    cases: tuple[CaseFacts, ...] = ()
    findings: tuple[FindingFacts, ...] = ()
    orders: tuple[OrderFacts, ...] = ()
    themes: tuple[ThemeFacts, ...] = ()  # complaints received in the year
    lessons: tuple[LessonFacts, ...] = ()


@dataclass(frozen=True)
class ResidentRecordFacts:
    """One adjustment, vulnerability, representative or restriction, with the resident's
    newest complaint reference (for naming it) when they have one."""

    kind: str  # adjustment | vulnerability | representative | restriction
    record_id: int
    resident_id: int
    reference: str  # the resident's newest complaint, or "resident N"
    description: str
    start: date | None  # agreed_on | disclosed_on | authority_confirmed_on | decided_on
    review_on: date | None = None
    reviewed_on: date | None = None
    ended_on: date | None = None


@dataclass(frozen=True)
class EvidenceFacts:
    """What the self-assessment evidence reads from the records around the complaints;
    `has` names the kinds of record the store holds at all (any year)."""

    remedies: tuple[RemedyFacts, ...] = ()
    service_requests: tuple[ServiceRequestFacts, ...] = ()
    lessons: tuple[LessonFacts, ...] = ()
    adjustments: tuple[ResidentRecordFacts, ...] = ()
    vulnerabilities: tuple[ResidentRecordFacts, ...] = ()
    representatives: tuple[ResidentRecordFacts, ...] = ()
    restrictions: tuple[ResidentRecordFacts, ...] = ()
    has: frozenset[str] = field(default_factory=frozenset)


# --- queries -----------------------------------------------------------------------------------


def remedies_for_year(session: Session, start: date, end: date) -> list[RemedyFacts]:
    """Remedies offered by the year end that were offered, due or done in the year, or
    were still open (neither done nor declined) when the year began."""
    query = (
        select_row(Remedy.id, Complaint.reference, Remedy.stage, Remedy.kind, Remedy.description, Remedy.amount_pence,
               Remedy.offered_on, Remedy.due_on, Remedy.declined_on, Remedy.done_on)
        .join(Complaint, Complaint.id == Remedy.complaint_id)
        .where(
            Remedy.offered_on <= end,
            or_(
                Remedy.offered_on >= start,
                Remedy.due_on >= start,
                Remedy.done_on >= start,
                and_(Remedy.done_on == None, or_(Remedy.declined_on == None, Remedy.declined_on >= start)),  # noqa: E711
            ),
        )
        .order_by(Remedy.offered_on, Complaint.reference, Remedy.id)
    )
    return [RemedyFacts(*row) for row in plain_rows(session, query).all()]


def actions_for_year(session: Session, start: date, end: date) -> list[ActionFacts]:
    """Outstanding actions due by the year end that were due or done in the year, or not
    done when it began. (An action keeps no date it was added: its due date stands in.)"""
    query = (
        select_row(Action.id, Complaint.reference, Action.description, Action.owner, Action.due_on, Action.done_on)
        .join(Complaint, Complaint.id == Action.complaint_id)
        .where(
            # each term an indexed range (ix_action_due_on, ix_action_open), so SQLite reads
            # them through the indexes rather than every action of ten years
            or_(
                and_(Action.due_on >= start, Action.due_on <= end),
                and_(Action.done_on >= start, Action.done_on <= end),
                and_(Action.due_on < start, Action.done_on == None),  # noqa: E711
                and_(Action.due_on < start, Action.done_on >= start),
            )
        )
    )
    # Sorted here: given an ORDER BY due_on, SQLite walks the whole due_on index instead.
    rows = sorted(plain_rows(session, query).all(), key=lambda r: (r[4], r[1], r[0]))  # due, reference, id
    return [ActionFacts(*row) for row in rows]


def service_requests_for_year(session: Session, start: date, end: date) -> list[ServiceRequestFacts]:
    """Service requests received in the year, and those a complaint received in the year
    was raised from (whenever the request came in). Two indexed reads, not one OR across
    an outer join, which would read every request of ten years."""
    columns = (ServiceRequest.id, ServiceRequest.reference, ServiceRequest.received_on, ServiceRequest.due_on,
               ServiceRequest.done_on, Complaint.reference, Complaint.received_on)
    received = (
        select_row(*columns)
        .outerjoin(Complaint, Complaint.id == ServiceRequest.complaint_id)
        .where(ServiceRequest.received_on >= start, ServiceRequest.received_on <= end)
    )
    raised = (
        select_row(*columns)
        .join(Complaint, Complaint.id == ServiceRequest.complaint_id)
        .where(Complaint.received_on >= start, Complaint.received_on <= end)
    )
    rows = {row[0]: row[1:] for query in (received, raised) for row in plain_rows(session, query).all()}
    return [ServiceRequestFacts(*row) for row in sorted(rows.values(), key=lambda r: (r[1], r[0]))]


def ombudsman_for_year(
    session: Session, start: date, end: date
) -> tuple[list[CaseFacts], list[FindingFacts], list[OrderFacts]]:
    """Cases opened or given a Complaint Handling Failure Order in the year, findings
    determined in the year, and orders and recommendations due in the year or open at some
    time in it (made by the year end, not complied with before it began), each with the
    finding it was made on."""
    cases = plain_rows(session,
        select_row(Complaint.reference, OmbudsmanCase.ombudsman_reference, OmbudsmanCase.opened_on, OmbudsmanCase.closed_on,
               OmbudsmanCase.chfo_on, OmbudsmanCase.chfo_reason)
        .join(Complaint, Complaint.id == OmbudsmanCase.complaint_id)
        .where(or_(and_(OmbudsmanCase.opened_on >= start, OmbudsmanCase.opened_on <= end),
                   and_(OmbudsmanCase.chfo_on >= start, OmbudsmanCase.chfo_on <= end)))
        .order_by(OmbudsmanCase.opened_on, OmbudsmanCase.ombudsman_reference)
    )
    findings = plain_rows(session,
        select_row(Complaint.reference, OmbudsmanCase.ombudsman_reference, OmbudsmanFinding.issue,
               OmbudsmanFinding.determination, OmbudsmanFinding.determined_on)
        .join(OmbudsmanCase, OmbudsmanCase.id == OmbudsmanFinding.case_id)
        .join(Complaint, Complaint.id == OmbudsmanCase.complaint_id)
        .where(OmbudsmanFinding.determined_on >= start, OmbudsmanFinding.determined_on <= end)
        .order_by(OmbudsmanFinding.determined_on, OmbudsmanCase.ombudsman_reference, OmbudsmanFinding.id)
    )
    orders = plain_rows(session,
        select_row(Complaint.reference, OmbudsmanCase.ombudsman_reference, OmbudsmanOrder.kind, OmbudsmanOrder.description,
               OmbudsmanOrder.due_on, OmbudsmanOrder.complied_on, OmbudsmanOrder.id, OmbudsmanFinding.determination,
               OmbudsmanFinding.issue)
        .join(OmbudsmanCase, OmbudsmanCase.id == OmbudsmanOrder.case_id)
        .join(Complaint, Complaint.id == OmbudsmanCase.complaint_id)
        .outerjoin(OmbudsmanFinding, OmbudsmanFinding.id == OmbudsmanOrder.finding_id)
        .where(or_(
            and_(OmbudsmanOrder.due_on >= start, OmbudsmanOrder.due_on <= end),
            # made by the year end (its finding determined by then; an order on no finding: its
            # case opened by then) and not complied with before the year began: carried
            # forward from earlier years, or due after the year end
            and_(func.coalesce(OmbudsmanFinding.determined_on, OmbudsmanCase.opened_on) <= end,
                 or_(OmbudsmanOrder.complied_on == None, OmbudsmanOrder.complied_on >= start)),  # noqa: E711
        ))
        .order_by(OmbudsmanOrder.due_on, OmbudsmanCase.ombudsman_reference, OmbudsmanOrder.id)
    )
    return ([CaseFacts(*r) for r in cases], [FindingFacts(*r) for r in findings],
            [OrderFacts(ref, ombudsman_ref, kind, description, due_on, complied_on, order_id, determination, issue or "")
             for ref, ombudsman_ref, kind, description, due_on, complied_on, order_id, determination, issue in orders])


def themes_for_year(session: Session, start: date, end: date) -> list[ThemeFacts]:
    """Each complaint received in the year with its theme ('' when none is recorded)."""
    query = (
        select(Complaint.reference, Complaint.received_on, Complaint.theme)
        .where(Complaint.received_on >= start, Complaint.received_on <= end)
        .order_by(Complaint.received_on, Complaint.reference)
    )
    return [ThemeFacts(ref, received, theme or "") for ref, received, theme in plain_rows(session, query).all()]


def lessons_for_year(session: Session, start: date, end: date) -> list[LessonFacts]:
    """Lessons recorded by the year end that were recorded in the year, had their
    improvement put in place in it, or still had one to put in place when it began."""
    rows = list(plain_rows(session,
        select_row(Lesson.id, Lesson.theme, Lesson.lesson, Lesson.improvement, Lesson.recorded_on, Lesson.due_on,
               Lesson.done_on)
        .where(
            Lesson.recorded_on <= end,
            or_(
                Lesson.recorded_on >= start,
                Lesson.done_on >= start,
                and_(Lesson.done_on == None, Lesson.improvement != ""),  # noqa: E711
            ),
        )
        .order_by(Lesson.recorded_on, Lesson.id)
    ))
    linked: dict[int, list[str]] = {}
    ids = [r[0] for r in rows]
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        for lesson_id, reference in plain_rows(session,
            select(LessonComplaint.lesson_id, Complaint.reference)
            .join(Complaint, Complaint.id == LessonComplaint.complaint_id)
            .where(LessonComplaint.lesson_id.in_(chunk))
        ):
            linked.setdefault(lesson_id, []).append(reference)
    return [
        LessonFacts(lid, theme, lesson, improvement or "", recorded, due, done, tuple(sorted(linked.get(lid, ()))))
        for lid, theme, lesson, improvement, recorded, due, done in rows
    ]


def around_facts(session: Session, start: date, end: date) -> WiderRecordFacts:
    """The annual report's reads from the records around the complaints, for one year."""
    cases, findings, orders = ombudsman_for_year(session, start, end)
    return WiderRecordFacts(
        remedies=tuple(remedies_for_year(session, start, end)),
        actions=tuple(actions_for_year(session, start, end)),
        service_requests=tuple(service_requests_for_year(session, start, end)),
        cases=tuple(cases),
        findings=tuple(findings),
        orders=tuple(orders),
        themes=tuple(themes_for_year(session, start, end)),
        lessons=tuple(lessons_for_year(session, start, end)),
    )


# --- a resident's records, for the self-assessment ------------------------------------------------


def _names(session: Session, resident_ids: set[int]) -> dict[int, str]:
    """Each resident's newest complaint reference, to name their records by."""
    found: dict[int, str] = {}
    ids = sorted(resident_ids)
    for chunk in (ids[i:i + 500] for i in range(0, len(ids), 500)):
        newest = (
            select(Complaint.resident_id, func.max(Complaint.id).label("newest"))
            .where(Complaint.resident_id.in_(chunk))
            .group_by(Complaint.resident_id)
            .subquery()
        )
        for resident_id, reference in plain_rows(session,
            select(newest.c.resident_id, Complaint.reference).join(newest, newest.c.newest == Complaint.id)
        ):
            found[resident_id] = reference
    return found


def _live(model, start_column, start: date, end: date):
    """Begun by the year end and not ended before it began."""
    return and_(start_column <= end, or_(model.ended_on == None, model.ended_on >= start))  # noqa: E711


def resident_records_for_year(
    session: Session, start: date, end: date
) -> tuple[list[ResidentRecordFacts], list[ResidentRecordFacts], list[ResidentRecordFacts], list[ResidentRecordFacts]]:
    """Adjustments, vulnerabilities, representatives and restrictions in force at some time
    in the year (a representative keeps no date it was added: those not ended before the
    year began count)."""
    adjustments = list(plain_rows(session,
        select_row(Adjustment.id, Adjustment.resident_id, Adjustment.description, Adjustment.agreed_on, Adjustment.review_on,
               Adjustment.reviewed_on, Adjustment.ended_on)
        .where(_live(Adjustment, Adjustment.agreed_on, start, end)).order_by(Adjustment.agreed_on, Adjustment.id)
    ))
    vulnerabilities = list(plain_rows(session,
        select_row(Vulnerability.id, Vulnerability.resident_id, Vulnerability.description, Vulnerability.disclosed_on,
               Vulnerability.ended_on)
        .where(_live(Vulnerability, Vulnerability.disclosed_on, start, end))
        .order_by(Vulnerability.disclosed_on, Vulnerability.id)
    ))
    representatives = list(plain_rows(session,
        select_row(Representative.id, Representative.resident_id, Representative.name, Representative.relationship,
               Representative.authority_confirmed_on, Representative.ended_on)
        .where(or_(Representative.ended_on == None, Representative.ended_on >= start))  # noqa: E711
        .order_by(Representative.id)
    ))
    restrictions = list(plain_rows(session,
        select_row(Restriction.id, Restriction.resident_id, Restriction.restriction, Restriction.decided_on,
               Restriction.review_on, Restriction.reviewed_on, Restriction.ended_on)
        .where(_live(Restriction, Restriction.decided_on, start, end)).order_by(Restriction.decided_on, Restriction.id)
    ))
    residents = {r[1] for rows in (adjustments, vulnerabilities, representatives, restrictions) for r in rows}
    names = _names(session, residents)

    def ref(resident_id: int) -> str:
        return names.get(resident_id, f"resident {resident_id}")

    return (
        [ResidentRecordFacts("adjustment", i, rid, ref(rid), d, agreed, review, reviewed, ended)
         for i, rid, d, agreed, review, reviewed, ended in adjustments],
        [ResidentRecordFacts("vulnerability", i, rid, ref(rid), d, disclosed, ended_on=ended)
         for i, rid, d, disclosed, ended in vulnerabilities],
        [ResidentRecordFacts("representative", i, rid, ref(rid), f"{name} ({relationship})", confirmed, ended_on=ended)
         for i, rid, name, relationship, confirmed, ended in representatives],
        [ResidentRecordFacts("restriction", i, rid, ref(rid), d, decided, review, reviewed, ended)
         for i, rid, d, decided, review, reviewed, ended in restrictions],
    )


HeldModel = (
    type[ServiceRequest] | type[Remedy] | type[Lesson] | type[Adjustment] | type[Vulnerability]
    | type[Representative] | type[Restriction]
)
HELD: dict[str, HeldModel] = {
    "service_request": ServiceRequest,
    "remedy": Remedy,
    "lesson": Lesson,
    "adjustment": Adjustment,
    "vulnerability": Vulnerability,
    "representative": Representative,
    "restriction": Restriction,
}


def kinds_held(session: Session) -> frozenset[str]:
    """Which kinds of record the store holds at all, one look-up each."""
    return frozenset(
        name for name, model in HELD.items() if session.exec(select(model.id).limit(1)).first() is not None
    )


def evidence_facts(session: Session, start: date, end: date) -> EvidenceFacts:
    """The self-assessment evidence's reads from the records around the complaints."""
    adjustments, vulnerabilities, representatives, restrictions = resident_records_for_year(session, start, end)
    return EvidenceFacts(
        remedies=tuple(remedies_for_year(session, start, end)),
        service_requests=tuple(service_requests_for_year(session, start, end)),
        lessons=tuple(lessons_for_year(session, start, end)),
        adjustments=tuple(adjustments),
        vulnerabilities=tuple(vulnerabilities),
        representatives=tuple(representatives),
        restrictions=tuple(restrictions),
        has=kinds_held(session),
    )
