"""Plain rows the screens show. No ORM here: the first paint uses these before
SQLAlchemy has even been imported (see store/fastread.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class ComplaintRow:
    """One line of the complaint list, or of the deadline panel."""

    complaint_id: int
    reference: str
    resident: str
    stage: int
    status: str
    handler: str
    received_on: date
    category: str
    defined: bool
    acknowledged_on: date | None
    responded_on: date | None
    due_on: date | None  # the next Code deadline, None when nothing is due
    due_step: str | None  # acknowledge | respond
    provisional: bool = False
    version: int = 1


def list_row(values, day=None) -> ComplaintRow:
    """A list row from the list query's columns (store.queries, store/fastread.py), in
    their order; `day` turns the driver's ISO text into dates (the ORM gives dates)."""
    (cid, ref, name, stage, status, handler, received, category, defined, acked, responded, due, step, version) = values
    if day is not None:
        received, acked, responded, due = day(received), day(acked), day(responded), day(due)
    return ComplaintRow(
        complaint_id=cid,
        reference=ref,
        resident=name,
        stage=stage,
        status=status,
        handler=handler,
        received_on=received,
        category=category,
        defined=bool(defined),
        acknowledged_on=acked,
        responded_on=responded,
        due_on=due,
        due_step=step,
        version=version,
    )
