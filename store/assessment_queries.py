"""Read queries for the self-assessment (Code 8.1-8.4): the year's answers, and the facts
the measured evidence is computed from. Each returns plain, detached dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, func, select

from store.columns import select_row
from store.engine import plain_rows
from store.models import AssessmentAnswer, Complaint, Extension, Refusal, StageRecord
from store.stage_queries import StageFacts, year_stages


# --- answers ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    year: int
    provision: str
    comply: str  # "yes" | "no" | ""
    evidence: str
    commentary: str
    carried_over: bool
    changed_by: str
    changed_at: datetime | None
    version: int


def _answer_row(row: AssessmentAnswer) -> AnswerRow:
    return AnswerRow(
        year=row.year,
        provision=row.provision,
        comply=row.comply,
        evidence=row.evidence,
        commentary=row.commentary,
        carried_over=row.carried_over,
        changed_by=row.changed_by,
        changed_at=row.changed_at,
        version=row.version,
    )


def answers(session: Session, year: int) -> dict[str, AnswerRow]:
    """The year's stored answers by provision number (provisions never touched are absent)."""
    rows = session.exec(select(AssessmentAnswer).where(AssessmentAnswer.year == year))
    return {row.provision: _answer_row(row) for row in rows}


def answer(session: Session, year: int, provision: str) -> AnswerRow | None:
    row = session.exec(
        select(AssessmentAnswer).where(
            AssessmentAnswer.year == year, AssessmentAnswer.provision == provision
        )
    ).first()
    return None if row is None else _answer_row(row)


def answered_years(session: Session) -> list[int]:
    return sorted(set(session.exec(select(AssessmentAnswer.year))))


# --- facts for the measured evidence ----------------------------------------------------


@dataclass(frozen=True)
class ExtensionFacts:
    reference: str
    stage: int
    decided_on: date | None  # None: not known (imported)
    previous_due: date
    working_days_beyond_target: int
    good_reason: str
    told_resident_on: date | None
    ombudsman_details_given: bool | None  # None: not known (imported)
    unverified: bool = False  # on a complaint imported and not yet verified


@dataclass(frozen=True)
class RefusalFacts:
    reference: str
    stage: int
    refused_on: date
    exclusion_reason: str
    explanation: str
    ombudsman_right_explained: bool | None  # None: not known (imported)
    refused_by: str
    unverified: bool = False


def stage_facts(session: Session, start: date, end: date) -> list[StageFacts]:
    """The year's own stages (opened or answered between start and end: the only ones the
    self-assessment measures), with the handling facts it measures, in the order the
    stages were opened (store.stage_queries.year_stages, the loader the annual report uses too)."""
    stages = year_stages(session, start, end, handling=True, own_only=True)
    stages.sort(key=lambda f: (f.opened_on, f.stage_id))
    return stages


def extension_facts(session: Session, start: date, end: date) -> list[ExtensionFacts]:
    """Every extension counted between start and end inclusive: decided then, or, its
    decision date not known, replacing a deadline then (rules.measures.extension_counted_on,
    found by ix_extension_counted_on)."""
    counted_on = func.coalesce(Extension.decided_on, Extension.previous_due)
    rows = plain_rows(session,
        # ExtensionFacts' fields in order, then what says whether the complaint is verified
        select_row(Complaint.reference, StageRecord.stage, Extension.decided_on, Extension.previous_due,
                   Extension.working_days_beyond_target, Extension.good_reason, Extension.told_resident_on,
                   Extension.ombudsman_details_given, Complaint.imported_from, Complaint.verified_on)
        .join(StageRecord, StageRecord.id == Extension.stage_id)
        .join(Complaint, Complaint.id == StageRecord.complaint_id)
        .where(counted_on.between(start, end))
        .order_by(counted_on, Extension.id)
    ).all()
    return _facts(ExtensionFacts, rows)


def refusal_facts(session: Session, start: date, end: date) -> list[RefusalFacts]:
    """Every refusal decided between start and end inclusive."""
    rows = plain_rows(session,
        # RefusalFacts' fields in order, then what says whether the complaint is verified
        select_row(Complaint.reference, Refusal.stage, Refusal.refused_on, Refusal.exclusion_reason,
                   Refusal.explanation, Refusal.ombudsman_right_explained, Refusal.refused_by,
                   Complaint.imported_from, Complaint.verified_on)
        .join(Complaint, Complaint.id == Refusal.complaint_id)
        .where(Refusal.refused_on.between(start, end))
        .order_by(Refusal.refused_on, Refusal.id)
    ).all()
    return _facts(RefusalFacts, rows)


def _facts(facts: type, rows) -> list:
    """Facts from rows holding their fields in order, then the complaint's imported_from and
    verified_on: a complaint imported and not yet verified makes them unverified."""
    return [facts(*row[:-2], unverified=bool(row[-2]) and row[-1] is None) for row in rows]
