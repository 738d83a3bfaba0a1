"""The Code's timescales and limits, in one place.

Every due date, limit and threshold the product uses comes from a `CodePolicy`; nothing
else in the code base carries a Code timescale as a literal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import IntEnum


class Stage(IntEnum):
    """The Code allows exactly two stages (5.2, 5.3): never a stage 0 or an informal stage."""

    ONE = 1
    TWO = 2


@dataclass(frozen=True)
class StageTimescales:
    acknowledge_days: int
    """Working days after receipt (stage 1) or the escalation request (stage 2) to
    acknowledge, define and log the complaint (6.2, 6.11)."""
    respond_days: int
    """Working days after acknowledgement to send the full response (6.3, 6.14)."""
    max_extension_days: int
    """Most working days an extension may add beyond the response deadline set at
    acknowledgement, unless a good reason is recorded (6.4, 6.15)."""
    acknowledge_provision: str
    respond_provision: str
    extension_provision: str
    """The extension's limit and its reasons told to the resident (6.4, 6.15)."""
    extension_ombudsman_provision: str
    """The Ombudsman's contact details given with an extension (6.5, 6.16)."""
    response_contents_provision: str
    """What the response must confirm in writing, items a-g (6.9, 6.19)."""

    # --- the extension limit (6.4, 6.15): the one place it is judged ------------------

    def within_extension_limit(self, working_days_beyond_target: int) -> bool:
        """An extension to this many working days beyond the response deadline set at
        acknowledgement keeps to the Code's limit (at the limit exactly still does)."""
        return working_days_beyond_target <= self.max_extension_days

    def extension_allowed(self, working_days_beyond_target: int, good_reason: str) -> bool:
        """Within the limit, or past it with a good reason recorded (6.4, 6.15)."""
        return self.within_extension_limit(working_days_beyond_target) or bool(good_reason.strip())

    def past_limit_without_reason(self, working_days_beyond_target: int, good_reason: str) -> bool:
        return not self.extension_allowed(working_days_beyond_target, good_reason)

    def past_limit_with_reason(self, working_days_beyond_target: int, good_reason: str) -> bool:
        return not self.within_extension_limit(working_days_beyond_target) and bool(good_reason.strip())


@dataclass(frozen=True)
class CodePolicy:
    name: str
    stage_one: StageTimescales
    stage_two: StageTimescales
    due_soon_working_days: int
    """A deadline this many working days away or fewer shows as 'due soon'."""
    refusal_age_months: int
    """A complaint about an issue older than this may be refused (2.2, 2.3)."""

    def for_stage(self, stage: Stage | int) -> StageTimescales:
        return self.stage_one if Stage(stage) is Stage.ONE else self.stage_two

    # --- the time limit for complaints (2.3): the one place it is judged --------------

    def refusal_age_limit(self, received_on: date) -> date:
        """The earliest day the issue may have occurred, or the resident become aware of
        it, for a complaint received on `received_on` to be within the time limit (2.3)."""
        from dateutil.relativedelta import relativedelta

        return received_on - relativedelta(months=self.refusal_age_months)

    def over_refusal_age(self, since: date, received_on: date) -> bool:
        """A complaint received on `received_on` about something since `since` (the issue,
        or the resident becoming aware of it) is outside the time limit (2.3): more than
        refusal_age_months before; exactly that long before is still within it."""
        return since < self.refusal_age_limit(received_on)


CODE_2024 = CodePolicy(
    name="Complaint Handling Code 2024",
    stage_one=StageTimescales(
        acknowledge_days=5,
        respond_days=10,
        max_extension_days=10,
        acknowledge_provision="6.2",
        respond_provision="6.3",
        extension_provision="6.4",
        extension_ombudsman_provision="6.5",
        response_contents_provision="6.9",
    ),
    stage_two=StageTimescales(
        acknowledge_days=5,
        respond_days=20,
        max_extension_days=20,
        acknowledge_provision="6.11",
        respond_provision="6.14",
        extension_provision="6.15",
        extension_ombudsman_provision="6.16",
        response_contents_provision="6.19",
    ),
    due_soon_working_days=2,
    refusal_age_months=12,
)
