"""What the annual report and the self-assessment read of the year's stages (issue 22.6):
the year's own stages (opened or answered in it) with everything judging reads, the
comparison window's others with what is counted and listed of them, and the
self-assessment only the year's own."""

from __future__ import annotations

from datetime import date

from chc_tui.rules import financial_year
from chc_tui.steps import usecases
from report_helpers import Book, report_for, wd
from store import assessment_queries, report_queries

D = date
TODAY = D(2026, 7, 1)


def _records(db):
    book = Book(db, TODAY)
    return book, {
        "answered_2024": book.complaint(D(2024, 5, 1), timing="target"),  # the window's earlier year
        "waiting_2023": book.complaint(D(2023, 6, 1), timing=None),  # before the window, still unanswered
        "answered_2025": book.complaint(D(2025, 5, 1), timing="target"),
        "received_2024_answered_2025": book.complaint(D(2025, 3, 24), timing="on_target"),
    }


def test_only_the_years_own_stages_carry_what_judging_reads(db):
    _book, refs = _records(db)
    start, end = financial_year.bounds(2025)
    with db.read() as session:
        stages = {s.reference: s for s in report_queries.report_stages(session, financial_year.bounds(2023)[0], end, start)}
    for own in ("answered_2025", "received_2024_answered_2025"):
        stage = stages[refs[own]]
        assert stage.year_facts and stage.target_due is not None and stage.acknowledge_due is not None
        assert stage.decision == "upheld"
    for other in ("answered_2024", "waiting_2023"):
        stage = stages[refs[other]]
        assert not stage.year_facts and stage.target_due is None and stage.acknowledge_due is None
        assert stage.decision is None
    # what is counted of the others is there: the earlier year's volume, the one still waiting
    report = report_for(db, 2025, TODAY)
    assert report.value("received.previous_years.2024.stage1.total") == 2
    assert [ref for ref, _ in report.figure("tsm.CH02.stage1_not_counted").items] == [refs["waiting_2023"]]


def test_an_extension_of_an_earlier_years_stage_counts_in_the_year_it_was_decided(db):
    book, refs = _records(db)
    waiting = refs["waiting_2023"]
    usecases.extend(db, waiting, new_due=wd(D(2025, 6, 2), 10), reason="Waiting for a survey.",
                    decided_on=D(2025, 6, 2), told_resident_on=D(2025, 6, 2), ombudsman_details_given=True,
                    good_reason="The survey could not be booked sooner.", accept_shortfalls=True, ctx=book.s1)
    r25, r24 = report_for(db, 2025, TODAY), report_for(db, 2024, TODAY)
    assert r25.value("extensions.stage1.count") == 1
    assert [ref for ref, _ in r25.figure("extensions.stage1.count").items] == [waiting]
    assert r24.value("extensions.stage1.count") == 0


def test_the_self_assessment_reads_only_the_years_own_stages(db):
    _book, refs = _records(db)
    start, end = financial_year.bounds(2025)
    with db.read() as session:
        measured = {s.reference for s in assessment_queries.stage_facts(session, start, end)}
    assert measured == {refs["answered_2025"], refs["received_2024_answered_2025"]}


# --- the earlier years read apart (issue 22.6) -------------------------------------------------


def _extended_after_answer(db, ref: str, previous_due: date) -> None:
    """An imported extension whose decision date is not known and whose replaced deadline
    falls after the stage was answered: it is counted on that deadline (rules.measures)."""
    from sqlmodel import select

    from store.models import Complaint, Extension, StageRecord

    with db.write() as session:
        cid = session.exec(select(Complaint.id).where(Complaint.reference == ref)).one()
        sid = session.exec(select(StageRecord.id).where(StageRecord.complaint_id == cid, StageRecord.stage == 1)).one()
        session.add(Extension(stage_id=sid, decided_on=None, previous_due=previous_due, new_due=D(2025, 5, 1),
                              working_days_beyond_target=3, reason="Imported.", ombudsman_details_given=None))


def _settled_unanswered(book: Book) -> dict[str, str]:
    """Stages never answered, settled before 2025 by a withdrawal or a refusal, and one
    withdrawn before it but refused in it (imported records may hold both)."""
    withdrawn, refused, both = (book.complaint(D(2023, 9, 1), timing=None), book.log(D(2024, 6, 3)),
                                book.complaint(D(2024, 7, 1), timing=None))
    book.withdraw(withdrawn, D(2023, 10, 2))
    book.refuse(refused, D(2024, 6, 10))
    book.withdraw(both, D(2024, 8, 1))
    _refused_as_imported(book.db, both, D(2025, 5, 6))
    return {"withdrawn_2023": withdrawn, "refused_2024": refused, "withdrawn_2024_refused_2025": both}


def _refused_as_imported(db, ref: str, on: date) -> None:
    from sqlmodel import select

    from store.models import Complaint, Refusal

    with db.write() as session:
        cid = session.exec(select(Complaint.id).where(Complaint.reference == ref)).one()
        session.add(Refusal(complaint_id=cid, stage=1, refused_on=on, exclusion_reason="over_12_months",
                            explanation="Imported.", ombudsman_right_explained=None))


def test_the_earlier_years_stages_settled_before_the_year_are_read_apart(db):
    book, refs = _records(db)
    extended = book.complaint(D(2024, 9, 2), timing="target")  # settled in 2024, an extension counted in 2025
    _extended_after_answer(db, extended, D(2025, 4, 10))
    settled = _settled_unanswered(book)
    window_start, (start, end) = financial_year.bounds(2023)[0], financial_year.bounds(2025)
    with db.read() as session:
        apart = {s.reference
                 for s in report_queries.report_stages(session, window_start, end, start, settled_before=start)}
        whole = {s.reference for s in report_queries.report_stages(session, window_start, end, start)}
        received_2024 = [r.reference for r in report_queries.received_between(session, *financial_year.bounds(2024))]
    # counted only in their year's volumes: read apart
    assert whole - apart == {refs["answered_2024"], settled["withdrawn_2023"], settled["refused_2024"]}
    # still awaiting a response; extended in the year; refused in it
    assert {refs["waiting_2023"], extended, settled["withdrawn_2024_refused_2025"]} <= apart
    assert received_2024 == [refs["answered_2024"], settled["refused_2024"], settled["withdrawn_2024_refused_2025"],
                             extended, refs["received_2024_answered_2025"]]


def test_the_report_from_the_earlier_years_read_apart_is_the_report_from_the_whole_window(db):
    import dataclasses

    from chc_tui.figures.report import compute, gather, to_json

    book, refs = _records(db)
    _extended_after_answer(db, book.complaint(D(2024, 9, 2), timing="target"), D(2025, 4, 10))
    book.escalate(refs["answered_2024"], timing="target")
    book.complaint(D(2023, 7, 3), timing="target", category="Noise")  # settled in 2023
    _settled_unanswered(book)
    # recorded with a later clock: answered after TODAY, so awaiting a response on 2027's cut-off (TODAY)
    Book(db, D(2026, 9, 1)).complaint(D(2026, 6, 22), timing="target")
    for year in (2024, 2025, 2026, 2027):  # 2027: today is before the year, its cut-off today
        with db.read() as session:
            inputs, calendar = gather(session, year, TODAY)
            start, end = financial_year.bounds(year)
            whole = report_queries.report_stages(session, financial_year.bounds(year - 2)[0], end, start)
        assert inputs.earlier is not None and len(inputs.stages) < len(whole)  # the settled are read apart
        from_whole = compute(dataclasses.replace(inputs, stages=whole, earlier=None), calendar)
        assert to_json(compute(inputs, calendar)) == to_json(from_whole)


def test_the_earlier_years_are_kept_until_the_records_change(db):
    from chc_tui.figures.earlier_years import EarlierYears

    book, refs = _records(db)
    kept = EarlierYears()
    with db.read() as session:
        first = kept.received(session, 2024, "stamp 1")
        assert kept.received(session, 2024, "stamp 1") is first  # not read again
    added = book.complaint(D(2024, 10, 1), timing="target")
    with db.read() as session:
        assert kept.received(session, 2024, "stamp 1") is first  # the stamp says nothing has changed
        again = kept.received(session, 2024, "stamp 2")
    assert [r.reference for r in again] == [r.reference for r in first][:1] + [added] + [r.reference for r in first][1:]
    assert kept.years() == [2024]
    kept.keep_only([])
    assert kept.years() == []
