"""The tables. Dates are `date`, moments are UTC `datetime`; every record a handler can
change carries a `version` so that concurrent sessions never silently overwrite each other.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Optional

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Setting(SQLModel, table=True):
    """Landlord settings as key -> JSON text (region, name, homes owned, ...)."""

    key: str = Field(primary_key=True)
    value: str


class ClosureDay(SQLModel, table=True):
    """A day the landlord's office is shut (for example the Christmas shutdown)."""

    __tablename__ = "closure_day"
    day: date = Field(primary_key=True)
    note: str = ""


class Resident(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    address: str = ""
    phone: str = ""
    email: str = ""
    preferred_channel: str = ""
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)


class Complaint(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, index=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    representative_name: str = ""
    representative_relationship: str = ""
    received_on: date = Field(index=True)
    channel: str
    category: str = Field(index=True)
    resident_words: str
    status: str = Field(default="open", index=True)  # open | closed | refused | withdrawn
    current_stage: int = 1
    closed_on: Optional[date] = None
    # Reasonable adjustments noted for this complaint (Code 5.10): large print, another
    # language, an easy-read version... shown to the handler whenever a letter is made.
    adjustments: str = ""
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = ""


class StageRecord(SQLModel, table=True):
    """One stage (1 or 2) of a complaint: its clock start, handler and milestones."""

    __tablename__ = "stage_record"
    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    stage: int
    opened_on: date  # receipt (stage 1) or the escalation request (stage 2)
    handler: str = Field(index=True)
    escalation_reason: str = ""  # stage 2: why the resident is still dissatisfied
    acknowledged_on: Optional[date] = None
    responded_on: Optional[date] = None


class Definition(SQLModel, table=True):
    """The complaint definition (Code 5.6, 5.7). A redefinition adds a row; the newest counts."""

    id: Optional[int] = Field(default=None, primary_key=True)
    stage_id: int = Field(foreign_key="stage_record.id", index=True)
    understanding: str
    outcomes_sought: str
    responsible_aspects: str
    not_responsible_aspects: str = ""
    defined_on: date
    defined_by: str


class Deadline(SQLModel, table=True):
    """A due date fixed when the step that starts its clock was recorded, with the days it
    skipped, so a later change of closure days or policy never silently moves it."""

    # The running deadlines (active, not yet met) without reading the others; a stage's
    # running deadline in one look-up (migration 0003).
    __table_args__ = (Index("ix_deadline_open", "active", "met_on", "stage_id"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    stage_id: int = Field(foreign_key="stage_record.id", index=True)
    step: str  # acknowledge | respond
    clock_start: date
    working_days: int
    due_on: date = Field(index=True)
    skipped_json: str = "[]"
    region: str
    provisional: bool = False  # response deadline counted from the acknowledgement deadline
    extension_id: Optional[int] = Field(default=None, foreign_key="extension.id")
    active: bool = Field(default=True, index=True)  # False once superseded or no longer due
    met_on: Optional[date] = None
    created_at: datetime = Field(default_factory=utcnow)


class Extension(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    stage_id: int = Field(foreign_key="stage_record.id", index=True)
    decided_on: date
    previous_due: date
    new_due: date
    working_days_beyond_target: int  # counted from the response deadline set at acknowledgement
    reason: str
    told_resident_on: Optional[date] = None
    ombudsman_details_given: bool = False
    good_reason: str = ""  # required when the extension passes the Code's limit
    decided_by: str = ""


class Response(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    stage_id: int = Field(foreign_key="stage_record.id", unique=True)
    responded_on: date
    decision: str  # upheld | partly_upheld | not_upheld
    reasons: str
    remedy: str = ""
    outstanding_actions: str = ""
    responded_by: str = ""


class Refusal(SQLModel, table=True):
    """A complaint not taken on (Code 2.2-2.5): always an individual, reasoned decision."""

    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", unique=True)
    stage: int
    refused_on: date
    exclusion_reason: str  # see chc_tui.domain.ExclusionReason
    explanation: str
    ombudsman_right_explained: bool = False
    refused_by: str = ""


class Withdrawal(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", unique=True)
    stage: int
    withdrawn_on: date
    reason: str = ""
    recorded_by: str = ""


class AuditEntry(SQLModel, table=True):
    """Who did what and when; written in the same transaction as the change it records."""

    __tablename__ = "audit_entry"
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str
    action: str
    complaint_id: Optional[int] = Field(default=None, foreign_key="complaint.id", index=True)
    details_json: str = "{}"  # what the record holds after the change
    before_json: str = "{}"  # what it held before, where the change replaced something


class AssessmentAnswer(SQLModel, table=True):
    """One row of the yearly self-assessment against the Code (8.1-8.4).

    `year` is the financial year's starting year: 2024 means 1 April 2024 - 31 March 2025.
    """

    __tablename__ = "assessment_answer"
    __table_args__ = (UniqueConstraint("year", "provision"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    provision: str  # "1.2" ... "9.8"
    comply: str = ""  # "yes" | "no" | "" (not yet answered)
    evidence: str = ""
    commentary: str = ""
    carried_over: bool = False  # copied from the previous year and not yet confirmed
    changed_by: str = ""
    changed_at: datetime = Field(default_factory=utcnow)
    version: int = 1


class ReportText(SQLModel, table=True):
    """Entered text for a year's annual complaints report (Code 8.1): the Ombudsman's
    findings, its annual report, other reports, the governing body's response."""

    __tablename__ = "report_text"
    __table_args__ = (UniqueConstraint("year", "part"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    year: int = Field(index=True)
    part: str
    text: str = ""
    changed_by: str = ""
    changed_at: datetime = Field(default_factory=utcnow)
    version: int = 1


class Letter(SQLModel, table=True):
    """A letter exactly as sent (Code 5.12): the text is stored byte for byte, never
    re-rendered, so a later change of template or settings cannot rewrite history."""

    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    stage: int
    kind: str  # see chc_tui.letters.LetterKind
    body: str
    sha256: str  # of body as UTF-8, to show the stored text is the text sent
    template: str = ""  # which template it started from
    edited: bool = False  # changed by the handler after rendering
    sent_on: date
    sent_by: str = ""
    created_at: datetime = Field(default_factory=utcnow)


class Correspondence(SQLModel, table=True):
    """Every letter, call, email, meeting and note about a complaint (Code 5.12)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    happened_on: date
    kind: str  # letter | call | email | meeting | note
    direction: str  # in | out | internal
    party: str  # resident | representative | contractor | ombudsman | other | ""
    party_name: str = ""
    summary: str
    letter_id: Optional[int] = Field(default=None, foreign_key="letter.id")
    recorded_by: str = ""
    recorded_at: datetime = Field(default_factory=utcnow)


class Attachment(SQLModel, table=True):
    """A file kept with a piece of correspondence: copied into the store's attachments
    folder under its checksum, with the name it had."""

    id: Optional[int] = Field(default=None, primary_key=True)
    correspondence_id: int = Field(foreign_key="correspondence.id", index=True)
    original_name: str
    stored_name: str  # relative to the attachments folder
    sha256: str
    size_bytes: int
    added_by: str = ""
    added_at: datetime = Field(default_factory=utcnow)
