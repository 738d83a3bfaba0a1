"""The due dates around complaints on the deadline panel: each kind that is still running,
none that is done, counted in working days on a fixed calendar, and filterable by kind."""

from __future__ import annotations

from datetime import date

import pytest

from chc_tui.steps import usecases
from chc_tui.app import build_app
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import DeadlineState
from chc_tui.services import Services
from store.models import (
    Action,
    Adjustment,
    Lesson,
    OmbudsmanCase,
    OmbudsmanOrder,
    OmbudsmanRequest,
    Remedy,
    Restriction,
    ServiceRequest,
)

MON = date(2026, 11, 23)
ALICE = StepContext(actor="alice", today=MON)


@pytest.fixture
def records(db):
    """One complaint and one of every other due date, done and not done, by hand."""
    ref = usecases.log_complaint(
        db, received_on=date(2026, 11, 2), channel="phone", resident_name="Ada Brown",
        category="Repairs", resident_words="Leak", ctx=ALICE,
    ).reference
    with db.write() as s:
        from sqlmodel import select
        from store.models import Complaint

        complaint = s.exec(select(Complaint)).one()
        cid, rid = complaint.id, complaint.resident_id
        s.add(Adjustment(resident_id=rid, description="Large print", agreed_on=date(2026, 5, 1), review_on=date(2026, 11, 20)))
        s.add(Adjustment(resident_id=rid, description="Ended one", agreed_on=date(2026, 5, 1), review_on=date(2026, 11, 20),
                         ended_on=date(2026, 6, 1)))
        s.add(Restriction(resident_id=rid, restriction="Contact by email only", reasons="Abusive calls", decided_by="Head of Housing",
                          decided_on=date(2026, 9, 1), review_on=date(2026, 12, 1)))
        s.add(ServiceRequest(reference="SR2026-0001", resident_id=rid, received_on=date(2026, 11, 16), category="Repairs",
                             description="Dripping tap", target_days=10, due_on=date(2026, 11, 30)))
        s.add(ServiceRequest(reference="SR2026-0002", resident_id=rid, received_on=date(2026, 11, 2), category="Repairs",
                             description="Done one", target_days=10, due_on=date(2026, 11, 16), done_on=date(2026, 11, 10)))
        s.add(Remedy(complaint_id=cid, stage=1, kind="financial", description="£50 for time and trouble",
                     amount_pence=5000, offered_on=MON, due_on=date(2026, 11, 25)))
        s.add(Remedy(complaint_id=cid, stage=1, kind="apology", description="Declined one", offered_on=MON,
                     due_on=date(2026, 11, 25), declined_on=MON))
        s.add(Action(complaint_id=cid, stage=1, description="Redecorate the ceiling", owner="Repairs team", due_on=MON))
        case = OmbudsmanCase(complaint_id=cid, ombudsman_reference="202612345", opened_on=date(2026, 11, 2))
        s.add(case)
        s.flush()
        s.add(OmbudsmanRequest(case_id=case.id, received_on=date(2026, 11, 2), description="Send the repair records",
                               due_on=date(2026, 11, 16)))
        s.add(OmbudsmanOrder(case_id=case.id, kind="order", description="Pay £300", due_on=date(2027, 1, 4)))
        s.add(OmbudsmanOrder(case_id=case.id, kind="order", description="Complied one", due_on=date(2026, 11, 30),
                             complied_on=MON, evidence="Payment record"))
        s.add(Lesson(theme="Repairs", lesson="Leaks were not triaged", improvement="Triage leaks within a day",
                     recorded_on=date(2026, 10, 1), due_on=date(2026, 12, 31)))
    return ref


def test_every_running_due_date_around_a_complaint_and_none_that_is_done(db, records):
    services = Services(db, actor="alice", today_fn=lambda: MON)
    got = [(o.row.kind, o.row.reference, o.row.due_on, o.days_left, o.state) for o in services.other_deadlines()]
    assert got == [
        ("ombudsman_request", records, date(2026, 11, 16), -5, DeadlineState.OVERDUE),
        ("adjustment", records, date(2026, 11, 20), -1, DeadlineState.OVERDUE),
        ("action", records, MON, 0, DeadlineState.DUE_TODAY),
        ("remedy", records, date(2026, 11, 25), 2, DeadlineState.DUE_SOON),
        ("service_request", "SR2026-0001", date(2026, 11, 30), 5, DeadlineState.ON_TRACK),
        ("restriction", records, date(2026, 12, 1), 6, DeadlineState.ON_TRACK),
        # 31 Dec: 26 working days; Christmas Day and Boxing Day's substitute (Mon 28) skipped
        ("improvement", "L1", date(2026, 12, 31), 26, DeadlineState.ON_TRACK),
        ("ombudsman_order", records, date(2027, 1, 4), 27, DeadlineState.ON_TRACK),  # after New Year's Day
    ]
    whom = {o.row.kind: (o.row.who, o.row.what, o.row.complaint_reference) for o in services.other_deadlines()}
    assert whom["adjustment"] == ("Ada Brown", "Large print", records)  # opens the resident's complaint
    assert whom["service_request"] == ("Ada Brown", "Dripping tap", None)
    assert whom["improvement"] == ("Repairs", "Triage leaks within a day", None)


async def test_the_panel_shows_them_and_k_filters_by_kind(db, records):
    services = Services(db, actor="alice", today_fn=lambda: MON)
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        panel = app.screen.query_one("#deadlines")

        def steps() -> list[str]:
            return [str(panel.get_row_at(i)[4]) for i in range(panel.row_count)]

        assert {"Ombudsman request", "review adjustment", "action", "remedy", "service request",
                "review restriction", "improvement", "Ombudsman order", "define"} <= set(steps())
        presses = {"complaints": 1, "Ombudsman": 5}
        await pilot.press("k")  # complaints only
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert set(steps()) == {"define"}
        assert "(complaints)" in str(app.screen.query_one("#deadline-title").render())
        await pilot.press(*["k"] * (presses["Ombudsman"] - presses["complaints"]))
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert set(steps()) <= {"Ombudsman request", "Ombudsman order", "submit"}
        assert "Ombudsman request" in steps()


def test_with_no_updates_agreed_the_last_contacts_are_not_read(db, records, monkeypatch):
    """The last letters and contacts are looked up only for stages with updates agreed
    (5.9); with none agreed the query is not run at all (28 ms at 300k, for nothing)."""
    from store import early_sql

    broken = dict(early_sql.OTHER_DEADLINES_SQL, updates_sent="SELECT * FROM no_such_table")
    monkeypatch.setattr(early_sql, "OTHER_DEADLINES_SQL", broken)
    services = Services(db, actor="alice", today_fn=lambda: MON)
    assert len(services.other_deadlines()) == 8


def test_the_panels_reads_run_no_garbage_collection_while_they_build_their_rows(db, records):
    """The rows are many small objects that form no cycles: a collection part-way rescans
    every one built so far (a third to a half of the other due dates' time at 300k,
    chc_tui/collector.py). Collections wait until the rows are built: at most the one
    each read leaves due when it is done, and the test's own."""
    import gc

    services = Services(db, actor="alice", today_fn=lambda: MON)
    services.other_deadlines()  # warm: the ORM's first-use set-up is not the rows' work
    collections: list[int] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    threshold = gc.get_threshold()
    gc.set_threshold(50)  # a collection every 50 new objects, were the collector on
    gc.callbacks.append(seen)
    try:
        services.other_deadlines()
        services.deadlines()
        services.complaints(search="Ada")
    finally:
        gc.callbacks.remove(seen)
        gc.set_threshold(*threshold)
    assert len(collections) <= 6, collections  # 44 while the rows were built collecting
    assert gc.isenabled()
