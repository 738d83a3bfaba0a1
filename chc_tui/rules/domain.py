"""The Code's vocabulary: decisions, exclusion reasons, states, and refused steps."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Decision(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    NOT_UPHELD = "not_upheld"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class ExclusionReason(StrEnum):
    """Why a complaint may be refused (Code 2.2); never a blanket exclusion (2.5)."""

    OVER_TWELVE_MONTHS = "over_12_months"  # 2.2, 2.3
    LEGAL_PROCEEDINGS = "legal_proceedings"  # 2.2
    ALREADY_CONSIDERED = "already_considered"  # 2.2
    OTHER = "other"  # another reason, stated in full

    @property
    def label(self) -> str:
        return {
            "over_12_months": "issue arose over 12 months ago (2.2, 2.3)",
            "legal_proceedings": "legal proceedings started (2.2)",
            "already_considered": "already considered under the procedure (2.2)",
            "other": "other reason, stated (2.2)",
        }[self.value]


def refusal_fact_rows(refusal, day) -> list[tuple[str, str]]:
    """The facts a refusal rests on (2.2, 2.3), as label: value rows (a blank value is left
    out; `day` writes a date). "not recorded" where its reason needs a fact it lacks
    (refused before issue 19, or imported)."""
    def known(value) -> str:
        return day(value) if value is not None else "not recorded"

    if refusal.exclusion_reason == ExclusionReason.OVER_TWELVE_MONTHS:
        return [("Issue occurred", known(refusal.issue_on)), ("Resident became aware", known(refusal.aware_on)),
                ("Discretion considered (2.3)", refusal.discretion_considered or "not recorded")]
    if refusal.exclusion_reason == ExclusionReason.LEGAL_PROCEEDINGS:
        return [("Claim filed", known(refusal.claim_filed_on))]
    return []


class Channel(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    LETTER = "letter"
    IN_PERSON = "in_person"
    WEB_FORM = "web_form"
    SOCIAL_MEDIA = "social_media"
    THIRD_PARTY = "third_party"


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"


class Step(StrEnum):
    """The next thing a handler must do on a stage."""

    DEFINE = "define"
    ACKNOWLEDGE = "acknowledge"
    RESPOND = "respond"
    CLOSE_OR_ESCALATE = "close or escalate"
    CLOSE = "close"
    NONE = "none"


class DeadlineState(StrEnum):
    OVERDUE = "overdue"
    DUE_TODAY = "due today"
    DUE_SOON = "due soon"
    ON_TRACK = "on track"


@dataclass(frozen=True)
class Problem:
    """One reason a step was refused, tied to the field the handler typed it in."""

    field: str | None
    message: str

    def __str__(self) -> str:
        return self.message


class StepRefused(Exception):
    """A step broke a rule; nothing was written. Each problem names its rule."""

    def __init__(self, problems: list[Problem] | Problem | str, field: str | None = None):
        if isinstance(problems, str):
            problems = [Problem(field, problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("; ".join(p.message for p in self.problems))

    def for_field(self, field: str) -> list[str]:
        return [p.message for p in self.problems if p.field == field]


class StaleRecord(StepRefused):
    """Another handler changed the complaint after this one loaded it.

    `current_version` is the record's version now, when known: a form may let its handler
    save over it, knowingly, by sending that version next time."""

    def __init__(self, problems: list[Problem] | Problem | str, field: str | None = None,
                 *, current_version: int | None = None):
        super().__init__(problems, field)
        self.current_version = current_version


class NeedsConfirmation(StepRefused):
    """The step may be recorded, but it falls short of the Code: nothing was written, and
    the handler records it only knowingly (the form's second Ctrl+S, the CLI's
    --record-anyway), when it is recorded with what it fell short of."""


class NotFound(StepRefused):
    pass
