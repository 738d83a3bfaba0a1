"""First-run setup: the landlord's details, calendar, homes owned, complaints officer, MRC and
first staff, saved in one transaction through the steps that own each (a refusal in any of
them writes none of them). The TUI's setup screen and `chc setup` share it.

A database needs setup while its landlord's name is not set (`needs_setup`): setup always
sets it, and skipping setup leaves it unset, so setup is offered again at the next start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Mapping, Sequence

from sqlmodel import Session

from chc_tui.documents.letter_signer import signer
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.rules.staff_roles import Role, parse_roles
from chc_tui.steps.identity import acting, acting_write
from chc_tui.steps.settings import LANDLORD_NAME_KEY, closure_days, get_setting, load_calendar
from store import staff_queries
from store.engine import Database
from store.models import Staff, saved_id

# A range of closure days longer than this is a typing slip (2062 for 2026), not an office shut.
MAX_CLOSURE_RANGE_DAYS = 366


def needs_setup(session: Session) -> bool:
    return not str(get_setting(session, LANDLORD_NAME_KEY) or "").strip()


def closure_range(first: date, last: date | None) -> list[date]:
    """Every day from `first` to `last` (or just `first`); a backwards or year-long range is refused."""
    last = last or first
    if last < first:
        raise StepRefused(f"the closure range ends ({last:%d/%m/%Y}) before it starts ({first:%d/%m/%Y})", "closures")
    if (last - first).days >= MAX_CLOSURE_RANGE_DAYS:
        raise StepRefused(f"a range of closure days can be at most {MAX_CLOSURE_RANGE_DAYS} days: check the dates", "closures")
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


@dataclass(frozen=True)
class Person:
    """Someone setup puts on (or finds on) the staff register."""

    display_name: str
    job_title: str = ""
    email: str = ""
    phone: str = ""
    login: str = ""
    roles: tuple[str, ...] = (Role.HANDLER.value,)


def set_up(
    db: Database,
    *,
    name: str,
    address: str,
    region: str,
    homes_owned: Mapping[int, int | str],
    closures: Sequence[tuple[date, date | None]] = (),
    closure_note: str = "Office closed",
    officer: Person | None = None,
    mrc: str = "",
    staff: Sequence[Person] = (),
    ombudsman: Mapping[str, str] | None = None,
    ctx: StepContext | None = None,
) -> list[str]:
    """Save the whole setup or nothing; returns one line per thing done."""
    from chc_tui.figures.report_texts import set_homes_owned
    from chc_tui.steps import usecases
    from chc_tui.steps.landlord import update_landlord_settings

    ctx = ctx or StepContext()
    if not (name or "").strip():
        raise StepRefused("the landlord's name is required: every letter gives it", "name")
    if not (address or "").strip():
        raise StepRefused("the landlord's address is required: every letter gives it", "address")
    ranges = [closure_range(first, last) for first, last in closures]  # all checked before any write
    done: list[str] = []
    with acting_write(db, ctx) as session:  # one transaction: each step below joins it
        usecases.set_landlord_name(db, name, ctx=ctx)
        details = {"address": address, **(ombudsman or {})}
        if mrc.strip():
            details["member_responsible"] = mrc
        if officer is not None:
            details["complaints_officer"] = ""  # the staff member below is the officer letters name
        update_landlord_settings(db, ctx=ctx, **details)
        usecases.set_region(db, region, ctx=ctx)
        done.append(f"landlord {name.strip()}, region {region}")
        for year, homes in homes_owned.items():
            set_homes_owned(db, year=year, homes=homes, ctx=ctx)
            done.append(f"homes owned {year}: {homes}")
        done += _closures(db, session, ranges, closure_note, ctx)
        for person in staff:
            staff_id = _add(db, person, ctx)
            done.append(f"staff {person.display_name.strip()} added (id {staff_id})")
        if officer is not None:
            done.append(f"complaints officer: {_officer(db, session, officer, ctx)}")
        if mrc.strip():
            done.append(f"member responsible for complaints: {_mrc(db, session, mrc, ctx)}")
    return done


def _closures(db: Database, session: Session, ranges: list[list[date]], note: str, ctx: StepContext) -> list[str]:
    """Each range's working days (weekends, bank holidays and days already shut are not)."""
    from chc_tui.steps import usecases

    calendar = load_calendar(session)  # the region just chosen
    shut = closure_days(session)
    added = []
    for days in ranges:
        for day in days:
            if len(days) > 1 and not calendar.is_working_day(day):
                continue
            if day in shut:
                continue
            usecases.add_closure_day(db, day, note, ctx=ctx)
            shut[day] = note
            added.append(day)
    return [f"closure day {day.isoformat()}" for day in added]


def _add(db: Database, person: Person, ctx: StepContext) -> int:
    from chc_tui.steps.staff import add_staff

    return add_staff(db, display_name=person.display_name, logins=[person.login] if person.login.strip() else [],
                     roles=list(person.roles), job_title=person.job_title, email=person.email,
                     phone=person.phone, ctx=ctx)


def _one(session: Session, typed: str) -> Staff | None:
    found = staff_queries.matching(session, typed)
    if len(found) > 1:
        raise StepRefused(f"{typed!r} could be {len(found)} people on the staff register: give their login", "officer")
    return found[0] if found else None


def _officer(db: Database, session: Session, officer: Person, ctx: StepContext) -> str:
    """The complaints officer is a staff member given the complaints-lead role: one already on
    the register by that name or login; else the person running setup while their name is
    still their login (a new database's first admin, setting up their own details); else
    someone new, added without a login."""
    from chc_tui.steps.staff import edit_staff

    if not officer.display_name.strip():
        raise StepRefused("give the complaints officer's name", "officer")
    target = _one(session, officer.display_name)
    if target is None:
        me = acting(session).staff_id
        if signer(session, me).name_is_a_login:
            target = session.get(Staff, me)
        else:
            target = session.get(Staff, _add(db, Person(officer.display_name, roles=(Role.HANDLER.value,)), ctx))
    assert target is not None
    roles = {*parse_roles(target.roles), Role.COMPLAINTS_LEAD}
    edit_staff(db, saved_id(target), display_name=officer.display_name,
               job_title=officer.job_title or None, email=officer.email or None, phone=officer.phone or None,
               roles=sorted(r.value for r in roles), ctx=ctx)
    return officer.display_name.strip()


def _mrc(db: Database, session: Session, mrc: str, ctx: StepContext) -> str:
    """The MRC sits on the governing body and is often not a user: their name is kept in the
    landlord's settings, and a staff member of that name is also given the mrc role."""
    from chc_tui.steps.staff import edit_staff

    target = _one(session, mrc)
    if target is None:
        return mrc.strip()
    edit_staff(db, saved_id(target), roles=sorted({*parse_roles(target.roles), Role.MRC}), ctx=ctx)
    return f"{mrc.strip()} (staff {target.id})"
