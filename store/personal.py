"""Which columns hold a resident's personal data (UK GDPR), table by table, kept next to
the models. Anonymisation removes exactly what is declared personal here, from every row
that belongs to the resident; a test fails when a text column is added to a model
without being classified, so nothing new can be missed quietly.

What stays is what the reports count: dates, stages, categories, decisions, deadlines,
amounts, and the staff who did each step.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path
from typing import Any

from sqlalchemy import Table, or_, select
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import store.models  # noqa: F401  (registers every table on SQLModel.metadata)
from store import search_index

# Free text about the resident, or what identifies them.
PERSONAL: dict[str, frozenset[str]] = {
    "resident": frozenset({"name", "address", "phone", "email"}),
    "complaint": frozenset({"representative_name", "representative_relationship", "resident_words", "adjustments"}),
    "vulnerability": frozenset({"description"}),
    "adjustment": frozenset({"description"}),
    "representative": frozenset({"name", "relationship", "contact"}),
    "restriction": frozenset({"restriction", "reasons", "equality_act_consideration"}),
    "service_request": frozenset({"description", "outcome", "dissatisfaction", "told_decision"}),
    "stage_record": frozenset({"escalation_reason"}),
    "definition": frozenset({"understanding", "outcomes_sought", "responsible_aspects", "not_responsible_aspects"}),
    "extension": frozenset({"reason", "good_reason"}),
    "response": frozenset({"reasons", "remedy", "outstanding_actions", "no_remedy_reason", "impact"}),
    "refusal": frozenset({"explanation", "discretion_considered"}),
    "withdrawal": frozenset({"reason"}),
    # The checksum of a personal letter would confirm a guess at its text.
    "letter": frozenset({"body", "sha256"}),
    "letter_delivery": frozenset({"bounce"}),  # a mail server's refusal names the address
    "correspondence": frozenset({"party_name", "summary"}),
    "attachment": frozenset({"original_name"}),
    "remedy": frozenset({"description"}),
    "action": frozenset({"description", "update"}),
    "ombudsman_case": frozenset({"chfo_reason"}),
    "ombudsman_request": frozenset({"description"}),
    "ombudsman_finding": frozenset({"issue"}),
    "ombudsman_order": frozenset({"description", "evidence"}),
}

# JSON text whose string values are personal unless their key is in AUDIT_KEPT_KEYS;
# numbers (amounts in pence, ids, counts) and true/false always stay.
PERSONAL_JSON: dict[str, frozenset[str]] = {
    "audit_entry": frozenset({"details_json", "before_json"}),
    "remedy": frozenset({"parts_json"}),
}

# Codes, categories, dates, staff names, references: kept so every figure is unchanged.
# Tables not about one resident (settings, closure days, the self-assessment, report
# texts, lessons about the service) hold nothing that belongs to a resident.
NOT_PERSONAL: dict[str, frozenset[str]] = {
    "assessment_answer": frozenset({"provision", "comply", "evidence", "commentary", "changed_by"}),
    "closure_day": frozenset({"note"}),
    "lesson": frozenset({"theme", "lesson", "improvement", "recorded_by"}),
    "report_text": frozenset({"part", "text", "changed_by"}),
    "governing_body_response": frozenset({"meeting"}),  # the board meeting that agreed the response (8.2)
    "setting": frozenset({"key", "value"}),
    "resident": frozenset({"preferred_channel", "tenure"}),  # tenure: LCRA | LCHO | "", for the TSMs
    "complaint": frozenset({"reference", "channel", "category", "status", "theme", "root_cause", "created_by",
                            "imported_from"}),
    "vulnerability": frozenset({"recorded_by"}),
    "adjustment": frozenset({"recorded_by"}),
    "representative": frozenset({"recorded_by"}),
    "restriction": frozenset({"decided_by", "recorded_by"}),
    "service_request": frozenset({"reference", "category", "recorded_by", "complaint_choice", "told_decision_how"}),
    "stage_record": frozenset({"handler"}),
    "definition": frozenset({"defined_by"}),
    "extension": frozenset({"decided_by"}),
    "response": frozenset({"decision", "responded_by", "remedies_guidance"}),
    "refusal": frozenset({"exclusion_reason", "refused_by"}),
    "withdrawal": frozenset({"recorded_by"}),
    "letter": frozenset({"kind", "template", "sent_by"}),
    "letter_delivery": frozenset({"channel", "posted_by"}),  # email | post | both; a staff login
    "correspondence": frozenset({"kind", "direction", "party", "recorded_by"}),
    # stored_name and sha256 name the content-addressed file, removed with the row.
    "attachment": frozenset({"stored_name", "sha256", "added_by"}),
    "remedy": frozenset({"kind", "recorded_by"}),
    "action": frozenset({"owner", "recorded_by"}),
    "ombudsman_case": frozenset({"ombudsman_reference", "recorded_by"}),
    "ombudsman_request": frozenset({"recorded_by"}),
    "ombudsman_finding": frozenset({"determination", "recorded_by"}),
    "ombudsman_order": frozenset({"kind", "recorded_by"}),
    "audit_entry": frozenset({"actor", "action"}),
    "deadline": frozenset({"step", "skipped_json", "region"}),
    # The landlord's staff register (issue 17): staff, not residents; a resident's
    # anonymisation keeps who did each step.
    "staff": frozenset({"display_name", "job_title", "email", "phone", "roles", "team"}),
    "staff_login": frozenset({"login"}),
    "staff_alias": frozenset({"name_key"}),
    # The reminders sent (issue 21.4): the key is a reference, a stage, a step and a date.
    "reminder_sent": frozenset({"item_key"}),
}

# A removed value becomes REMOVED, so what the reports count by its presence (a remedy
# given, a good reason recorded, an adjustment in force) is unchanged; these are emptied
# instead, as a marker in a contact detail tells no one anything.
EMPTIED: dict[str, frozenset[str]] = {
    "resident": frozenset({"address", "phone", "email"}),
    "complaint": frozenset({"representative_name", "representative_relationship", "adjustments"}),
}

# The response's remedy summary (derived from the remedy records, which the report totals):
# the words go, the £ amounts stay (chc_tui.figures.report.parse_amounts).
AMOUNTS_KEPT: dict[str, frozenset[str]] = {"response": frozenset({"remedy"})}

# Rows deleted whole, not blanked: an attachment's file is deleted with it.
ERASED_WHOLE = frozenset({"attachment"})

# Keys in audit details (and remedy parts) whose text is not about the resident: an
# allow-list, so a key added later is removed until someone decides it may stay.
AUDIT_KEPT_KEYS = frozenset({
    "accepted_on", "acknowledge_due", "acknowledged_on", "agreed_on", "amount", "authority_confirmed_on",
    "case", "category", "channel", "closed_on", "complaint", "day", "decided_by", "decided_on", "decision",
    "declined_on", "defined_on", "determination", "determined_on", "direction", "disclosed_on", "done_on",
    "due", "due_on", "ended_on", "exclusion_reason", "from", "handler", "happened_on", "kind", "met_on",
    "new_complaint", "new_due", "offered_on", "ombudsman_reference", "opened_on", "owner", "party",
    "preferred_channel", "previous_due", "raised_on", "received_on", "reference", "refused_on", "requested_on",
    "responded_on", "response_due", "review_on", "reviewed_on", "root_cause", "service_request", "stage",
    "status", "step", "theme", "to", "told_resident_on", "withdrawn_on", "complied_on", "issued_on",
    "chfo_on", "sent_on", "tenure",
    "letter_send_by", "posted_on",  # how a letter goes (email | post | both), the day a post run went
})

# A foreign key that points at another complaint, not at the resident's own record.
NOT_OWNING = frozenset({("complaint", "related_to_id")})
# Audit entries not tied to a complaint name the resident's records by these keys.
_AUDIT_RECORD_KEYS = {"resident_id": ("resident", "id"), "service_request": ("service_request", "reference")}

REMOVED = "[removed: personal data anonymised]"


def text_columns(table: Table) -> set[str]:
    from sqlmodel.sql.sqltypes import AutoString
    from sqlalchemy import String

    return {c.name for c in table.columns if isinstance(c.type, (AutoString, String))}


def tables() -> list[Table]:
    """Parents before children; the audit trail last, as it names records of every kind."""
    ordered = SQLModel.metadata.sorted_tables
    return [t for t in ordered if t.name != "audit_entry"] + [t for t in ordered if t.name == "audit_entry"]


def _owning_keys(table: Table):
    for column in table.columns:
        if (table.name, column.name) in NOT_OWNING:
            continue
        for key in column.foreign_keys:
            yield column, key.column.table.name, key.column.name


def owned_ids(conn: Connection, resident_id: int) -> dict[str, list[int]]:
    """The ids of every row that belongs to the resident, table by table: rows reached
    from the resident through foreign keys (parents come first in sorted_tables), and
    audit entries that name the resident's records without a complaint."""
    owned: dict[str, list[int]] = {"resident": [resident_id]}
    for table in tables():
        if table.name == "resident" or "id" not in table.columns:
            continue
        links = [column.in_(owned[parent]) for column, parent, target in _owning_keys(table)
                 if target == "id" and owned.get(parent)]
        ids = set(conn.execute(select(table.c.id).where(or_(*links))).scalars()) if links else set()
        if table.name == "audit_entry":
            ids |= _unattached_audit_ids(conn, table, owned)
        if ids:
            owned[table.name] = sorted(ids)
    return owned


def _unattached_audit_ids(conn: Connection, audit: Table, owned: dict[str, list[int]]) -> set[int]:
    mine: dict[str, set[Any]] = {}
    for key, (table_name, column) in _AUDIT_RECORD_KEYS.items():
        table = SQLModel.metadata.tables[table_name]
        ids = owned.get(table_name, [])
        mine[key] = set(conn.execute(select(table.c[column]).where(table.c.id.in_(ids))).scalars()) if ids else set()
    found = set()
    query = select(audit.c.id, audit.c.details_json, audit.c.before_json).where(audit.c.complaint_id.is_(None))
    for entry_id, details, before in conn.execute(query):
        for text in (details, before):
            held = _loads(text)
            if isinstance(held, dict) and any(held.get(key) in mine[key] for key in mine if key in held):
                found.add(entry_id)
                break
    return found


def _loads(text: str | None) -> Any:
    try:
        return json.loads(text or "{}")
    except ValueError:
        return None


def blank(value: Any, emptied: bool = False) -> Any:
    """What replaces a personal value: the marker, or nothing for an EMPTIED column; an
    empty value stays empty."""
    if value is None or value == "":
        return value
    return "" if emptied else REMOVED


def scrub_json(text: str) -> str:
    """The same JSON with every string removed unless its key is in AUDIT_KEPT_KEYS."""
    held = _loads(text)
    if held is None:
        return json.dumps(REMOVED)
    return json.dumps(_scrub(held, None), sort_keys=True)


def _scrub(value: Any, key: str | None) -> Any:
    if isinstance(value, dict):
        return {k: _scrub(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrub(v, key) for v in value]
    if isinstance(value, str) and key not in AUDIT_KEPT_KEYS:
        return blank(value)
    return value


def classified(table_name: str) -> set[str]:
    return set(PERSONAL.get(table_name, ())) | set(PERSONAL_JSON.get(table_name, ())) | set(
        NOT_PERSONAL.get(table_name, ())
    )




class RemovedValuesRemain(RuntimeError):
    """The anonymisation is committed but the old values are still in the file."""


def clear_removed_from_file(path: Path) -> None:
    """Rewrite a SQLite file so removed values are nowhere in it: the search's index is
    merged, so the old names' trigrams leave it (store.search_index.compact); VACUUM rebuilds every
    page (free space left by edits made before secure_delete was on goes with it), and a
    TRUNCATE checkpoint copies the result home and empties the WAL that held old pages."""
    from store.engine import BUSY_TIMEOUT_MS

    try:
        with closing(sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)) as conn:
            conn.execute("PRAGMA secure_delete = ON")
            # The search's index keeps a changed name's trigrams until its segments merge.
            search_index.compact(conn)
            conn.execute("VACUUM")
            busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    except sqlite3.Error as exc:
        raise RemovedValuesRemain(f"the removed values are still in {path} ({exc})") from exc
    if busy:
        raise RemovedValuesRemain(f"another session is reading {path}, so its -wal file still holds the removed values")


def resident_identifiers(conn: Connection) -> list[str]:
    """Every resident's name, address, phone and email, and each complaint's representative's
    name, as stored (blanks left out): what a published document must never contain."""
    resident = SQLModel.metadata.tables["resident"]
    complaint = SQLModel.metadata.tables["complaint"]
    found: set[str] = set()
    for row in conn.execute(select(resident.c.name, resident.c.address, resident.c.phone, resident.c.email)):
        found.update(str(v).strip() for v in row if v and str(v).strip())
    for (name,) in conn.execute(select(complaint.c.representative_name)):
        if name and str(name).strip():
            found.add(str(name).strip())
    return sorted(found)
