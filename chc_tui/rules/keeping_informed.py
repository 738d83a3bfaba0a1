"""Keeping the resident informed (Code 5.9): where a response will fall outside the Code's
timescales, the landlord agrees with the resident suitable intervals for keeping them
informed. An agreed interval is a number of working days; the next update is due that many
working days after the last update, or after the agreement when none has been sent since.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

PROVISION = "5.9"
# Longest interval we accept: an update at least every 20 working days (about a month), the
# length of a whole stage 2 response period (6.14); anything longer keeps nobody informed.
MAX_EVERY_DAYS = 20


class _Calendar(Protocol):
    def add_working_days(self, start: date, days: int) -> date: ...


def interval_problem(every_days: object) -> str | None:
    """Why `every_days` cannot be an agreed interval, or None when it can."""
    if isinstance(every_days, bool) or not isinstance(every_days, int):
        return "the interval is a whole number of working days"
    if not 1 <= every_days <= MAX_EVERY_DAYS:
        return (f"the interval is 1 to {MAX_EVERY_DAYS} working days: an update at least every "
                f"{MAX_EVERY_DAYS} working days keeps the resident informed (Code {PROVISION})")
    return None


def last_update(agreed_on: date, updates: list[date]) -> date:
    """The date the interval now runs from: the agreement, or a later update sent."""
    return max([agreed_on, *[d for d in updates if d is not None]])


def update_due(agreed_on: date, every_days: int, updates: list[date], calendar: _Calendar) -> date:
    """The next update to the resident: `every_days` working days after the last update
    (an outgoing letter, call, email or meeting) or, before any, after the agreement."""
    return calendar.add_working_days(last_update(agreed_on, updates), every_days)
