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
from sqlmodel import Session, select

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
    # The three ways in, each an indexed range (0018: stage_record.opened_on, .responded_on),
    # so SQLite reads the window's stages through the indexes instead of every stage of
    # ten years: opened in the window; still unanswered; answered in the window.
    opened_by_end = StageRecord.opened_on <= end
    relevant = or_(
        and_(StageRecord.opened_on >= window_start, opened_by_end),
        and_(StageRecord.responded_on == None, opened_by_end),  # noqa: E711
        and_(StageRecord.responded_on >= window_start, opened_by_end),
    )
    in_window = select(StageRecord.id).where(relevant)
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
    )
    rows = plain_rows(session, query).all()  # ~30,000 stages in a busy report window
    # Sorted here, not by an ORDER BY: given one, SQLite walks the whole opened_on index in
    # order (every stage of ten years) rather than reading the window through the OR's indexes.
    rows.sort(key=lambda r: (r[6], r[1], r[5]))  # opened, reference, stage: one order for every run

    # The target: the first response deadline fixed at acknowledgement (not provisional,
    # not set by an extension), as chc_tui.steps.usecases._target_response_deadline finds it.
    # Every deadline of the window's stages in one pass, found by ix_deadline_stage_id.
    handled = _handling(session, in_window, [r[17] for r in rows if r[5] == 2] if handling else None)
    targets = handled["targets"]
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
        .where(Extension.stage_id.in_(in_window))
        .order_by(Extension.stage_id, Extension.id)  # a stage's extensions in the order they were set
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
               else {"acknowledge_due": _acknowledge_due(handled, sid)}),
        )
        for (sid, ref, category, status, received, stage, opened, acked, responded, decision, remedy,
             withdrawn, refused, escalated, imported_from, verified_on, tenure, *(cid, handler, responded_by)) in (
            row if handling else (*row, 0, "", "") for row in rows)
    ]


def _acknowledge_due(handled: dict, stage_id: int) -> date | None:
    """A stage's acknowledgement deadline, stored when it opened (6.2, 6.11)."""
    ack = handled["ack"].get(stage_id)
    return ack[0] if ack else None


def _handling(session: Session, in_window, stage_two_complaints: list[int] | None) -> dict:
    """The response targets, the acknowledgement and last response deadlines of the stages
    `in_window` (a select of their ids), read in one pass over their deadlines; with
    `stage_two_complaints` (the self-assessment) the definitions and stage 1's people too."""
    ack: dict[int, tuple[date, bool]] = {}
    targets: dict[int, date] = {}
    final: dict[int, date] = {}
    for stage_id, step, provisional, extension_id, due_on, active in plain_rows(session,
        select_row(Deadline.stage_id, Deadline.step, Deadline.provisional, Deadline.extension_id, Deadline.due_on,
               Deadline.active)
        .where(Deadline.stage_id.in_(in_window))
        # each stage's deadlines in the order they were set: the index's own order
        .order_by(Deadline.stage_id, Deadline.id)
    ):
        if step == "acknowledge":
            ack.setdefault(stage_id, (due_on, bool(active)))
        elif step == "respond" and not provisional:
            if extension_id is None:
                targets.setdefault(stage_id, due_on)
            else:
                final[stage_id] = due_on  # the last extended deadline, in the order they were set
    handled = {"ack": ack, "targets": targets, "final": final}
    if stage_two_complaints is not None:
        handled["defined"] = set(session.exec(select(Definition.stage_id).where(Definition.stage_id.in_(in_window))))
        handled["both"] = _considered_both(session, stage_two_complaints)
    return handled


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
