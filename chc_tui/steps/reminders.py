"""What `chc remind` has sent (issue 21.4): one deadline, one person, one day, once.

The CLI checks first that this login may record (`check_may_record`), so that it never
sends a digest it cannot then record; it records each digest's items once the server has
taken the message (`record_reminders_sent`).
"""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session, select

from chc_tui.rules.context import StepContext
from chc_tui.steps.identity import acting_write
from store.engine import Database
from store.models import AuditEntry, ReminderSent


def already_sent(session: Session, staff_id: int, sent_on: date) -> set[str]:
    """The item keys already sent to this person on this day."""
    query = select(ReminderSent.item_key).where(ReminderSent.staff_id == staff_id, ReminderSent.sent_on == sent_on)
    return set(session.exec(query).all())


def check_may_record(db: Database, *, ctx: StepContext | None = None) -> None:
    """NotOnRegister (a StepRefused) when this login may not record what it sends."""
    with acting_write(db, ctx or StepContext()):
        pass


def record_reminders_sent(db: Database, staff_id: int, item_keys: list[str], *, sent_on: date,
                          ctx: StepContext | None = None) -> int:
    """Record that these items went to this person on `sent_on` (those recorded already are
    left as they are); audited. Returns how many were new."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        new = sorted(set(item_keys) - already_sent(session, staff_id, sent_on))
        for key in new:
            session.add(ReminderSent(staff_id=staff_id, item_key=key, sent_on=sent_on))
        if new:
            session.add(AuditEntry(
                actor=ctx.actor, action="send reminders", complaint_id=None,
                details_json=json.dumps({"staff_id": staff_id, "sent_on": sent_on.isoformat(), "items": len(new)}),
            ))
        return len(new)
