"""Every due date around complaints that is still running, for the deadline panel:
adjustment and restriction reviews, service request targets, remedies, outstanding actions,
the Ombudsman's requests and orders, service improvements promised from lessons, and the
updates agreed with residents on open stages (Code 5.9).

Each kind is one small query on rows not yet done; they are few next to the complaints.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from store.columns import select_row
from store.engine import plain_rows
from store.models import (
    Action,
    Adjustment,
    Complaint,
    Correspondence,
    Lesson,
    Letter,
    OmbudsmanCase,
    OmbudsmanOrder,
    OmbudsmanRequest,
    Remedy,
    Resident,
    Restriction,
    ServiceRequest,
    StageRecord,
)

# kind -> the panel's words for it; the order is the order of the panel's kind filter
KINDS: dict[str, str] = {
    "adjustment": "review adjustment",
    "restriction": "review restriction",
    "service_request": "service request",
    "remedy": "remedy",
    "action": "action",
    "ombudsman_request": "Ombudsman request",
    "ombudsman_order": "Ombudsman order",
    "improvement": "improvement",
    "update": "update due",
}


@dataclass(frozen=True)
class OtherDeadlineRow:
    kind: str  # a key of KINDS
    item_id: int
    reference: str  # the complaint's, or the service request's, or "" (a lesson)
    complaint_reference: str | None  # where Enter goes, when the item belongs to a complaint
    who: str  # the resident, or the lesson's theme
    what: str
    due_on: date
    resident_id: int | None = None  # for reviews: where Enter goes (the resident's needs)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def _latest_complaint_by_resident(session: Session, resident_ids: set[int]) -> dict[int, str]:
    """A resident's newest complaint: where their reviews open (the complaint screen shows
    the resident's needs and leads to the resident)."""
    if not resident_ids:
        return {}
    newest = (
        select(Complaint.resident_id, func.max(Complaint.id).label("cid"))
        .where(Complaint.resident_id.in_(resident_ids))
        .group_by(Complaint.resident_id)
        .subquery()
    )
    rows = plain_rows(session, select(newest.c.resident_id, Complaint.reference).join(newest, Complaint.id == newest.c.cid))
    return {rid: ref for rid, ref in rows}


def _updates_due(session: Session, calendar) -> list[OtherDeadlineRow]:
    """The next update agreed with the resident on each open stage (Code 5.9): the interval
    counted from the last outgoing letter, call, email or meeting, or from the agreement."""
    from chc_tui.rules.keeping_informed import update_due

    agreed = list(plain_rows(session,
        select_row(StageRecord.id, Complaint.id, Complaint.reference, Resident.name, StageRecord.stage,
                   StageRecord.update_every_days, StageRecord.update_agreed_on)
        .join(Complaint, Complaint.id == StageRecord.complaint_id)
        .join(Resident, Resident.id == Complaint.resident_id)
        .where(Complaint.status == "open", StageRecord.stage == Complaint.current_stage,
               StageRecord.responded_on == None, StageRecord.update_every_days != None,  # noqa: E711
               StageRecord.update_agreed_on != None)  # noqa: E711
    ))
    if not agreed:
        return []
    ids = {row[1] for row in agreed}
    sent: dict[int, list[date]] = {}
    for cid, last in plain_rows(session,
        select(Correspondence.complaint_id, func.max(Correspondence.happened_on))
        .where(Correspondence.complaint_id.in_(ids), Correspondence.direction == "out")
        .group_by(Correspondence.complaint_id)
    ):
        sent.setdefault(cid, []).append(last)
    for cid, last in plain_rows(session,
        select(Letter.complaint_id, func.max(Letter.sent_on)).where(Letter.complaint_id.in_(ids)).group_by(Letter.complaint_id)
    ):
        sent.setdefault(cid, []).append(last)
    return [
        OtherDeadlineRow("update", stage_id, ref, ref, name, f"stage {stage}: update the resident (every {every} working days, agreed)",
                         update_due(agreed_on, every, sent.get(cid, []), calendar))
        for stage_id, cid, ref, name, stage, every, agreed_on in agreed
    ]


def other_deadlines(session: Session, calendar=None) -> list[OtherDeadlineRow]:
    """`calendar` (the working calendar) counts the updates agreed with residents (5.9);
    without one they are left out."""
    rows: list[OtherDeadlineRow] = []

    reviews = []
    for model, kind, text in ((Adjustment, "adjustment", Adjustment.description), (Restriction, "restriction", Restriction.restriction)):
        reviews += [
            (kind, item_id, rid, name, what, due)
            for item_id, rid, name, what, due in plain_rows(session,
                select_row(model.id, model.resident_id, Resident.name, text, model.review_on)
                .join(Resident, Resident.id == model.resident_id)
                .where(model.ended_on == None)  # noqa: E711
            )
        ]
    latest = _latest_complaint_by_resident(session, {r[2] for r in reviews})
    for kind, item_id, rid, name, what, due in reviews:
        ref = latest.get(rid)
        rows.append(OtherDeadlineRow(kind, item_id, ref or "", ref, name, what, due, rid))

    for item_id, ref, name, what, due, cref in plain_rows(session,
        select_row(ServiceRequest.id, ServiceRequest.reference, Resident.name, ServiceRequest.description,
               ServiceRequest.due_on, Complaint.reference)
        .join(Resident, Resident.id == ServiceRequest.resident_id)
        .join(Complaint, Complaint.id == ServiceRequest.complaint_id, isouter=True)
        .where(ServiceRequest.done_on == None)  # noqa: E711
    ):
        rows.append(OtherDeadlineRow("service_request", item_id, ref, cref, name, what, due))

    for remedy_or_action, kind, done in ((Remedy, "remedy", Remedy.done_on), (Action, "action", Action.done_on)):
        query = (
            select_row(remedy_or_action.id, Complaint.reference, Resident.name, remedy_or_action.description, remedy_or_action.due_on)
            .join(Complaint, Complaint.id == remedy_or_action.complaint_id)
            .join(Resident, Resident.id == Complaint.resident_id)
            .where(done == None, remedy_or_action.due_on != None)  # noqa: E711
        )
        if remedy_or_action is Remedy:
            query = query.where(Remedy.declined_on == None)  # noqa: E711  (nothing left to do)
        for item_id, ref, name, what, due in plain_rows(session, query):
            rows.append(OtherDeadlineRow(kind, item_id, ref, ref, name, what, due))

    for request_or_order, kind, done in (
        (OmbudsmanRequest, "ombudsman_request", OmbudsmanRequest.met_on),
        (OmbudsmanOrder, "ombudsman_order", OmbudsmanOrder.complied_on),
    ):
        for item_id, ref, name, what, due in plain_rows(session,
            select_row(request_or_order.id, Complaint.reference, Resident.name, request_or_order.description, request_or_order.due_on)
            .join(OmbudsmanCase, OmbudsmanCase.id == request_or_order.case_id)
            .join(Complaint, Complaint.id == OmbudsmanCase.complaint_id)
            .join(Resident, Resident.id == Complaint.resident_id)
            .where(done == None)  # noqa: E711
        ):
            rows.append(OtherDeadlineRow(kind, item_id, ref, ref, name, what, due))

    for item_id, theme, what, due in plain_rows(session,
        select(Lesson.id, Lesson.theme, Lesson.improvement, Lesson.due_on).where(
            Lesson.done_on == None, Lesson.due_on != None  # noqa: E711
        )
    ):
        rows.append(OtherDeadlineRow("improvement", item_id, f"L{item_id}", None, theme, what, due))

    if calendar is not None:
        rows += _updates_due(session, calendar)

    rows.sort(key=lambda r: (r.due_on, r.kind, r.item_id))
    return rows
