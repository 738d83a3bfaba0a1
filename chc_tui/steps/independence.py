"""Code 6.13 in fact: nobody who considered stage 1 may be assigned stage 2, or record any
of its steps (define, acknowledge, extend, respond, send a letter). Checked by staff id,
from the one reading of who considered a stage (store.stage_people)."""

from __future__ import annotations

from sqlmodel import Session

from chc_tui.steps.plans import independent
from store import stage_people
from store.models import Complaint, Staff, saved_id


def stage_one_considerers(session: Session, complaint: Complaint) -> dict[int, list[str]]:
    cid = saved_id(complaint)
    return dict(stage_people.considered(session, [cid], 1)[cid])


def staff_name(session: Session, staff_id: int) -> str:
    staff = session.get(Staff, staff_id)
    return staff.display_name if staff is not None else f"staff member {staff_id}"


def why_not_independent(session: Session, complaint: Complaint, staff_id: int, doing: str) -> str | None:
    """The refusal's words if this person considered stage 1, else None."""
    return independent.not_independent(stage_one_considerers(session, complaint), staff_id, doing,
                           lambda sid: staff_name(session, sid))


def require_independent(session: Session, complaint: Complaint, staff_id: int, doing: str, field: str | None = None) -> None:
    independent.require_independent(stage_one_considerers(session, complaint), staff_id, doing,
                                    lambda sid: staff_name(session, sid), field)


def eligible_for_stage_two(session: Session, complaint: Complaint, staff_ids: list[int]) -> list[int]:
    """Of these staff, those who may take this complaint's stage 2 (the forms offer only them)."""
    considered = stage_one_considerers(session, complaint)
    return [s for s in staff_ids if s not in considered]
