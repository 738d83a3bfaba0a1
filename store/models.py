"""The tables. Dates are `date`, moments are UTC `datetime`; every record a handler can
change carries a `version` so that concurrent sessions never silently overwrite each other.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Optional, Protocol

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from store.running import running_deadline_sql


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class _Row(Protocol):
    id: Optional[int]


def saved_id(row: _Row) -> int:
    """A row's id: the database gives it when the row is flushed, and every row read back
    has one. A row never flushed has none, which is a bug here, not a handler's mistake."""
    if row.id is None:
        raise ValueError(f"this {type(row).__name__} has no id yet: add and flush it first")
    return row.id


class Setting(SQLModel, table=True):
    """Landlord settings as key -> JSON text (region, name, homes owned, ...)."""

    key: str = Field(primary_key=True)
    value: str


class ClosureDay(SQLModel, table=True):
    """A day the landlord's office is shut (for example the Christmas shutdown)."""

    __tablename__ = "closure_day"
    day: date = Field(primary_key=True)
    note: str = ""


class Staff(SQLModel, table=True):
    """A person on the landlord's staff register: who handles, reviews and signs (Code 6.13
    is checked by this id, never by a typed name)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    display_name: str
    job_title: str = ""
    email: str = ""
    phone: str = ""
    team: str = ""  # the team they work in, for the figures per team (issue 20.2); "" none
    roles: str = ""  # comma-separated: see chc_tui.steps.staff.Role
    active_from: date
    active_to: Optional[date] = None  # the last day they may act; None while active
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)


class StaffLogin(SQLModel, table=True):
    """A login that is this staff member: the primary key makes one login one person."""

    __tablename__ = "staff_login"
    login: str = Field(primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)


class StaffAlias(SQLModel, table=True):
    """A spelling of a staff member's name the records held before the register (or that an
    admin merged), by its key (case and spaces removed): old records still find their person."""

    __tablename__ = "staff_alias"
    name_key: str = Field(primary_key=True)
    staff_id: int = Field(foreign_key="staff.id", index=True)


class Resident(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    address: str = ""
    phone: str = ""
    email: str = ""
    preferred_channel: str = ""
    # The TSM stock type the resident's home is counted in (CH01, CH02 per relevant stock
    # type): "LCRA" low cost rental, "LCHO" low cost home ownership, "" not known.
    tenure: str = ""
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
    # Learning (Code 9.1-9.3): what the complaint was about underneath, for the themes report.
    theme: str = ""
    root_cause: str = ""
    # A new issue raised during stage 1 and logged as its own complaint (Code 6.8).
    related_to_id: Optional[int] = Field(default=None, foreign_key="complaint.id", index=True)
    # Moved in from a spreadsheet: what the sheet did not hold is stored as not known, and
    # the record counts as "imported, not verified" until a handler verifies it.
    imported_from: str = ""
    verified_on: Optional[date] = None
    verified_by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id")
    version: int = 1
    created_at: datetime = Field(default_factory=utcnow)
    created_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)  # who did it (6.13)


class StageRecord(SQLModel, table=True):
    """One stage (1 or 2) of a complaint: its clock start, handler and milestones."""

    __tablename__ = "stage_record"
    # The stages with an update interval agreed (Code 5.9), for the panel's "update due"
    # rows, without reading every unanswered stage (migration 0022).
    __table_args__ = (
        Index("ix_stage_record_updates_agreed", "responded_on",
              sqlite_where=text("update_every_days IS NOT NULL AND update_agreed_on IS NOT NULL"),
              postgresql_where=text("update_every_days IS NOT NULL AND update_agreed_on IS NOT NULL")),
        # A complaint's current stage (its stages too) without reading the stage's row: a
        # search over every state joins thousands of complaints to it (migration 0024).
        Index("ix_stage_record_complaint_stage", "complaint_id", "stage"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id")
    stage: int
    opened_on: date = Field(index=True)  # receipt (stage 1) or the escalation request (stage 2)
    handler: str = Field(index=True)
    # The staff member assigned; `handler` is their display name as it was when assigned.
    handler_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)
    escalation_reason: str = ""  # stage 2: why the resident is still dissatisfied
    acknowledged_on: Optional[date] = None
    responded_on: Optional[date] = Field(default=None, index=True)  # the year's figures find stages by it (0018)
    # Keeping the resident informed (Code 5.9): the interval agreed with them for updates,
    # in working days, and when it was agreed; None: none agreed.
    update_every_days: Optional[int] = None
    update_agreed_on: Optional[date] = None


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
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)  # who did it (6.13)


RUNNING_DEADLINE = running_deadline_sql()
RUNNING_DEADLINE_POSTGRESQL = running_deadline_sql(postgresql=True)


def _running_index(name: str, due: str, on_sqlite: str, on_postgresql: str | None = None) -> Index:
    """Only the running rows of a kind, in due-date order (migration 0024): the deadline
    panel's page of a kind reads its first rows and stops, not every running one sorted."""
    return Index(name, due, sqlite_where=text(on_sqlite), postgresql_where=text(on_postgresql or on_sqlite))


class Deadline(SQLModel, table=True):
    """A due date fixed when the step that starts its clock was recorded, with the days it
    skipped, so a later change of closure days or policy never silently moves it."""

    # The running deadlines (store.queries._next_deadline): soonest first, and a stage's
    # in a look-up that reads no other deadline (migration 0024).
    __table_args__ = (
        _running_index("ix_deadline_running", "due_on", RUNNING_DEADLINE, RUNNING_DEADLINE_POSTGRESQL),
        _running_index("ix_deadline_running_stage", "stage_id", RUNNING_DEADLINE, RUNNING_DEADLINE_POSTGRESQL),
    )
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
    active: bool = True  # False once superseded or no longer due
    met_on: Optional[date] = None
    created_at: datetime = Field(default_factory=utcnow)


class Extension(SQLModel, table=True):
    # The year's figures find the extensions counted in a year by the day they count on
    # (rules.measures.extension_counted_on), without reading every extension (0021).
    __table_args__ = (Index("ix_extension_counted_on", text("coalesce(decided_on, previous_due)")),)
    id: Optional[int] = Field(default=None, primary_key=True)
    stage_id: int = Field(foreign_key="stage_record.id", index=True)
    decided_on: Optional[date] = None  # None: not known (imported from a sheet that never held it)
    previous_due: date
    new_due: date
    working_days_beyond_target: int  # counted from the response deadline set at acknowledgement
    reason: str
    told_resident_on: Optional[date] = None
    # None: not known (imported). No column default: SQLAlchemy would write it in place of None.
    ombudsman_details_given: Optional[bool] = Field(default=False, sa_column_kwargs={"default": None})
    good_reason: str = ""  # required when the extension passes the Code's limit
    decided_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)  # who did it (6.13)


class Response(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    stage_id: int = Field(foreign_key="stage_record.id", unique=True)
    responded_on: date
    decision: str  # upheld | partly_upheld | not_upheld
    reasons: str
    remedy: str = ""  # a summary of the remedy records offered with it (the records are the truth)
    outstanding_actions: str = ""  # a summary of the action records made with it
    no_remedy_reason: str = ""  # upheld with no remedy or action: why none (Code 7.1)
    impact: str = ""  # the impact on the resident the remedy answers (7.2)
    remedies_guidance: str = ""  # the Ombudsman's remedies guidance considered (7.4)
    responded_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)  # who did it (6.13)


class Refusal(SQLModel, table=True):
    """A complaint not taken on (Code 2.2-2.5): always an individual, reasoned decision."""

    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", unique=True)
    stage: int
    refused_on: date = Field(index=True)
    exclusion_reason: str  # see chc_tui.rules.domain.ExclusionReason
    explanation: str
    # None: not known (imported) (2.4). No column default: SQLAlchemy would write it in place of None.
    ombudsman_right_explained: Optional[bool] = Field(default=False, sa_column_kwargs={"default": None})
    refused_by: str = ""
    # Over 12 months (2.3): when the issue happened, when the resident became aware of it,
    # and the discretion considered; legal proceedings (2.2): when the claim was filed.
    # None / "": not recorded (before issue 19, or imported).
    issue_on: Optional[date] = None
    aware_on: Optional[date] = None
    discretion_considered: str = ""
    claim_filed_on: Optional[date] = None
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)  # who did it (6.13)


class Withdrawal(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", unique=True)
    stage: int
    withdrawn_on: date = Field(index=True)
    reason: str = ""
    recorded_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)


class AuditEntry(SQLModel, table=True):
    """Who did what and when; written in the same transaction as the change it records."""

    __tablename__ = "audit_entry"
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    actor: str
    # The staff member the login `actor` is on the register (None only in records from
    # before the register, migration 0008 maps those it can).
    actor_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)
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


class GoverningBodyResponse(SQLModel, table=True):
    """When and where the governing body agreed its response to a year's annual report
    (Code 8.2). The response's text is the report's "governing_body_response" part
    (ReportText), its one home; this row records the agreement."""

    __tablename__ = "governing_body_response"
    id: Optional[int] = Field(default=None, primary_key=True)
    year: int = Field(index=True, unique=True)
    agreed_on: date
    meeting: str
    recorded_by: Optional[int] = Field(default=None, foreign_key="staff.id")
    recorded_at: datetime = Field(default_factory=utcnow)


class Letter(SQLModel, table=True):
    """A letter exactly as sent (Code 5.12): the text is stored byte for byte, never
    re-rendered, so a later change of template or settings cannot rewrite history."""

    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    stage: int
    kind: str  # see chc_tui.documents.letters.LetterKind
    body: str
    sha256: str  # of body as UTF-8, to show the stored text is the text sent
    template: str = ""  # which template it started from
    edited: bool = False  # changed by the handler after rendering
    sent_on: date
    sent_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)  # who did it (6.13)
    created_at: datetime = Field(default_factory=utcnow)


class LetterDelivery(SQLModel, table=True):
    """How a stored letter goes out (issue 21): by email, by post, or both, and where each
    route has got to. Written in the same transaction as its letter, so no letter is
    without one. The post route is "to post" until a post run is marked printed ("posted
    on"); the email route is "to email" until sent ("emailed at") or refused ("bounced",
    with the server's words, and still to email). See chc_tui.steps.delivery."""

    __tablename__ = "letter_delivery"
    id: Optional[int] = Field(default=None, primary_key=True)
    letter_id: int = Field(foreign_key="letter.id", unique=True, index=True)
    channel: str  # email | post | both (chc_tui.steps.delivery.Route)
    posted_on: Optional[date] = None
    posted_by: str = ""  # who marked the post run printed
    emailed_at: Optional[datetime] = None
    bounced_at: Optional[datetime] = None  # the last failed attempt; cleared by a later success
    bounce: str = ""  # the mail server's failure text (may name the address: personal)
    version: int = 1
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
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)
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
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)
    added_at: datetime = Field(default_factory=utcnow)


# --- around the complaint (issue 7) ---------------------------------------------------------


class Vulnerability(SQLModel, table=True):
    """A vulnerability or disability the resident disclosed (Code 5.10)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    description: str
    disclosed_on: date
    ended_on: Optional[date] = None
    recorded_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)
    version: int = 1


class Adjustment(SQLModel, table=True):
    """A reasonable adjustment agreed with the resident, kept under review (Code 5.10)."""

    __table_args__ = (_running_index("ix_adjustment_running", "review_on", "ended_on IS NULL"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    description: str
    agreed_on: date
    review_on: date = Field(index=True)
    reviewed_on: Optional[date] = None  # the last review; review_on then moves on
    ended_on: Optional[date] = None
    recorded_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)
    version: int = 1


class Representative(SQLModel, table=True):
    """Someone acting for the resident (Code 3.6), with when their authority was confirmed."""

    id: Optional[int] = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    name: str
    relationship: str
    contact: str = ""
    authority_confirmed_on: Optional[date] = None
    ended_on: Optional[date] = None
    recorded_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)
    version: int = 1


class Restriction(SQLModel, table=True):
    """A restriction on contact for unacceptable behaviour (Code 5.14, 5.15): reasoned,
    decided by a named person, and reviewed."""

    __table_args__ = (_running_index("ix_restriction_running", "review_on", "ended_on IS NULL"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    restriction: str
    reasons: str
    decided_by: str
    decided_on: date
    review_on: date = Field(index=True)
    reviewed_on: Optional[date] = None
    ended_on: Optional[date] = None
    recorded_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)
    version: int = 1
    # How the Equality Act 2010 was considered (5.15); "": not recorded (before issue 19).
    equality_act_consideration: str = ""


class ServiceRequest(SQLModel, table=True):
    """A request for a service (a repair, a visit), not a complaint (Code 1.4, 1.5)."""

    __tablename__ = "service_request"
    # The requests still open, for the deadline panel, without reading ten years of them.
    __table_args__ = (_running_index("ix_service_request_running", "due_on", "done_on IS NULL"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    reference: str = Field(unique=True, index=True)
    resident_id: int = Field(foreign_key="resident.id", index=True)
    received_on: date = Field(index=True)
    category: str
    description: str
    target_days: int  # working days, from the landlord's setting when logged
    due_on: date = Field(index=True)
    done_on: Optional[date] = None
    outcome: str = ""
    complaint_id: Optional[int] = Field(default=None, foreign_key="complaint.id", index=True)
    # The resident was dissatisfied (Code 1.3, 1.5): when, in what words, that they were
    # given the choice to make a complaint, and their answer (yes | no | undecided; "").
    dissatisfied_on: Optional[date] = None
    dissatisfaction: str = ""
    complaint_choice_offered: bool = False
    complaint_choice: str = ""
    # The resident was told the decision on the request and the next steps: when, how, what.
    told_decision_on: Optional[date] = None
    told_decision_how: str = ""
    told_decision: str = ""
    recorded_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)
    version: int = 1


class Remedy(SQLModel, table=True):
    """A remedy offered to put things right (Code 6.6, 7.1-7.3)."""

    # The remedies still to do, for the deadline panel, without reading ten years of them.
    __table_args__ = (Index("ix_remedy_open", "done_on", "declined_on"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    stage: int
    kind: str  # see chc_tui.steps.remedies.RemedyKind
    description: str  # what will happen
    amount_pence: Optional[int] = None  # a financial remedy's total
    parts_json: str = "[]"  # a financial remedy's parts: [{"label": ..., "pence": ...}]
    due_on: Optional[date] = Field(default=None, index=True)
    offered_on: date
    accepted_on: Optional[date] = None
    declined_on: Optional[date] = None
    done_on: Optional[date] = None
    recorded_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)
    version: int = 1


class Action(SQLModel, table=True):
    """An outstanding action, tracked after the stage closes (Code 6.6, 6.17)."""

    __table_args__ = (Index("ix_action_open", "done_on"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    stage: int
    description: str
    owner: str
    due_on: date = Field(index=True)
    done_on: Optional[date] = None
    update: str = ""
    recorded_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)
    version: int = 1


class OmbudsmanCase(SQLModel, table=True):
    __tablename__ = "ombudsman_case"
    id: Optional[int] = Field(default=None, primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", index=True)
    ombudsman_reference: str = Field(index=True)
    opened_on: date
    closed_on: Optional[date] = None
    chfo_on: Optional[date] = None  # a Complaint Handling Failure Order, if one was issued
    chfo_reason: str = ""
    recorded_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)
    version: int = 1


class OmbudsmanRequest(SQLModel, table=True):
    """A request from the Ombudsman (for evidence, a response) with its due date."""

    __tablename__ = "ombudsman_request"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="ombudsman_case.id", index=True)
    received_on: date
    description: str
    due_on: date = Field(index=True)
    met_on: Optional[date] = None
    recorded_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)


class OmbudsmanFinding(SQLModel, table=True):
    """The determination on one issue of a case: each issue has its own."""

    __tablename__ = "ombudsman_finding"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="ombudsman_case.id", index=True)
    issue: str
    determination: str  # see chc_tui.steps.ombudsman.Determination
    determined_on: date
    recorded_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)


class OmbudsmanOrder(SQLModel, table=True):
    """An order or recommendation, with its due date and the evidence it was complied with."""

    __tablename__ = "ombudsman_order"
    id: Optional[int] = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="ombudsman_case.id", index=True)
    finding_id: Optional[int] = Field(default=None, foreign_key="ombudsman_finding.id")
    kind: str  # order | recommendation
    description: str
    due_on: date = Field(index=True)
    complied_on: Optional[date] = None
    evidence: str = ""
    recorded_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)
    version: int = 1


class Lesson(SQLModel, table=True):
    """A lesson learned and the service improvement it led to (Code 9.1-9.3)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    theme: str = Field(index=True)
    lesson: str
    improvement: str = ""
    recorded_on: date
    due_on: Optional[date] = None  # when the improvement should be in place
    done_on: Optional[date] = None
    recorded_by: str = ""
    by_staff_id: Optional[int] = Field(default=None, foreign_key="staff.id", index=True)
    version: int = 1


class LessonComplaint(SQLModel, table=True):
    """Which complaints taught a lesson."""

    __tablename__ = "lesson_complaint"
    lesson_id: int = Field(foreign_key="lesson.id", primary_key=True)
    complaint_id: int = Field(foreign_key="complaint.id", primary_key=True)


class ReminderSent(SQLModel, table=True):
    """A reminder of one deadline sent to one person on one day (issue 21.4): `chc remind`
    sends none twice. `item_key` names the deadline: reference, stage, step and due date;
    the complaints lead's summary keys begin "summary:"."""

    __tablename__ = "reminder_sent"
    staff_id: int = Field(foreign_key="staff.id", primary_key=True)
    item_key: str = Field(primary_key=True)
    sent_on: date = Field(primary_key=True)
    sent_at: datetime = Field(default_factory=utcnow)
