"""What a step changes in records already there, as data a plan returns: the complaint's
columns, its current stage's, and its deadlines' (which ones, by `DeadlineChange.which`).
One applier sets them, on an ORM record (the use-cases) or a record held as a dict (the
importer); each side finds the records the data names in its own way."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chc_tui.steps.plans.state import Values

OPEN = "open"  # every deadline of the complaint still running (active, not met)


@dataclass(frozen=True)
class DeadlineChange:
    which: str  # "acknowledge" / "respond": the current stage's running deadline of that step; OPEN
    values: Values


@dataclass(frozen=True)
class Changes:
    complaint: Values = field(default_factory=dict)
    stage: Values = field(default_factory=dict)  # the current stage
    deadlines: tuple[DeadlineChange, ...] = ()  # in this order, before the step adds any deadline


def ended(status: str, on: Any) -> Changes:
    """The complaint ends (refused, withdrawn) on `on`: its open deadlines end with it."""
    return Changes(complaint={"status": status, "closed_on": on}, deadlines=(DeadlineChange(OPEN, {"active": False}),))


def apply_changes(record: Any, changes: Values) -> None:
    if isinstance(record, dict):
        record.update(changes)
        return
    for name, value in changes.items():
        setattr(record, name, value)
