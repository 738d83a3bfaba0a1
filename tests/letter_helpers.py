"""Make a test database ready to send letters: the details a letter needs (the landlord's
name and address, a complaints officer, each signer's own name and job title).

The test staff are seeded with their login as their name, as a first admin starts; a letter
is never signed with a login, so letter tests give them a name ("Alice" for login alice)."""

from __future__ import annotations

from sqlmodel import select

from chc_tui.steps.landlord import DEFAULT_LANDLORD_NAME
from chc_tui.steps.settings import get_setting, put_setting
from store.models import Staff

TEST_TITLE = "Complaints Handler"


def signing_name(login: str) -> str:
    return login.capitalize()


def ready_to_sign(db, *, landlord: bool = True) -> None:
    with db.write() as session:
        for staff in session.exec(select(Staff)):
            if not staff.job_title:
                staff.job_title = TEST_TITLE
            if staff.display_name == staff.display_name.lower():
                staff.display_name = signing_name(staff.display_name)
            session.add(staff)
        if landlord:
            if get_setting(session, "landlord_name") in (None, "", DEFAULT_LANDLORD_NAME):
                put_setting(session, "landlord_name", "Riverside Homes")
            if not get_setting(session, "landlord.address"):
                put_setting(session, "landlord.address", "1 Quay Street, Exeter EX1 1AA")
