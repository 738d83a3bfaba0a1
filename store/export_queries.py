"""The read behind `chc export` (issue 22.4): every complaint with its two stages, the
latest extension of each, its refusal and withdrawal, as one Core select streamed from the
cursor, so memory stays flat whatever the number of complaints (chc_tui.spreadsheets.exporter
writes each row as it comes). Plain rows; no formatting or judging here.

Where a complaint could have more than one row of a kind, the one exported is named in SQL,
not left to the order rows happen to come back in: a stage is the complaint's newest record
of that stage number, an extension the stage's latest (the highest id, as the deadlines
follow it). A response, a refusal and a withdrawal are unique (per stage, per complaint).
"""

from __future__ import annotations

from typing import Iterator

from sqlalchemy import Row, func, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from store.models import Complaint, Extension, Refusal, Resident, Response, StageRecord, Withdrawal

ROWS_PER_FETCH = 2000
# The select's columns, in order: the exporter unpacks each row in this order.
FIELDS = (
    "reference", "resident", "received", "category", "channel", "tenure",
    "s1_ack", "s1_ext", "s1_ext_reason", "s1_resp", "s1_decision", "s1_handler", "s1_opened",
    "s2_ack", "s2_ext", "s2_ext_reason", "s2_resp", "s2_decision", "s2_handler", "s2_opened",
    "refused", "exclusion_reason", "explanation", "withdrawn",
)


def _stage_columns(n: int):
    stage, response, extension = aliased(StageRecord, name=f"s{n}"), aliased(Response, name=f"r{n}"), aliased(
        Extension, name=f"e{n}")
    newest_stage = (
        select(func.max(StageRecord.id))
        .where(StageRecord.complaint_id == Complaint.id, StageRecord.stage == n)
        .scalar_subquery()
    )
    latest_extension = select(func.max(Extension.id)).where(Extension.stage_id == stage.id).scalar_subquery()
    columns = [
        stage.acknowledged_on.label(f"s{n}_ack"),
        extension.new_due.label(f"s{n}_ext"),
        extension.reason.label(f"s{n}_ext_reason"),
        stage.responded_on.label(f"s{n}_resp"),
        response.decision.label(f"s{n}_decision"),
        stage.handler.label(f"s{n}_handler"),
        stage.opened_on.label(f"s{n}_opened"),
    ]
    joins = (
        (stage, stage.id == newest_stage),
        (response, response.stage_id == stage.id),
        (extension, extension.id == latest_extension),
    )
    return columns, joins


def sheet_query():
    """One row per complaint, in reference order."""
    one, one_joins = _stage_columns(1)
    two, two_joins = _stage_columns(2)
    query = (
        select(
            Complaint.reference,
            Resident.name.label("resident"),
            Complaint.received_on.label("received"),
            Complaint.category,
            Complaint.channel,
            Resident.tenure,
            *one,
            *two,
            Refusal.refused_on.label("refused"),
            Refusal.exclusion_reason,
            Refusal.explanation,
            Withdrawal.withdrawn_on.label("withdrawn"),
        )
        .join(Resident, Resident.id == Complaint.resident_id)
    )
    for target, on in (*one_joins, *two_joins):
        query = query.outerjoin(target, on)
    return (
        query.outerjoin(Refusal, Refusal.complaint_id == Complaint.id)
        .outerjoin(Withdrawal, Withdrawal.complaint_id == Complaint.id)
        .order_by(Complaint.reference, Complaint.id)
    )


def sheet_rows(session: Session) -> Iterator[Row]:
    """The rows of `sheet_query`, fetched a batch at a time (a server-side cursor where the
    database has them): the caller writes each before the next batch is read."""
    connection = session.connection().execution_options(yield_per=ROWS_PER_FETCH)
    result = connection.execute(sheet_query())
    assert tuple(result.keys()) == FIELDS, "export_queries.FIELDS must name sheet_query's columns in order"
    yield from result



