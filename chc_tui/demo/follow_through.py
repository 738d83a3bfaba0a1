"""The demo landlord carries out what its responses promised (Code 7.3): most remedies and
actions that fell due long ago were done, a few are overdue, and those due soon are mostly
still to do. Recorded through the use-cases a handler uses (chc_tui.steps.remedies), after
the rest of the demo, so nothing else it wrote changes.

Without this the demo opened on a wall of year-old overdue remedies: no landlord looks
like that, and the panel's real work was hidden under it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlmodel import Session, select

from chc_tui.demo.staff import login_of
from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.context import StepContext
from chc_tui.steps import remedies
from store.engine import Database
from store.models import Action, Remedy, StageRecord

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
    row_id: int
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
            found.append(_Owed(model, row.id, row.kind if model is Remedy else "", row.due_on, since, handler))
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
    """Record the remedies and actions done that a realistic landlord has done by `today`."""
    rng = random.Random(f"{seed}-follow-through")  # its own: the rest of the demo's draws stay as they were
    with db.write() as session:
        owed = _owed(session)
    for item in owed:
        done = _done_on(item, today, rng, calendar)
        if done is None:
            continue
        ctx = StepContext(actor=login_of(item.handler), today=done)
        if item.model is Action:
            remedies.update_action(db, item.row_id, update=rng.choice(ACTION_UPDATES), done_on=done, ctx=ctx)
            continue
        if item.kind == remedies.RemedyKind.FINANCIAL:
            # the resident accepts the offer before it is paid
            accepted = _working_on_or_before(calendar, min(item.since + timedelta(days=rng.randint(1, 5)), done),
                                             item.since)
            remedies.record_remedy_outcome(db, item.row_id, outcome="accepted", on=accepted,
                                           ctx=StepContext(actor=ctx.actor, today=accepted))
        remedies.record_remedy_outcome(db, item.row_id, outcome="done", on=done, ctx=ctx)
