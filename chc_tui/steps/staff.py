"""The staff register's steps: add, edit and deactivate a staff member (admins only), and
the one way a typed handler becomes a staff member for an assignment.

Every change is audited. A login is one person (staff_login's key); an empty display name,
an unknown role, a login already someone else's, and taking away the last active admin are
refused with nothing written.
"""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, select

from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import NotFound, StaleRecord, StepRefused
from chc_tui.rules.staff_roles import ROLE_NAMES, Role, name_key, parse_roles, roles_text
from chc_tui.steps.identity import acting, acting_write
from chc_tui.steps.usecases import Checks, audit
from store import staff_queries
from store.engine import Database
from store.models import StageRecord, Staff, StaffAlias, StaffLogin, saved_id

def _require_admin(session: Session, doing: str) -> None:
    me = session.get(Staff, acting(session).staff_id)
    if me is None or Role.ADMIN not in parse_roles(me.roles):
        name = me.display_name if me is not None else "you"
        raise StepRefused(f"only an admin can {doing}; {name} is not an admin on the staff register")


def _roles(checks: Checks, roles) -> tuple[Role, ...]:
    out = []
    for r in roles:
        if str(r).strip() not in ROLE_NAMES:
            checks.add("roles", f"unknown role {r!r}: choose from {', '.join(ROLE_NAMES)}")
        else:
            out.append(Role(str(r).strip()))
    if not out and not checks.problems:
        checks.add("roles", "give at least one role")
    return tuple(dict.fromkeys(out))


def _logins(checks: Checks, session: Session, logins, staff_id: int | None) -> list[str]:
    out = []
    for login in logins:
        login = str(login).strip()
        if not login or any(c.isspace() for c in login):
            checks.add("logins", f"a login is one word with no spaces, not {login!r}")
            continue
        holder = staff_queries.by_login(session, login)
        if holder is not None and holder.id != staff_id:
            checks.add("logins", f"the login {login!r} is already {holder.display_name}'s: one login is one person")
        out.append(login)
    return list(dict.fromkeys(out))


def _contact(checks: Checks, display_name: str, email: str) -> None:
    checks.required("display_name", display_name, "the display name")
    if email.strip() and ("@" not in email or any(c.isspace() for c in email.strip())):
        checks.add("email", f"{email.strip()!r} is not an email address")


def add_staff(
    db: Database,
    *,
    display_name: str,
    logins: list[str] | tuple[str, ...] = (),
    roles: list[str] | tuple[str, ...] = (Role.HANDLER,),
    job_title: str = "",
    email: str = "",
    phone: str = "",
    team: str = "",
    active_from: date | None = None,
    ctx: StepContext | None = None,
) -> int:
    """Put someone on the register; returns their staff id."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        _require_admin(session, "add staff")
        checks = Checks()
        _contact(checks, display_name, email)
        chosen = _roles(checks, roles)
        kept = _logins(checks, session, logins, None)
        checks.raise_if_any()
        staff = Staff(
            display_name=display_name.strip(), job_title=job_title.strip(), email=email.strip(), phone=phone.strip(),
            team=team.strip(), roles=roles_text(chosen), active_from=active_from or ctx.today,
        )
        session.add(staff)
        session.flush()
        for login in kept:
            session.add(StaffLogin(login=login, staff_id=saved_id(staff)))
        audit(session, ctx, "staff add", None, {"staff_id": staff.id, "display_name": staff.display_name,
                                                 "logins": kept, "roles": staff.roles,
                                                 "team": staff.team})
        return saved_id(staff)


_EDITABLE = ("display_name", "job_title", "email", "phone", "team")


def edit_staff(
    db: Database,
    staff_id: int,
    *,
    display_name: str | None = None,
    job_title: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    team: str | None = None,
    logins: list[str] | None = None,
    roles: list[str] | None = None,
    expected_version: int | None = None,
    ctx: StepContext | None = None,
) -> None:
    """Change a staff member's details. Anyone may correct their own name, title and
    contact details; their team, logins and roles, and anyone else's details, only an admin."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        staff = _staff_for_change(session, staff_id, expected_version)
        if logins is not None or roles is not None or team is not None or acting(session).staff_id != staff_id:
            _require_admin(session, "change another person's details, or anyone's team, logins or roles")
        given = {"display_name": display_name, "job_title": job_title, "email": email, "phone": phone, "team": team}
        after = {k: (v.strip() if v is not None else getattr(staff, k)) for k, v in given.items()}
        checks = Checks()
        _contact(checks, after["display_name"], after["email"])
        chosen = _roles(checks, roles) if roles is not None else parse_roles(staff.roles)
        kept = _logins(checks, session, logins, staff_id) if logins is not None else None
        checks.raise_if_any()
        if Role.ADMIN not in chosen:
            _keep_an_admin(session, staff_id)
        before = {k: getattr(staff, k) for k in _EDITABLE} | {"roles": staff.roles}
        renamed = after["display_name"] != staff.display_name
        for k, v in after.items():
            setattr(staff, k, v)
        staff.roles = roles_text(chosen)
        staff.version += 1
        session.add(staff)
        if kept is not None:
            _replace_logins(session, staff_id, kept)
        if renamed:
            _remember_old_name(session, staff_id, before["display_name"])
            # The lists show a stage's handler by this name: it follows the person.
            for stage in session.exec(select(StageRecord).where(StageRecord.handler_staff_id == staff_id)):
                stage.handler = staff.display_name
                session.add(stage)
        audit(session, ctx, "staff edit", None, {"staff_id": staff_id, **after, "roles": staff.roles,
                                                  **({"logins": kept} if kept is not None else {})}, before=before)


def deactivate_staff(db: Database, staff_id: int, *, last_day: date | None = None, ctx: StepContext | None = None) -> None:
    """From the day after `last_day` (default today) they can no longer save or be assigned."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        _require_admin(session, "deactivate staff")
        staff = _staff_for_change(session, staff_id, None)
        if staff.active_to is not None:
            raise StepRefused(f"{staff.display_name} was already deactivated on {staff.active_to:%d/%m/%Y}")
        _keep_an_admin(session, staff_id, None)
        staff.active_to = last_day or ctx.today
        staff.version += 1
        session.add(staff)
        audit(session, ctx, "staff deactivate", None, {"staff_id": staff_id, "active_to": staff.active_to})


def _staff_for_change(session: Session, staff_id: int, expected_version: int | None) -> Staff:
    staff = session.get(Staff, staff_id)
    if staff is None:
        raise NotFound(f"there is no staff member {staff_id} on the register")
    if expected_version is not None and staff.version != expected_version:
        raise StaleRecord(f"{staff.display_name}'s details were changed by someone else; look again",
                          current_version=staff.version)
    return staff


def _keep_an_admin(session: Session, leaving: int, field: str | None = "roles") -> None:
    admins = [
        s for s in session.exec(select(Staff).where(Staff.active_to.is_(None)))
        if Role.ADMIN in parse_roles(s.roles) and s.id != leaving
    ]
    if not admins:
        raise StepRefused("this would leave the staff register with no active admin: make someone else an admin first", field)


def _replace_logins(session: Session, staff_id: int, logins: list[str]) -> None:
    for old in session.exec(select(StaffLogin).where(StaffLogin.staff_id == staff_id)):
        if old.login not in logins:
            session.delete(old)
    have = set(session.exec(select(StaffLogin.login).where(StaffLogin.staff_id == staff_id)))
    session.flush()
    for login in logins:
        if login not in have:
            session.add(StaffLogin(login=login, staff_id=staff_id))


def _remember_old_name(session: Session, staff_id: int, old_name: str) -> None:
    key = name_key(old_name)
    if key and session.get(StaffAlias, key) is None:
        session.add(StaffAlias(name_key=key, staff_id=staff_id))


def named_in_history(db: Database, name: str, *, ctx: StepContext | None = None) -> int:
    """The staff id of the person a moved-in spreadsheet names as a handler: the one person
    on the register of that name, or a new staff member with no login (they can be given
    one later) and the handler role, audited as made from the spreadsheet."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        found = staff_queries.matching(session, name)
        if len(found) > 1:
            raise StepRefused(f"{len(found)} people on the staff register match {name.strip()!r}: "
                              "make the names distinct first (chc staff edit)", "handler")
        if found:
            return saved_id(found[0])
        checks = Checks()
        checks.required("handler", name, "the handler")
        checks.raise_if_any()
        staff = Staff(display_name=name.strip(), roles=roles_text([Role.HANDLER]), active_from=date(1900, 1, 1))
        session.add(staff)
        session.flush()
        audit(session, ctx, "staff add", None, {"staff_id": staff.id, "display_name": staff.display_name,
                                                 "logins": [], "roles": staff.roles, "from": "spreadsheet"})
        return saved_id(staff)
