"""Code 6.13 over plain values: stage 2 must be considered by someone who did not consider
stage 1. Who considered stage 1 is `store.stage_people.who_considered`'s answer; the
use-cases read it from the database (chc_tui.steps.independence), the importer works it
out from the records it holds."""

from __future__ import annotations

from typing import Callable

from chc_tui.rules.domain import StepRefused


def not_independent(stage_one: dict[int, list[str]], staff_id: int, doing: str,
                    name_of: Callable[[int], str]) -> str | None:
    """The refusal's words if this staff member considered stage 1 (`stage_one`: staff id ->
    what they did), else None. `name_of` gives a staff member's name, asked only to refuse."""
    how = stage_one.get(staff_id)
    if not how:
        return None
    return (
        f"{name_of(staff_id)} considered stage 1 ({', '.join(how)}), so cannot {doing}: stage 2 must be considered "
        f"by someone who did not consider stage 1 (Code 6.13)"
    )


def require_independent(stage_one: dict[int, list[str]], staff_id: int, doing: str,
                        name_of: Callable[[int], str], field: str | None = None) -> None:
    why = not_independent(stage_one, staff_id, doing, name_of)
    if why:
        raise StepRefused(why, field)
