"""Stage 1's escalation date in the report's read (store.stage_queries._escalated): the
use-cases make one stage 2 record per complaint, but a file imported or mended by hand may
hold two; the newest record's request date is then the escalation, as the export takes it."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from report_helpers import Book
from store.models import Complaint, StageRecord
from store.stage_queries import year_stages

TODAY = date(2026, 11, 23)


def stage_one_escalated_on(db, reference: str) -> date | None:
    with db.read() as session:
        stages = year_stages(session, date(2026, 4, 1), date(2027, 3, 31))
    [stage_one] = [s for s in stages if s.reference == reference and s.stage == 1]
    return stage_one.escalated_on


def test_one_stage_2_record_gives_its_request_date(db):
    book = Book(db, TODAY)
    ref = book.complaint(date(2026, 4, 7))
    requested = book.escalate(ref, timing=None)
    assert stage_one_escalated_on(db, ref) == requested


def test_of_two_stage_2_records_the_newest_gives_the_escalation_date(db):
    book = Book(db, TODAY)
    ref = book.complaint(date(2026, 4, 7))
    first_request = book.escalate(ref, timing=None)
    earlier_day = date(2026, 4, 14)  # the newer record carries an earlier date: the newest record wins, not the latest date
    assert earlier_day < first_request
    with db.write() as session:
        complaint_id = session.exec(select(Complaint.id).where(Complaint.reference == ref)).one()
        session.add(StageRecord(complaint_id=complaint_id, stage=2, opened_on=earlier_day, handler="bob"))
    assert stage_one_escalated_on(db, ref) == earlier_day
