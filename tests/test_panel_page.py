"""The deadline panel read a page at a time (Services.panel, chc_tui/panel.py): of each
kind only the soonest page, and every due date counted by state from counts by day. It
must show the same rows in the same order, and the same counts, as assessing every running
due date and sorting them all (what the panel did before), for every kind filter (k)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chc_tui.panel import COMPLAINT, panel_view
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import DeadlineState
from chc_tui.services import Services
from chc_tui.steps import usecases
from chc_tui.steps.keeping_informed import agree_update_interval
from screens.main import PANEL_KINDS
from store.models import Action, Adjustment, Complaint, Lesson, OmbudsmanCase, OmbudsmanRequest, Remedy, Restriction, ServiceRequest

MON = date(2026, 11, 23)
ALICE = StepContext(actor="alice", today=MON)


@pytest.fixture
def records(db):
    """Six complaints (two received the same day, so their deadlines tie) and, around
    them, more items of most kinds than a page of 3 holds, on days shared across kinds."""
    refs = []
    for i, received in enumerate((date(2026, 11, 2), date(2026, 11, 16), date(2026, 11, 16), date(2026, 11, 18),
                                  date(2026, 11, 20), date(2026, 10, 26))):
        refs.append(usecases.log_complaint(db, received_on=received, channel="phone", resident_name=f"Resident {i}",
                                           category="Repairs", resident_words="Leak", ctx=ALICE).reference)
    agree_update_interval(db, refs[1], every_days=5, agreed_on=date(2026, 11, 17), ctx=ALICE)
    with db.write() as s:
        from sqlmodel import select

        complaints = s.exec(select(Complaint).order_by(Complaint.id)).all()
        cid, rid = complaints[0].id, complaints[0].resident_id
        days = [MON + timedelta(days=d) for d in (-10, -3, -3, 0, 1, 2, 9, 30)]
        for n, due in enumerate(days):
            s.add(Remedy(complaint_id=complaints[n % 6].id, stage=1, kind="apology", description=f"Remedy {n}",
                         offered_on=MON, due_on=due))
            s.add(Action(complaint_id=complaints[(n + 1) % 6].id, stage=1, description=f"Action {n}", owner="Repairs",
                         due_on=days[-1 - n]))
        s.add(Remedy(complaint_id=cid, stage=1, kind="apology", description="Done", offered_on=MON, due_on=MON,
                     done_on=MON))
        for n, due in enumerate(days[:5]):
            s.add(Adjustment(resident_id=complaints[n].resident_id, description=f"Adjustment {n}",
                             agreed_on=date(2026, 5, 1), review_on=due))
            s.add(ServiceRequest(reference=f"SR2026-{n + 1:04d}", resident_id=rid, received_on=date(2026, 11, 2),
                                 category="Repairs", description=f"Request {n}", target_days=10, due_on=days[4 - n]))
        s.add(Restriction(resident_id=rid, restriction="Email only", reasons="Calls", decided_by="Head of Housing",
                          decided_on=date(2026, 9, 1), review_on=days[3]))
        case = OmbudsmanCase(complaint_id=cid, ombudsman_reference="202612345", opened_on=date(2026, 11, 2))
        s.add(case)
        s.flush()
        s.add(OmbudsmanRequest(case_id=case.id, received_on=date(2026, 11, 2), description="Records", due_on=days[1]))
        s.add(Lesson(theme="Repairs", lesson="Triage", improvement="Triage leaks", recorded_on=date(2026, 10, 1),
                     due_on=days[2]))
    return refs


def _bench_reference():
    """bench/panel_page.py's `every_row`: the panel as it was, every due date assessed and
    sorted (the bench holds the page to it at 100k and 300k)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location("chc_bench_panel_page", Path(__file__).parent.parent / "bench" / "panel_page.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.every_row


_every_row = _bench_reference()


@pytest.mark.parametrize("page", [1, 3, 200])
def test_a_page_of_each_kind_shows_the_rows_and_counts_of_assessing_every_one(db, records, page):
    services = Services(db, actor="alice", today_fn=lambda: MON)
    read = services.panel(page)
    assert len(read.others) < len(services.other_deadlines()) or page == 200  # a page of each kind, not all
    for label, kinds in PANEL_KINDS:
        wanted = (lambda kind: True) if not kinds else kinds.__contains__
        ordered, counts = _every_row(services, wanted)
        view = panel_view(read, wanted, page)
        assert view.items == ordered[:page], label
        assert (view.counts, view.total) == (counts, len(ordered)), label


def test_the_counts_by_state_are_every_running_due_date(db, records):
    """Exact, by hand (due soon: 2 working days): 6 complaint deadlines, 8 remedies, 8
    actions, 5 adjustments, 5 service requests, 1 restriction, 1 Ombudsman request, 1
    improvement, 1 update agreed (5.9) and the yearly submission: 37, however few are read."""
    services = Services(db, actor="alice", today_fn=lambda: MON)
    view = panel_view(services.panel(3), lambda kind: True, 3)
    assert view.total == 37
    # overdue: complaints 2 (due 2 and 9 Nov), remedies 3 and actions 3 (13, 20, 20 Nov),
    # adjustments 3, requests 3, the Ombudsman request, the improvement, the submission (its
    # year's date gone by, no board approval recorded); due today: complaints 2 (received
    # 16 Nov), remedies, actions, adjustments, requests 1 each, the restriction; due soon:
    # the complaint received 18 Nov, remedies 2 and actions 2 (24, 25 Nov), adjustments 1,
    # requests 1, the update (5 working days after 17 Nov: 24 Nov); on track: the complaint
    # received 20 Nov (27 Nov, 4 working days), remedies 2 and actions 2 (2 and 23 Dec).
    assert view.counts == {DeadlineState.OVERDUE: 17, DeadlineState.DUE_TODAY: 7, DeadlineState.DUE_SOON: 8,
                           DeadlineState.ON_TRACK: 5}
    assert services.yearly_submission().state is DeadlineState.OVERDUE
    complaints = panel_view(services.panel(3), {COMPLAINT}.__contains__, 3)
    # due 2 Nov, 9 Nov, then the two due 23 Nov: the later reference first (the list's order)
    assert [due.row.reference for due in complaints.items] == [records[5], records[0], records[2]]
    assert complaints.total == 6


def test_mine_is_my_complaint_deadlines_only(db, records):
    services = Services(db, actor="alice", today_fn=lambda: MON)
    me = services.me()
    assert me is not None
    read = services.panel(2, handler_staff_id=me.id)
    assert read.others == [] and read.submission is None
    ordered, counts = _every_row(services, lambda kind: True, handler_staff_id=me.id)
    assert len(ordered) == 6  # alice logged all six: each is hers at stage 1
    view = panel_view(read, lambda kind: True, 2)
    assert view.items == ordered[:2] and view.counts == counts and view.total == len(ordered)


@pytest.mark.parametrize("today", [date(2026, 12, 18), date(2026, 12, 24), date(2026, 12, 21), date(2027, 1, 4)])
def test_counting_by_day_finds_each_days_state_as_the_rule_gives_it(today):
    """count_states looks only for where each state begins in date order (most of the
    distinct days are long past or far ahead). On every day from 40 before to 60 after
    today, across Christmas, New Year, a closure day and weekends (a Friday: the weekend
    after is due today), each day counts as state_on gives it."""
    from chc_tui.rules.calendar import WorkingCalendar
    from chc_tui.rules.deadlines import count_states, state_on
    from chc_tui.rules.policy import CODE_2024

    calendar = WorkingCalendar("england-and-wales", {date(2026, 12, 29): "Christmas shutdown"})
    days = {today + timedelta(days=d): 1 + abs(d) % 3 for d in range(-40, 61)}
    expected = dict.fromkeys(DeadlineState, 0)
    for day, count in days.items():
        expected[state_on(day, calendar, today, CODE_2024)[1]] += count
    assert count_states(days, calendar, today, CODE_2024) == expected
    assert count_states({}, calendar, today, CODE_2024) == dict.fromkeys(DeadlineState, 0)
    for state in DeadlineState:  # each day alone
        one = {day: 1 for day in days if state_on(day, calendar, today, CODE_2024)[1] is state}
        assert count_states(one, calendar, today, CODE_2024)[state] == len(one)
