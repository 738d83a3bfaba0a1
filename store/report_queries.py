"""Reads for the annual complaints report (Code 8.1): every stage, extension, refusal,
withdrawal, self-assessment answer and entered text a financial year's figures rest on,
as plain, detached dataclasses. No counting or judging here: chc_tui.report does that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, func, select

from store.columns import select_row
from store.engine import plain_rows
from store.models import (
    AssessmentAnswer,
    Complaint,
    Deadline,
    Extension,
    Refusal,
    ReportText,
    Response,
    StageRecord,
    Withdrawal,
)


@dataclass(frozen=True)
class ExtensionFacts:
    decided_on: date
    previous_due: date
    new_due: date
    working_days_beyond_target: int
    good_reason: str
    told_resident_on: date | None
    ombudsman_details_given: bool


@dataclass(frozen=True)
class StageFacts:
    """One stage of one complaint, with what the report needs to judge it."""

    stage_id: int
    reference: str
    category: str
    status: str  # the complaint's status now
    received_on: date  # the complaint's receipt (stage 1's clock start)
    stage: int
    opened_on: date  # receipt (stage 1) or the escalation request (stage 2)
    acknowledged_on: date | None
    responded_on: date | None
    decision: str | None  # upheld | partly_upheld | not_upheld, once responded
    remedy: str
    target_due: date | None  # the response deadline fixed at acknowledgement, before extensions
    extensions: tuple[ExtensionFacts, ...]
    withdrawn_on: date | None  # withdrawn at this stage
    refused_on: date | None  # refused at this stage
    escalated_on: date | None  # stage 1 only: when stage 2 was requested


@dataclass(frozen=True)
class RefusalFacts:
    reference: str
    category: str
    stage: int
    refused_on: date
    exclusion_reason: str
    explanation: str


@dataclass(frozen=True)
class WithdrawalFacts:
    reference: str
    category: str
    stage: int
    withdrawn_on: date
    reason: str


@dataclass(frozen=True)
class AnswerFacts:
    provision: str
    comply: str  # yes | no | ''
    evidence: str
    commentary: str
    carried_over: bool


@dataclass(frozen=True)
class TextFacts:
    part: str
    text: str
    version: int
    changed_by: str
    changed_at: datetime


def report_stages(session: Session, window_start: date, year_end: date) -> list[StageFacts]:
    """Every stage that can bear on a report for the year ending `year_end` whose
    comparison window starts on `window_start`: opened by the year end, and either opened
    inside the window, still unanswered, or answered inside the window."""
    stage_two = aliased(StageRecord)
    relevant = and_(
        StageRecord.opened_on <= year_end,
        or_(
            StageRecord.opened_on >= window_start,
            StageRecord.responded_on == None,  # noqa: E711
            StageRecord.responded_on >= window_start,
        ),
    )
    query = (
        select_row(
            StageRecord.id,
            Complaint.reference,
            Complaint.category,
            Complaint.status,
            Complaint.received_on,
            StageRecord.stage,
            StageRecord.opened_on,
            StageRecord.acknowledged_on,
            StageRecord.responded_on,
            Response.decision,
            Response.remedy,
            Withdrawal.withdrawn_on,
            Refusal.refused_on,
            stage_two.opened_on,
        )
        .join(Complaint, Complaint.id == StageRecord.complaint_id)
        .outerjoin(Response, Response.stage_id == StageRecord.id)
        .outerjoin(
            Withdrawal,
            and_(Withdrawal.complaint_id == StageRecord.complaint_id, Withdrawal.stage == StageRecord.stage),
        )
        .outerjoin(
            Refusal,
            and_(Refusal.complaint_id == StageRecord.complaint_id, Refusal.stage == StageRecord.stage),
        )
        .outerjoin(
            stage_two,
            and_(
                StageRecord.stage == 1,
                stage_two.complaint_id == StageRecord.complaint_id,
                stage_two.stage == 2,
            ),
        )
        .where(relevant)
        .order_by(StageRecord.opened_on, Complaint.reference, StageRecord.stage)
    )
    rows = plain_rows(session, query).all()  # ~30,000 stages in a busy year

    # The target: the first response deadline fixed at acknowledgement (not provisional,
    # not set by an extension), as chc_tui.usecases._target_response_deadline finds it.
    first_target = (
        select(Deadline.stage_id, func.min(Deadline.id).label("first_id"))
        .join(StageRecord, StageRecord.id == Deadline.stage_id)
        .where(
            relevant,
            Deadline.step == "respond",
            Deadline.provisional == False,  # noqa: E712
            Deadline.extension_id == None,  # noqa: E711
        )
        .group_by(Deadline.stage_id)
        .subquery()
    )
    targets = dict(
        plain_rows(session,
            select(Deadline.stage_id, Deadline.due_on).join(first_target, first_target.c.first_id == Deadline.id)
        ).all()
    )
    extensions: dict[int, list[ExtensionFacts]] = {}
    extension_rows = plain_rows(session,
        select_row(
            Extension.stage_id,
            Extension.decided_on,
            Extension.previous_due,
            Extension.new_due,
            Extension.working_days_beyond_target,
            Extension.good_reason,
            Extension.told_resident_on,
            Extension.ombudsman_details_given,
        )
        .join(StageRecord, StageRecord.id == Extension.stage_id)
        .where(relevant)
        .order_by(Extension.id)
    )
    for stage_id, decided, previous, new_due, beyond, reason, told, details in extension_rows:
        extensions.setdefault(stage_id, []).append(
            ExtensionFacts(
                decided_on=decided,
                previous_due=previous,
                new_due=new_due,
                working_days_beyond_target=beyond,
                good_reason=reason,
                told_resident_on=told,
                ombudsman_details_given=details,
            )
        )
    return [
        StageFacts(
            stage_id=sid,
            reference=ref,
            category=category,
            status=status,
            received_on=received,
            stage=stage,
            opened_on=opened,
            acknowledged_on=acked,
            responded_on=responded,
            decision=decision,
            remedy=remedy or "",
            target_due=targets.get(sid),
            extensions=tuple(extensions.get(sid, ())),
            withdrawn_on=withdrawn,
            refused_on=refused,
            escalated_on=escalated,
        )
        for (sid, ref, category, status, received, stage, opened, acked, responded, decision, remedy,
             withdrawn, refused, escalated) in rows
    ]


def refusals_between(session: Session, start: date, end: date) -> list[RefusalFacts]:
    query = (
        select(Refusal, Complaint.reference, Complaint.category)
        .join(Complaint, Complaint.id == Refusal.complaint_id)
        .where(Refusal.refused_on >= start, Refusal.refused_on <= end)
        .order_by(Refusal.refused_on, Complaint.reference)
    )
    return [
        RefusalFacts(ref, category, r.stage, r.refused_on, r.exclusion_reason, r.explanation)
        for r, ref, category in session.exec(query)
    ]


def withdrawals_between(session: Session, start: date, end: date) -> list[WithdrawalFacts]:
    query = (
        select(Withdrawal, Complaint.reference, Complaint.category)
        .join(Complaint, Complaint.id == Withdrawal.complaint_id)
        .where(Withdrawal.withdrawn_on >= start, Withdrawal.withdrawn_on <= end)
        .order_by(Withdrawal.withdrawn_on, Complaint.reference)
    )
    return [
        WithdrawalFacts(ref, category, w.stage, w.withdrawn_on, w.reason)
        for w, ref, category in session.exec(query)
    ]


def earliest_received(session: Session) -> date | None:
    """The first day the records go back to."""
    return session.exec(select(func.min(Complaint.received_on))).one()


def assessment_answers(session: Session, year: int) -> list[AnswerFacts]:
    query = select(AssessmentAnswer).where(AssessmentAnswer.year == year).order_by(AssessmentAnswer.id)
    return [
        AnswerFacts(a.provision, (a.comply or "").strip().lower(), a.evidence, a.commentary, a.carried_over)
        for a in session.exec(query)
    ]


def report_texts(session: Session, year: int) -> dict[str, TextFacts]:
    query = select(ReportText).where(ReportText.year == year)
    return {
        t.part: TextFacts(t.part, t.text, t.version, t.changed_by, t.changed_at)
        for t in session.exec(query)
    }
