"""Who signs a letter, who the resident contacts to escalate, and the details a letter
needs before it can go out at all.

A letter is signed by the staff member who did the step (their display name, job title and
contact details from the staff register), never by a login. The complaints officer named in
a stage 1 response (Code 6.9g: how to escalate) is the landlord's settings text when one is
typed (a team mailbox, say), else the active staff member with the complaints-lead role, so
the name and contact details follow the person when they change.

Until the landlord's name and address, the complaints officer, and the signer's job title
and real name are set, every letter step is refused with `LetterDetailsMissing`, which names
each missing detail (`missing`: the keys below) so a screen can open the place to set them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from chc_tui.rules.domain import Problem, StepRefused
from chc_tui.rules.staff_roles import Role
from chc_tui.steps.landlord import DEFAULT_LANDLORD_NAME, LandlordSettings
from store import staff_queries
from store.models import Staff

# The details a letter needs: key -> what to tell the person drafting it.
DETAILS: dict[str, str] = {
    "name": "the landlord's name (Setup or Settings)",
    "address": "the landlord's address (Setup or Settings)",
    "complaints_officer": "how to escalate to stage 2 is missing (Code 6.9g): the complaints officer the letter "
                          "names (a staff member with the complaints-lead role, or Settings)",
    "job_title": "your job title on the staff register",
    "display_name": "your own name on the staff register (it is still your login)",
}
LANDLORD_DETAILS = ("name", "address", "complaints_officer")
SIGNER_DETAILS = ("job_title", "display_name")


@dataclass(frozen=True)
class Signer:
    """The person a letter is signed by, as the staff register has them."""

    staff_id: int | None
    display_name: str
    job_title: str = ""
    email: str = ""
    phone: str = ""
    logins: tuple[str, ...] = ()

    @property
    def name_is_a_login(self) -> bool:
        """A first admin starts with their login as their name: not a name to sign with."""
        return not self.display_name.strip() or self.display_name.strip() in self.logins


def signer(session: Session, staff_id: int | None) -> Signer:
    row = session.get(Staff, staff_id) if staff_id is not None else None
    if row is None:
        return Signer(None, "")
    person = staff_queries.member(session, row)
    return Signer(person.id, person.display_name, person.job_title, person.email, person.phone, person.logins)


def stage_handler_name(session: Session, handler_staff_id: int | None, typed: str) -> str:
    """The name a letter gives for who is handling the complaint: the staff member's
    display name, else (records from before the register) the name as typed."""
    row = session.get(Staff, handler_staff_id) if handler_staff_id is not None else None
    return row.display_name if row is not None else typed


def officer_text(person: staff_queries.StaffMember) -> str:
    """"Jo Price, Complaints Officer (complaints@example.org, 01632 960 400)"."""
    contact = ", ".join(part for part in (person.email, person.phone) if part.strip())
    text = ", ".join(part for part in (person.display_name, person.job_title) if part.strip())
    return f"{text} ({contact})" if contact else text


def complaints_officer(session: Session, landlord: LandlordSettings, today) -> str:
    typed = landlord.complaints_officer.strip()
    if typed:
        return typed
    leads = [p for p in staff_queries.staff_list(session, active_on=today) if p.has(Role.COMPLAINTS_LEAD)]
    return officer_text(leads[0]) if leads else ""


def missing_details(landlord: LandlordSettings, person: Signer, *, names_officer: bool) -> list[str]:
    """The details (keys of DETAILS) a letter cannot go out without; `landlord` has the
    complaints officer already resolved (see complaints_officer), needed by a letter that
    names them (`names_officer`: the stage 1 response)."""
    missing = []
    if not landlord.name.strip() or landlord.name.strip() == DEFAULT_LANDLORD_NAME:
        missing.append("name")
    if not landlord.address.strip():
        missing.append("address")
    if names_officer and not landlord.complaints_officer.strip():
        missing.append("complaints_officer")
    if not person.job_title.strip():
        missing.append("job_title")
    if person.name_is_a_login:
        missing.append("display_name")
    return missing


class LetterDetailsMissing(StepRefused):
    """A letter cannot be made until these details are set; `missing` names them, and
    `staff_id` is the signer whose register entry holds the signer's ones."""

    def __init__(self, missing: list[str], staff_id: int | None) -> None:
        self.missing = list(missing)
        self.staff_id = staff_id
        listed = "; ".join(DETAILS[key] for key in self.missing)
        super().__init__([Problem(None, f"before a letter can go out, set: {listed}")])
