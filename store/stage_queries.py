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

from sqlalchemy import and_, case, not_, or_
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
    sets each of these 27 fields through object.__setattr__, which made building a busy
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
    handler_staff_id: int | None = None  # the staff member handling it (the figures per handler, issue 20.2)
    decision: str | None = None  # upheld | partly_upheld | not_upheld, once responded
    remedy: str = ""
    responded_by: str = ""
    withdrawn_on: date | None = None  # withdrawn at this stage
    refused_on: date | None = None  # refused at this stage
    escalated_on: date | None = None  # stage 1 only: when stage 2 was requested
    refused_here: bool = False  # the complaint was refused at this stage
    withdrawn_here: bool = False  # the complaint was withdrawn at this stage
    tenure: str = ""  # the resident's TSM stock type: LCRA, LCHO, "" not known (issue 18.6)
    # False: a stage of the window outside the year (year_stages), read for what is counted
    # and listed of it: not its deadlines, response, tenure or handling facts; only the
    # extensions counted in the year; no withdrawal or refusal if answered before it began.
    year_facts: bool = True
    # --- the handling facts (loaded with handling=True) ---
    defined: bool = False
    acknowledge_due: date | None = None  # the acknowledgement deadline (6.2, 6.11)
    acknowledge_active: bool = False  # False once refused or withdrawn before acknowledgement
    final_due: date | None = None  # the last response deadline: the extended one if extended
    unverified: bool = False  # imported from a spreadsheet and not yet verified by a handler
    considered_both: tuple[str, ...] = ()
    """For stage 2: who considered stage 1 as well, with what they did (a breach of 6.13)."""


def year_stages(
    session: Session, start: date, end: date, *, window_start: date | None = None, handling: bool = False,
    own_only: bool = False, settled_before: date | None = None,
) -> list[StageFacts]:
    """Every stage that can bear on the year `start`..`end`, whose comparison window (for
    the report) starts on `window_start` (the year's start by default): opened by the year
    end, and either opened inside the window, still unanswered, or answered inside it;
    `own_only`, only the year's own stages (the self-assessment measures no others).

    Only the year's own stages (opened or answered in `start`..`end`) are judged, so only
    they carry what judging reads (`year_facts`: the deadlines, the response, the resident's
    tenure, the escalation, every extension; with `handling`, what the self-assessment
    measures too). The window's other stages (earlier years' volumes; stages awaiting a
    response, withdrawn, refused or extended in the year) carry what is counted and listed
    of them. Reading all of it for every stage of three years was most of the report's
    time (issue 22.6).

    `settled_before` (the year's start, or today if earlier): the window's stages opened
    and answered, or opened and withdrawn or refused unanswered, before that day are left
    out, unless an extension of theirs is counted in the year: the report counts and lists nothing of them but their earlier year's volumes,
    which it reads apart (store.report_queries.received_between) and keeps between reports.
    Answered before the year's cut-off, none awaits a response on it; answered before the
    year, none is acknowledged in it (a response needs an acknowledgement on or before it:
    chc_tui.steps.plans.respond)."""
    window_start = window_start or start
    opened_by_end = StageRecord.opened_on <= end
    # The year's own stages: two indexed ranges (0018: stage_record.opened_on, .responded_on).
    own = and_(or_(StageRecord.opened_on.between(start, end), StageRecord.responded_on.between(start, end)),
               opened_by_end)
    # The window: three ways in, each an indexed range, so SQLite reads the window's stages
    # through the indexes instead of every stage of ten years: opened in the window; still
    # unanswered; answered in the window.
    cut = window_start if settled_before is None else max(window_start, settled_before)
    unanswered = and_(StageRecord.responded_on == None, opened_by_end)  # noqa: E711
    if cut > window_start:
        # Never answered, but withdrawn or refused before `cut`: as the answered before it,
        # nothing of them is counted but their earlier year's volumes (read apart), unless
        # acknowledged on or after it, or extended in the year (found by _extended_in). Ten
        # years of these were a third of a busy window (18,114 of 59,241 stages at 300k).
        unanswered = and_(unanswered, not_(_settled_unanswered_before(cut)))
    relevant = own if own_only else or_(
        and_(StageRecord.opened_on >= cut, opened_by_end),
        unanswered,
        and_(StageRecord.responded_on >= cut, opened_by_end),
        *([_extended_in(start, end, window_start, opened_by_end)] if cut > window_start else []),
    )
    # ~40,000 stages in a busy report window
    rows = plain_rows(session, _window_query(relevant, start, deadlines=not handling)).all()
    # Sorted here, not by an ORDER BY: given one, SQLite walks the whole opened_on index in
    # order (every stage of ten years) rather than reading the window through the OR's indexes.
    rows.sort(key=lambda r: (r[5], r[1], r[4]))  # opened, reference, stage: one order for every run
    own_ids = select(StageRecord.id).where(own)
    # `own` on the row read (each was opened by the year end): opened or answered in the year
    is_own = [r[5] >= start or (r[7] is not None and start <= r[7] <= end) for r in rows]
    handled = (_handling(session, own_ids, [r[10] for r, mine in zip(rows, is_own) if mine and r[4] == 2])
               if handling else None)
    extensions = _extensions(session, own_ids, start, end)
    return [
        _own_facts(row, extensions, handled) if mine else _window_facts(row, extensions)
        for row, mine in zip(rows, is_own)
    ]


def _extended_in(start: date, end: date, window_start: date, opened_by_end):
    """The window's stages answered before the year with an extension counted in it
    (rules.measures.extension_counted_on: an imported extension's deadline may fall after
    the response), found by their ids through ix_extension_counted_on."""
    return and_(StageRecord.id.in_(select(Extension.stage_id).where(_counted_on().between(start, end))), opened_by_end,
                or_(StageRecord.opened_on >= window_start, StageRecord.responded_on >= window_start))


def _settled_unanswered_before(day: date):
    """An unanswered stage withdrawn or refused before `day`, neither on or after it, nor
    acknowledged on or after it: on any cut-off from `day` on it awaits no response, and
    is neither acknowledged, withdrawn nor refused in a year starting then. Each term is
    true or false, never NULL, so its negation keeps every other stage."""
    withdrawn, refused = (_of_stage(Withdrawal.withdrawn_on, Withdrawal), _of_stage(Refusal.refused_on, Refusal))
    return and_(
        or_(and_(withdrawn != None, withdrawn < day), and_(refused != None, refused < day)),  # noqa: E711
        or_(withdrawn == None, withdrawn < day), or_(refused == None, refused < day),  # noqa: E711
        or_(StageRecord.acknowledged_on == None, StageRecord.acknowledged_on < day),  # noqa: E711
    )


def _of_stage(column, model):
    """The stage's withdrawal or refusal date (one of each per complaint, at one stage), or NULL."""
    return select(column).where(model.complaint_id == StageRecord.complaint_id,
                                model.stage == StageRecord.stage).scalar_subquery()


def _counted_on():
    """rules.measures.extension_counted_on in SQL: the expression ix_extension_counted_on indexes."""
    return func.coalesce(Extension.decided_on, Extension.previous_due)


def in_window(stage: StageFacts, window_start: date) -> bool:
    """A stage of a wider window (read for the same year end) that `year_stages` reads for
    the window starting `window_start`: its `relevant`, on the stage read (every stage read
    was opened by the year end)."""
    return stage.opened_on >= window_start or stage.responded_on is None or stage.responded_on >= window_start


def _window_query(relevant, start: date, deadlines: bool = False):
    """What is counted and listed of each stage of the window, then what judging reads of
    it (used of the year's own stages only: the window is nearly all of them, so one read
    of each stage and its complaint, not a second query joining both again for those)."""
    # A stage answered before the year began was not withdrawn before a response in it, nor
    # refused in it (a refusal comes before any response), nor awaiting one: its withdrawal
    # and refusal are not looked up (most of a three-year window's look-ups).
    not_answered_before = or_(StageRecord.responded_on == None, StageRecord.responded_on >= start)  # noqa: E711

    def unless_answered_before(column, model):
        return case((not_answered_before, _of_stage(column, model)))

    # The report (`deadlines`) reads the two deadlines judging needs with each stage: two
    # index look-ups in SQLite each, where reading every deadline of the year's stages and
    # sorting them out here cost three times as much at 300k (the self-assessment reads
    # them all: it measures their state too, _handling).
    wanted = (_first_deadline("respond"), _first_deadline("acknowledge")) if deadlines else ()
    return (
        select_row(
            StageRecord.id,
            Complaint.reference,
            Complaint.category,
            Complaint.status,
            StageRecord.stage,
            StageRecord.opened_on,
            StageRecord.acknowledged_on,
            StageRecord.responded_on,
            unless_answered_before(Withdrawal.withdrawn_on, Withdrawal),
            unless_answered_before(Refusal.refused_on, Refusal),
            Complaint.id,
            StageRecord.handler,
            StageRecord.handler_staff_id,
            # --- what judging reads (_own_facts) ---
            Complaint.received_on,
            Complaint.imported_from,
            Complaint.verified_on,
            Resident.tenure,
            Response.decision,
            Response.remedy,
            Response.responded_by,
            _escalated(),
            *wanted,
        )
        .join(Complaint, Complaint.id == StageRecord.complaint_id)
        .join(Resident, Resident.id == Complaint.resident_id)
        .outerjoin(Response, Response.stage_id == StageRecord.id)
        .where(relevant)
    )


def _first_deadline(step: str):
    """The stage's first deadline of `step`, as _handling takes it: the response target is
    the first response deadline set at acknowledgement (not provisional, not an extension's)."""
    found = select(Deadline.due_on).where(Deadline.stage_id == StageRecord.id, Deadline.step == step)
    if step == "respond":
        found = found.where(Deadline.extension_id == None, not_(Deadline.provisional))  # noqa: E711
    return found.order_by(Deadline.id).limit(1).scalar_subquery()


def _escalated():
    """Stage 1's escalation: when stage 2 of its complaint was requested (NULL for stage 2);
    of two stage 2 records, the newest's (as the export and the old join's last row took)."""
    stage_two = aliased(StageRecord)
    return case((StageRecord.stage == 1, select(stage_two.opened_on).where(
        stage_two.complaint_id == StageRecord.complaint_id, stage_two.stage == 2)
        .order_by(stage_two.id.desc()).limit(1).scalar_subquery()))


def _window_facts(row, extensions: dict[int, tuple[ExtensionFacts, ...]]) -> StageFacts:
    """A stage of the window that is not the year's own: what is counted and listed of it."""
    sid, ref, category, status, stage, opened, acked, responded, withdrawn, refused, cid, handler, staff_id = row[:13]
    return StageFacts(
        stage_id=sid, complaint_id=cid, handler=handler, handler_staff_id=staff_id, reference=ref, category=category,
        status=status, stage=stage,
        opened_on=opened, acknowledged_on=acked, responded_on=responded, target_due=None,
        extensions=extensions.get(sid, ()), withdrawn_on=withdrawn, refused_on=refused,
        refused_here=refused is not None, withdrawn_here=withdrawn is not None, year_facts=False,
    )


def _own_facts(row, extensions: dict[int, tuple[ExtensionFacts, ...]], handled: dict | None) -> StageFacts:
    """One of the year's own stages, with all that judging it reads: with `handled` (the
    self-assessment's handling facts) its deadlines from there, else as read with it."""
    (sid, ref, category, status, stage, opened, acked, responded, withdrawn, refused, cid, handler, staff_id,
     received, imported_from, verified_on, tenure, decision, remedy, responded_by, escalated) = row[:21]
    if handled is None:
        target, more = row[21], {"acknowledge_due": row[22]}
    else:
        target = handled["targets"].get(sid)
        more = _handled_of(handled, sid, cid, stage, target)
    return StageFacts(
        stage_id=sid, complaint_id=cid, handler=handler, handler_staff_id=staff_id, responded_by=responded_by or "",
        reference=ref,
        category=category, status=status, received_on=received, stage=stage, opened_on=opened,
        acknowledged_on=acked, responded_on=responded, decision=decision, remedy=remedy or "", target_due=target,
        extensions=extensions.get(sid, ()), withdrawn_on=withdrawn, refused_on=refused, escalated_on=escalated,
        refused_here=refused is not None, withdrawn_here=withdrawn is not None,
        unverified=bool(imported_from) and verified_on is None, tenure=tenure or "",
        **more,
    )


def _extensions(session: Session, own_ids, start: date, end: date) -> dict[int, tuple[ExtensionFacts, ...]]:
    """By stage, in the order they were set: every extension of the year's own stages
    (`own_ids`, a select of their ids), and those of other stages counted in the year
    (rules.measures.extension_counted_on; ix_extension_counted_on finds them)."""
    extensions: dict[int, list[ExtensionFacts]] = {}
    counted_on = _counted_on()
    for stage_id, decided, previous, new_due, beyond, reason, told, details in plain_rows(session,
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
        .where(or_(Extension.stage_id.in_(own_ids), counted_on.between(start, end)))
        .order_by(Extension.stage_id, Extension.id)
    ).all():
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
    return {stage_id: tuple(found) for stage_id, found in extensions.items()}


def _handling(session: Session, stage_ids, stage_two_complaints: list[int]) -> dict:
    """What the self-assessment measures of the stages `stage_ids` (a select of their ids):
    the response targets, the acknowledgement and last response deadlines and whether each
    acknowledgement deadline still runs, read in one pass over their deadlines; the
    definitions; who considered stage 1 as well of `stage_two_complaints`."""
    ack: dict[int, tuple[date, bool]] = {}
    targets: dict[int, date] = {}
    final: dict[int, date] = {}
    for stage_id, step, extension_id, due_on, active in plain_rows(session,
        select_row(Deadline.stage_id, Deadline.step, Deadline.extension_id, Deadline.due_on, Deadline.active)
        # a provisional response deadline (before acknowledgement) is never a target
        .where(Deadline.stage_id.in_(stage_ids), or_(Deadline.step != "respond", not_(Deadline.provisional)))
        # each stage's deadlines in the order they were set: the index's own order
        .order_by(Deadline.stage_id, Deadline.id)
    ).all():
        if step == "acknowledge":
            ack.setdefault(stage_id, (due_on, bool(active)))
        elif step == "respond":
            if extension_id is None:
                targets.setdefault(stage_id, due_on)
            else:
                final[stage_id] = due_on  # the last extended deadline, in the order they were set
    return {"ack": ack, "targets": targets, "final": final,
            "defined": set(session.exec(select(Definition.stage_id).where(Definition.stage_id.in_(stage_ids)))),
            "both": _considered_both(session, stage_two_complaints)}


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
    by_stage = stage_people.considered_stages(session, complaint_ids, (1, 2))
    one, two = by_stage[1], by_stage[2]
    both = {cid: stage_people.in_common(one[cid], two[cid]) for cid in complaint_ids}
    names = staff_queries.names_by_id(session, {sid for people in both.values() for sid in people})
    return {
        cid: tuple(f"{names.get(sid, sid)}: {', '.join(what)}" for sid, what in sorted(people.items()))
        for cid, people in both.items() if people
    }
