"""What a response letter says about putting things right, read from the remedy and
action records (Code 6.9 e-f, 6.19 e-f, 7.3): each with what will happen and by when.

At stage 2 the letter also lists what stage 1 promised and is not yet done, so the
resident reads every outstanding action in the final response (6.17)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlmodel import Session, select

from store.models import Action, Complaint, Remedy, StageRecord


def _long(value) -> str:
    return f"{value.day} {value:%B %Y}"


def _money(pence: int | None) -> str:
    return "" if not pence else f"£{pence / 100:,.2f} "


def remedy_lines(session: Session, complaint: Complaint, stage: StageRecord, as_of: date | None = None) -> tuple[str, ...]:
    """This stage's remedies, and an earlier stage's not yet done or declined; with `as_of`
    (a letter's date), only those offered by then: a remedy offered after a letter was sent
    is not one the letter left out."""
    rows = session.exec(select(Remedy).where(Remedy.complaint_id == complaint.id, Remedy.stage <= stage.stage)
                        .order_by(Remedy.stage, Remedy.id)).all()  # type: ignore[arg-type]
    return remedy_lines_of(rows, stage.stage, as_of)


def remedy_lines_of(rows: Sequence[Remedy], stage: int, as_of: date | None = None) -> tuple[str, ...]:
    """`remedy_lines` of the complaint's remedies up to `stage`, by stage and id (records
    read, or held by a writer that has not written them yet)."""
    from chc_tui.steps.remedies import RemedyKind

    lines = []
    for r in rows:
        if r.stage < stage and (r.done_on or r.declined_on):
            continue
        if as_of is not None and r.offered_on is not None and r.offered_on > as_of:
            continue
        plain = r.kind in (RemedyKind.FINANCIAL, RemedyKind.ACTION) or r.kind not in set(RemedyKind)
        kind = "" if plain else f"{RemedyKind(r.kind).label.capitalize()}: "
        earlier = f" (offered at stage {r.stage})" if r.stage < stage else ""
        due = f", by {_long(r.due_on)}" if r.due_on else ""
        lines.append(f"- {kind}{_money(r.amount_pence)}{r.description}{due}{earlier}")
    return tuple(lines)


def action_lines(session: Session, complaint: Complaint, stage: StageRecord) -> tuple[str, ...]:
    """The outstanding actions not yet done, this stage's and any earlier stage's."""
    rows = session.exec(select(Action).where(Action.complaint_id == complaint.id, Action.stage <= stage.stage,
                                             Action.done_on == None)  # noqa: E711
                        .order_by(Action.stage, Action.due_on, Action.id)).all()  # type: ignore[arg-type]
    return action_lines_of(rows, stage.stage)


def action_lines_of(rows: Sequence[Action], stage: int) -> tuple[str, ...]:
    """`action_lines` of the actions not yet done up to `stage`, by stage, due date and id."""
    return tuple(
        f"- {a.description}, by {_long(a.due_on)}" + (f" (from stage {a.stage})" if a.stage < stage else "")
        for a in rows
    )
