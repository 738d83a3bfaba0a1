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
