"""One function per step of a complaint. Each validates, writes and audits in one
transaction, and is the only way that step is written: the TUI, the CLI, the demo and the
importer all call these.

A refused step raises `StepRefused` naming the rule it breaks, and writes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, func, select

from chc_tui.documents import letters
from chc_tui.rules.calendar import UnknownRegion
from chc_tui.rules.context import StepContext
from chc_tui.steps.identity import acting_write
from chc_tui.rules.domain import NotFound, StaleRecord, StepRefused
from chc_tui.rules.policy import Stage
from chc_tui.steps import independence
from chc_tui.steps.assignment import assignee
from chc_tui.steps.identity import acting
from chc_tui.steps.plans.acknowledge import plan_acknowledge
from chc_tui.steps.plans.checks import Checks
from chc_tui.steps.plans.close import plan_close
from chc_tui.steps.plans.escalate import plan_escalate
from chc_tui.steps.plans.define import DEFINITION_FIELDS, plan_define
from chc_tui.steps.plans.extend import plan_extend, told_by_letter
from chc_tui.steps.plans.log import check_log, new_resident, next_reference, plan_log, reference_prefix, refuse_taken
from chc_tui.steps.plans.refuse import explained_by_letter, plan_refuse
from chc_tui.steps.plans.respond import plan_respond
from chc_tui.steps.plans.withdraw import plan_withdraw
from chc_tui.steps.plans.changes import OPEN, Changes, apply_changes
from chc_tui.steps.plans.state import ComplaintNow, StageNow, audit_values, deadline_values
from chc_tui.steps.settings import LANDLORD_NAME_KEY, REGION_KEY, check_region, load_calendar, put_setting
from store.engine import Database
from store.models import (
    AuditEntry,
    ClosureDay,
    Complaint,
    Deadline,
    Definition,
    Extension,
    Refusal,
    Resident,
    Response,
    Staff,
    StageRecord,
    Withdrawal,
    saved_id,
)


# --- helpers ---------------------------------------------------------------------------


_Checks = Checks  # chc_tui.steps.plans.checks: shared with the plans


def _audit(
    session: Session,
    ctx: StepContext,
    action: str,
    complaint_id: int | None,
    details: dict[str, Any],
    before: dict[str, Any] | None = None,
) -> None:
    """`details` is what the record holds after the change; `before`, what it replaced."""
    session.add(AuditEntry(complaint_id=complaint_id, **audit_values(ctx, action, details, before)))


def _state(complaint: Complaint) -> ComplaintNow:
    return ComplaintNow(complaint.reference, complaint.status, complaint.received_on)


def _stage_now(stage: StageRecord) -> StageNow:
    return StageNow(stage.stage, stage.opened_on, stage.acknowledged_on, stage.responded_on)


def _complaint_for_change(
    session: Session, reference: str, expected_version: int | None
) -> Complaint:
    complaint = session.exec(select(Complaint).where(Complaint.reference == reference)).first()
    if complaint is None:
        raise NotFound(f"no complaint with reference {reference!r}")
    if expected_version is not None and complaint.version != expected_version:
        raise StaleRecord(
            f"{reference} was changed by someone else since you opened it "
            f"(version {expected_version} -> {complaint.version}); reload it and try again",
            current_version=complaint.version,  # a form may let its handler save over it, knowingly
        )
    complaint.version += 1
    session.add(complaint)
    return complaint


def _current_stage(session: Session, complaint: Complaint) -> StageRecord:
    return session.exec(
        select(StageRecord).where(
            StageRecord.complaint_id == complaint.id,
            StageRecord.stage == complaint.current_stage,
        )
    ).one()


def _stage(session: Session, complaint: Complaint, stage: int) -> StageRecord | None:
    return session.exec(
        select(StageRecord).where(
            StageRecord.complaint_id == complaint.id, StageRecord.stage == stage
        )
    ).first()


def _open_deadlines(session: Session, complaint_id: int) -> list[Deadline]:
    return list(
        session.exec(
            select(Deadline).where(
                Deadline.complaint_id == complaint_id,
                Deadline.active == True,  # noqa: E712
                Deadline.met_on == None,  # noqa: E711
            )
        )
    )


def _active_deadline(session: Session, stage: StageRecord, step: str) -> Deadline | None:
    return session.exec(
        select(Deadline).where(
            Deadline.stage_id == stage.id,
            Deadline.step == step,
            Deadline.active == True,  # noqa: E712
        )
    ).first()


def _apply(session: Session, complaint: Complaint, stage: StageRecord, changes: Changes) -> list[Deadline]:
    """A plan's changes to the records already there (chc_tui.steps.plans.changes), the
    current stage's and its deadlines'; the deadlines changed."""
    apply_changes(complaint, changes.complaint)
    apply_changes(stage, changes.stage)
    session.add(stage)
    changed: list[Deadline] = []
    for change in changes.deadlines:
        if change.which == OPEN:
            found = _open_deadlines(session, saved_id(complaint))
        else:
            found = [d for d in [_active_deadline(session, stage, change.which)] if d is not None]
        for deadline in found:
            apply_changes(deadline, change.values)
            session.add(deadline)
            changed.append(deadline)
    return changed


def _latest_definition(session: Session, stage: StageRecord) -> Definition | None:
    return session.exec(
        select(Definition)
        .where(Definition.stage_id == stage.id)
        .order_by(Definition.id.desc())
    ).first()


def _reference_taken(session: Session, reference: str) -> bool:
    return session.exec(select(Complaint.id).where(Complaint.reference == reference)).first() is not None


def _next_reference(session: Session, received_on: date) -> str:
    prefix = reference_prefix(received_on)
    count = session.exec(
        select(func.count()).select_from(Complaint).where(Complaint.reference.startswith(prefix))
    ).one()
    return next_reference(received_on, count, lambda taken: _reference_taken(session, taken))


def _letter(
    session: Session,
    db: Database,
    ctx: StepContext,
    complaint: Complaint,
    stage: StageRecord,
    step: str,
    letter: "str | letters.DraftOnly | letters.AsDrafted | letters.Outgoing | None",
    letter_date: date,
) -> dict[str, Any]:
    """Draft or store the step's letter (see chc_tui.documents.letters); audit details for it."""
    if letter is None:
        return {}
    _recorder_independent(session, complaint, stage, "sign a letter")
    session.flush()
    stored = letters.draft_or_send(
        session, db_path=db.path, complaint=complaint, stage=stage, step=step,
        letter=letter, letter_date=letter_date, actor=ctx.actor,
    )
    assert stored is not None  # draft_or_send stores the letter it was given
    from store.models import LetterDelivery

    send_by = session.exec(select(LetterDelivery.channel).where(LetterDelivery.letter_id == stored.id)).one()
    return {"letter_id": stored.id, "letter_sha256": stored.sha256, "letter_edited": stored.edited,
            "letter_send_by": send_by}


def _must_be_open(checks: _Checks, complaint: Complaint, doing: str) -> None:
    checks.must_be_open(complaint.reference, complaint.status, doing)


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Logged:
    reference: str
    acknowledge_due: date
    provisional_response_due: date


# --- the steps -------------------------------------------------------------------------


def log_complaint(
    db: Database,
    *,
    received_on: date,
    channel: str,
    resident_name: str,
    category: str,
    resident_words: str,
    handler: str | int | None = None,
    resident_id: int | None = None,
    resident_address: str = "",
    resident_phone: str = "",
    resident_email: str = "",
    representative_name: str = "",
    representative_relationship: str = "",
    adjustments: str = "",
    reference: str = "",
    imported_from: str = "",
    resident_tenure: str | None = None,
    ctx: StepContext | None = None,
) -> Logged:
    """Log a new stage 1 complaint (Code 5.1, 6.2): starts the acknowledgement clock.

    `reference` keeps a reference the complaint already has (one moved in from a
    spreadsheet); without one the next C<year>-NNNN is given. `imported_from` (the
    importer's: the spreadsheet's file name) marks it "imported, not verified" until a
    handler verifies it (chc_tui.steps.verification). `resident_tenure` (LCRA,
    LCHO, "" not known) is the resident's TSM stock type: a new resident's, or, given for
    a resident already on record, their new one (None leaves it as it is)."""
    ctx = ctx or StepContext()
    reference = (reference or "").strip()
    check_log(ctx, received_on=received_on, channel=channel, resident_name=resident_name, category=category,
              resident_words=resident_words, handler=handler, resident_id=resident_id,
              representative_name=representative_name, representative_relationship=representative_relationship,
              reference=reference)

    with acting_write(db, ctx) as session:
        # Unless another is named, the person logging it handles it.
        chosen = assignee(session, handler if handler is not None else acting(session).staff_id,
                          stage=Stage.ONE, today=ctx.today)
        if reference and _reference_taken(session, reference):
            refuse_taken(reference)
        calendar = load_calendar(session)
        from chc_tui.steps.residents import checked_tenure

        tenure = None if resident_tenure is None else checked_tenure(session, resident_tenure)
        resident: Resident | None
        if resident_id is None:
            resident = Resident(**new_resident(name=resident_name, address=resident_address, phone=resident_phone,
                                               email=resident_email, channel=channel, tenure=tenure or ""))
            session.add(resident)
            session.flush()
        else:
            resident = session.get(Resident, resident_id)
            if resident is None:
                raise StepRefused(f"no resident with id {resident_id}", "resident_name")
            if tenure is not None and resident.tenure != tenure:
                _audit(session, ctx, "set tenure", None,
                       {"resident_id": resident_id, "tenure": tenure}, {"tenure": resident.tenure})
                resident.tenure = tenure
                resident.version += 1
                session.add(resident)
        plan = plan_log(
            ctx, calendar, reference=reference or _next_reference(session, received_on), resident_shown=resident.name,
            received_on=received_on, channel=channel, category=category, resident_words=resident_words,
            representative_name=representative_name, representative_relationship=representative_relationship,
            adjustments=adjustments, imported_from=imported_from, handler_name=chosen.display_name,
            handler_staff_id=chosen.id,
        )
        complaint = Complaint(resident_id=saved_id(resident), **plan.complaint)
        session.add(complaint)
        session.flush()
        stage = StageRecord(complaint_id=saved_id(complaint), **plan.stage)
        session.add(stage)
        session.flush()
        for deadline in (plan.acknowledge, plan.respond):
            session.add(Deadline(complaint_id=saved_id(complaint), stage_id=saved_id(stage), **deadline))
        from chc_tui.steps.residents import adjustment_from_complaint

        # The need is the resident's, not this complaint's alone (Code 5.10).
        adjustment_from_complaint(session, ctx, saved_id(resident), complaint.adjustments, min(received_on, ctx.today),
                                  complaint.id)
        session.add(AuditEntry(complaint_id=complaint.id, **plan.audit))
        return Logged(complaint.reference, plan.started.acknowledge_due, plan.started.provisional_response_due)


def define(
    db: Database,
    reference: str,
    *,
    understanding: str,
    outcomes_sought: str,
    responsible_aspects: str,
    not_responsible_aspects: str = "",
    defined_on: date | None = None,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    """Record the complaint definition for the current stage (Code 5.6, 5.7)."""
    ctx = ctx or StepContext()
    defined_on = defined_on or ctx.today
    with acting_write(db, ctx) as session:
        complaint = _complaint_for_change(session, reference, expected_version)
        stage = _current_stage(session, complaint)
        _recorder_independent(session, complaint, stage, "define the complaint")
        previous = _latest_definition(session, stage)
        plan = plan_define(
            ctx, _state(complaint), _stage_now(stage),
            None if previous is None else {name: getattr(previous, name) for name in DEFINITION_FIELDS},
            understanding=understanding, outcomes_sought=outcomes_sought, responsible_aspects=responsible_aspects,
            not_responsible_aspects=not_responsible_aspects, defined_on=defined_on,
        )
        session.add(Definition(stage_id=saved_id(stage), **plan.definition))
        session.add(AuditEntry(complaint_id=complaint.id, **plan.audit))


def acknowledge(
    db: Database,
    reference: str,
    *,
    acknowledged_on: date | None = None,
    letter: "str | letters.DraftOnly | letters.AsDrafted | letters.Outgoing | None" = None,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> date:
    """Acknowledge the current stage (Code 6.2, 6.11); fixes the response deadline
    (6.3, 6.14) counted from the acknowledgement. Returns the response due date."""
    ctx = ctx or StepContext()
    acknowledged_on = acknowledged_on or ctx.today
    with acting_write(db, ctx) as session:
        complaint = _complaint_for_change(session, reference, expected_version)
        stage = _current_stage(session, complaint)
        _recorder_independent(session, complaint, stage, "acknowledge the complaint")
        ack_deadline = _active_deadline(session, stage, "acknowledge")
        plan = plan_acknowledge(
            ctx, load_calendar(session), _state(complaint), _stage_now(stage),
            defined=stage.acknowledged_on is not None or _latest_definition(session, stage) is not None,
            acknowledge_due=ack_deadline.due_on if ack_deadline else None, acknowledged_on=acknowledged_on,
        )
        _apply(session, complaint, stage, plan.changes)
        session.add(Deadline(complaint_id=saved_id(complaint), stage_id=saved_id(stage), **plan.respond))
        sent = _letter(session, db, ctx, complaint, stage, "acknowledge", letter, acknowledged_on)
        _audit(session, ctx, "acknowledge", complaint.id, {**plan.details, **sent})
        return plan.response_due


def _target_response_deadline(session: Session, stage: StageRecord) -> Deadline | None:
    """The response deadline fixed at acknowledgement, before any extension."""
    return session.exec(
        select(Deadline)
        .where(
            Deadline.stage_id == stage.id,
            Deadline.step == "respond",
            Deadline.provisional == False,  # noqa: E712
            Deadline.extension_id == None,  # noqa: E711
        )
        .order_by(Deadline.id)
    ).first()


def extend(
    db: Database,
    reference: str,
    *,
    new_due: date,
    reason: str,
    decided_on: date | None = None,
    told_resident_on: date | None = None,
    ombudsman_details_given: bool | None = False,
    good_reason: str = "",
    letter: "str | letters.DraftOnly | letters.AsDrafted | letters.Outgoing | None" = None,
    expected_version: int | None = None,
    accept_shortfalls: bool = False,
    decision_date_known: bool = True,
    ctx: StepContext | None = None,
) -> None:
    """Extend the response deadline of the current stage (Code 6.4, 6.5, 6.15, 6.16).

    The extension is measured from the response deadline set at acknowledgement, so that
    several extensions together stay within the Code's limit unless a good reason is
    recorded. One that is not in line with the Code (decided or told after the deadline it
    replaces, past the limit with no good reason, no Ombudsman details) is refused with
    what it falls short of, field by field, unless `accept_shortfalls`: then it is
    recorded, and the audit says what it fell short of. The figures judge it by the same
    rule (chc_tui.rules.extension_standard). `decision_date_known=False` (the importer's,
    for a sheet that never held it) stores the decision date as not known; None for
    `ombudsman_details_given` stores that as not known.
    """
    ctx = ctx or StepContext()
    decided_on = (decided_on or ctx.today) if decision_date_known else None
    told_resident_on, ombudsman_details_given = told_by_letter(letter is not None, told_resident_on,
                                                               ombudsman_details_given, ctx.today)
    with acting_write(db, ctx) as session:
        complaint = _complaint_for_change(session, reference, expected_version)
        stage = _current_stage(session, complaint)
        _recorder_independent(session, complaint, stage, "extend the response time")
        current = _active_deadline(session, stage, "respond")
        target = _target_response_deadline(session, stage)
        calendar = load_calendar(session)
        plan = plan_extend(
            ctx, calendar, _state(complaint), _stage_now(stage), new_due=new_due, reason=reason,
            decided_on=decided_on, told_resident_on=told_resident_on, ombudsman_details_given=ombudsman_details_given,
            good_reason=good_reason, accept_shortfalls=accept_shortfalls,
            current_due=current.due_on if current else None, target_due=target.due_on if target else None,
        )
        extension = Extension(stage_id=saved_id(stage), **plan.extension)
        session.add(extension)
        session.flush()
        _apply(session, complaint, stage, plan.changes)
        session.add(Deadline(complaint_id=saved_id(complaint), stage_id=saved_id(stage),
                             **deadline_values(calendar, "respond", plan.counted,
                                               extension_id=extension.id)))
        sent = _letter(session, db, ctx, complaint, stage, "extend", letter, told_resident_on or ctx.today)
        _audit(session, ctx, "extend", complaint.id, {**plan.details, **sent})


def respond(
    db: Database,
    reference: str,
    *,
    decision: str,
    reasons: str,
    remedies: "str | Sequence[str]" = (),
    actions: "str | Sequence[str]" = (),
    no_remedy_reason: str = "",
    impact: str = "",
    remedies_guidance: str = "",
    responded_on: date | None = None,
    letter: "str | letters.DraftOnly | letters.AsDrafted | letters.Outgoing | None" = None,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    """Record the full response for the current stage (Code 6.9, 6.19), with its remedies
    and outstanding actions as records, one a line (remedies.REMEDY_GRAMMAR, ACTION_GRAMMAR),
    in the same transaction: they are followed to done after the stage closes (6.6, 7.3).
    Upheld or partly upheld needs a remedy or action, or the reason for none (7.1)."""
    from chc_tui.steps import remedies as remedy_steps  # it builds on this module

    ctx = ctx or StepContext()
    responded_on = responded_on or ctx.today
    with acting_write(db, ctx) as session:
        complaint = _complaint_for_change(session, reference, expected_version)
        stage = _current_stage(session, complaint)
        _recorder_independent(session, complaint, stage, "record the response")
        plan = plan_respond(
            ctx, _state(complaint), _stage_now(stage), decision=decision, reasons=reasons, remedies=remedies,
            actions=actions, no_remedy_reason=no_remedy_reason, impact=impact, remedies_guidance=remedies_guidance,
            responded_on=responded_on,
        )
        met = _apply(session, complaint, stage, plan.changes)
        deadline = met[0] if met else None
        session.add(
            Response(stage_id=saved_id(stage), **plan.response))
        remedy_ids = [remedy_steps.record_remedy(session, ctx, complaint, line, responded_on)
                      for line in plan.remedy_lines]
        action_ids = [remedy_steps.record_action(session, ctx, complaint, line) for line in plan.action_lines]
        sent = _letter(session, db, ctx, complaint, stage, "respond", letter, responded_on)
        _audit(session, ctx, "respond", complaint.id,
               {**plan.details(remedy_ids, action_ids, deadline.due_on if deadline else None), **sent})


def stage_two_handler(session: Session, handler: str | int, today: date) -> tuple[int, str] | StepRefused:
    """The stage 2 handler as plan_escalate takes them: found on the register for stage 2
    (their id and name), or the refusal."""
    try:
        staff = assignee(session, handler, stage=Stage.TWO, today=today)
    except StepRefused as refused:
        return refused
    return saved_id(staff), staff.display_name


def _stage_two_assignee(checks: "_Checks", session: Session, complaint: Complaint, handler: str | int, today: date) -> Staff | None:
    """The staff member a stage 2 handler field means, if they may take stage 2 (6.13)."""
    try:
        staff = assignee(session, handler, stage=Stage.TWO, today=today)
    except StepRefused as refused:
        checks.problems.extend(refused.problems)
        return None
    why = independence.why_not_independent(session, complaint, saved_id(staff), "be assigned stage 2")
    if why:
        checks.add("handler", why)
    return staff


def _recorder_independent(session: Session, complaint: Complaint, stage: StageRecord, doing: str) -> None:
    """At stage 2, whoever records a step must not have considered stage 1 (6.13)."""
    if stage.stage == Stage.TWO:
        independence.require_independent(session, complaint, acting(session).done_by, f"{doing} at stage 2")


def escalate(
    db: Database,
    reference: str,
    *,
    requested_on: date,
    handler: str | int,
    reason: str = "",
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> date:
    """Escalate to stage 2 at the resident's request (Code 6.10-6.13). Returns the
    acknowledgement due date. A complaint closed after stage 1 is reopened."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        complaint = _complaint_for_change(session, reference, expected_version)
        current = _current_stage(session, complaint)
        plan = plan_escalate(
            ctx, load_calendar(session), _state(complaint), _stage_now(current), requested_on=requested_on,
            reason=reason, handler=stage_two_handler(session, handler, ctx.today),
            stage_one_people=independence.stage_one_considerers(session, complaint) if current.stage == Stage.ONE else {},
        )
        stage_two = StageRecord(complaint_id=saved_id(complaint), **plan.stage)
        session.add(stage_two)
        session.flush()
        _apply(session, complaint, current, plan.changes)
        for deadline in (plan.acknowledge, plan.respond):
            session.add(Deadline(complaint_id=saved_id(complaint), stage_id=saved_id(stage_two), **deadline))
        session.add(AuditEntry(complaint_id=complaint.id, **plan.audit))
        return plan.acknowledge_due


def refuse(
    db: Database,
    reference: str,
    *,
    exclusion_reason: str,
    explanation: str,
    refused_on: date | None = None,
    ombudsman_right_explained: bool = False,
    letter: "str | letters.DraftOnly | letters.AsDrafted | letters.Outgoing | None" = None,
    expected_version: int | None = None,
    right_explained_known: bool = True,
    issue_on: date | None = None,
    aware_on: date | None = None,
    discretion_considered: str = "",
    claim_filed_on: date | None = None,
    facts_known: bool = True,
    ctx: StepContext | None = None,
) -> None:
    """Decline to take the complaint on (Code 2.2-2.5): an individual decision with its
    own reason and explanation, and the resident told they may take it to the Ombudsman.
    `right_explained_known=False` (the importer's, for a sheet that never recorded it)
    stores whether the Ombudsman route was explained as not known; the figures then do
    not count it as explained.

    Over 12 months needs the date of the issue, the date the resident became aware of it
    and the discretion considered (2.3), and is refused when either date is within the
    policy's refusal_age_months of receipt; legal proceedings needs the date the claim
    was filed (2.2). `facts_known=False` (the importer's) stores them as not known."""
    ctx = ctx or StepContext()
    refused_on = refused_on or ctx.today
    ombudsman_right_explained = explained_by_letter(letter is not None, ombudsman_right_explained)
    with acting_write(db, ctx) as session:
        complaint = _complaint_for_change(session, reference, expected_version)
        stage = _current_stage(session, complaint)
        plan = plan_refuse(
            ctx, _state(complaint), _stage_now(stage), exclusion_reason=exclusion_reason, explanation=explanation,
            refused_on=refused_on, ombudsman_right_explained=ombudsman_right_explained,
            right_explained_known=right_explained_known, issue_on=issue_on, aware_on=aware_on,
            discretion_considered=discretion_considered, claim_filed_on=claim_filed_on, facts_known=facts_known,
        )
        session.add(Refusal(complaint_id=saved_id(complaint), **plan.refusal))
        _apply(session, complaint, stage, plan.changes)
        sent = _letter(session, db, ctx, complaint, stage, "refuse", letter, refused_on)
        _audit(session, ctx, "refuse", complaint.id, {**plan.details, **sent})


def withdraw(
    db: Database,
    reference: str,
    *,
    reason: str = "",
    withdrawn_on: date | None = None,
    letter: "str | letters.DraftOnly | letters.AsDrafted | letters.Outgoing | None" = None,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    """Record that the resident withdrew the complaint."""
    ctx = ctx or StepContext()
    withdrawn_on = withdrawn_on or ctx.today
    with acting_write(db, ctx) as session:
        complaint = _complaint_for_change(session, reference, expected_version)
        stage = _current_stage(session, complaint)
        plan = plan_withdraw(ctx, _state(complaint), _stage_now(stage), reason=reason, withdrawn_on=withdrawn_on)
        session.add(Withdrawal(complaint_id=saved_id(complaint), **plan.withdrawal))
        _apply(session, complaint, stage, plan.changes)
        sent = _letter(session, db, ctx, complaint, stage, "withdraw", letter, withdrawn_on)
        _audit(session, ctx, "withdraw", complaint.id, {**plan.details, **sent})


def close(
    db: Database,
    reference: str,
    *,
    closed_on: date | None = None,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    """Close a complaint whose current stage has been answered. Outstanding actions go
    on being tracked after closure (Code 6.6, 7.3)."""
    ctx = ctx or StepContext()
    closed_on = closed_on or ctx.today
    with acting_write(db, ctx) as session:
        complaint = _complaint_for_change(session, reference, expected_version)
        stage = _current_stage(session, complaint)
        closed = plan_close(ctx, _state(complaint), _stage_now(stage), closed_on=closed_on)
        _apply(session, complaint, stage, closed.changes)
        session.add(AuditEntry(complaint_id=complaint.id, **closed.audit))


def assign_handler(
    db: Database,
    reference: str,
    *,
    handler: str | int,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    """Hand the current stage to another handler (still never stage 1's at stage 2, 6.13)."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        complaint = _complaint_for_change(session, reference, expected_version)
        stage = _current_stage(session, complaint)
        checks = _Checks()
        _must_be_open(checks, complaint, "reassign")
        checks.raise_if_any()
        if stage.stage == Stage.TWO:
            chosen = _stage_two_assignee(checks, session, complaint, handler, ctx.today)
            checks.raise_if_any()
        else:
            chosen = assignee(session, handler, stage=stage.stage, today=ctx.today)
        assert chosen is not None  # refused above
        before, before_id = stage.handler, stage.handler_staff_id
        stage.handler, stage.handler_staff_id = chosen.display_name, chosen.id
        session.add(stage)
        _audit(
            session, ctx, "assign", complaint.id,
            {"stage": stage.stage, "from": before, "to": chosen.display_name, "handler": chosen.display_name,
             "from_staff_id": before_id, "to_staff_id": chosen.id},
            before={"handler": before, "handler_staff_id": before_id},
        )


def note_adjustments(
    db: Database,
    reference: str,
    *,
    adjustments: str,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    """Record the reasonable adjustments agreed for this complaint (Code 5.10): large
    print, another language, an easy-read version... They become the resident's
    adjustments (chc_tui.steps.residents), so every complaint and letter of theirs shows
    them and a large-print need prints the letters large; they are reviewed and ended on
    the resident's needs (`v`)."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        complaint = _complaint_for_change(session, reference, expected_version)
        before = complaint.adjustments
        complaint.adjustments = (adjustments or "").strip()
        _audit(
            session, ctx, "note adjustments", complaint.id,
            {"adjustments": complaint.adjustments}, before={"adjustments": before},
        )
        from chc_tui.steps.residents import adjustment_from_complaint

        adjustment_from_complaint(session, ctx, complaint.resident_id, complaint.adjustments, ctx.today, complaint.id)


# --- settings --------------------------------------------------------------------------


def set_region(db: Database, region: str, ctx: StepContext | None = None) -> None:
    """Choose the bank holidays the calendar uses. Existing due dates keep their days."""
    ctx = ctx or StepContext()
    try:
        check_region(region)
    except UnknownRegion as exc:
        raise StepRefused(str(exc), "region") from None
    with acting_write(db, ctx) as session:
        put_setting(session, REGION_KEY, region)
        _audit(session, ctx, "set region", None, {"region": region})


def set_landlord_name(db: Database, name: str, ctx: StepContext | None = None) -> None:
    """The landlord's name, as letters, exports and reports show it."""
    ctx = ctx or StepContext()
    if not (name or "").strip():
        raise StepRefused("the landlord's name is required", "name")
    with acting_write(db, ctx) as session:
        put_setting(session, LANDLORD_NAME_KEY, name.strip())
        _audit(session, ctx, "set landlord name", None, {"name": name.strip()})


def add_closure_day(db: Database, day: date, note: str = "", ctx: StepContext | None = None) -> None:
    """Add a day the office is shut. Due dates already fixed do not move (see recalculate)."""
    ctx = ctx or StepContext()
    if not isinstance(day, date):
        raise StepRefused(f"a closure day must be a date, not {day!r}", "day")
    with acting_write(db, ctx) as session:
        if session.get(ClosureDay, day) is not None:
            raise StepRefused(f"{day:%d/%m/%Y} is already a closure day", "day")
        session.add(ClosureDay(day=day, note=note.strip()))
        _audit(session, ctx, "add closure day", None, {"day": day, "note": note.strip()})


def remove_closure_day(db: Database, day: date, ctx: StepContext | None = None) -> None:
    ctx = ctx or StepContext()
    if not isinstance(day, date):
        raise StepRefused(f"a closure day must be a date, not {day!r}", "day")
    with acting_write(db, ctx) as session:
        row = session.get(ClosureDay, day)
        if row is None:
            raise StepRefused(f"{day:%d/%m/%Y} is not a closure day", "day")
        session.delete(row)
        _audit(session, ctx, "remove closure day", None, {"day": day})


def recalculate_deadlines(
    db: Database, reference: str, *, why: str, ctx: StepContext | None = None
) -> list[tuple[str, date, date]]:
    """Recount the open deadlines of one complaint on today's calendar and policy.

    The only way a fixed due date moves: explicit, with a reason, and audited.
    Returns (step, old due, new due) for each deadline that moved.
    """
    ctx = ctx or StepContext()
    if not why.strip():
        raise StepRefused("say why the deadlines are being recalculated", "why")
    moved: list[tuple[str, date, date]] = []
    with acting_write(db, ctx) as session:
        complaint = _complaint_for_change(session, reference, None)
        calendar = load_calendar(session)
        # Acknowledgement deadlines first: a provisional response deadline is counted from
        # its stage's acknowledgement deadline, so it must follow that one when it moves.
        ack_due: dict[int, date] = {}
        open_now = sorted(_open_deadlines(session, saved_id(complaint)), key=lambda d: (d.step != "acknowledge", d.id))
        for deadline in open_now:
            if deadline.extension_id is not None:
                continue  # an agreed extension is a date told to the resident: it stays
            start = deadline.clock_start
            if deadline.provisional and deadline.stage_id in ack_due:
                start = ack_due[deadline.stage_id]
            counted = calendar.explain_add(start, deadline.working_days)
            if deadline.step == "acknowledge":
                ack_due[deadline.stage_id] = counted.due
            if counted.due != deadline.due_on:
                moved.append((deadline.step, deadline.due_on, counted.due))
                deadline.clock_start = start
                deadline.due_on = counted.due
                deadline.skipped_json = json.dumps([s.to_json() for s in counted.skipped])
                deadline.region = calendar.region
                session.add(deadline)
        _audit(
            session,
            ctx,
            "recalculate deadlines",
            complaint.id,
            {"why": why.strip(), "moved": [[s, a.isoformat(), b.isoformat()] for s, a, b in moved]},
        )
    return moved




# --- shared with the use-cases around the complaint (residents, remedies, Ombudsman...) --

audit = _audit
complaint_for_change = _complaint_for_change


def record_for_change(session: Session, model, record_id: int, expected_version: int | None, label: str):
    """A versioned record to change, or NotFound / StaleRecord; its version moves on."""
    record = session.get(model, record_id)
    if record is None:
        raise NotFound(f"no {label} with id {record_id}")
    if expected_version is not None and getattr(record, "version", expected_version) != expected_version:
        raise StaleRecord(f"this {label} was changed by someone else since you opened it",
                          current_version=record.version)
    if hasattr(record, "version"):
        record.version += 1
    session.add(record)
    return record
