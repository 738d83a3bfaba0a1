"""Personal data under UK GDPR: everything held about one resident in one export (a
subject access request), and anonymisation after the retention period that keeps the
anonymous facts the reports count (dates, stages, categories, decisions, amounts).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import inspect as sa_inspect
from sqlmodel import Session, SQLModel, or_, select

from chc_tui.context import StepContext
from chc_tui.domain import Problem, Status, StepRefused
from chc_tui.settings import get_setting
from store.engine import Database
from store.models import (
    Action,
    Adjustment,
    Attachment,
    AuditEntry,
    Complaint,
    Correspondence,
    Definition,
    Extension,
    Letter,
    OmbudsmanCase,
    OmbudsmanFinding,
    OmbudsmanOrder,
    OmbudsmanRequest,
    Refusal,
    Remedy,
    Representative,
    Resident,
    Response,
    Restriction,
    ServiceRequest,
    StageRecord,
    Vulnerability,
    Withdrawal,
)

RETENTION_KEY = "retention_years"
DEFAULT_RETENTION_YEARS = 6  # after the last complaint closed: a common housing schedule
REMOVED = "[removed: personal data anonymised]"
# Audit details that quote the resident or what they said; the rest (dates, stages,
# decisions, staff names) is kept so the trail still shows who did what and when.
PERSONAL_AUDIT_KEYS = {
    "resident", "representative", "adjustments", "understanding", "outcomes_sought",
    "responsible_aspects", "not_responsible_aspects", "reasons", "remedy", "outstanding_actions",
    "explanation", "reason", "good_reason", "summary", "party_name", "resident_words",
}


def retention_years(session: Session) -> int:
    return int(get_setting(session, RETENTION_KEY, DEFAULT_RETENTION_YEARS))


def _row(record: SQLModel) -> dict[str, Any]:
    values = {}
    for column in sa_inspect(type(record)).columns:
        value = getattr(record, column.key)
        values[column.key] = value.isoformat() if hasattr(value, "isoformat") else value
    return values


def _complaint_ids(session: Session, resident_id: int) -> list[int]:
    return list(session.exec(select(Complaint.id).where(Complaint.resident_id == resident_id)))


def subject_access(session: Session, resident_id: int) -> dict[str, Any]:
    """Everything held about one resident, table by table, as plain JSON-able values."""
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise StepRefused(f"no resident with id {resident_id}", "resident")
    complaint_ids = _complaint_ids(session, resident_id)
    stage_ids = list(session.exec(select(StageRecord.id).where(StageRecord.complaint_id.in_(complaint_ids))))  # type: ignore[attr-defined]
    case_ids = list(session.exec(select(OmbudsmanCase.id).where(OmbudsmanCase.complaint_id.in_(complaint_ids))))  # type: ignore[attr-defined]
    correspondence_ids = list(
        session.exec(select(Correspondence.id).where(Correspondence.complaint_id.in_(complaint_ids)))  # type: ignore[attr-defined]
    )

    def rows(model, *where) -> list[dict[str, Any]]:
        return [_row(r) for r in session.exec(select(model).where(*where))]

    by_complaint = lambda model: rows(model, model.complaint_id.in_(complaint_ids))  # noqa: E731
    by_stage = lambda model: rows(model, model.stage_id.in_(stage_ids))  # noqa: E731
    by_case = lambda model: rows(model, model.case_id.in_(case_ids))  # noqa: E731
    by_resident = lambda model: rows(model, model.resident_id == resident_id)  # noqa: E731
    audit = rows(
        AuditEntry,
        or_(AuditEntry.complaint_id.in_(complaint_ids), AuditEntry.details_json.contains(f'"resident_id": {resident_id}')),  # type: ignore[attr-defined]
    )
    return {
        "resident": _row(resident),
        "vulnerabilities": by_resident(Vulnerability),
        "adjustments": by_resident(Adjustment),
        "representatives": by_resident(Representative),
        "restrictions": by_resident(Restriction),
        "service_requests": by_resident(ServiceRequest),
        "complaints": rows(Complaint, Complaint.id.in_(complaint_ids)),  # type: ignore[attr-defined]
        "stages": by_complaint(StageRecord),
        "definitions": by_stage(Definition),
        "extensions": by_stage(Extension),
        "responses": by_stage(Response),
        "refusals": by_complaint(Refusal),
        "withdrawals": by_complaint(Withdrawal),
        "letters": by_complaint(Letter),
        "correspondence": by_complaint(Correspondence),
        "attachments": rows(Attachment, Attachment.correspondence_id.in_(correspondence_ids)),  # type: ignore[attr-defined]
        "remedies": by_complaint(Remedy),
        "actions": by_complaint(Action),
        "ombudsman_cases": by_complaint(OmbudsmanCase),
        "ombudsman_requests": by_case(OmbudsmanRequest),
        "ombudsman_findings": by_case(OmbudsmanFinding),
        "ombudsman_orders": by_case(OmbudsmanOrder),
        "audit_trail": audit,
    }


def write_subject_access(db: Database, resident_id: int, out: Path, attachments_from: Path | None = None) -> Path:
    """The export as one JSON file; the resident's attached files are copied beside it."""
    with db.read() as session:
        held = subject_access(session, resident_id)
    out = Path(out)
    out.write_text(json.dumps(held, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    if attachments_from is not None and held["attachments"]:
        folder = out.with_name(out.stem + "-files")
        folder.mkdir(exist_ok=True)
        for attachment in held["attachments"]:
            source = attachments_from / attachment["stored_name"]
            if source.exists():
                (folder / f"{attachment['id']}-{Path(attachment['original_name']).name}").write_bytes(source.read_bytes())
    return out


# --- anonymisation --------------------------------------------------------------------------


@dataclass(frozen=True)
class DueForAnonymisation:
    resident_id: int
    name: str
    last_closed_on: date


def _blocking(session: Session, resident_id: int, today: date) -> tuple[list[Problem], date | None]:
    years = retention_years(session)
    complaints = list(session.exec(select(Complaint).where(Complaint.resident_id == resident_id)))
    problems: list[Problem] = []
    if any(c.status == Status.OPEN for c in complaints):
        problems.append(Problem(None, "the resident has an open complaint"))
    closed = [c.closed_on for c in complaints if c.closed_on is not None]
    last = max(closed) if closed else None
    if last is not None and last + relativedelta(years=years) > today:
        problems.append(Problem(
            None,
            f"their last complaint closed on {last:%d/%m/%Y}: the {years}-year retention period "
            f"runs to {last + relativedelta(years=years):%d/%m/%Y}",
        ))
    requests = session.exec(
        select(ServiceRequest).where(ServiceRequest.resident_id == resident_id, ServiceRequest.done_on == None)  # noqa: E711
    ).first()
    if requests is not None:
        problems.append(Problem(None, f"service request {requests.reference} is still open"))
    return problems, last


def due_for_anonymisation(session: Session, today: date) -> list[DueForAnonymisation]:
    """Residents whose every complaint closed more than the retention period ago."""
    due = []
    for resident in session.exec(select(Resident).where(Resident.name != REMOVED)):
        problems, last = _blocking(session, resident.id, today)
        if not problems and last is not None:
            due.append(DueForAnonymisation(resident.id, resident.name, last))
    return due


def anonymise_resident(db: Database, resident_id: int, *, attachments_dir: Path | None = None,
                       ctx: StepContext | None = None) -> int:
    """Remove what identifies a resident once the retention period has passed. Dates,
    stages, categories, decisions, deadlines and amounts stay, so every report figure is
    unchanged. Returns the number of attached files deleted."""
    ctx = ctx or StepContext()
    with db.write() as session:
        resident = session.get(Resident, resident_id)
        if resident is None:
            raise StepRefused(f"no resident with id {resident_id}", "resident")
        problems, _ = _blocking(session, resident_id, ctx.today)
        if problems:
            raise StepRefused(problems)
        complaint_ids = _complaint_ids(session, resident_id)
        resident.name, resident.address, resident.phone, resident.email = REMOVED, "", "", ""
        resident.version += 1
        for model in (Vulnerability, Adjustment, Representative, Restriction):
            for record in session.exec(select(model).where(model.resident_id == resident_id)):
                session.delete(record)
        for request in session.exec(select(ServiceRequest).where(ServiceRequest.resident_id == resident_id)):
            request.description, request.outcome = REMOVED, ""
        for complaint in session.exec(select(Complaint).where(Complaint.id.in_(complaint_ids))):  # type: ignore[attr-defined]
            complaint.resident_words = REMOVED
            complaint.representative_name = complaint.representative_relationship = ""
            complaint.adjustments = ""
            complaint.version += 1
        stage_ids = list(session.exec(select(StageRecord.id).where(StageRecord.complaint_id.in_(complaint_ids))))  # type: ignore[attr-defined]
        for stage in session.exec(select(StageRecord).where(StageRecord.id.in_(stage_ids))):  # type: ignore[attr-defined]
            stage.escalation_reason = REMOVED if stage.escalation_reason else ""
        for definition in session.exec(select(Definition).where(Definition.stage_id.in_(stage_ids))):  # type: ignore[attr-defined]
            definition.understanding = definition.outcomes_sought = REMOVED
            definition.responsible_aspects = REMOVED
            definition.not_responsible_aspects = ""
        for response in session.exec(select(Response).where(Response.stage_id.in_(stage_ids))):  # type: ignore[attr-defined]
            response.reasons = REMOVED
        for refusal in session.exec(select(Refusal).where(Refusal.complaint_id.in_(complaint_ids))):  # type: ignore[attr-defined]
            refusal.explanation = REMOVED
        for withdrawal in session.exec(select(Withdrawal).where(Withdrawal.complaint_id.in_(complaint_ids))):  # type: ignore[attr-defined]
            withdrawal.reason = ""
        for letter in session.exec(select(Letter).where(Letter.complaint_id.in_(complaint_ids))):  # type: ignore[attr-defined]
            letter.body = REMOVED
        files: list[str] = []
        for item in session.exec(select(Correspondence).where(Correspondence.complaint_id.in_(complaint_ids))):  # type: ignore[attr-defined]
            item.summary, item.party_name = REMOVED, ""
            for attachment in session.exec(select(Attachment).where(Attachment.correspondence_id == item.id)):
                files.append(attachment.stored_name)
                session.delete(attachment)
        for entry in session.exec(select(AuditEntry).where(AuditEntry.complaint_id.in_(complaint_ids))):  # type: ignore[attr-defined]
            # The trail keeps who did what and when; the words it quoted go.
            entry.details_json = json.dumps(
                {k: (REMOVED if k in PERSONAL_AUDIT_KEYS else v) for k, v in json.loads(entry.details_json).items()},
                sort_keys=True,
            )
            entry.before_json = "{}"
        session.add(AuditEntry(actor=ctx.actor, action="anonymise resident", complaint_id=None,
                               details_json=json.dumps({"resident_id": resident_id, "complaints": len(complaint_ids)})))
    deleted = 0
    if attachments_dir is not None:
        with db.read() as session:
            still_used = set(session.exec(select(Attachment.stored_name)))
        for stored in files:  # content-addressed: another record may hold the same file
            path = attachments_dir / stored
            if stored not in still_used and path.exists():
                path.unlink()
                deleted += 1
    return deleted
