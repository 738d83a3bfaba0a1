"""The year's stages, read once for the annual report (Code 8.1) and the self-assessment
(8.2-8.4): one loader, one `StageFacts`, plain detached dataclasses. No counting or
judging here: chc_tui.figures.report and chc_tui.figures.assessment_evidence do that.

The report reads a window of years (the year and the ones it compares); the
self-assessment reads the one year and asks for the handling facts it measures too (the
acknowledgement deadline, the definitions, who considered stage 1), which the report
never needs and so never pays for.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, func, select

from store import stage_people, staff_queries
from store.columns import select_row
from store.engine import plain_rows
from store.models import Complaint, Deadline, Definition, Extension, Refusal, Resident, Response, StageRecord, Withdrawal


@dataclass(frozen=True)
class ExtensionFacts:
    decided_on: date | None  # None: not known (imported)
    previous_due: date
    new_due: date
    working_days_beyond_target: int
    good_reason: str
    told_resident_on: date | None
    ombudsman_details_given: bool | None  # None: not known (imported)


@dataclass(kw_only=True, slots=True, unsafe_hash=True)
class StageFacts:
    """One stage of one complaint, with what the report and the self-assessment judge.

    Treated as read-only, like the other facts, but not `frozen`: a frozen dataclass
    sets each of these 26 fields through object.__setattr__, which made building a busy
    report window's ~17,000 stages 20 ms slower than the report's old 16-field copy;
    this builds them in a third of the old time. Slots keep stray attributes out."""

    reference: str
    status: str  # the complaint's status now
    stage: int
    opened_on: date  # receipt (stage 1) or the escalation request (stage 2)
    acknowledged_on: date | None
    responded_on: date | None
    target_due: date | None  # the response deadline fixed at acknowledgement, before extensions
    extensions: tuple[ExtensionFacts, ...] = ()
    stage_id: int = 0
    complaint_id: int = 0
    category: str = ""
    received_on: date | None = None  # the complaint's receipt (stage 1's clock start)
    handler: str = ""
    decision: str | None = None  # upheld | partly_upheld | not_upheld, once responded
    remedy: str = ""
    responded_by: str = ""
    withdrawn_on: date | None = None  # withdrawn at this stage
    refused_on: date | None = None  # refused at this stage
    escalated_on: date | None = None  # stage 1 only: when stage 2 was requested
    refused_here: bool = False  # the complaint was refused at this stage
    withdrawn_here: bool = False  # the complaint was withdrawn at this stage
    tenure: str = ""  # the resident's TSM stock type: LCRA, LCHO, "" not known (issue 18.6)
    # --- the handling facts (loaded with handling=True) ---
    defined: bool = False
    acknowledge_due: date | None = None  # the acknowledgement deadline (6.2, 6.11)
    acknowledge_active: bool = False  # False once refused or withdrawn before acknowledgement
    final_due: date | None = None  # the last response deadline: the extended one if extended
    unverified: bool = False  # imported from a spreadsheet and not yet verified by a handler
    considered_both: tuple[str, ...] = ()
    """For stage 2: who considered stage 1 as well, with what they did (a breach of 6.13)."""


def year_stages(
    session: Session, start: date, end: date, *, window_start: date | None = None, handling: bool = False
) -> list[StageFacts]:
    """Every stage that can bear on the year `start`..`end`, whose comparison window (for
    the report) starts on `window_start` (the year's start by default): opened by the year
    end, and either opened inside the window, still unanswered, or answered inside it.
    `handling` adds the facts the self-assessment measures."""
    window_start = window_start or start
    stage_two = aliased(StageRecord)
    relevant = and_(
        StageRecord.opened_on <= end,
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
            Complaint.imported_from,
            Complaint.verified_on,
            Resident.tenure,
            # the handling facts only the self-assessment reads: the report never pays for them
            *((Complaint.id, StageRecord.handler, Response.responded_by) if handling else ()),
        )
        .join(Complaint, Complaint.id == StageRecord.complaint_id)
        .join(Resident, Resident.id == Complaint.resident_id)
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
    rows = plain_rows(session, query).all()  # ~30,000 stages in a busy report window

    # The target: the first response deadline fixed at acknowledgement (not provisional,
    # not set by an extension), as chc_tui.steps.usecases._target_response_deadline finds it.
    handled = _handling(session, [r[0] for r in rows], [r[17] for r in rows if r[5] == 2]) if handling else {}
    targets = handled["targets"] if handling else _targets(session, relevant)
    acknowledge_dues = {} if handling else _acknowledge_dues(session, relevant)
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
    none: dict = {}
    return [
        StageFacts(
            stage_id=sid,
            complaint_id=cid,
            handler=handler,
            responded_by=responded_by or "",
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
            refused_here=refused is not None,
            withdrawn_here=withdrawn is not None,
            unverified=bool(imported_from) and verified_on is None,
            tenure=tenure or "",
            **(_handled_of(handled, sid, cid, stage, targets.get(sid)) if handling
               else {"acknowledge_due": acknowledge_dues.get(sid)}),
        )
        for (sid, ref, category, status, received, stage, opened, acked, responded, decision, remedy,
             withdrawn, refused, escalated, imported_from, verified_on, tenure, *(cid, handler, responded_by)) in (
            row if handling else (*row, 0, "", "") for row in rows)
    ]


def _targets(session: Session, relevant) -> dict[int, date]:
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
    return dict(
        plain_rows(session,
            select(Deadline.stage_id, Deadline.due_on).join(first_target, first_target.c.first_id == Deadline.id)
        ).all()
    )


def _acknowledge_dues(session: Session, relevant) -> dict[int, date]:
    """Each stage's acknowledgement deadline, stored when it opened (6.2, 6.11)."""
    first = (
        select(Deadline.stage_id, func.min(Deadline.id).label("first_id"))
        .join(StageRecord, StageRecord.id == Deadline.stage_id)
        .where(relevant, Deadline.step == "acknowledge")
        .group_by(Deadline.stage_id)
        .subquery()
    )
    return dict(plain_rows(session,
        select(Deadline.stage_id, Deadline.due_on).join(first, first.c.first_id == Deadline.id)
    ).all())


def _handling(session: Session, stage_ids: list[int], stage_two_complaints: list[int]) -> dict:
    """The response targets (as `_targets` finds them), the acknowledgement and last
    response deadlines, definitions and stage 1's people."""
    ack: dict[int, tuple[date, bool]] = {}
    targets: dict[int, date] = {}
    final: dict[int, date] = {}
    for stage_id, step, provisional, extension_id, due_on, active in plain_rows(session,
        select_row(Deadline.stage_id, Deadline.step, Deadline.provisional, Deadline.extension_id, Deadline.due_on,
               Deadline.active)
        .where(Deadline.stage_id.in_(stage_ids))
        .order_by(Deadline.id)
    ):
        if step == "acknowledge":
            ack.setdefault(stage_id, (due_on, bool(active)))
        elif step == "respond" and not provisional:
            if extension_id is None:
                targets.setdefault(stage_id, due_on)
            else:
                final[stage_id] = due_on  # the last extended deadline, in the order they were set
    defined = set(session.exec(
        select(Definition.stage_id).where(Definition.stage_id.in_(stage_ids))
    ))
    return {"ack": ack, "targets": targets, "final": final, "defined": defined, "both": _considered_both(session, stage_two_complaints)}


def _handled_of(handled: dict, stage_id: int, complaint_id: int, stage: int, target: date | None) -> dict:
    ack = handled["ack"].get(stage_id)
    return {
        "defined": stage_id in handled["defined"],
        "acknowledge_due": ack[0] if ack else None,
        "acknowledge_active": bool(ack and ack[1]),
        "final_due": handled["final"].get(stage_id, target),
        "considered_both": handled["both"].get(complaint_id, ()) if stage == 2 else (),
    }


def _considered_both(session: Session, complaint_ids: list[int]) -> dict[int, tuple[str, ...]]:
    """For each complaint, the people who considered both its stages, as "Name: what they did"."""
    one = stage_people.considered(session, complaint_ids, 1)
    two = stage_people.considered(session, complaint_ids, 2)
    both = {cid: stage_people.in_common(one[cid], two[cid]) for cid in complaint_ids}
    names = staff_queries.names_by_id(session, {sid for people in both.values() for sid in people})
    return {
        cid: tuple(f"{names.get(sid, sid)}: {', '.join(what)}" for sid, what in sorted(people.items()))
        for cid, people in both.items() if people
    }
