"""A complaint's state as a plan reads it, and the rows a plan returns, as plain values."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any

from chc_tui.rules.calendar import DueDate, WorkingCalendar
from chc_tui.rules.context import StepContext

Values = dict[str, Any]  # a record's columns, by name (ids left to the writer)


@dataclass(frozen=True)
class ComplaintNow:
    reference: str
    status: str
    received_on: date


@dataclass(frozen=True)
class StageNow:
    stage: int
    opened_on: date
    acknowledged_on: date | None
    responded_on: date | None


def _iso(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# one encoder for every audit entry (json.dumps with options makes one a call: a tenth of
# an import's time); dates as ISO text
_AUDIT_JSON = json.JSONEncoder(sort_keys=True, default=_iso)


def audit_values(ctx: StepContext, action: str, details: dict[str, Any],
                 before: dict[str, Any] | None = None) -> Values:
    """An audit entry's columns: `details` is what the record holds after the change;
    `before`, what it replaced (complaint_id and actor_staff_id are the writer's)."""
    return {
        "actor": ctx.actor,
        "action": action,
        "details_json": _AUDIT_JSON.encode(details),
        "before_json": _AUDIT_JSON.encode(before) if before else "{}",
    }


def deadline_values(calendar: WorkingCalendar, step: str, counted: DueDate, provisional: bool = False,
                    extension_id: int | None = None) -> Values:
    """A deadline's columns, as counted (complaint_id and stage_id are the writer's)."""
    return {
        "step": step,
        "clock_start": counted.start,
        "working_days": counted.working_days,
        "due_on": counted.due,
        "skipped_json": json.dumps([s.to_json() for s in counted.skipped]),
        "region": calendar.region,
        "provisional": provisional,
        "extension_id": extension_id,
    }
