"""Corrections: putting right a typo in the record, with the reason, audited.

- the resident's name and contact details (address, telephone, email);
- the date a complaint was received (stage 1's clock start) or the date stage 2 was
  requested (stage 2's clock start).

A date that started a clock recounts that clock, explicitly: `preview_received_date` and
`preview_requested_date` give the old and new due date of every deadline the date drives
(acknowledgement and definition, Code 6.2/6.11, and the provisional response deadline
counted from it), counted by chc_tui.rules.clocks like every due date; the TUI's form and
`chc correct` both show that preview, and the saving step works from the same plan and
keeps both dates in the audit. The response deadline fixed at acknowledgement (6.3, 6.14)
is counted from the acknowledgement and does not move; neither does an agreed extension.

A letter already sent is never re-rendered (Code 5.12): if it told the resident a date
that moves, the correction says which letter told them what, and is saved only once the
handler confirms they will write to the resident (`confirm_told`), which the audit keeps.

A closed, refused or withdrawn complaint may have its date corrected too: the record should
say what happened, and the figures (annual report, self-assessment) count the corrected
date when they are next produced; the preview says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from sqlmodel import Session, select

from chc_tui.documents.letters import LetterKind, _squash, long_date
from chc_tui.rules import clocks, financial_year
from chc_tui.rules.calendar import DueDate, WorkingCalendar
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import NotFound, Problem, Status, StepRefused
from chc_tui.steps.residents import check_contact
from chc_tui.steps.settings import load_calendar
from chc_tui.steps.usecases import Checks, audit, complaint_for_change, record_for_change
from store.engine import Database
from store.models import Complaint, Deadline, Definition, Letter, Refusal, Resident, StageRecord, Withdrawal, saved_id

log = logging.getLogger(__name__)

RESIDENT_FIELDS = ("name", "address", "phone", "email")
RESIDENT_LABELS = {"name": "name", "address": "address", "phone": "telephone", "email": "email"}


def _dmy(day: date) -> str:
    return f"{day:%d/%m/%Y}"


# --- what a date correction would do ------------------------------------------------------------


@dataclass(frozen=True)
class MovedDeadline:
    """One deadline counted from the corrected date: its due date before and after."""

    deadline_id: int
    step: str  # acknowledge | respond
    provisional: bool
    old_due: date
    new_due: date
    active: bool
    met_on: date | None
    late_before: int  # working days late it was met, before and after (0 or less: on time)
    late_after: int
    replaced_on: date | None  # a provisional deadline replaced at this acknowledgement
    counted: DueDate = field(repr=False, compare=False)

    def state(self, day: Callable[[date], str] = _dmy) -> str:
        """"running", "met 07/04/2026 (was on time, now 1 working day late)", ..."""
        if self.met_on is not None:
            was, now = _judged(self.late_before), _judged(self.late_after)
            return f"met {day(self.met_on)} ({now if was == now else f'was {was}, now {now}'})"
        if self.active:
            return "running"
        if self.replaced_on is not None:
            return f"replaced by the deadline fixed at acknowledgement on {day(self.replaced_on)}"
        return "no longer due"

    @property
    def label(self) -> str:
        if self.step == "acknowledge":
            return "acknowledge and define by"
        return "respond by (provisional)" if self.provisional else "respond by"

    @property
    def told_as(self) -> str:
        if self.step == "acknowledge":
            return "the date we would acknowledge and define the complaint by"
        return "the date we would respond by"

    @property
    def audit_key(self) -> str:
        return "acknowledge_due" if self.step == "acknowledge" else (
            "provisional_response_due" if self.provisional else "response_due")

    @property
    def moves(self) -> bool:
        return self.old_due != self.new_due


def _judged(late: int) -> str:
    return "on time" if late <= 0 else f"{late} working day{'s' if late != 1 else ''} late"


@dataclass(frozen=True)
class KeptDeadline:
    """A running deadline of the stage that the corrected date does not drive."""

    due_on: date
    by_extension: bool
    acknowledged_on: date | None

    def line(self, day: Callable[[date], str] = _dmy) -> str:
        why = ("an agreed extension" if self.by_extension
               else f"counted from the acknowledgement on {day(self.acknowledged_on)}" if self.acknowledged_on
               else "not counted from this date")
        return f"respond by {day(self.due_on)}: {why}; it does not move"


@dataclass(frozen=True)
class ToldInLetter:
    """A letter already sent that gave the resident a date the correction moves."""

    letter_id: int
    kind: str  # the letter's label: "Stage 1 acknowledgement"
    sent_on: date
    what: str  # "the date received"
    told: date

    def line(self, day: Callable[[date], str] = _dmy) -> str:
        return (f"the {self.kind} letter sent {day(self.sent_on)} (letter {self.letter_id}) told the resident "
                f"{long_date(self.told)} as {self.what}")


@dataclass(frozen=True)
class DateCorrection:
    """The plan for correcting a stage's clock-start date: the preview shows it, the step
    saves it. `problems` are why it cannot be saved as it stands (the date itself)."""

    reference: str
    stage: int
    field: str  # the use-case field: received_on | requested_on
    what: str  # "the date received" | "the date stage 2 was requested"
    old: date
    new: date
    deadlines: tuple[MovedDeadline, ...]
    kept: tuple[KeptDeadline, ...]  # running deadlines the date does not drive
    told: tuple[ToldInLetter, ...]
    notes: tuple[str, ...]
    problems: tuple[Problem, ...]

    @property
    def moved(self) -> tuple[MovedDeadline, ...]:
        return tuple(d for d in self.deadlines if d.moves)

    def lines(self, day: Callable[[date], str] = _dmy, problems: bool = True) -> list[str]:
        """The preview in words, the same on the screen and from `chc correct` (which
        gives the problems on stderr instead)."""
        out = [f"{self.reference} stage {self.stage}: {self.what} {day(self.old)} -> {day(self.new)}"]
        for d in self.deadlines:
            change = f"{day(d.old_due)} -> {day(d.new_due)}" if d.moves else f"{day(d.old_due)} (unchanged)"
            out.append(f"  {d.label}: {change}; {d.state(day)}")
        out += [f"  {kept.line(day)}" for kept in self.kept]
        for told in self.told:
            out.append(f"WARNING: {told.line(day)}: write to the resident about the corrected date")
        out += [f"Note: {note}" for note in self.notes]
        return out + ([f"Cannot be saved: {p.message}" for p in self.problems] if problems else [])

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "stage": self.stage,
            "field": self.field,
            "old": self.old.isoformat(),
            "new": self.new.isoformat(),
            "due_dates": [
                {"step": d.step, "provisional": d.provisional, "old_due": d.old_due.isoformat(),
                 "new_due": d.new_due.isoformat(), "moves": d.moves, "state": d.state(date.isoformat)}
                for d in self.deadlines
            ],
            "kept": [k.line(date.isoformat) for k in self.kept],
            "told_in_letters": [
                {"letter_id": t.letter_id, "kind": t.kind, "sent_on": t.sent_on.isoformat(), "what": t.what,
                 "told": t.told.isoformat()}
                for t in self.told
            ],
            "notes": list(self.notes),
            "problems": [{"field": p.field, "message": p.message} for p in self.problems],
        }


# stage -> (the use-case's field, the date in words, the audit action)
_WHAT = {
    1: ("received_on", "the date received", "correct received date"),
    2: ("requested_on", "the date stage 2 was requested", "correct stage 2 request date"),
}


def _complaint(session: Session, reference: str) -> Complaint:
    complaint = session.exec(select(Complaint).where(Complaint.reference == reference)).first()
    if complaint is None:
        raise NotFound(f"no complaint with reference {reference!r}", "reference")
    return complaint


def _stage_record(session: Session, complaint: Complaint, stage: int) -> StageRecord:
    record = session.exec(
        select(StageRecord).where(StageRecord.complaint_id == complaint.id, StageRecord.stage == stage)
    ).first()
    if record is None:
        field_name = _WHAT[stage][0]
        raise StepRefused(
            f"{complaint.reference} has not been escalated: it has no stage 2 request date to correct", field_name
        )
    return record


def _moved(calendar: WorkingCalendar, stage: StageRecord, dl: Deadline, counted: DueDate) -> MovedDeadline:
    met = dl.met_on
    return MovedDeadline(
        saved_id(dl), dl.step, dl.provisional, dl.due_on, counted.due, dl.active, met,
        clocks.working_days_late(calendar, dl.due_on, met) if met else 0,
        clocks.working_days_late(calendar, counted.due, met) if met else 0,
        stage.acknowledged_on if dl.provisional and not dl.active and met is None else None,
        counted,
    )


def _driven(
    session: Session, ctx: StepContext, calendar: WorkingCalendar, stage: StageRecord, new_open: date
) -> tuple[list[MovedDeadline], list[KeptDeadline]]:
    """The stage's deadlines counted from its clock start, recounted from `new_open` by the
    same rule that first counted them; and the others, with why they stay."""
    started = clocks.stage_clocks(calendar, ctx.policy, stage.stage, new_open)
    moved, kept = [], []
    rows = session.exec(select(Deadline).where(Deadline.stage_id == stage.id).order_by(Deadline.id)).all()
    for dl in rows:
        if dl.step == "acknowledge":
            counted = started.acknowledge
        elif dl.step == "respond" and dl.provisional:
            counted = started.respond
        else:
            if dl.active:
                kept.append(KeptDeadline(dl.due_on, dl.extension_id is not None, stage.acknowledged_on))
            continue
        moved.append(_moved(calendar, stage, dl, counted))
    return moved, kept


def _needles(day: date) -> tuple[str, ...]:
    """How a letter may give a date: as the templates write it, or as a handler types it."""
    return (_squash(long_date(day)), f"{day:%d/%m/%Y}")


def _told(session: Session, complaint: Complaint, stage: int, dates: list[tuple[str, date]]) -> list[ToldInLetter]:
    """The letters of this stage already sent that give any of `dates` (what, old date).
    A letter's own date at its head is not telling: on the letter's own day it must be
    given a second time to count."""
    found = []
    letters = session.exec(
        select(Letter).where(Letter.complaint_id == complaint.id, Letter.stage == stage).order_by(Letter.id)
    ).all()
    for letter in letters:
        body = _squash(letter.body)
        for what, day in dates:
            hits = sum(body.count(needle) for needle in _needles(day))
            if hits > (1 if day == letter.sent_on else 0):
                kind = LetterKind(letter.kind).label if letter.kind in set(LetterKind) else letter.kind
                found.append(ToldInLetter(saved_id(letter), kind, letter.sent_on, what, day))
    return found


def _latest_before(checks: Checks, field_name: str, what: str, new: date, events: list[tuple[date | None, str]]) -> None:
    """Refuse a clock start after anything that can only have happened after it."""
    for when, event in events:
        if when is not None and new > when:
            checks.add(field_name, f"{what} cannot be after {event} ({_dmy(when)}): correct that first, "
                                   f"or check the date")


def _absurd_after(session: Session, complaint: Complaint, stage: StageRecord) -> list[tuple[date | None, str]]:
    """What happened on the stage after its clock started, as (date, what it was)."""
    defined = session.exec(select(Definition.defined_on).where(Definition.stage_id == stage.id)).all()
    refusal = session.exec(select(Refusal).where(Refusal.complaint_id == complaint.id)).first()
    withdrawal = session.exec(select(Withdrawal).where(Withdrawal.complaint_id == complaint.id)).first()
    events: list[tuple[date | None, str]] = [
        (min(defined) if defined else None, f"the stage {stage.stage} definition"),
        (stage.acknowledged_on, f"the stage {stage.stage} acknowledgement"),
        (stage.responded_on, f"the stage {stage.stage} response"),
    ]
    if refusal is not None and refusal.stage == stage.stage:
        events.append((refusal.refused_on, "the refusal"))
    if withdrawal is not None and withdrawal.stage == stage.stage:
        events.append((withdrawal.withdrawn_on, "the withdrawal"))
    if complaint.current_stage == stage.stage:
        events.append((complaint.closed_on, "the closure"))
    return events


def _notes(complaint: Complaint, stage: int, old: date, new: date) -> list[str]:
    notes = []
    if complaint.status != Status.OPEN:
        notes.append(f"{complaint.reference} is {complaint.status}: its figures (annual report, self-assessment) "
                     "count the corrected date when they are next produced; reports already sent are not changed")
    if financial_year.year_of(old) != financial_year.year_of(new):
        notes.append(f"stage {stage} moves from the {financial_year.label(financial_year.year_of(old))} "
                     f"financial year to {financial_year.label(financial_year.year_of(new))} in the figures")
    if stage == 1 and old.year != new.year:
        notes.append(f"the reference {complaint.reference} stays as it is: a reference never changes")
    return notes


def _plan(session: Session, ctx: StepContext, complaint: Complaint, stage_no: int, new: date) -> DateCorrection:
    field_name, what, _action = _WHAT[stage_no]
    stage = _stage_record(session, complaint, stage_no)
    checks = Checks()
    checks.a_date(field_name, new, what, ctx.today)
    if checks.problems:  # not a date, or not one to count from
        raise StepRefused(checks.problems)
    if new == stage.opened_on:
        checks.add(field_name, f"{what} is already {_dmy(new)}: there is nothing to correct")
    if stage_no == 2:
        stage_one = _stage_record(session, complaint, 1)
        if stage_one.responded_on is not None and new < stage_one.responded_on:
            checks.add(field_name, f"{what} cannot be before the stage 1 response ({_dmy(stage_one.responded_on)}): "
                                   "escalation follows the stage 1 response (Code 6.10)")
    _latest_before(checks, field_name, what, new, _absurd_after(session, complaint, stage))
    calendar = load_calendar(session)
    deadlines, kept = _driven(session, ctx, calendar, stage, new)
    told_dates = [(what, stage.opened_on)]
    told_dates += [(d.told_as, d.old_due) for d in deadlines if d.moves]
    return DateCorrection(
        reference=complaint.reference, stage=stage_no, field=field_name, what=what, old=stage.opened_on, new=new,
        deadlines=tuple(deadlines), kept=tuple(kept),
        told=tuple(_told(session, complaint, stage_no, told_dates)),
        notes=tuple(_notes(complaint, stage_no, stage.opened_on, new)),
        problems=tuple(checks.problems),
    )


def _preview(db: Database, reference: str, stage: int, new: date, ctx: StepContext | None) -> DateCorrection:
    ctx = ctx or StepContext()
    with db.read() as session:
        return _plan(session, ctx, _complaint(session, reference), stage, new)


def preview_received_date(db: Database, reference: str, *, received_on: date,
                          ctx: StepContext | None = None) -> DateCorrection:
    """What correcting the date received to `received_on` would do; writes nothing.
    Raises StepRefused only when there is nothing to count from (not a date, in the future)."""
    return _preview(db, reference, 1, received_on, ctx)


def preview_requested_date(db: Database, reference: str, *, requested_on: date,
                           ctx: StepContext | None = None) -> DateCorrection:
    """What correcting the date stage 2 was requested to `requested_on` would do."""
    return _preview(db, reference, 2, requested_on, ctx)


def _apply(deadline: Deadline, counted: DueDate, region: str) -> None:
    import json

    deadline.clock_start = counted.start
    deadline.working_days = counted.working_days
    deadline.due_on = counted.due
    deadline.skipped_json = json.dumps([s.to_json() for s in counted.skipped])
    deadline.region = region


def _correct_date(
    db: Database, reference: str, stage_no: int, new: date, reason: str, confirm_told: bool,
    expected_version: int | None, ctx: StepContext | None,
) -> DateCorrection:
    ctx = ctx or StepContext()
    with db.write() as session:
        complaint = complaint_for_change(session, reference, expected_version)
        plan = _plan(session, ctx, complaint, stage_no, new)
        checks = Checks()
        checks.problems.extend(plan.problems)
        checks.required("reason", reason, "the reason for the correction")
        if plan.told and not confirm_told:
            checks.add("confirm_told", "; ".join(t.line() for t in plan.told)
                       + ": confirm that you will write to the resident about the corrected date")
        checks.raise_if_any()
        stage = _stage_record(session, complaint, stage_no)
        stage.opened_on = new
        session.add(stage)
        if stage_no == 1:
            complaint.received_on = new
        region = load_calendar(session).region
        for moved in plan.moved:
            deadline = session.get(Deadline, moved.deadline_id)
            assert deadline is not None  # read in this transaction by _plan
            _apply(deadline, moved.counted, region)
            session.add(deadline)
        before = {plan.field: plan.old, **{d.audit_key: d.old_due for d in plan.moved}}
        audit(session, ctx, _WHAT[stage_no][2], complaint.id, {
            "stage": stage_no,
            plan.field: new,
            **{d.audit_key: d.new_due for d in plan.moved},
            "reason": reason.strip(),
            # The letters that told the resident a date that moved, and the promise to write.
            **({"told_in_letters": [t.line() for t in plan.told], "will_write_to_resident": True} if plan.told else {}),
        }, before)
        log.info("%s: %s corrected %s -> %s", reference, plan.what, plan.old, new)
        return plan


def correct_received_date(
    db: Database, reference: str, *, received_on: date, reason: str, confirm_told: bool = False,
    expected_version: int | None = None, ctx: StepContext | None = None,
) -> DateCorrection:
    """Correct the date the complaint was received (stage 1's clock start), with the reason;
    recounts the deadlines it drives and keeps both due dates in the audit."""
    return _correct_date(db, reference, 1, received_on, reason, confirm_told, expected_version, ctx)


def correct_requested_date(
    db: Database, reference: str, *, requested_on: date, reason: str, confirm_told: bool = False,
    expected_version: int | None = None, ctx: StepContext | None = None,
) -> DateCorrection:
    """Correct the date the resident asked for stage 2 (its clock start), with the reason."""
    return _correct_date(db, reference, 2, requested_on, reason, confirm_told, expected_version, ctx)


# --- the resident's name and contact details -------------------------------------------------------


def _shown(value: str) -> str:
    return repr(value) if value else "(none)"


@dataclass(frozen=True)
class ResidentCorrection:
    reference: str
    resident_id: int
    changes: dict[str, tuple[str, str]]  # field -> (before, after)
    other_complaints: tuple[str, ...]  # the resident's other complaints, which show the corrected details
    problems: tuple[Problem, ...]

    def lines(self, day: Callable[[date], str] = _dmy, problems: bool = True) -> list[str]:
        """As DateCorrection.lines (it gives no dates)."""
        out = [f"{self.reference}: the resident's {RESIDENT_LABELS[k]} {_shown(before)} -> {_shown(after)}"
               for k, (before, after) in self.changes.items()]
        if self.other_complaints:
            out.append(f"Note: also shown on {', '.join(self.other_complaints)}, the resident's other complaints")
        if self.changes:
            out.append("Note: letters already sent keep the details they were sent with (Code 5.12)")
        return out + ([f"Cannot be saved: {p.message}" for p in self.problems] if problems else [])

    def to_json(self) -> dict[str, Any]:
        return {
            "reference": self.reference,
            "resident_id": self.resident_id,
            "changes": {k: {"old": before, "new": after} for k, (before, after) in self.changes.items()},
            "other_complaints": list(self.other_complaints),
            "problems": [{"field": p.field, "message": p.message} for p in self.problems],
        }


def _resident_plan(session: Session, complaint: Complaint, resident: Resident, wanted: dict[str, str | None]) -> ResidentCorrection:
    checks = Checks()
    given = {k: v.strip() for k, v in wanted.items() if v is not None}
    if "name" in given and not given["name"]:
        checks.add("name", "the resident's name cannot be empty")
    changes = {k: (getattr(resident, k), v) for k, v in given.items() if v != getattr(resident, k)}
    after = {k: given.get(k, getattr(resident, k)) for k in RESIDENT_FIELDS}
    contact = Checks()
    check_contact(contact, phone=after["phone"], email=after["email"], preferred_channel=resident.preferred_channel)
    # Only what this correction changes: a gap already in the record does not block a name's typo.
    checks.problems.extend(p for p in contact.problems if p.field in changes)
    if not changes and not checks.problems:
        checks.add(None, "these are the resident's details already: there is nothing to correct")
    others = session.exec(
        select(Complaint.reference).where(Complaint.resident_id == resident.id, Complaint.id != complaint.id)
        .order_by(Complaint.reference)
    ).all()
    return ResidentCorrection(complaint.reference, saved_id(resident), changes, tuple(others), tuple(checks.problems))


def preview_resident(
    db: Database, reference: str, *, name: str | None = None, address: str | None = None,
    phone: str | None = None, email: str | None = None, ctx: StepContext | None = None,
) -> ResidentCorrection:
    """What correcting the resident's details would change; writes nothing. None: unchanged."""
    with db.read() as session:
        complaint = _complaint(session, reference)
        resident = session.get_one(Resident, complaint.resident_id)
        return _resident_plan(session, complaint, resident,
                              {"name": name, "address": address, "phone": phone, "email": email})


def correct_resident(
    db: Database, reference: str, *, reason: str, name: str | None = None, address: str | None = None,
    phone: str | None = None, email: str | None = None, expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> ResidentCorrection:
    """Correct the name and contact details of the resident who made complaint `reference`
    (None leaves a detail as it is), with the reason. `expected_version` is the resident's
    record's version. Audited on this complaint with the details before and after."""
    ctx = ctx or StepContext()
    with db.write() as session:
        complaint = _complaint(session, reference)
        resident = record_for_change(session, Resident, complaint.resident_id, expected_version, "resident")
        plan = _resident_plan(session, complaint, resident,
                              {"name": name, "address": address, "phone": phone, "email": email})
        checks = Checks()
        checks.problems.extend(plan.problems)
        checks.required("reason", reason, "the reason for the correction")
        checks.raise_if_any()
        for key, (_before, after) in plan.changes.items():
            setattr(resident, key, after)
        audit(session, ctx, "correct resident details", complaint.id, {
            "resident_id": plan.resident_id,
            **{k: after for k, (_before, after) in plan.changes.items()},
            "reason": reason.strip(),
        }, {k: before for k, (before, _after) in plan.changes.items()})
        return plan
