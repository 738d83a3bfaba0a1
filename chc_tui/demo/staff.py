"""The demo landlord's staff register: its people with their titles and contact details,
each with a login made from their name, and the person running the demo given the
complaints manager's place so that "mine" and every save work as them."""

from __future__ import annotations

from datetime import date

from chc_tui.rules.context import StepContext, os_user
from chc_tui.rules.staff_roles import Role
from chc_tui.steps import staff
from chc_tui.steps.identity import acting_staff
from store.engine import Database
from store.models import saved_id

MANAGER = "Gareth Lewis"  # complaints manager: reassigns work, sets closure days, stage 2
PEOPLE = {
    # name: (title, roles)
    "Gareth Lewis": ("Complaints Manager", (Role.ADMIN, Role.HANDLER, Role.STAGE2_REVIEWER, Role.COMPLAINTS_LEAD)),
    "Sam Okafor": ("Complaints Officer", (Role.HANDLER,)),
    "Priya Shah": ("Senior Complaints Officer", (Role.HANDLER, Role.STAGE2_REVIEWER)),
    "Tom Bell": ("Complaints Officer", (Role.HANDLER,)),
    "Aisha Rahman": ("Complaints Officer", (Role.HANDLER,)),
    "Helen Marsh": ("Head of Customer Experience", (Role.HANDLER, Role.STAGE2_REVIEWER)),
    "Ruth Adeyemi": ("Board member, Member Responsible for Complaints", (Role.MRC,)),
}
DOMAIN = "northbridge-homes.example"


def login_of(name: str) -> str:
    """"Sam Okafor" -> "sam.okafor": the demo's steps act as these logins."""
    return ".".join(name.lower().split())


def _details(n: int, name: str) -> dict:
    title, roles = PEOPLE[name]
    return dict(display_name=name, job_title=title, email=f"{login_of(name)}@{DOMAIN}",
                phone=f"01632 960 4{n:02d}", roles=[r.value for r in roles])


def register_demo_staff(db: Database, since: date) -> None:
    """The manager first (the first login on the empty register is its admin, from the
    oldest story's day on), then the others; the person running the demo is also the
    manager, unless their login is one of the demo's."""
    manager = StepContext(actor=login_of(MANAGER), today=since)
    with db.write() as session:
        first = saved_id(acting_staff(session, manager))
    runner = os_user()
    logins = [login_of(MANAGER)] + ([] if runner in {login_of(n) for n in PEOPLE} else [runner])
    for n, name in enumerate(PEOPLE):
        if name == MANAGER:
            staff.edit_staff(db, first, logins=logins, ctx=manager, **_details(n, name))
        else:
            staff.add_staff(db, logins=[login_of(name)], active_from=since, ctx=manager, **_details(n, name))
