"""Reads of the staff register: who a login is, who a typed name is, who is on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable

from sqlalchemy import event
from sqlmodel import Session, func, select

from chc_tui.rules.staff_roles import Role, name_key, parse_roles
from store.models import Staff, StaffAlias, StaffLogin


@dataclass(frozen=True)
class StaffMember:
    """One person on the register, as screens, letters and the CLI show them."""

    id: int
    display_name: str
    job_title: str
    email: str
    phone: str
    logins: tuple[str, ...]
    roles: tuple[Role, ...]
    active_from: date
    active_to: date | None
    version: int
    team: str = ""  # issue 20.2

    def active_on(self, day: date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)

    def has(self, role: Role) -> bool:
        return role in self.roles


# What this transaction has read of the register: ("logins", staff id) -> logins, and
# ("matching", typed) -> the rows a typed name meant. A demo build or an import runs
# thousands of steps in one transaction, each naming its handler and signing its letter
# (issue 22); forgotten as soon as the register changes or a savepoint rolls back.
_READ = "chc_register_read"


def _read(session: Session) -> dict:
    if _register_changing(session):
        session.info.pop(_READ, None)
        return {}  # not kept: what is read now may change at the next flush
    return session.info.setdefault(_READ, {})


def _register_changing(session: Session) -> bool:
    return any(isinstance(row, (Staff, StaffLogin, StaffAlias))
               for rows in (session.new, session.dirty, session.deleted) for row in rows)


@event.listens_for(Session, "before_flush")
def _forget_when_the_register_changes(session: Session, _flush_context, _instances) -> None:
    if session.info.get(_READ) and _register_changing(session):
        session.info.pop(_READ, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session: Session, _previous_transaction) -> None:
    session.info.pop(_READ, None)


def member(session: Session, row: Staff) -> StaffMember:
    read = _read(session)
    logins = read.get(("logins", row.id))
    if logins is None:
        logins = read[("logins", row.id)] = tuple(session.exec(
            select(StaffLogin.login).where(StaffLogin.staff_id == row.id).order_by(StaffLogin.login)).all())
    assert row.id is not None  # read back from the database
    return StaffMember(
        row.id, row.display_name, row.job_title, row.email, row.phone, tuple(logins), parse_roles(row.roles),
        row.active_from, row.active_to, row.version, row.team,
    )


def register_is_empty(session: Session) -> bool:
    return session.exec(select(func.count()).select_from(Staff)).one() == 0


def by_login(session: Session, login: str) -> Staff | None:
    return session.exec(select(Staff).join(StaffLogin).where(StaffLogin.login == login)).first()


def matching(session: Session, typed: str) -> list[Staff]:
    """Everyone a typed name or login could mean: an exact login first, else the display
    names and old spellings with the same key (case and spaces ignored)."""
    typed = typed.strip()
    if not typed:
        return []
    read = _read(session)
    known = read.get(("matching", typed))
    if known is None:
        known = read[("matching", typed)] = _matching(session, typed)
    return list(known)


def _matching(session: Session, typed: str) -> list[Staff]:
    if (login := by_login(session, typed)) is not None:
        return [login]
    key = name_key(typed)
    found = {s.id: s for s in session.exec(select(Staff)) if name_key(s.display_name) == key}
    alias = session.get(StaffAlias, key)
    if alias is not None and alias.staff_id not in found:
        row = session.get(Staff, alias.staff_id)
        if row is not None:
            found[row.id] = row
    return list(found.values())


def staff_list(session: Session, *, active_on: date | None = None) -> list[StaffMember]:
    rows = session.exec(select(Staff).order_by(Staff.display_name, Staff.id)).all()
    people = [member(session, r) for r in rows]
    return [p for p in people if active_on is None or p.active_on(active_on)]


def names_by_id(session: Session, ids) -> dict[int, str]:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = session.exec(select(Staff.id, Staff.display_name).where(Staff.id.in_(ids)))
    return {i: name for i, name in rows if i is not None}


def stage_handlers(session: Session, stages: Iterable[tuple[int, int | None]]) -> dict[int, tuple[str, str]]:
    """Each stage's handler, by its staff id: (display name, team), for the figures per
    handler and team (issue 20.2), of `stages` (stage id, handler's staff id, as read with
    the stage). A stage with no handler on the register is left out. The register is read
    whole (a few hundred people), not looked up for each of a year's 41,000 stages in
    lists of 500 ids (at 300k complaints)."""
    register = {int(sid or 0): (str(name), str(team))
                for sid, name, team in session.exec(select(Staff.id, Staff.display_name, Staff.team))}
    return {stage_id: register[staff_id] for stage_id, staff_id in stages if staff_id in register}
