"""When an extension counts as agreed in line with the Code (6.4, 6.5, 6.15, 6.16): the one
place this is judged. The extend step warns with it, and CH02, the timeliness split, the
self-assessment's evidence, the evidence pack and the pre-flight all count with it.

An extension is in line with the Code when all of these hold:

- it was decided on or before the deadline it replaces (6.4, 6.15: the landlord "must
  decide whether an extension ... is needed" within the timescale it extends);
- the resident was told of it on or before that deadline (6.4, 6.15 "then inform the
  resident of the expected timescale"; the Ombudsman's guidance to residents: the new
  date is given "within the timescales");
- it is within the Code's limit, or a good reason is recorded (6.4, 6.15);
- the Ombudsman's contact details were given with it (6.5, 6.16).

A fact that is not known (imported from a spreadsheet that never held it) is not taken as
kept: an extension only counts when the record shows it kept to the Code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from chc_tui.rules.policy import StageTimescales


class ExtensionRecord(Protocol):
    """What the judgement needs of an extension: the stored record and the facts loaded
    for the figures both have these."""

    decided_on: date | None
    previous_due: date
    told_resident_on: date | None
    working_days_beyond_target: int
    good_reason: str
    ombudsman_details_given: bool | None


class ExtensionShortfall(StrEnum):
    DECIDED_AFTER_DEADLINE = "decided_after_deadline"
    DECISION_DATE_NOT_KNOWN = "decision_date_not_known"
    TOLD_AFTER_DEADLINE = "told_after_deadline"
    TOLD_NOT_RECORDED = "told_not_recorded"
    PAST_LIMIT_WITHOUT_GOOD_REASON = "past_limit_without_good_reason"
    OMBUDSMAN_DETAILS_NOT_GIVEN = "ombudsman_details_not_given"
    OMBUDSMAN_DETAILS_NOT_KNOWN = "ombudsman_details_not_known"

    @property
    def field(self) -> str:
        """The extend form's field the shortfall is shown beside."""
        return _FIELDS[self]


_FIELDS = {
    ExtensionShortfall.DECIDED_AFTER_DEADLINE: "decided_on",
    ExtensionShortfall.DECISION_DATE_NOT_KNOWN: "decided_on",
    ExtensionShortfall.TOLD_AFTER_DEADLINE: "told_resident_on",
    ExtensionShortfall.TOLD_NOT_RECORDED: "told_resident_on",
    ExtensionShortfall.PAST_LIMIT_WITHOUT_GOOD_REASON: "good_reason",
    ExtensionShortfall.OMBUDSMAN_DETAILS_NOT_GIVEN: "ombudsman_details_given",
    ExtensionShortfall.OMBUDSMAN_DETAILS_NOT_KNOWN: "ombudsman_details_given",
}


@dataclass(frozen=True)
class Shortfall:
    kind: ExtensionShortfall
    provision: str
    text: str

    def __str__(self) -> str:
        return f"{self.text} (Code {self.provision})"


def _d(day: date) -> str:
    return f"{day:%d/%m/%Y}"


def extension_shortfalls(extension: ExtensionRecord, rules: StageTimescales) -> tuple[Shortfall, ...]:
    """Every way this extension falls short of the Code, in the order a handler fixes them;
    empty when it was agreed in line with the Code."""
    deadline = extension.previous_due
    kept = rules.extension_provision
    details = rules.extension_ombudsman_provision
    found: list[Shortfall] = []
    if extension.decided_on is None:
        found.append(Shortfall(ExtensionShortfall.DECISION_DATE_NOT_KNOWN, kept,
                               f"the date the extension was decided is not known, so it cannot be shown to "
                               f"have been decided by the deadline it replaced ({_d(deadline)})"))
    elif extension.decided_on > deadline:
        found.append(Shortfall(ExtensionShortfall.DECIDED_AFTER_DEADLINE, kept,
                               f"decided {_d(extension.decided_on)}, after the deadline it replaced "
                               f"({_d(deadline)}) had passed"))
    if extension.told_resident_on is None:
        found.append(Shortfall(ExtensionShortfall.TOLD_NOT_RECORDED, kept,
                               f"no date recorded for telling the resident of the new date by {_d(deadline)}"))
    elif extension.told_resident_on > deadline:
        found.append(Shortfall(ExtensionShortfall.TOLD_AFTER_DEADLINE, kept,
                               f"the resident was told {_d(extension.told_resident_on)}, after the deadline it "
                               f"replaced ({_d(deadline)})"))
    if rules.past_limit_without_reason(extension.working_days_beyond_target, extension.good_reason):
        found.append(Shortfall(ExtensionShortfall.PAST_LIMIT_WITHOUT_GOOD_REASON, kept,
                               f"{extension.working_days_beyond_target} working days beyond the response deadline, "
                               f"past the limit of {rules.max_extension_days}, with no good reason recorded"))
    if extension.ombudsman_details_given is None:
        found.append(Shortfall(ExtensionShortfall.OMBUDSMAN_DETAILS_NOT_KNOWN, details,
                               "not known whether the Ombudsman's contact details were given"))
    elif not extension.ombudsman_details_given:
        found.append(Shortfall(ExtensionShortfall.OMBUDSMAN_DETAILS_NOT_GIVEN, details,
                               "the Ombudsman's contact details were not given with it"))
    return tuple(found)


def in_line_with_code(extension: ExtensionRecord, rules: StageTimescales) -> bool:
    """Agreed in line with the Code: decided and told by the deadline it replaces, within
    the limit or with a good reason, with the Ombudsman's details."""
    return not extension_shortfalls(extension, rules)


def shortfalls_text(shortfalls: tuple[Shortfall, ...] | list[Shortfall]) -> str:
    return "; ".join(str(s) for s in shortfalls)
