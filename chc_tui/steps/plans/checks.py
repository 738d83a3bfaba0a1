"""Collecting every problem with a step, so the handler sees them all at once."""

from __future__ import annotations

from datetime import date
from typing import Any

from chc_tui.rules.domain import Problem, Status, StepRefused


class Checks:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, field: str | None, message: str) -> None:
        self.problems.append(Problem(field, message))

    def required(self, field: str, value: Any, label: str, provision: str = "") -> None:
        if value is None or (isinstance(value, str) and not value.strip()):
            rule = f" (Code {provision})" if provision else ""
            self.add(field, f"{label} is required{rule}")

    def a_date(
        self,
        field: str,
        value: Any,
        label: str,
        today: date,
        not_before: tuple[date, str] | None = None,
    ) -> None:
        if value is None:
            self.add(field, f"{label} is required")
            return
        if not isinstance(value, date):
            self.add(field, f"{label} must be a date, not {value!r}")
            return
        if value > today:
            self.add(field, f"{label} cannot be in the future (today is {today:%d/%m/%Y})")
        if not_before and value < not_before[0]:
            self.add(field, f"{label} cannot be before {not_before[1]} ({not_before[0]:%d/%m/%Y})")

    def must_be_open(self, reference: str, status: str, doing: str) -> None:
        if status != Status.OPEN:
            self.add(None, f"cannot {doing}: {reference} is {status}")

    def raise_if_any(self) -> None:
        if self.problems:
            raise StepRefused(self.problems)
