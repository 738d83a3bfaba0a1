"""A plan's changes to a record already there (its columns' new values, by name), set the
same way on an ORM record (the use-cases) or a record held as a dict (the importer)."""

from __future__ import annotations

from typing import Any

from chc_tui.steps.plans.state import Values


def apply_changes(record: Any, changes: Values) -> None:
    if isinstance(record, dict):
        record.update(changes)
        return
    for name, value in changes.items():
        setattr(record, name, value)
