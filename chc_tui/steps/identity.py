"""Who is acting: every write of a step runs in `acting_write`, which finds the login on the
staff register before anything is written, and stamps every new record with that person.

A login that is not on the register (or whose staff member is no longer active) can read
but not write: the step is refused with who to ask. The first login on a new database,
when the register is still empty, becomes its first admin.

Each new record with a `by_staff_id` gets the staff member who did the step, and each audit
entry the staff member the login is (`actor_staff_id`), at flush, so no step can forget.
The importer transcribes history: its steps were done by the sheet's named handler
(`StepContext.done_by`), while the audit says who moved them in.
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from sqlalchemy import event
from sqlmodel import Session

from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.rules.staff_roles import Role, roles_text
from chc_tui.steps.transaction_cache import forget, kept
from store import staff_queries
from store.engine import Database
from store.models import AuditEntry, Staff, StaffLogin, saved_id

_ACTING = "chc_acting"
_FOUND = "chc_acting_found"  # login -> the Staff row found for it, in this transaction


class NotOnRegister(StepRefused):
    """The login may read but not write: nobody on the staff register is this login."""


@dataclass(frozen=True)
class Acting:
    staff_id: int  # the staff member this login is
    login: str
    done_by: int  # who did the step: the acting person, or the sheet's handler when importing


def ask_an_admin(login: str) -> str:
    return (
        f"the login {login!r} is not on the staff register, so it can read but not save; ask an admin "
        f"to add you (chc staff add --name \"Your Name\" --login {login} --role handler)"
    )


def acting_staff(session: Session, ctx: StepContext) -> Staff:
    """The active staff member this login is; the first login on an empty register is
    made its first admin (and handler), so a new database can be set up at all.

    Found once per transaction: an importer's thousands of steps each act as someone, and
    the lookup was a fifth of their time. Forgotten when the register changes or a
    savepoint rolls back (see _forget_found)."""
    found: dict[str, Staff] = kept(session, _FOUND)
    row = found.get(ctx.actor)
    if row is None:
        row = staff_queries.by_login(session, ctx.actor)
    if row is None and staff_queries.register_is_empty(session):
        row = Staff(display_name=ctx.actor, roles=roles_text([Role.ADMIN, Role.HANDLER]), active_from=ctx.today)
        session.add(row)
        session.flush()
        session.add(StaffLogin(login=ctx.actor, staff_id=saved_id(row)))
        session.flush()
    if row is None:
        raise NotOnRegister(ask_an_admin(ctx.actor))
    found[ctx.actor] = row
    if row.active_from > ctx.today or (row.active_to is not None and row.active_to < ctx.today):
        raise NotOnRegister(
            f"{row.display_name} (login {ctx.actor!r}) is not active on the staff register on "
            f"{ctx.today:%d/%m/%Y}, so cannot save; ask an admin"
        )
    return row


@contextmanager
def acting_write(db: Database, ctx: StepContext) -> Iterator[Session]:
    """`db.write()` as the person acting: refused before anything is written when the
    login may not write. Nested writes (the importer's rows) each act as their own ctx."""
    with db.write() as session:
        staff = acting_staff(session, ctx)
        previous = session.info.get(_ACTING)
        session.info[_ACTING] = Acting(saved_id(staff), ctx.actor, ctx.done_by or saved_id(staff))
        try:
            yield session
            session.flush()  # stamp this step's records while it is the one acting
        finally:
            if previous is None:
                session.info.pop(_ACTING, None)
            else:
                session.info[_ACTING] = previous


def acting(session: Session) -> Acting:
    """The person acting in this write (inside `acting_write` only)."""
    found = session.info.get(_ACTING)
    if found is None:
        raise RuntimeError("a step wrote outside acting_write: nobody is known to be acting")
    return found


@event.listens_for(Session, "before_flush")
def _forget_found_when_the_register_changes(session: Session, _flush_context, _instances) -> None:
    if session.info.get(_FOUND) and any(
        isinstance(row, (Staff, StaffLogin)) for rows in (session.new, session.dirty, session.deleted) for row in rows
    ):
        forget(session, _FOUND)


@event.listens_for(Session, "after_soft_rollback")
def _forget_found(session: Session, _previous_transaction) -> None:
    # a savepoint rolled back may take a first admin made in it, or expire the rows found
    forget(session, _FOUND)


@event.listens_for(Session, "before_flush")
def _stamp_who_did_it(session: Session, _flush_context, _instances) -> None:
    who: Acting | None = session.info.get(_ACTING)
    if who is None:
        return
    for row in session.new:
        if isinstance(row, AuditEntry):
            if row.actor_staff_id is None:
                row.actor_staff_id = who.staff_id
        elif hasattr(row, "by_staff_id") and getattr(row, "by_staff_id") is None:
            setattr(row, "by_staff_id", who.done_by)
