"""Every due date around complaints that is still running, for the deadline panel:
adjustment and restriction reviews, service request targets, remedies, outstanding actions,
the Ombudsman's requests and orders, service improvements promised from lessons, and the
updates agreed with residents on open stages (Code 5.9).

Each kind is one small query on rows not yet done; they are few next to the complaints.
The queries are written here, once; store/early_sql.py holds them compiled for SQLite,
for the first paint's stdlib read (tests/test_fastread.py holds the two to each other;
`python -m store.other_deadlines` writes it anew). Their rows are made into panel rows by
store/other_deadline_rows.py, for both.
"""

from __future__ import annotations

from sqlalchemy import func, literal, union
from sqlmodel import Session, select

from store.columns import select_row
from store.engine import plain_rows
from store.models import (
    Action,
    Adjustment,
    Complaint,
    Correspondence,
    Lesson,
    Letter,
    OmbudsmanCase,
    OmbudsmanOrder,
    OmbudsmanRequest,
    Remedy,
    Resident,
    Restriction,
    ServiceRequest,
    StageRecord,
)

from store.other_deadline_rows import KINDS, QUERIES, OtherDeadlineRow, assemble  # noqa: F401  (KINDS, OtherDeadlineRow: used from here)


def _open_updates_where():
    """Open stages at their complaint's current stage, not yet answered, with updates
    agreed (5.9)."""
    return (Complaint.status == "open", StageRecord.stage == Complaint.current_stage,
            StageRecord.responded_on == None, StageRecord.update_every_days != None,  # noqa: E711
            StageRecord.update_agreed_on != None)  # noqa: E711


def statements() -> dict:
    """The queries, by name (store.other_deadline_rows.QUERIES), each with the columns
    `assemble` reads. No IN-lists of ids: each narrows by a subquery, so each compiles to
    one fixed SQL text."""
    found: dict = {}
    reviewed = []
    for model, kind, text in ((Adjustment, "adjustment", Adjustment.description), (Restriction, "restriction", Restriction.restriction)):
        found[kind] = (
            select_row(model.id, model.resident_id, Resident.name, text, model.review_on)
            .join(Resident, Resident.id == model.resident_id)
            .where(model.ended_on == None)  # noqa: E711
            .order_by(model.id)
        )
        reviewed.append(select(model.resident_id).where(model.ended_on == None))  # noqa: E711
    # A resident's newest complaint: where their reviews open (the complaint screen shows
    # the resident's needs and leads to the resident).
    newest = (
        select(Complaint.resident_id, func.max(Complaint.id).label("cid"))
        .where(Complaint.resident_id.in_(union(*reviewed)))
        .group_by(Complaint.resident_id)
        .subquery()
    )
    found["newest_complaint_of_reviewed"] = (
        select(newest.c.resident_id, Complaint.reference).join(newest, Complaint.id == newest.c.cid)
    )
    found["service_request"] = (
        select_row(ServiceRequest.id, ServiceRequest.reference, Resident.name, ServiceRequest.description,
                   ServiceRequest.due_on, Complaint.reference)
        .join(Resident, Resident.id == ServiceRequest.resident_id)
        .join(Complaint, Complaint.id == ServiceRequest.complaint_id, isouter=True)
        .where(ServiceRequest.done_on == None)  # noqa: E711
        .order_by(ServiceRequest.id)
    )
    for remedy_or_action, kind, done in ((Remedy, "remedy", Remedy.done_on), (Action, "action", Action.done_on)):
        query = (
            select_row(remedy_or_action.id, Complaint.reference, Resident.name, remedy_or_action.description, remedy_or_action.due_on)
            .join(Complaint, Complaint.id == remedy_or_action.complaint_id)
            .join(Resident, Resident.id == Complaint.resident_id)
            .where(done == None, remedy_or_action.due_on != None)  # noqa: E711
            .order_by(remedy_or_action.id)
        )
        if remedy_or_action is Remedy:
            query = query.where(Remedy.declined_on == None)  # noqa: E711  (nothing left to do)
        found[kind] = query
    for request_or_order, kind, done in (
        (OmbudsmanRequest, "ombudsman_request", OmbudsmanRequest.met_on),
        (OmbudsmanOrder, "ombudsman_order", OmbudsmanOrder.complied_on),
    ):
        found[kind] = (
            select_row(request_or_order.id, Complaint.reference, Resident.name, request_or_order.description, request_or_order.due_on)
            .join(OmbudsmanCase, OmbudsmanCase.id == request_or_order.case_id)
            .join(Complaint, Complaint.id == OmbudsmanCase.complaint_id)
            .join(Resident, Resident.id == Complaint.resident_id)
            .where(done == None)  # noqa: E711
            .order_by(request_or_order.id)
        )
    found["improvement"] = (
        select(Lesson.id, Lesson.theme, Lesson.improvement, Lesson.due_on)
        .where(Lesson.done_on == None, Lesson.due_on != None)  # noqa: E711
        .order_by(Lesson.id)
    )
    found["updates_agreed"] = (
        select_row(StageRecord.id, Complaint.id, Complaint.reference, Resident.name, StageRecord.stage,
                   StageRecord.update_every_days, StageRecord.update_agreed_on)
        .join(Complaint, Complaint.id == StageRecord.complaint_id)
        .join(Resident, Resident.id == Complaint.resident_id)
        .where(*_open_updates_where())
        .order_by(StageRecord.id)
    )
    agreed = (
        select(Complaint.id).join(StageRecord, StageRecord.complaint_id == Complaint.id).where(*_open_updates_where())
    )
    # The last outgoing contact and the last letter of each such complaint.
    found["updates_sent"] = union(
        select(Correspondence.complaint_id, func.max(Correspondence.happened_on).label("last"))
        .where(Correspondence.complaint_id.in_(agreed), Correspondence.direction == literal("out"))
        .group_by(Correspondence.complaint_id),
        select(Letter.complaint_id, func.max(Letter.sent_on).label("last"))
        .where(Letter.complaint_id.in_(agreed))
        .group_by(Letter.complaint_id),
    )
    assert set(found) == set(QUERIES)
    return found


def other_deadlines(session: Session, calendar=None) -> list[OtherDeadlineRow]:
    """`calendar` (the working calendar) counts the updates agreed with residents (5.9);
    without one they are left out."""
    wanted = [name for name in QUERIES if calendar is not None or not name.startswith("updates_")]
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        results = _sqlite_rows(connection, wanted)
    else:
        queries = statements()
        results = {}
        for name in wanted:
            results[name] = [] if _nothing_agreed(name, results) else list(plain_rows(session, queries[name]))
    return assemble(results, calendar)


def _nothing_agreed(name: str, results: dict) -> bool:
    """The last contacts are read only for complaints with updates agreed: with none
    agreed (most databases), that query (two scans of the open stages, 28 ms of the
    panel's reload at 300k) has nothing to find."""
    return name == "updates_sent" and not results.get("updates_agreed")


def _sqlite_rows(connection, wanted: list[str]) -> dict[str, list[tuple]]:
    """On SQLite, the first paint's own statements (store/early_sql.py, these queries
    compiled) through the driver's cursor: SQLAlchemy's per-row result processing was
    most of the panel's reload at 300k (12,451 rows; assemble reads SQLite's ISO text
    as well as dates). Same statements, same transaction, same rows."""
    from store.early_sql import OTHER_DEADLINES_SQL

    cursor = connection.connection.dbapi_connection.cursor()
    try:
        results: dict[str, list[tuple]] = {}
        for name in wanted:
            results[name] = [] if _nothing_agreed(name, results) else cursor.execute(OTHER_DEADLINES_SQL[name]).fetchall()
        return results
    finally:
        cursor.close()


def compiled_for_sqlite() -> dict[str, str]:
    """Each query as SQLite runs it, with its constants written in (store/early_sql.py)."""
    from sqlalchemy.dialects import sqlite

    return {name: str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
            for name, query in statements().items()}


def write_early_sql(path=None) -> None:
    from pathlib import Path

    path = Path(path or Path(__file__).with_name("early_sql.py"))
    lines = ['"""Generated by `python -m store.other_deadlines` from store/other_deadlines.py: the',
             "panel's other due dates as SQLite runs them, for the first paint (store/fastread.py).",
             'Do not edit: tests/test_fastread.py fails when it differs from the queries."""', "",
             "OTHER_DEADLINES_SQL = {"]
    for name, sql in compiled_for_sqlite().items():
        lines.append(f"    {name!r}: {sql!r},")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    write_early_sql()
