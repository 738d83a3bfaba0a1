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
