"""The demo landlord carries out what its responses promised (Code 7.3): most remedies and
actions that fell due long ago were done, a few are overdue, and those due soon are mostly
still to do. Recorded by the plans of the use-cases a handler uses (chc_tui.steps.remedies,
chc_tui.steps.plans.follow_up), after the rest of the demo, so nothing else it wrote changes.

Without this the demo opened on a wall of year-old overdue remedies: no landlord looks
like that, and the panel's real work was hidden under it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Callable

from sqlmodel import Session, select

from chc_tui.demo.staff import login_of
from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.context import StepContext
from chc_tui.steps import remedies
from chc_tui.steps.bulk import BulkWriter
from chc_tui.steps.identity import acting_staff
from chc_tui.steps.plans.changes import apply_changes
from chc_tui.steps.plans.follow_up import FollowUpPlan, plan_action_update, plan_remedy_outcome
from chc_tui.steps.plans.state import audit_values
from store.engine import Database
from store.models import Action, AuditEntry, Remedy, StageRecord

LONG_AGO_DAYS = 120  # due longer ago than this: done (a few months on, nothing is left)
OLD_DAYS = 30  # due longer ago than this: nearly always done by now
DONE_WHEN_OLD = 0.95
DONE_WHEN_RECENT = 0.7  # due in the last OLD_DAYS days
DONE_EARLY = 0.25  # not yet due, but done already
LATE = 0.15  # of those done, done after their due date
ACTION_UPDATES = (
    "Done; resident rang to check they are happy",
    "Completed and checked on a follow-up visit",
    "Done; confirmed with the resident by email",
    "Completed; photos of the finished work on file",
)


@dataclass(frozen=True)
class _Owed:
    model: type
    row: dict[str, Any]  # its columns, changed as its steps are planned
    kind: str  # a remedy's kind; "" for an action
    due_on: date
    since: date  # when it was promised: nothing can be done before
    handler: str


def _owed(session: Session) -> list[_Owed]:
    """Every remedy and action not yet done nor declined, with the handler of its stage."""
    found: list[_Owed] = []
    for model in (Remedy, Action):
        rows = session.exec(
            select(model, StageRecord.handler, StageRecord.responded_on)
            .join(StageRecord, (StageRecord.complaint_id == model.complaint_id) & (StageRecord.stage == model.stage))
            .where(model.done_on == None)  # noqa: E711
            .order_by(model.id)
        ).all()
        for row, handler, responded_on in rows:
            if model is Remedy and row.declined_on is not None:
                continue
            if row.due_on is None or not handler:
                continue
            since = row.offered_on if model is Remedy else (responded_on or row.due_on)
            found.append(_Owed(model, row.model_dump(), row.kind if model is Remedy else "", row.due_on, since,
                               handler))
    return found


def _working_on_or_before(calendar: WorkingCalendar, day: date, not_before: date) -> date:
    while day > not_before and not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def _done_on(owed: _Owed, today: date, rng: random.Random, calendar: WorkingCalendar) -> date | None:
    """The day it was done, or None while it is still to do."""
    last = today - timedelta(days=1)  # done today would read as just done: leave today's to do
    if owed.since > last:
        return None
    if owed.due_on < today - timedelta(days=LONG_AGO_DAYS):
        chance = 1.0
    elif owed.due_on < today - timedelta(days=OLD_DAYS):
        chance = DONE_WHEN_OLD
    elif owed.due_on < today:
        chance = DONE_WHEN_RECENT
    else:
        chance = DONE_EARLY
    if rng.random() >= chance:
        return None
    if owed.due_on <= owed.since:
        day = owed.since
    elif rng.random() < LATE:
        day = owed.due_on + timedelta(days=rng.randint(1, 12))
    else:
        day = owed.since + timedelta(days=rng.randint(1, (owed.due_on - owed.since).days))
    day = min(day, last)
    return _working_on_or_before(calendar, day, owed.since)


def follow_through(db: Database, today: date, seed: int, calendar: WorkingCalendar) -> None:
    """Record the remedies and actions done that a realistic landlord has done by `today`:
    the use-cases' plans (chc_tui.steps.plans.follow_up) on the records read once, and
    every change and audit entry written in bulk."""
    rng = random.Random(f"{seed}-follow-through")  # its own: the rest of the demo's draws stay as they were
    with db.write() as session:
        writer = BulkWriter(session)
        owed = _owed(session)
        for item in owed:
            done = _done_on(item, today, rng, calendar)
            if done is None:
                continue
            writer.written_again(item.model, item.row)  # as its steps leave it
            ctx = StepContext(actor=login_of(item.handler), today=done)
            if item.model is Action:
                _follow_up(session, writer, item, ctx, plan_action_update, update=rng.choice(ACTION_UPDATES),
                           due_on=None, owner="", done_on=done)
                continue
            if item.kind == remedies.RemedyKind.FINANCIAL:
                # the resident accepts the offer before it is paid
                accepted = _working_on_or_before(calendar, min(item.since + timedelta(days=rng.randint(1, 5)), done),
                                                 item.since)
                _follow_up(session, writer, item, StepContext(actor=ctx.actor, today=accepted), plan_remedy_outcome,
                           outcome="accepted", on=accepted)
            _follow_up(session, writer, item, ctx, plan_remedy_outcome, outcome="done", on=done)
        writer.flush()
        for row in session.identity_map.values():  # the ORM's copies of the rows written here are old now
            if isinstance(row, (Remedy, Action)):
                session.expire(row)


def _follow_up(session: Session, writer: BulkWriter, item: _Owed, ctx: StepContext, plan: Callable[..., FollowUpPlan],
               **command: Any) -> None:
    """One step as remedies.record_remedy_outcome / update_action takes it: who is acting,
    the record's version moved on (usecases.record_for_change), the plan's changes and its
    audit entry."""
    acting = acting_staff(session, ctx)
    writer.acting_staff_id = acting.id
    row = item.row
    row["version"] += 1
    planned = plan(ctx, row, **command)
    apply_changes(row, planned.changes)
    writer.add(AuditEntry, {**audit_values(ctx, planned.action, planned.details, planned.before),
                            "complaint_id": row["complaint_id"]})
