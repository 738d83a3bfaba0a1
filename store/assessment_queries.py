"""Read queries for the self-assessment (Code 8.1-8.4): the year's answers, and the facts
the measured evidence is computed from. Each returns plain, detached dataclasses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_
from sqlmodel import Session, select

from store.columns import select_row
from store.engine import plain_rows
from store.models import (
    AssessmentAnswer,
    AuditEntry,
    Complaint,
    Deadline,
    Definition,
    Extension,
    Refusal,
    Response,
    StageRecord,
    Withdrawal,
)


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
    decided_on: date
    working_days_beyond_target: int
    good_reason: str
    told_resident_on: date | None
    ombudsman_details_given: bool


@dataclass(frozen=True)
class StageFacts:
    """One stage of one complaint, with everything the self-assessment measures."""

    complaint_id: int
    reference: str
    status: str  # the complaint's status now
    stage: int
    opened_on: date
    handler: str
    acknowledged_on: date | None
    responded_on: date | None
    responded_by: str
    defined: bool
    acknowledge_due: date | None  # the acknowledgement deadline (6.2, 6.11)
    acknowledge_active: bool  # False once refused or withdrawn before acknowledgement
    target_due: date | None  # the response deadline fixed at acknowledgement (6.3, 6.14)
    final_due: date | None  # the last response deadline: the extended one if extended
    extensions: tuple[ExtensionFacts, ...] = ()
    refused_here: bool = False  # the complaint was refused at this stage
    withdrawn_here: bool = False  # the complaint was withdrawn at this stage
    stage_one_people: frozenset[str] = field(default_factory=frozenset)
    """For stage 2: everyone who considered stage 1 (handlers, responder), casefolded."""


@dataclass(frozen=True)
class RefusalFacts:
    reference: str
    stage: int
    refused_on: date
    exclusion_reason: str
    explanation: str
    ombudsman_right_explained: bool
    refused_by: str


def stage_facts(session: Session, start: date, end: date) -> list[StageFacts]:
    """Every stage opened, or answered, between start and end inclusive."""
    # Columns, not ORM objects: a year is some 13,000 stages and 40,000 deadlines, and
    # whole complaints carry the residents' words, which nothing here needs.
    rows = list(
        plain_rows(session,
            select_row(
                StageRecord.id, StageRecord.stage, StageRecord.opened_on, StageRecord.handler,
                StageRecord.acknowledged_on, StageRecord.responded_on,
                Complaint.id.label("complaint_id"), Complaint.reference, Complaint.status,
            )
            .join(Complaint, Complaint.id == StageRecord.complaint_id)
            .where(
                or_(
                    StageRecord.opened_on.between(start, end),
                    StageRecord.responded_on.between(start, end),
                )
            )
            .order_by(StageRecord.opened_on, StageRecord.id)
        )
    )
    if not rows:
        return []
    stages = [(row, row) for row in rows]  # (stage, complaint) views of one row
    stage_ids = [r.id for r in rows]
    complaint_ids = sorted({r.complaint_id for r in rows})

    deadlines: dict[int, list] = {}
    for d in plain_rows(session,
        select_row(Deadline.stage_id, Deadline.step, Deadline.provisional, Deadline.extension_id, Deadline.due_on,
               Deadline.active)
        .where(Deadline.stage_id.in_(stage_ids))
        .order_by(Deadline.id)
    ):
        deadlines.setdefault(d.stage_id, []).append(d)
    defined = set(session.exec(select(Definition.stage_id).where(Definition.stage_id.in_(stage_ids))))
    responses = {
        r.stage_id: r
        for r in plain_rows(session, select(Response.stage_id, Response.responded_by).where(Response.stage_id.in_(stage_ids)))
    }
    extensions: dict[int, list] = {}
    for e in plain_rows(session,
        select_row(Extension.stage_id, Extension.decided_on, Extension.working_days_beyond_target, Extension.good_reason,
               Extension.told_resident_on, Extension.ombudsman_details_given)
        .where(Extension.stage_id.in_(stage_ids))
        .order_by(Extension.id)
    ):
        extensions.setdefault(e.stage_id, []).append(e)
    refused = {
        tuple(r)
        for r in session.exec(select(Refusal.complaint_id, Refusal.stage).where(Refusal.complaint_id.in_(complaint_ids)))
    }
    withdrawn = {
        tuple(w)
        for w in session.exec(select(Withdrawal.complaint_id, Withdrawal.stage).where(Withdrawal.complaint_id.in_(complaint_ids)))
    }
    stage_one_people = _stage_one_people(session, [r.complaint_id for r in rows if r.stage == 2])

    facts = []
    for stage, complaint in stages:
        complaint_id = complaint.complaint_id
        mine = deadlines.get(stage.id, [])
        ack = next((d for d in mine if d.step == "acknowledge"), None)
        responds = [d for d in mine if d.step == "respond" and not d.provisional]
        target = next((d for d in responds if d.extension_id is None), None)
        extended = [d for d in responds if d.extension_id is not None]
        final = extended[-1] if extended else target
        response = responses.get(stage.id)
        facts.append(
            StageFacts(
                complaint_id=complaint_id,
                reference=complaint.reference,
                status=complaint.status,
                stage=stage.stage,
                opened_on=stage.opened_on,
                handler=stage.handler,
                acknowledged_on=stage.acknowledged_on,
                responded_on=stage.responded_on,
                responded_by=response.responded_by if response else "",
                defined=stage.id in defined,
                acknowledge_due=ack.due_on if ack else None,
                acknowledge_active=bool(ack and ack.active),
                target_due=target.due_on if target else None,
                final_due=final.due_on if final else None,
                extensions=tuple(
                    ExtensionFacts(
                        reference=complaint.reference,
                        stage=stage.stage,
                        decided_on=e.decided_on,
                        working_days_beyond_target=e.working_days_beyond_target,
                        good_reason=e.good_reason,
                        told_resident_on=e.told_resident_on,
                        ombudsman_details_given=e.ombudsman_details_given,
                    )
                    for e in extensions.get(stage.id, [])
                ),
                refused_here=(complaint_id, stage.stage) in refused,
                withdrawn_here=(complaint_id, stage.stage) in withdrawn,
                stage_one_people=stage_one_people.get(complaint_id, frozenset()) if stage.stage == 2 else frozenset(),
            )
        )
    return facts


def _stage_one_people(session: Session, complaint_ids: list[int]) -> dict[int, frozenset[str]]:
    """Everyone who considered stage 1 of these complaints: its handler, anyone it was
    assigned to before (from the audit trail), and whoever recorded its response."""
    if not complaint_ids:
        return {}
    people: dict[int, set[str]] = {cid: set() for cid in complaint_ids}
    for stage, response in session.exec(
        select(StageRecord, Response)
        .join(Response, Response.stage_id == StageRecord.id, isouter=True)
        .where(StageRecord.complaint_id.in_(complaint_ids), StageRecord.stage == 1)
    ):
        people[stage.complaint_id].add(stage.handler)
        if response is not None:
            people[stage.complaint_id].add(response.responded_by)
    for entry in session.exec(
        select(AuditEntry).where(
            AuditEntry.complaint_id.in_(complaint_ids),
            AuditEntry.action.in_(["log", "assign"]),
        )
    ):
        details = json.loads(entry.details_json)
        assert entry.complaint_id is not None  # the query asked for these complaints' entries
        if entry.action == "log":
            people[entry.complaint_id].add(details.get("handler", ""))
        elif details.get("stage") == 1:
            people[entry.complaint_id].add(details.get("from", ""))
    return {
        cid: frozenset(p.strip().casefold() for p in names if p and p.strip())
        for cid, names in people.items()
    }


def extension_facts(session: Session, start: date, end: date) -> list[ExtensionFacts]:
    """Every extension decided between start and end inclusive."""
    rows = session.exec(
        select(Extension, StageRecord, Complaint)
        .join(StageRecord, StageRecord.id == Extension.stage_id)
        .join(Complaint, Complaint.id == StageRecord.complaint_id)
        .where(Extension.decided_on.between(start, end))
        .order_by(Extension.decided_on, Extension.id)
    )
    return [
        ExtensionFacts(
            reference=c.reference,
            stage=s.stage,
            decided_on=e.decided_on,
            working_days_beyond_target=e.working_days_beyond_target,
            good_reason=e.good_reason,
            told_resident_on=e.told_resident_on,
            ombudsman_details_given=e.ombudsman_details_given,
        )
        for e, s, c in rows
    ]


def refusal_facts(session: Session, start: date, end: date) -> list[RefusalFacts]:
    """Every refusal decided between start and end inclusive."""
    rows = session.exec(
        select(Refusal, Complaint)
        .join(Complaint, Complaint.id == Refusal.complaint_id)
        .where(Refusal.refused_on.between(start, end))
        .order_by(Refusal.refused_on, Refusal.id)
    )
    return [
        RefusalFacts(
            reference=c.reference,
            stage=r.stage,
            refused_on=r.refused_on,
            exclusion_reason=r.exclusion_reason,
            explanation=r.explanation,
            ombudsman_right_explained=r.ombudsman_right_explained,
            refused_by=r.refused_by,
        )
        for r, c in rows
    ]
