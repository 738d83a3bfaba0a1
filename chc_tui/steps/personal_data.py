"""Personal data under UK GDPR: everything held about one resident in one export (a
subject access request), and anonymisation after the retention period that keeps the
anonymous facts the reports count (dates, stages, categories, decisions, amounts).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from dateutil.relativedelta import relativedelta
import sqlalchemy
from sqlalchemy import delete, update
from sqlmodel import Session, select

from chc_tui.documents.file_names import safe_file_name
from chc_tui.rules.context import StepContext
from chc_tui.steps.identity import acting_write
from chc_tui.rules.domain import Problem, Status, StepRefused
from chc_tui.steps.settings import get_setting
from store import personal
from store.engine import Database
from store.models import Attachment, AuditEntry, Complaint, Resident, ServiceRequest, saved_id

RETENTION_KEY = "retention_years"
DEFAULT_RETENTION_YEARS = 6  # after the last complaint closed: a common housing schedule
REMOVED = personal.REMOVED


def retention_years(session: Session) -> int:
    return int(get_setting(session, RETENTION_KEY, DEFAULT_RETENTION_YEARS))


# The export's name for each table's rows; a table added later appears under its own name.
EXPORT_KEYS = {
    "vulnerability": "vulnerabilities", "adjustment": "adjustments", "representative": "representatives",
    "restriction": "restrictions", "service_request": "service_requests", "complaint": "complaints",
    "stage_record": "stages", "definition": "definitions", "deadline": "deadlines", "extension": "extensions",
    "response": "responses", "refusal": "refusals", "withdrawal": "withdrawals", "letter": "letters",
    "correspondence": "correspondence", "attachment": "attachments", "remedy": "remedies", "action": "actions",
    "ombudsman_case": "ombudsman_cases", "ombudsman_request": "ombudsman_requests",
    "ombudsman_finding": "ombudsman_findings", "ombudsman_order": "ombudsman_orders", "audit_entry": "audit_trail",
}
COPY_CHUNK = 1024 * 1024  # attachments are copied a megabyte at a time, never read whole


def _plain(values) -> dict[str, Any]:
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in values.items()}


def subject_access(session: Session, resident_id: int) -> dict[str, Any]:
    """Everything held about one resident, table by table, as plain JSON-able values: the
    same rows anonymisation reaches (store.personal.owned_ids)."""
    resident = session.get(Resident, resident_id)
    if resident is None:
        raise StepRefused(f"no resident with id {resident_id}", "resident")
    conn = session.connection()
    owned = personal.owned_ids(conn, resident_id)
    held: dict[str, Any] = {"resident": _plain(resident.model_dump())}
    held.update({key: [] for key in EXPORT_KEYS.values()})
    for table in personal.tables():
        ids = owned.get(table.name)
        if table.name == "resident" or not ids:
            continue
        rows = conn.execute(sqlalchemy.select(table).where(table.c.id.in_(ids)).order_by(table.c.id)).mappings()
        held[EXPORT_KEYS.get(table.name, table.name)] = [_plain(row) for row in rows]
    return held


@dataclass(frozen=True)
class SubjectAccessExport:
    path: Path
    missing: tuple[str, ...] = ()  # attached files named in the records but not in the folder


def write_subject_access(db: Database, resident_id: int, out: Path,
                         attachments_from: Path | None = None) -> SubjectAccessExport:
    """The export as one JSON file; the resident's attached files are copied beside it.
    A file the records name but the attachments folder does not hold is listed in the
    JSON under "missing_attachments" (and returned), so the export says what it lacks."""
    with db.read() as session:
        held = subject_access(session, resident_id)
    out = Path(out)
    missing: list[dict[str, Any]] = []
    if attachments_from is not None and held["attachments"]:
        folder = out.with_name(out.stem + "-files")
        folder.mkdir(exist_ok=True)
        for attachment in held["attachments"]:
            if not _copy_attachment(attachment, Path(attachments_from), folder):
                missing.append({k: attachment[k] for k in ("id", "correspondence_id", "original_name", "stored_name")})
    held["missing_attachments"] = missing
    out.write_text(json.dumps(held, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    return SubjectAccessExport(out, tuple(safe_file_name(m["original_name"]) for m in missing))


def _copy_attachment(attachment: dict[str, Any], attachments_from: Path, folder: Path) -> bool:
    source = attachments_from / str(attachment["stored_name"])
    if not source.resolve().is_relative_to(attachments_from.resolve()) or not source.is_file():
        return False  # a stored name that leads out of the folder is no attachment of ours
    target = folder / safe_file_name(f"{attachment['id']}-{attachment['original_name']}")
    with source.open("rb") as src, target.open("wb") as dst:
        shutil.copyfileobj(src, dst, COPY_CHUNK)
    return True


def find_residents(session: Session, text: str) -> list[Resident]:
    """Residents whose name contains `text` as typed: % and _ are letters here, not
    wildcards, and an empty search is refused rather than listing everyone."""
    words = str(text).strip()
    if not words:
        raise StepRefused("say part of the resident's name to look for", "text")
    query = select(Resident).where(Resident.name.icontains(words, autoescape=True)).order_by(Resident.id)
    return list(session.exec(query))


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
        problems, last = _blocking(session, saved_id(resident), today)
        if not problems and last is not None:
            due.append(DueForAnonymisation(saved_id(resident), resident.name, last))
    return due


def anonymise_resident(db: Database, resident_id: int, *, attachments_dir: Path | None = None,
                       ctx: StepContext | None = None) -> int:
    """Remove what identifies a resident once the retention period has passed: every
    column store.personal declares personal, in every row that belongs to them, and the
    words quoted in their audit entries. Dates, stages, categories, decisions, deadlines
    and amounts stay, so every report figure is unchanged. Returns the number of
    attached files deleted. On SQLite the file is then rewritten so the removed values are
    nowhere in it; store.personal.RemovedValuesRemain says when that could not be done
    (the anonymisation itself stays done: run it again to finish)."""
    ctx = ctx or StepContext()
    with acting_write(db, ctx) as session:
        resident = session.get(Resident, resident_id)
        if resident is None:
            raise StepRefused(f"no resident with id {resident_id}", "resident")
        problems, _ = _blocking(session, resident_id, ctx.today)
        if problems:
            raise StepRefused(problems)
        conn = session.connection()
        if not db.is_server:
            # What is removed is overwritten with zeros, not left in the file's free space.
            conn.exec_driver_sql("PRAGMA secure_delete = ON")
        owned = personal.owned_ids(conn, resident_id)
        files = list(conn.execute(
            select(Attachment.stored_name).where(Attachment.id.in_(owned.get("attachment", [])))
        ).scalars())
        for table in reversed(personal.tables()):  # children before their parents
            if table.name in owned:
                _anonymise_rows(conn, table, owned[table.name])
        session.add(AuditEntry(actor=ctx.actor, action="anonymise resident", complaint_id=None,
                               details_json=json.dumps({"resident_id": resident_id,
                                                        "complaints": len(owned.get("complaint", []))})))
    deleted = _delete_files(db, files, attachments_dir)
    if not db.is_server:  # a server's own VACUUM is its administrator's
        personal.clear_removed_from_file(db.path)
    return deleted


def _anonymise_rows(conn, table, ids: list[int]) -> None:
    if table.name in personal.ERASED_WHOLE:
        conn.execute(delete(table).where(table.c.id.in_(ids)))
        return
    plain = sorted(personal.PERSONAL.get(table.name, ()))
    as_json = sorted(personal.PERSONAL_JSON.get(table.name, ()))
    if not plain and not as_json:
        return
    query = select(table.c.id, *(table.c[n] for n in plain + as_json)).where(table.c.id.in_(ids))
    for row in conn.execute(query).mappings().all():
        new = {n: _removed(table.name, n, row[n]) for n in plain}
        new |= {n: personal.scrub_json(row[n]) for n in as_json}
        changed: dict[str, Any] = {n: v for n, v in new.items() if v != row[n]}
        if not changed:
            continue
        if "version" in table.c:  # an open form on this record sees it changed
            changed["version"] = table.c.version + 1
        conn.execute(update(table).where(table.c.id == row["id"]).values(**changed))


def _removed(table: str, column: str, value: Any) -> Any:
    blanked = personal.blank(value, column in personal.EMPTIED.get(table, ()))
    if blanked == REMOVED and column in personal.AMOUNTS_KEPT.get(table, ()):
        from chc_tui.figures.report import parse_amounts

        return " ".join([REMOVED, *(f"£{amount}" for amount in parse_amounts(value))])
    return blanked


def _delete_files(db: Database, files: list[str], attachments_dir: Path | None) -> int:
    deleted = 0
    if attachments_dir is None:
        return deleted
    with db.read() as session:
        still_used = set(session.exec(select(Attachment.stored_name)))
    for stored in files:  # content-addressed: another record may hold the same file
        path = attachments_dir / stored
        if stored not in still_used and path.exists():
            path.unlink()
            deleted += 1
    return deleted
