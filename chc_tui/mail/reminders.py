"""The daily reminders (issue 21.4): each member of staff's own deadlines that are overdue,
due today or due soon, and a summary of them all for the complaints lead.

What is due and how urgent comes from the deadline panel's own arithmetic
(Services.deadlines, chc_tui.rules.deadlines.state_on on the landlord's working calendar,
"due soon" being the policy's due_soon_working_days); nothing is counted again here. A
person's item is left out of their digest once it has been sent to them that day
(chc_tui.steps.reminders).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterable

from chc_tui.rules.deadlines import Due
from chc_tui.rules.domain import DeadlineState
from chc_tui.rules.staff_roles import Role
from chc_tui.terminal import terminal_safe

REMINDED = (DeadlineState.OVERDUE, DeadlineState.DUE_TODAY, DeadlineState.DUE_SOON)
SUMMARY = "summary:"  # the complaints lead's summary items' keys begin so
_STEP_NAMES = {"acknowledge": "acknowledgement", "respond": "response"}


@dataclass(frozen=True)
class Digest:
    staff_id: int
    name: str
    to: str  # "" when the register has no email for them
    subject: str
    body: str
    item_keys: tuple[str, ...]


def item_key(due: Due) -> str:
    """One deadline: the complaint, its stage, the step and the date it is due. An
    extension moves the date, so the new deadline is a new item."""
    row = due.row
    return f"{row.reference}|stage {row.stage}|{row.due_step}|{row.due_on.isoformat() if row.due_on else ''}"


def needs_reminding(due: Due) -> bool:
    return due.state in REMINDED and due.row.due_on is not None and due.days_left is not None


def _days(n: int) -> str:
    return f"{n} working day{'' if n == 1 else 's'}"


def item_text(due: Due, *, with_handler: bool = False) -> str:
    """"CHC-2026-0001: stage 1 response due Monday 07/12/2026, 2 working days left"."""
    row, days_left = due.row, due.days_left or 0
    assert row.due_on is not None
    what = f"stage {row.stage} {_STEP_NAMES.get(row.due_step or '', row.due_step or 'step')}"
    if row.provisional:
        what += " (provisional)"
    when = f"{row.due_on:%A} {row.due_on:%d/%m/%Y}"
    if days_left < 0:
        said = f"was due {when}, overdue by {_days(-days_left)}"
    elif days_left == 0:
        said = f"due today, {when}"
    else:
        said = f"due {when}, {_days(days_left)} left"
    handler = f" (handler: {row.handler or 'none assigned'})" if with_handler else ""
    return f"{row.reference}: {what} {said}{handler}"


def _counts(dues: list[Due]) -> str:
    overdue = sum(d.state == DeadlineState.OVERDUE for d in dues)
    today = sum(d.state == DeadlineState.DUE_TODAY for d in dues)
    soon = sum(d.state == DeadlineState.DUE_SOON for d in dues)
    return f"{overdue} overdue, {today} due today, {soon} due soon"


def _body(opening: str, dues: list[Due], *, with_handler: bool, soon_days: int, today: date) -> str:
    lines = [opening, "",
             f"Complaint deadlines on {today:%A} {today:%d/%m/%Y} that are overdue, due today or due within "
             f"{_days(soon_days)}, in working days (weekends, bank holidays and closure days not counted):", ""]
    lines += [f"- {item_text(due, with_handler=with_handler)}" for due in dues]
    lines += ["", "Find each complaint in chc by its reference (chc complaint show REFERENCE).", ""]
    # A reference or a name moved in from a spreadsheet may hold an escape sequence: shown,
    # never acted on, by a terminal mail reader or `--stdout`.
    return terminal_safe("\n".join(lines))


def personal_digest(member, dues: list[Due], *, today: date, soon_days: int) -> Digest:
    return Digest(
        staff_id=member.id, name=member.display_name, to=member.email,
        subject=f"Your complaint deadlines {today:%d/%m/%Y}: {_counts(dues)}",
        body=_body(f"Dear {member.display_name},", dues, with_handler=False, soon_days=soon_days, today=today),
        item_keys=tuple(item_key(d) for d in dues),
    )


def summary_digest(lead, dues: list[Due], *, today: date, soon_days: int) -> Digest:
    return Digest(
        staff_id=lead.id, name=lead.display_name, to=lead.email,
        subject=f"All complaint deadlines {today:%d/%m/%Y}: {_counts(dues)}",
        body=_body(f"Dear {lead.display_name},\n\nThe summary of every handler's deadlines, as complaints lead.",
                   dues, with_handler=True, soon_days=soon_days, today=today),
        item_keys=tuple(SUMMARY + item_key(d) for d in dues),
    )


def digests(staff: Iterable, deadlines_of: Callable[[int | None], list[Due]], sent_of: Callable[[int], set[str]],
            *, today: date, soon_days: int) -> list[Digest]:
    """Every digest due today: one per active member of staff with deadlines of their own
    not yet sent them today, then one per active complaints lead with the summary.
    `deadlines_of(staff_id)` is the panel's "mine" (None: everyone's)."""
    active = [m for m in staff if m.active_on(today)]
    out: list[Digest] = []
    for member in active:
        sent = sent_of(member.id)
        mine = [d for d in deadlines_of(member.id) if needs_reminding(d) and item_key(d) not in sent]
        if mine:
            out.append(personal_digest(member, mine, today=today, soon_days=soon_days))
    leads = [m for m in active if m.has(Role.COMPLAINTS_LEAD)]
    everyone = [d for d in deadlines_of(None) if needs_reminding(d)] if leads else []
    for lead in leads:
        sent = sent_of(lead.id)
        unsent = [d for d in everyone if SUMMARY + item_key(d) not in sent]
        if unsent:
            out.append(summary_digest(lead, unsent, today=today, soon_days=soon_days))
    return out


def todays_digests(services) -> list[Digest]:
    """The digests for services.today, read through the services."""
    from chc_tui.steps.reminders import already_sent

    today = services.today

    def sent_of(staff_id: int) -> set[str]:
        with services.db.read() as session:
            return already_sent(session, staff_id, today)

    return digests(services.staff(), lambda staff_id: services.deadlines(handler_staff_id=staff_id), sent_of,
                   today=today, soon_days=services.policy.due_soon_working_days)
