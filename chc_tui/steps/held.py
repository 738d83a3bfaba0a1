"""A complaint's records held in memory as dicts while its steps are planned
(chc_tui.steps.plans) and written in bulk (chc_tui.steps.bulk): the importer's rows and
the demo's stories. Each reading here is the one the use-cases make of the database
(usecases._active_deadline, _target_response_deadline, _apply; store.stage_people),
made of the records held instead."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable

from chc_tui.steps.plans.changes import OPEN, Changes, apply_changes
from chc_tui.steps.plans.log import next_reference, reference_prefix
from chc_tui.steps.plans.state import ComplaintNow, StageNow, Values

# who_considered's order of a stage's steps: its tables', as store.stage_people reads them
_STEP_ORDER = {"defined": 0, "extended": 1, "answered": 2}


@dataclass
class HeldComplaint:
    """One complaint as the writer holds it: the records its steps change, and what
    Code 6.13 reads of them."""

    complaint: Values
    stages: list[Values]  # the current stage last
    deadlines: list[Values]
    log_details: dict[str, Any]  # the log's audit details (its handler, for who considered stage 1)
    steps: list[tuple[str, int, int | None]] = field(default_factory=list)  # (what, stage id, by staff id)
    stage_one_people: dict[int, list[str]] = field(default_factory=dict)  # once escalated
    letters: list[Values] = field(default_factory=list)  # the letters sent, oldest first
    reassigned: list[dict[str, Any]] = field(default_factory=list)  # the "assign" audits' details

    def bump(self) -> None:
        """A step is about to change the complaint: its version moves on, as
        usecases._complaint_for_change moves it."""
        self.complaint["version"] += 1

    def now(self) -> tuple[ComplaintNow, StageNow]:
        """The complaint and its current stage, as the plans read them."""
        stage = self.stages[-1]
        return (ComplaintNow(self.complaint["reference"], self.complaint["status"], self.complaint["received_on"]),
                StageNow(stage["stage"], stage["opened_on"], stage["acknowledged_on"], stage["responded_on"]))

    def active(self, stage: Values, step: str) -> Values | None:
        """The stage's running deadline for `step` (usecases._active_deadline)."""
        return next((d for d in self.deadlines if d["stage_id"] == stage["id"] and d["step"] == step and d["active"]),
                    None)

    def target(self, stage: Values) -> Values | None:
        """The response deadline fixed at acknowledgement (usecases._target_response_deadline)."""
        return next((d for d in self.deadlines if d["stage_id"] == stage["id"] and d["step"] == "respond"
                     and not d["provisional"] and d["extension_id"] is None), None)

    def apply(self, changes: Changes) -> list[Values]:
        """A plan's changes to the records held, as usecases._apply makes them; the
        deadlines changed."""
        apply_changes(self.complaint, changes.complaint)
        stage = self.stages[-1]
        apply_changes(stage, changes.stage)
        changed: list[Values] = []
        for change in changes.deadlines:
            if change.which == OPEN:
                found = [d for d in self.deadlines if d["active"] and d["met_on"] is None]
            else:
                found = [d for d in [self.active(stage, change.which)] if d is not None]
            for deadline in found:
                apply_changes(deadline, change.values)
                changed.append(deadline)
        return changed

    def who_considered_stage_one(self, ids_by_name_key: Callable[[], dict[str, int]]) -> dict[int, list[str]]:
        """store.stage_people's reading of Code 6.13, over the records held."""
        from store.stage_people import who_considered

        cid, first = self.complaint["id"], self.stages[0]
        steps = sorted((s for s in self.steps if s[1] == first["id"]), key=lambda s: _STEP_ORDER[s[0]])
        letters = [(cid, letter["by_staff_id"]) for letter in self.letters if letter["stage"] == 1]
        audits = [(cid, "log", self.log_details)] + [(cid, "assign", details) for details in self.reassigned]
        people = who_considered([cid], 1, [(first["id"], cid, first["handler_staff_id"])], steps, letters,
                                audits, ids_by_name_key)
        return dict(people[cid])


def next_held_reference(received_on: date, in_database: Callable[[str], int], held: list[Values],
                        taken_in_database: Callable[[str], bool]) -> str:
    """As usecases._next_reference counts, with the complaints held but not yet written:
    `in_database(prefix)` counts the database's references with that prefix."""
    prefix = reference_prefix(received_on)
    count = in_database(prefix) + sum(1 for c in held if c["reference"].startswith(prefix))
    planned = {c["reference"] for c in held}
    return next_reference(received_on, count, lambda reference: reference in planned or taken_in_database(reference))
