"""Reads for the annual complaints report (Code 8.1): every stage, extension, refusal,
withdrawal, self-assessment answer and entered text a financial year's figures rest on,
as plain, detached dataclasses. No counting or judging here: chc_tui.figures.report does that.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, func, select

from store.columns import select_row
from store.engine import plain_rows
from store.models import AssessmentAnswer, Complaint, Refusal, ReportText, StageRecord, Withdrawal
from store.stage_queries import ExtensionFacts, StageFacts, year_stages  # noqa: F401  (the one loader of stages)


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


def report_stages(
    session: Session, window_start: date, year_end: date, year_start: date | None = None,
    settled_before: date | None = None,
) -> list[StageFacts]:
    """Every stage that can bear on a report for the year `year_start`..`year_end` (the
    whole window by default) whose comparison window starts on `window_start`
    (store.stage_queries.year_stages: only the year's own stages carry what judging reads;
    `settled_before`, without the earlier years' stages settled before that day)."""
    return year_stages(session, year_start or window_start, year_end, window_start=window_start,
                       settled_before=settled_before)


@dataclass(slots=True, unsafe_hash=True)  # read-only, not frozen: as store.stage_queries.StageFacts
class ReceivedFacts:
    """A stage as an earlier year's volumes count and list it: when it was opened, and the
    complaint's reference, category and status now (chc_tui.figures.report.received_item)."""

    stage_id: int
    reference: str
    category: str
    status: str
    stage: int
    opened_on: date


def received_between(session: Session, start: date, end: date) -> list[ReceivedFacts]:
    """Every stage opened `start`..`end`, in the report window's order (opened, reference,
    stage): an earlier year of the report's window, read apart from the year's own stages
    (year_stages' `settled_before`) and kept between reports while nothing changes."""
    rows = plain_rows(session, select_row(
        StageRecord.id, Complaint.reference, Complaint.category, Complaint.status, StageRecord.stage,
        StageRecord.opened_on,
    ).join(Complaint, Complaint.id == StageRecord.complaint_id).where(StageRecord.opened_on.between(start, end))).all()
    rows.sort(key=lambda r: (r[5], r[1], r[4]))  # as year_stages sorts (no ORDER BY: see there)
    # a few categories and statuses, each one object: a year's rows are kept between reports
    shared: dict[str, str] = {}
    return [ReceivedFacts(sid, ref, shared.setdefault(category, category), shared.setdefault(status, status), stage, opened)
            for sid, ref, category, status, stage, opened in rows]


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
