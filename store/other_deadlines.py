"""Every due date around complaints that is still running, for the deadline panel:
adjustment and restriction reviews, service request targets, remedies, outstanding actions,
the Ombudsman's requests and orders, service improvements promised from lessons, and the
updates agreed with residents on open stages (Code 5.9).

Each kind is one small query on rows not yet done; they are few next to the complaints.
The panel reads of each kind only its soonest page, and how many fall due on each day
(panel_statements: 15,526 due dates at 300k, of which it paints 200). The queries are
written here, once; store/early_sql.py holds them compiled for SQLite,
for the first paint's stdlib read (tests/test_fastread.py holds the two to each other;
`python -m store.other_deadlines` writes it anew). Their rows are made into panel rows by
store/other_deadline_rows.py, for both.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, literal, literal_column, union
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

from store.other_deadline_rows import (  # noqa: F401  (KINDS, OtherDeadlineRow: used from here)
    ITEM_KINDS, KINDS, PANEL_QUERIES, QUERIES, OtherDeadlineRow, assemble, day_counts, day_counts_name,
)


def _open_updates_where():
    """Open stages at their complaint's current stage, not yet answered, with updates
    agreed (5.9)."""
    return (Complaint.status == "open", StageRecord.stage == Complaint.current_stage,
            StageRecord.responded_on == None, StageRecord.update_every_days != None,  # noqa: E711
            StageRecord.update_agreed_on != None)  # noqa: E711


def _kinds() -> dict:
    """Each kind of item with a due date: (its table, its due date, the conditions on that
    table alone that keep it running, the row's columns and joins). Written once for the
    full list, the panel's page of each kind and its counts by day."""
    found: dict = {}
    for model, kind, text in ((Adjustment, "adjustment", Adjustment.description), (Restriction, "restriction", Restriction.restriction)):
        found[kind] = (model, model.review_on, (model.ended_on == None,),  # noqa: E711
                       select_row(model.id, model.resident_id, Resident.name, text, model.review_on)
                       .join(Resident, Resident.id == model.resident_id))
    found["service_request"] = (
        ServiceRequest, ServiceRequest.due_on, (ServiceRequest.done_on == None,),  # noqa: E711
        select_row(ServiceRequest.id, ServiceRequest.reference, Resident.name, ServiceRequest.description,
                   ServiceRequest.due_on, Complaint.reference)
        .join(Resident, Resident.id == ServiceRequest.resident_id)
        .join(Complaint, Complaint.id == ServiceRequest.complaint_id, isouter=True),
    )
    for remedy_or_action, kind, done in ((Remedy, "remedy", Remedy.done_on), (Action, "action", Action.done_on)):
        where: tuple = (done == None, remedy_or_action.due_on != None)  # noqa: E711
        if remedy_or_action is Remedy:
            where += (Remedy.declined_on == None,)  # noqa: E711  (nothing left to do)
        found[kind] = (
            remedy_or_action, remedy_or_action.due_on, where,
            select_row(remedy_or_action.id, Complaint.reference, Resident.name, remedy_or_action.description, remedy_or_action.due_on)
            .join(Complaint, Complaint.id == remedy_or_action.complaint_id)
            .join(Resident, Resident.id == Complaint.resident_id),
        )
    for request_or_order, kind, done in (
        (OmbudsmanRequest, "ombudsman_request", OmbudsmanRequest.met_on),
        (OmbudsmanOrder, "ombudsman_order", OmbudsmanOrder.complied_on),
    ):
        found[kind] = (
            request_or_order, request_or_order.due_on, (done == None,),  # noqa: E711
            select_row(request_or_order.id, Complaint.reference, Resident.name, request_or_order.description, request_or_order.due_on)
            .join(OmbudsmanCase, OmbudsmanCase.id == request_or_order.case_id)
            .join(Complaint, Complaint.id == OmbudsmanCase.complaint_id)
            .join(Resident, Resident.id == Complaint.resident_id),
        )
    found["improvement"] = (Lesson, Lesson.due_on, (Lesson.done_on == None, Lesson.due_on != None),  # noqa: E711
                            select(Lesson.id, Lesson.theme, Lesson.improvement, Lesson.due_on))
    assert tuple(found) == ITEM_KINDS
    return found


def _newest_complaint_of(*reviewed):
    """A resident's newest complaint: where their reviews open (the complaint screen shows
    the resident's needs and leads to the resident)."""
    newest = (
        select(Complaint.resident_id, func.max(Complaint.id).label("cid"))
        .where(Complaint.resident_id.in_(union(*reviewed)))
        .group_by(Complaint.resident_id)
        .subquery()
    )
    return select(newest.c.resident_id, Complaint.reference).join(newest, Complaint.id == newest.c.cid)


def _updates(found: dict) -> None:
    """The updates agreed with residents on open stages (5.9), and the last outgoing
    contact and letter of each such complaint: few, read whole for the panel too (each
    one's due date is counted from them in working days, not stored)."""
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
    found["updates_sent"] = union(
        select(Correspondence.complaint_id, func.max(Correspondence.happened_on).label("last"))
        .where(Correspondence.complaint_id.in_(agreed), Correspondence.direction == literal("out"))
        .group_by(Correspondence.complaint_id),
        select(Letter.complaint_id, func.max(Letter.sent_on).label("last"))
        .where(Letter.complaint_id.in_(agreed))
        .group_by(Letter.complaint_id),
    )


def statements() -> dict:
    """Every running due date: the queries, by name (store.other_deadline_rows.QUERIES),
    each with the columns `assemble` reads. No IN-lists of ids: each narrows by a
    subquery, so each compiles to one fixed SQL text."""
    kinds = _kinds()
    found: dict = {kind: query.where(*where).order_by(model.id) for kind, (model, _due, where, query) in kinds.items()}
    found["newest_complaint_of_reviewed"] = _newest_complaint_of(
        *(select(model.resident_id).where(*where) for model, _due, where, _query in (kinds["adjustment"], kinds["restriction"])))
    _updates(found)
    found = {name: found[name] for name in QUERIES}
    assert tuple(found) == QUERIES
    return found


def panel_statements(rows: int | None = None) -> dict:
    """The panel's read (store.other_deadline_rows.PANEL_QUERIES): of each kind only the
    `rows` soonest (by due date, then id: the panel's order within a kind), which hold the
    soonest `rows` of any mix of kinds the kind filter (k) shows; and how many of each kind
    fall due on each day, for the counts by state. `rows` None: the named parameter
    ":rows" (store/early_sql.py, for SQLite's cursor)."""
    limit: Any = literal_column(":rows") if rows is None else rows
    kinds = _kinds()
    found: dict = {}
    pages = {}
    for kind, (model, due, where, query) in kinds.items():
        pages[kind] = select(model.id).where(*where).order_by(due, model.id).limit(limit)
        found[kind] = query.where(model.id.in_(pages[kind])).order_by(due, model.id)
        # From the item's own table: every item joins its resident or complaint (NOT NULL
        # foreign keys, enforced), so these are the rows' own counts, without the joins
        # (a fifth of the time at 300k).
        found[day_counts_name(kind)] = select(due, func.count()).where(*where).group_by(due)
    found["newest_complaint_of_reviewed"] = _newest_complaint_of(
        *(select(model.resident_id).where(model.id.in_(pages[kind]))
          for kind, (model, _due, _where, _query) in kinds.items() if kind in ("adjustment", "restriction")))
    _updates(found)
    found = {name: found[name] for name in PANEL_QUERIES}
    assert tuple(found) == PANEL_QUERIES
    return found


def other_deadlines(session: Session, calendar=None) -> list[OtherDeadlineRow]:
    """`calendar` (the working calendar) counts the updates agreed with residents (5.9);
    without one they are left out."""
    from store.early_sql import OTHER_DEADLINES_SQL

    return assemble(_results(session, QUERIES, calendar, statements, OTHER_DEADLINES_SQL, {}), calendar)


def panel_deadlines(session: Session, calendar, rows: int) -> tuple[list[OtherDeadlineRow], dict[str, dict[date, int]]]:
    """The panel's read: of each kind the `rows` soonest running due dates, soonest first,
    and how many of each kind fall due on each day (store.other_deadline_rows.day_counts)."""
    from store.early_sql import PANEL_SQL

    results = _results(session, PANEL_QUERIES, calendar, lambda: panel_statements(rows), PANEL_SQL, {"rows": rows})
    found = assemble(results, calendar)
    return found, day_counts(results, found)


def _results(session: Session, names, calendar, queries_of, sqlite_text: dict[str, str], params: dict) -> dict:
    wanted = [name for name in names if calendar is not None or not name.startswith("updates_")]
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        return _sqlite_rows(connection, wanted, sqlite_text, params)
    queries = queries_of()
    results: dict = {}
    for name in wanted:
        results[name] = [] if _nothing_agreed(name, results) else list(plain_rows(session, queries[name]))
    return results


def _nothing_agreed(name: str, results: dict) -> bool:
    """The last contacts are read only for complaints with updates agreed: with none
    agreed (most databases), that query (two scans of the open stages, 28 ms of the
    panel's reload at 300k) has nothing to find."""
    return name == "updates_sent" and not results.get("updates_agreed")


def _sqlite_rows(connection, wanted: list[str], sqlite_text: dict[str, str], params: dict) -> dict[str, list[tuple]]:
    """On SQLite, the first paint's own statements (store/early_sql.py, these queries
    compiled) through the driver's cursor: SQLAlchemy's per-row result processing was
    most of the panel's reload at 300k (12,451 rows; assemble reads SQLite's ISO text
    as well as dates). Same statements, same transaction, same rows."""
    cursor = connection.connection.dbapi_connection.cursor()
    try:
        results: dict[str, list[tuple]] = {}
        for name in wanted:
            results[name] = [] if _nothing_agreed(name, results) else cursor.execute(sqlite_text[name], params).fetchall()
        return results
    finally:
        cursor.close()


def _compiled(queries: dict) -> dict[str, str]:
    from sqlalchemy.dialects import sqlite

    return {name: str(query.compile(dialect=sqlite.dialect(), compile_kwargs={"literal_binds": True}))
            for name, query in queries.items()}


def compiled_for_sqlite() -> dict[str, str]:
    """Each query as SQLite runs it, with its constants written in (store/early_sql.py)."""
    return _compiled(statements())


def panel_compiled_for_sqlite() -> dict[str, str]:
    """The panel's queries as SQLite runs them, the page's length left as ":rows"."""
    return _compiled(panel_statements())


def write_early_sql(path=None) -> None:
    from pathlib import Path

    path = Path(path or Path(__file__).with_name("early_sql.py"))
    lines = ['"""Generated by `python -m store.other_deadlines` from store/other_deadlines.py: the',
             "panel's other due dates as SQLite runs them, for the first paint (store/fastread.py).",
             'Do not edit: tests/test_fastread.py fails when it differs from the queries."""', ""]
    for title, compiled in (("OTHER_DEADLINES_SQL", compiled_for_sqlite()), ("PANEL_SQL", panel_compiled_for_sqlite())):
        lines.append(f"{title} = {{")
        for name, sql in compiled.items():
            lines.append(f"    {name!r}: {sql!r},")
        lines.append("}")
    path.write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    write_early_sql()
