"""Who a stage is assigned to: the one way a typed handler (an id, a login or a name)
becomes a staff member, with the role the stage needs."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from chc_tui.rules.domain import StepRefused
from chc_tui.rules.staff_roles import Role, parse_roles
from chc_tui.steps.settings import get_setting
from store import staff_queries
from store.models import Staff

# When on, only a stage 2 reviewer may be assigned stage 2 (a landlord's choice, 6.13).
STAGE_TWO_REVIEWERS_ONLY_KEY = "stage2_reviewers_only"


def roles_for_stage(session: Session, stage: int) -> tuple[Role, ...]:
    if stage == 2 and get_setting(session, STAGE_TWO_REVIEWERS_ONLY_KEY):
        return (Role.STAGE2_REVIEWER,)
    if stage == 2:
        return (Role.HANDLER, Role.STAGE2_REVIEWER)
    return (Role.HANDLER,)


def assignee(session: Session, typed: int | str, *, stage: int, today: date, field: str = "handler") -> Staff:
    """The staff member a handler field means (an id, a login or a name, case and spaces
    ignored), refused when it is nobody, more than one person, inactive, or without the
    role the stage needs."""
    if isinstance(typed, int):
        found = [s for s in [session.get(Staff, typed)] if s is not None]
        shown = f"staff member {typed}"
    else:
        found = staff_queries.matching(session, typed)
        shown = typed.strip()
    if not shown:
        raise StepRefused("the handler is required: choose someone from the staff register", field)
    if not found:
        raise StepRefused(
            f"nobody on the staff register is {shown!r}; an admin can add them (chc staff add --name ...)", field
        )
    if len(found) > 1:
        raise StepRefused(f"{len(found)} people on the staff register match {shown!r}: choose by staff id", field)
    staff = found[0]
    if staff.active_from > today or (staff.active_to is not None and staff.active_to < today):
        raise StepRefused(f"{staff.display_name} is not active on the staff register", field)
    needed = roles_for_stage(session, stage)
    if not set(needed) & set(parse_roles(staff.roles)):
        raise StepRefused(
            f"{staff.display_name} cannot be assigned stage {stage}: that needs the role "
            f"{' or '.join(r.value for r in needed)} on the staff register", field,
        )
    return staff
