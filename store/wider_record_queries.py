"""Reads for the records around a complaint: a resident's needs, remedies and actions,
Ombudsman cases, lessons, service requests and related complaints. Plain, detached rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_
from sqlmodel import Session, select

from store.models import (
    Action,
    Adjustment,
    Complaint,
    Lesson,
    LessonComplaint,
    OmbudsmanCase,
    OmbudsmanFinding,
    OmbudsmanOrder,
    OmbudsmanRequest,
    Remedy,
    Representative,
    Resident,
    Restriction,
    ServiceRequest,
    Vulnerability,
    saved_id,
)


def _current(rows):
    return [row for row in rows if row.ended_on is None]


@dataclass(frozen=True)
class ResidentNeeds:
    resident: Resident
    vulnerabilities: list[Vulnerability]
    adjustments: list[Adjustment]
    representatives: list[Representative]
    restrictions: list[Restriction]
    complaints: list[tuple[str, str, date]] = field(default_factory=list)  # reference, status, received
    service_requests: list[ServiceRequest] = field(default_factory=list)

    @property
    def current_adjustments(self) -> list[Adjustment]:
        return _current(self.adjustments)

    @property
    def current_restrictions(self) -> list[Restriction]:
        return _current(self.restrictions)

    @property
    def current_vulnerabilities(self) -> list[Vulnerability]:
        return _current(self.vulnerabilities)

    @property
    def current_representatives(self) -> list[Representative]:
        return _current(self.representatives)


def resident_needs(session: Session, resident_id: int, with_history: bool = True) -> ResidentNeeds | None:
    resident = session.get(Resident, resident_id)
    if resident is None:
        return None

    def rows(model):
        return list(session.exec(select(model).where(model.resident_id == resident_id).order_by(model.id)))

    complaints, requests = [], []
    if with_history:
        complaints = [
            (ref, status, received)
            for ref, status, received in session.exec(
                select(Complaint.reference, Complaint.status, Complaint.received_on)
                .where(Complaint.resident_id == resident_id).order_by(Complaint.received_on.desc())
            )
        ]
        requests = rows(ServiceRequest)
    return ResidentNeeds(resident, rows(Vulnerability), rows(Adjustment), rows(Representative), rows(Restriction),
                         complaints, requests)


def current_adjustments(session: Session, complaint_id: int) -> list[str]:
    """The reasonable adjustments in force for the complaint's resident (Code 5.10), with
    any noted on the complaint alone (before issue 19 they were not the resident's), once each."""
    complaint = session.get(Complaint, complaint_id)
    if complaint is None:
        return []
    agreed = session.exec(select(Adjustment.description).where(
        Adjustment.resident_id == complaint.resident_id, Adjustment.ended_on == None)  # noqa: E711
        .order_by(Adjustment.id)).all()
    noted = [complaint.adjustments.strip()] if complaint.adjustments.strip() else []
    return noted + [text for text in agreed if text not in noted]


@dataclass(frozen=True)
class OmbudsmanCaseView:
    case: OmbudsmanCase
    requests: list[OmbudsmanRequest]
    findings: list[OmbudsmanFinding]
    orders: list[OmbudsmanOrder]


@dataclass(frozen=True)
class LessonView:
    lesson: Lesson
    complaints: list[str]


@dataclass(frozen=True)
class AroundComplaint:
    remedies: list[Remedy] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    cases: list[OmbudsmanCaseView] = field(default_factory=list)
    lessons: list[LessonView] = field(default_factory=list)
    related_to: str | None = None  # the complaint this one was raised from (Code 6.8)
    raised_here: list[str] = field(default_factory=list)  # complaints logged from this one's new issues
    service_requests: list[ServiceRequest] = field(default_factory=list)


def ombudsman_cases(session: Session, complaint_id: int) -> list[OmbudsmanCaseView]:
    views = []
    for case in session.exec(select(OmbudsmanCase).where(OmbudsmanCase.complaint_id == complaint_id).order_by(OmbudsmanCase.id)):
        def rows(model):
            return list(session.exec(select(model).where(model.case_id == case.id).order_by(model.id)))

        views.append(OmbudsmanCaseView(case, rows(OmbudsmanRequest), rows(OmbudsmanFinding), rows(OmbudsmanOrder)))
    return views


def _lesson_views(session: Session, lessons: list[Lesson]) -> list[LessonView]:
    if not lessons:
        return []
    links: dict[int, list[str]] = {}
    for lesson_id, reference in session.exec(
        select(LessonComplaint.lesson_id, Complaint.reference)
        .join(Complaint, Complaint.id == LessonComplaint.complaint_id)
        .where(LessonComplaint.lesson_id.in_([row.id for row in lessons]))
        .order_by(Complaint.reference)
    ):
        links.setdefault(lesson_id, []).append(reference)
    return [LessonView(row, links.get(saved_id(row), [])) for row in lessons]


def around_complaint(session: Session, complaint: Complaint) -> AroundComplaint:
    def rows(model):
        return list(session.exec(select(model).where(model.complaint_id == complaint.id).order_by(model.id)))

    lessons = list(session.exec(
        select(Lesson).join(LessonComplaint, LessonComplaint.lesson_id == Lesson.id)
        .where(LessonComplaint.complaint_id == complaint.id).order_by(Lesson.id)
    ))
    related_to = None
    if complaint.related_to_id is not None:
        related_to = session.exec(select(Complaint.reference).where(Complaint.id == complaint.related_to_id)).first()
    raised_here = list(session.exec(
        select(Complaint.reference).where(Complaint.related_to_id == complaint.id).order_by(Complaint.id)
    ))
    return AroundComplaint(
        remedies=rows(Remedy), actions=rows(Action), cases=ombudsman_cases(session, saved_id(complaint)),
        lessons=_lesson_views(session, lessons), related_to=related_to, raised_here=raised_here,
        service_requests=rows(ServiceRequest),
    )


# --- lists ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceRequestRow:
    request: ServiceRequest
    resident: str
    complaint_reference: str | None


def service_request_rows(session: Session, *, open_only: bool = True, search: str = "", limit: int = 500) -> list[ServiceRequestRow]:
    query = (
        select(ServiceRequest, Resident.name, Complaint.reference)
        .join(Resident, Resident.id == ServiceRequest.resident_id)
        .join(Complaint, Complaint.id == ServiceRequest.complaint_id, isouter=True)
    )
    if open_only:
        query = query.where(ServiceRequest.done_on == None)  # noqa: E711
    if search.strip():
        like = f"%{search.strip()}%"
        query = query.where(or_(ServiceRequest.reference.ilike(like), Resident.name.ilike(like)))
    query = query.order_by(ServiceRequest.due_on, ServiceRequest.id).limit(limit)
    return [ServiceRequestRow(request, name, ref) for request, name, ref in session.exec(query)]


@dataclass(frozen=True)
class ServiceRequestCounts:
    open: int
    overdue: int
    done: int
    done_late: int
    raised_complaints: int


def service_request_counts(session: Session, today: date) -> ServiceRequestCounts:
    from sqlalchemy import func

    def count(*where) -> int:
        return session.exec(select(func.count()).select_from(ServiceRequest).where(*where)).one()

    return ServiceRequestCounts(
        open=count(ServiceRequest.done_on == None),  # noqa: E711
        overdue=count(ServiceRequest.done_on == None, ServiceRequest.due_on < today),  # noqa: E711
        done=count(ServiceRequest.done_on != None),  # noqa: E711
        done_late=count(ServiceRequest.done_on > ServiceRequest.due_on),
        raised_complaints=count(ServiceRequest.complaint_id != None),  # noqa: E711
    )


def lesson_rows(session: Session, *, open_only: bool = False) -> list[LessonView]:
    query = select(Lesson)
    if open_only:
        query = query.where(Lesson.done_on == None)  # noqa: E711
    return _lesson_views(session, list(session.exec(query.order_by(Lesson.recorded_on.desc(), Lesson.id.desc()))))


def resident_of(session: Session, reference: str) -> int | None:
    """The resident a complaint or service request belongs to."""
    found = session.exec(select(Complaint.resident_id).where(Complaint.reference == reference)).first()
    if found is None:
        found = session.exec(select(ServiceRequest.resident_id).where(ServiceRequest.reference == reference)).first()
    return found
