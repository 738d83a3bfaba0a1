"""How each stage is judged for the figures: one definition, used by the annual report,
the self-assessment's evidence, the evidence pack and the Ombudsman pre-flight, so that no
two documents can answer the same question two ways.

- The acknowledgement (6.2, 6.11) is judged against the deadline stored when the stage
  opened; one not acknowledged and past that deadline is late.
- The response (6.3, 6.14) is judged against the deadline fixed at acknowledgement, and an
  extension counts only when it was agreed in line with the Code (extension_standard).
"""

from __future__ import annotations

import functools
from datetime import date
from enum import StrEnum
from typing import Protocol, Sequence

from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.clocks import response_clock
from chc_tui.rules.deadlines import is_overdue
from chc_tui.rules.extension_standard import ExtensionRecord, extension_shortfalls
from chc_tui.rules.policy import CodePolicy, StageTimescales


class JudgedStage(Protocol):
    stage: int
    acknowledged_on: date | None
    acknowledge_due: date | None
    responded_on: date | None
    target_due: date | None
    extensions: Sequence
    refused_here: bool
    withdrawn_here: bool


@functools.lru_cache(maxsize=4096)
def _d(day: date | None) -> str:
    # As f"{day:%d/%m/%Y}", without strftime, and each day once: the report judges every
    # response of the year (41,000 at 300k), on a few hundred days.
    return f"{day.day:02d}/{day.month:02d}/{day.year}" if day else ""


# --- the acknowledgement (6.2, 6.11) ---------------------------------------------------------


class Acknowledgement(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"  # acknowledged after the deadline, or not acknowledged and past it
    NOT_YET_DUE = "not_yet_due"
    ENDED = "ended"  # refused or withdrawn before it was acknowledged
    NOT_MEASURABLE = "not_measurable"  # no acknowledgement deadline recorded

    @property
    def counted(self) -> bool:
        return self in (Acknowledgement.ON_TIME, Acknowledgement.LATE)


def judge_acknowledgement(stage: JudgedStage, today: date) -> Acknowledgement:
    due = stage.acknowledge_due
    if due is None:
        return Acknowledgement.NOT_MEASURABLE
    if stage.acknowledged_on is not None:
        return Acknowledgement.LATE if stage.acknowledged_on > due else Acknowledgement.ON_TIME
    if stage.refused_here or stage.withdrawn_here:
        return Acknowledgement.ENDED
    return Acknowledgement.LATE if is_overdue(due, today) else Acknowledgement.NOT_YET_DUE


def acknowledged_late(stage: JudgedStage) -> bool:
    """Acknowledged after its deadline: the response clock then runs from a late start,
    so a response 'within target' can still follow a late acknowledgement (6.3 counts
    from the acknowledgement)."""
    return (stage.acknowledged_on is not None and stage.acknowledge_due is not None
            and stage.acknowledged_on > stage.acknowledge_due)


# --- the response (6.3-6.5, 6.14-6.16) -----------------------------------------------------


class Timeliness(StrEnum):
    WITHIN_TARGET = "within_target"
    WITHIN_EXTENSION = "within_extension"
    OUT_OF_TARGET = "out_of_target"
    LATE_EXTENSION_NOT_IN_LINE = "late_extension_not_in_line"

    @property
    def label(self) -> str:
        return TIMELINESS_LABELS[self]

    @property
    def within_timescale(self) -> bool:
        """Counted as within the Code's timescales in CH02."""
        return self in (Timeliness.WITHIN_TARGET, Timeliness.WITHIN_EXTENSION)


TIMELINESS_LABELS = {
    Timeliness.WITHIN_TARGET: "within target",
    Timeliness.WITHIN_EXTENSION: "within an agreed extension",
    Timeliness.OUT_OF_TARGET: "out of target",
    Timeliness.LATE_EXTENSION_NOT_IN_LINE: "late: extension not in line with the Code",
}


def response_target(stage: JudgedStage, calendar: WorkingCalendar, policy: CodePolicy) -> date | None:
    """The response deadline fixed at acknowledgement; counted afresh only for a record
    that has none stored (never the case for records written by the use-cases)."""
    if stage.target_due is not None:
        return stage.target_due
    if stage.acknowledged_on is None:
        return None
    return response_clock(calendar, policy, stage.stage, stage.acknowledged_on).due


def response_timeliness(stage: JudgedStage, target: date | None, rules: StageTimescales) -> Timeliness:
    """The judgement alone, against the response deadline fixed at acknowledgement."""
    assert stage.responded_on is not None
    sent = stage.responded_on
    if target is None or sent <= target:
        return Timeliness.WITHIN_TARGET
    if not stage.extensions or sent > stage.extensions[-1].new_due:
        return Timeliness.OUT_OF_TARGET
    if any(extension_shortfalls(e, rules) for e in stage.extensions):
        return Timeliness.LATE_EXTENSION_NOT_IN_LINE
    return Timeliness.WITHIN_EXTENSION


def judge_response(stage: JudgedStage, calendar: WorkingCalendar, policy: CodePolicy) -> tuple[Timeliness, str]:
    """Within target / within an agreed extension / out of target / late on an extension
    not in line with the Code, and why."""
    rules = policy.for_stage(stage.stage)
    target = response_target(stage, calendar, policy)
    judged = response_timeliness(stage, target, rules)
    sent = stage.responded_on
    assert sent is not None
    if judged is Timeliness.WITHIN_TARGET:
        return judged, f"sent {_d(sent)}, target {_d(target)}"
    assert target is not None
    late = calendar.working_days_between(target, sent)
    if not stage.extensions:
        return judged, f"sent {_d(sent)}, {late} wd after the target {_d(target)}, no extension"
    final = stage.extensions[-1].new_due
    if judged is Timeliness.OUT_OF_TARGET:
        return judged, f"sent {_d(sent)}, {calendar.working_days_between(final, sent)} wd after the extended deadline {_d(final)}"
    if judged is Timeliness.LATE_EXTENSION_NOT_IN_LINE:
        shortfalls = [str(s) for e in stage.extensions for s in extension_shortfalls(e, rules)]
        return judged, (f"sent {_d(sent)}, {late} wd after the target {_d(target)}, within an extension to "
                        f"{_d(final)} that was not in line with the Code: " + "; ".join(shortfalls))
    return judged, f"sent {_d(sent)}, target {_d(target)}, extended to {_d(final)}"


def extension_counted_on(extension: ExtensionRecord) -> date:
    """The day an extension is counted on, for the year it falls in: its decision, or,
    when that is not known (imported), the deadline it replaced."""
    return extension.decided_on or extension.previous_due
