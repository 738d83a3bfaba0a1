"""Issue 22.2: on SQLite every row is planned in memory by the plans the use-cases call
(chc_tui.steps.plans), escalated rows too, and written in bulk. Both must write the same
records, audit and problems: each sheet here goes through the use-cases alone (every row
replayed) and through the plans, and every table is compared row by row."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from chc_tui.spreadsheets import importer
from conftest import dump
from store.models import Complaint, Staff, StaffLogin
from test_import import GOOD, TODAY, run, write_csv
from test_import_bulk import two_dbs, without_timestamps  # noqa: F401  (a fixture)

HEADER = [
    "Reference", "Resident", "Received date", "Category", "Channel", "Tenure", "Stage 1 acknowledged",
    "Stage 1 extended to", "Stage 1 extension reason", "Stage 1 responded", "Stage 1 decision", "Stage 2 requested",
    "Stage 2 acknowledged", "Stage 2 extended to", "Stage 2 extension reason", "Stage 2 responded",
    "Stage 2 decision", "Refused date", "Refused reason", "Withdrawn date", "Stage 1 handler", "Stage 2 handler",
]

# stage 1 received, acknowledged, extended and answered by `by`, escalated on 2 April 2026
ANSWERED = {"Received date": "02/03/2026", "Category": "Repairs", "Stage 1 acknowledged": "03/03/2026",
            "Stage 1 extended to": "24/03/2026", "Stage 1 responded": "23/03/2026",
            "Stage 1 decision": "not upheld", "Stage 2 requested": "02/04/2026"}

VARIED = [
    # planned: on time, closed
    {"Reference": "P-1", "Resident": "Amy Ash", "Received date": "05/01/2026", "Category": "Repairs",
     "Stage 1 acknowledged": "06/01/2026", "Stage 1 responded": "13/01/2026", "Stage 1 decision": "upheld",
     "Stage 1 handler": "alice"},
    # replayed: extended and escalated
    GOOD[1],
    # planned: extended within the limit with its reason; extended far past it, then answered; extended, withdrawn
    {"Reference": "P-9", "Resident": "Jan Jasmine", "Received date": "02/03/2026", "Category": "Repairs",
     "Stage 1 acknowledged": "03/03/2026", "Stage 1 extended to": "24/03/2026",
     "Stage 1 extension reason": "Waiting for the surveyor", "Stage 1 handler": "alice"},
    {"Reference": "P-10", "Resident": "Kay Kelp", "Received date": "02/03/2026", "Category": "Damp",
     "Stage 1 acknowledged": "03/03/2026", "Stage 1 extended to": "30/04/2026", "Stage 1 responded": "05/05/2026",
     "Stage 1 decision": "upheld", "Stage 1 handler": "Fran Newcomer"},
    {"Reference": "P-11", "Resident": "Lee Lotus", "Received date": "02/03/2026", "Category": "Repairs",
     "Stage 1 acknowledged": "03/03/2026", "Stage 1 extended to": "20/03/2026", "Withdrawn date": "10/03/2026",
     "Stage 1 handler": "carol"},
    # planned: acknowledged late, answered late, by a handler the register does not have yet
    {"Reference": "P-2", "Resident": "Bea Birch", "Received date": "02/02/2026", "Category": "Damp",
     "Channel": "phone", "Tenure": "LCRA", "Stage 1 acknowledged": "20/02/2026", "Stage 1 responded": "30/04/2026",
     "Stage 1 decision": "not upheld", "Stage 1 handler": "Fran Newcomer"},
    # planned: refused (legal proceedings), withdrawn after acknowledgement
    GOOD[2], GOOD[3],
    # planned: refused after acknowledgement, over 12 months; refused, read as "other"; withdrawn after the response
    {"Reference": "P-6", "Resident": "Gil Gorse", "Received date": "12/01/2026", "Category": "Repairs",
     "Stage 1 acknowledged": "13/01/2026", "Refused date": "20/01/2026",
     "Refused reason": "The leak was in 2023, over 12 months before", "Stage 1 handler": "alice"},
    {"Reference": "P-7", "Resident": "Hana Holly", "Received date": "12/01/2026", "Category": "Neighbours",
     "Refused date": "14/01/2026", "Refused reason": "A dispute between neighbours", "Stage 1 handler": "Fran Newcomer"},
    {"Reference": "P-8", "Resident": "Ian Iris", "Received date": "12/01/2026", "Category": "Repairs",
     "Stage 1 acknowledged": "13/01/2026", "Stage 1 responded": "20/01/2026", "Stage 1 decision": "not upheld",
     "Withdrawn date": "21/01/2026", "Stage 1 handler": "bob"},
    # planned: no reference of their own, given the next free ones, past one the sheet keeps
    {"Reference": "", "Resident": "Cal Cedar", "Received date": "09/03/2026", "Category": "Noise",
     "Stage 1 acknowledged": "10/03/2026", "Stage 1 handler": "bob"},
    {"Reference": "C2026-0003", "Resident": "Cy Cress", "Received date": "09/03/2026", "Category": "Noise"},
    {**GOOD[1], "Reference": "", "Resident": "Gia Ginger"},  # replayed between them: escalated
    {"Reference": "", "Resident": "Di Dill", "Received date": "10/03/2026", "Category": "Repairs",
     "Refused date": "11/03/2026", "Refused reason": "other: not a complaint", "Stage 1 handler": "alice"},
    {"Reference": "", "Resident": "Em Elder", "Received date": "11/03/2025", "Category": "Repairs"},
    {"Reference": "", "Resident": "Flo Flax", "Received date": "12/03/2026", "Category": "Repairs",
     "Stage 1 handler": "bob"},
    # planned: acknowledged only; logged only, with no handler (the importer's login handles it)
    {"Reference": "P-3", "Resident": "Dee Dogwood", "Received date": "16/11/2026", "Category": "Staff conduct",
     "Stage 1 acknowledged": "17/11/2026", "Stage 1 handler": "Fran Newcomer"},
    {"Reference": "P-4", "Resident": "Eli Elm", "Received date": "20/11/2026", "Category": "Repairs", "Channel": "email"},
    # planned: partly upheld, acknowledged on a Saturday, answered the same day as acknowledged
    {"Reference": "P-5", "Resident": "Fay Fir", "Received date": "26/12/2025", "Category": "Anti-social behaviour",
     "Stage 1 acknowledged": "27/12/2025", "Stage 1 responded": "27/12/2025", "Stage 1 decision": "partly upheld",
     "Stage 1 handler": "carol"},
    GOOD[4],
    # escalated: stage 2 extended within the limit with its reason, answered, closed at stage 2
    {**ANSWERED, "Reference": "E-1", "Resident": "Nia Nutmeg", "Stage 1 handler": "alice",
     "Stage 2 acknowledged": "07/04/2026", "Stage 2 extended to": "12/05/2026",
     "Stage 2 extension reason": "Waiting for the surveyor", "Stage 2 responded": "11/05/2026",
     "Stage 2 decision": "partly upheld", "Stage 2 handler": "carol"},
    # escalated: stage 2 acknowledged only; requested only (left for the handler); extended far past the limit
    # (38 working days beyond the target), answered
    {**ANSWERED, "Reference": "E-2", "Resident": "Oz Olive", "Stage 1 handler": "Fran Newcomer",
     "Stage 2 acknowledged": "07/04/2026", "Stage 2 handler": "erin"},
    {**ANSWERED, "Reference": "E-3", "Resident": "Pia Poppy", "Stage 1 handler": "alice", "Stage 2 handler": "bob"},
    {**ANSWERED, "Reference": "E-4", "Resident": "Rex Reed", "Stage 1 handler": "alice",
     "Stage 2 acknowledged": "07/04/2026", "Stage 2 extended to": "30/06/2026", "Stage 2 responded": "29/06/2026",
     "Stage 2 decision": "upheld", "Stage 2 handler": "dave"},
    # escalated, then withdrawn at stage 2; then refused at stage 2 (its open deadlines end)
    {**ANSWERED, "Reference": "E-5", "Resident": "Sal Sorrel", "Stage 1 handler": "alice",
     "Stage 2 acknowledged": "07/04/2026", "Withdrawn date": "14/04/2026", "Stage 2 handler": "bob"},
    {**ANSWERED, "Reference": "E-6", "Resident": "Tam Thyme", "Stage 1 handler": "carol",
     "Stage 2 acknowledged": "07/04/2026", "Refused date": "09/04/2026",
     "Refused reason": "already considered: the same complaint as E-1", "Stage 2 handler": "bob"},
    # escalated to a stage 2 handler the register does not have yet, then named again
    {**ANSWERED, "Reference": "E-7", "Resident": "Uma Umber", "Stage 1 handler": "alice",
     "Stage 2 acknowledged": "07/04/2026", "Stage 2 handler": "Gail Reviewer"},
    {**ANSWERED, "Reference": "", "Resident": "Val Vetch", "Stage 1 handler": "bob",
     "Stage 2 acknowledged": "08/04/2026", "Stage 2 responded": "30/04/2026", "Stage 2 decision": "not upheld",
     "Stage 2 handler": "Gail Reviewer"},
    # a new stage 2 handler again, then withdrawn: the complaint written once its steps are done
    {**ANSWERED, "Reference": "E-8", "Resident": "Wes Woad", "Stage 1 handler": "alice",
     "Stage 2 acknowledged": "07/04/2026", "Withdrawn date": "15/04/2026", "Stage 2 handler": "Hal Reviewer"},
]

REFUSED_BY_THE_STEPS = [
    {"Reference": "Q-1", "Resident": "Gus Gum", "Received date": "05/01/2026", "Category": "Repairs",
     "Stage 1 acknowledged": "02/01/2026", "Stage 1 handler": "alice"},  # acknowledged before it was received
    {"Reference": "Q-2", "Resident": "Hal Hazel", "Received date": "05/01/2026", "Category": "Repairs",
     "Stage 1 acknowledged": "07/01/2026", "Stage 1 responded": "06/01/2026", "Stage 1 decision": "upheld",
     "Stage 1 handler": "alice"},  # answered before it was acknowledged
    {"Reference": "Q-3", "Resident": "Ivy Ivy", "Received date": "05/01/2027", "Category": "Repairs"},  # in the future
    {"Reference": "Q-4", "Resident": "Jo Juniper", "Received date": "05/01/2026", "Category": "Repairs",
     "Tenure": "LCHO", "Stage 1 handler": "alice"},  # not one of the landlord's stock types
    {"Reference": "Q-5", "Resident": "Kit Kale", "Received date": "05/01/2026", "Category": "Repairs",
     "Stage 1 handler": "zed"},  # on the register, but not a handler
    {"Reference": "Q-6", "Resident": "Lou Lime", "Received date": "05/01/2026", "Category": "Repairs",
     "Stage 1 acknowledged": "06/01/2026", "Stage 1 responded": "27/11/2026", "Stage 1 decision": "upheld",
     "Stage 1 handler": "New Person"},  # answered in the future, by a handler first named here
    {"Reference": "Q-7", "Resident": "Max Maple", "Received date": "05/01/2026", "Category": "Repairs",
     "Stage 1 handler": "New Person"},  # good: the handler first named in a refused row is named again
    {"Reference": "Q-8", "Resident": "Ned Nettle", "Received date": "05/01/2026", "Category": "Repairs",
     "Stage 1 acknowledged": "06/01/2026", "Stage 1 responded": "07/01/2026", "Stage 1 decision": "upheld",
     "Refused date": "08/01/2026", "Refused reason": "other: a duplicate", "Stage 1 handler": "alice"},  # answered
    {"Reference": "Q-9", "Resident": "Olly Oak", "Received date": "05/01/2026", "Category": "Repairs",
     "Withdrawn date": "04/01/2026", "Stage 1 handler": "alice"},  # withdrawn before it was received
    {"Reference": "Q-10", "Resident": "Pam Pine", "Received date": "05/01/2026", "Category": "Repairs",
     "Refused date": "01/01/2027", "Refused reason": "other: not ours", "Stage 1 handler": "alice"},  # in the future
    {"Reference": "Q-11", "Resident": "Ray Rowan", "Received date": "02/03/2026", "Category": "Repairs",
     "Stage 1 acknowledged": "03/03/2026", "Stage 1 extended to": "21/03/2026",
     "Stage 1 handler": "alice"},  # extended to a Saturday
    {"Reference": "Q-12", "Resident": "Sue Sage", "Received date": "02/03/2026", "Category": "Repairs",
     "Stage 1 acknowledged": "03/03/2026", "Stage 1 extended to": "10/03/2026",
     "Stage 1 handler": "alice"},  # extended to before the deadline it replaces
    # escalation and stage 2
    {**ANSWERED, "Reference": "Q-13", "Resident": "Tom Teak", "Stage 1 handler": "alice",
     "Stage 2 acknowledged": "07/04/2026", "Stage 2 handler": "alice"},  # stage 1's handler again (6.13)
    {**ANSWERED, "Reference": "Q-14", "Resident": "Una Ulmus", "Stage 1 handler": "alice",
     "Stage 2 handler": "zed"},  # on the register, but not a handler
    {**ANSWERED, "Reference": "Q-15", "Resident": "Vic Vine", "Stage 1 responded": "", "Stage 1 decision": "",
     "Stage 1 handler": "alice", "Stage 2 handler": "bob"},  # escalated before stage 1 was answered
    {**ANSWERED, "Reference": "Q-16", "Resident": "Wyn Willow", "Stage 2 requested": "20/03/2026",
     "Stage 1 handler": "alice", "Stage 2 handler": "bob"},  # requested before the stage 1 response
    {**ANSWERED, "Reference": "Q-17", "Resident": "Xan Yew", "Stage 2 acknowledged": "01/04/2026",
     "Stage 1 handler": "alice", "Stage 2 handler": "bob"},  # acknowledged before it was requested
    {**ANSWERED, "Reference": "Q-18", "Resident": "Yul Yarrow", "Stage 2 acknowledged": "07/04/2026",
     "Stage 2 extended to": "09/05/2026", "Stage 1 handler": "alice", "Stage 2 handler": "bob"},  # to a Saturday
    {**ANSWERED, "Reference": "Q-19", "Resident": "Zoe Zinnia", "Stage 2 acknowledged": "07/04/2026",
     "Stage 2 responded": "30/04/2026", "Stage 2 decision": "upheld", "Refused date": "01/05/2026",
     "Refused reason": "other: a duplicate", "Stage 1 handler": "alice", "Stage 2 handler": "bob"},  # answered
    {**ANSWERED, "Reference": "Q-20", "Resident": "Abe Alder", "Stage 2 requested": "24/11/2026",
     "Stage 1 handler": "alice", "Stage 2 handler": "bob"},  # requested in the future
    {**ANSWERED, "Reference": "Q-21", "Resident": "Bo Bay", "Stage 1 handler": "carol",
     "Stage 2 acknowledged": "07/04/2026", "Stage 2 handler": "New Reviewer"},  # good, by a new stage 2 handler
    {**ANSWERED, "Reference": "Q-22", "Resident": "Cy Cypress", "Stage 1 handler": "carol",
     "Stage 2 acknowledged": "01/04/2026", "Stage 2 handler": "Other Reviewer"},  # refused, by a new one
    {**ANSWERED, "Reference": "Q-23", "Resident": "Dot Daisy", "Stage 1 handler": "carol",
     "Stage 2 handler": "Other Reviewer"},  # good: the stage 2 handler first named in a refused row, again
]


def zed_is_no_handler(db) -> None:
    with db.write() as session:
        zed = session.exec(select(Staff).join(StaffLogin).where(StaffLogin.login == "zed")).one()
        zed.roles = "admin"
        session.add(zed)


def both_ways(dbs, monkeypatch, path, batch_rows: int, replayed_rows: list[int] | None = None):
    """The sheet imported into one database by the plans and into the other by the use-cases;
    `replayed_rows` gets the numbers of the rows the first still replayed."""
    planned, replayed = dbs
    monkeypatch.setattr(importer, "BATCH_ROWS", batch_rows)
    with monkeypatch.context() as m:
        replay = importer._replay

        def noted(db, row, *args):
            if replayed_rows is not None:
                replayed_rows.append(row.number)
            return replay(db, row, *args)

        m.setattr(importer, "_replay", noted)
        by_plans = run(planned, path)
    with monkeypatch.context() as m:
        m.setattr(importer, "_plans", lambda _db: False)
        by_use_cases = run(replayed, path)
    return by_plans, by_use_cases


@pytest.mark.parametrize("batch_rows", [3, 200])
def test_planned_rows_write_what_the_use_cases_write(two_dbs, tmp_path, monkeypatch, batch_rows):  # noqa: F811
    path = write_csv(tmp_path / "varied.csv", VARIED, HEADER)
    replayed_rows: list[int] = []
    by_plans, by_use_cases = both_ways(two_dbs, monkeypatch, path, batch_rows, replayed_rows)
    assert by_plans.committed and by_plans.problems == []
    assert replayed_rows == []  # escalated rows too, and one naming a stage 2 handler new to the register
    assert [i.line("imported") for i in by_plans.imported] == [i.line("imported") for i in by_use_cases.imported]
    assert by_plans.unknown_lines() == by_use_cases.unknown_lines()
    planned, replayed = two_dbs
    assert without_timestamps(planned) == without_timestamps(replayed)
    with planned.read() as session:
        at_stage_two = {c.reference: (c.status, c.closed_on) for c in session.exec(
            select(Complaint).where(Complaint.current_stage == 2, Complaint.reference.startswith("E-")))}
    assert at_stage_two == {
        "E-1": ("closed", date(2026, 5, 11)), "E-2": ("open", None), "E-3": ("open", None),
        "E-4": ("closed", date(2026, 6, 29)), "E-5": ("withdrawn", date(2026, 4, 14)),
        "E-6": ("refused", date(2026, 4, 9)), "E-7": ("open", None), "E-8": ("withdrawn", date(2026, 4, 15)),
    }


@pytest.mark.parametrize("batch_rows", [2, 200])
def test_planned_rows_are_refused_as_the_use_cases_refuse_them(two_dbs, tmp_path, monkeypatch, batch_rows):  # noqa: F811
    for db in two_dbs:
        zed_is_no_handler(db)
    path = write_csv(tmp_path / "refused.csv", REFUSED_BY_THE_STEPS, HEADER)
    before = dump(two_dbs[0])
    by_plans, by_use_cases = both_ways(two_dbs, monkeypatch, path, batch_rows)
    assert [str(p) for p in by_plans.problems] == [str(p) for p in by_use_cases.problems]
    assert [str(p) for p in by_plans.problems] == [
        "row 2, Stage 1 acknowledged: the acknowledgement date cannot be before the complaint was received (05/01/2026)",
        "row 3, Stage 1 responded: the response date cannot be before the acknowledgement (07/01/2026)",
        "row 4, Received date: the date received cannot be in the future (today is 23/11/2026)",
        "row 5, Tenure: LCHO is not one of the landlord's stock types (LCRA): add it in Settings first, or leave "
        "the tenure blank for not known",
        "row 6, Stage 1 handler: zed cannot be assigned stage 1: that needs the role handler on the staff register",
        "row 7, Stage 1 responded: the response date cannot be in the future (today is 23/11/2026)",
        "row 9, Refused reason: stage 1 has already been answered; it can no longer be refused",
        "row 10, Withdrawn date: the withdrawal date cannot be before the complaint was received (05/01/2026)",
        "row 11, Refused date: the refusal date cannot be in the future (today is 23/11/2026)",
        "row 12, Stage 1 extended to: Sat 21/03/2026 is not a working day (Saturday); the next one is 23/03/2026",
        "row 13, Stage 1 extended to: the new due date must be after the current one (17/03/2026)",
        "row 14, Stage 2 handler: alice considered stage 1 (handles stage 1, defined stage 1, extended stage 1, "
        "answered stage 1), so cannot be assigned stage 2: stage 2 must be considered by someone who did not "
        "consider stage 1 (Code 6.13)",
        "row 15, Stage 2 handler: zed cannot be assigned stage 2: that needs the role handler or stage2-reviewer on "
        "the staff register",
        "row 16, Stage 2 requested: stage 1 has not been answered yet; escalate after the stage 1 response (Code 6.10)",
        "row 17, Stage 2 requested: the date escalation was requested cannot be before the stage 1 response "
        "(23/03/2026)",
        "row 18, Stage 2 acknowledged: the acknowledgement date cannot be before escalation was requested "
        "(02/04/2026)",
        "row 19, Stage 2 extended to: Sat 09/05/2026 is not a working day (Saturday); the next one is 11/05/2026",
        "row 20, Refused reason: stage 2 has already been answered; it can no longer be refused",
        "row 21, Stage 2 requested: the date escalation was requested cannot be in the future (today is 23/11/2026)",
        "row 23, Stage 2 acknowledged: the acknowledgement date cannot be before escalation was requested "
        "(02/04/2026)",
    ]
    assert not by_plans.committed and dump(two_dbs[0]) == before
    assert without_timestamps(two_dbs[0]) == without_timestamps(two_dbs[1])


def test_a_dry_run_of_planned_rows_finds_the_same_and_writes_nothing(db, tmp_path):
    path = write_csv(tmp_path / "varied.csv", VARIED, HEADER)
    before = dump(db)
    checked = run(db, path, dry_run=True)
    assert checked.problems == [] and len(checked.imported) == len(VARIED)
    assert dump(db) == before


def test_the_references_known_follow_complaints_added_and_removed(db, tmp_path):
    from chc_tui.rules.context import StepContext
    from chc_tui.steps import usecases
    from store.models import Complaint

    run(db, write_csv(tmp_path / "good.csv", GOOD))
    known = importer._References(db)
    with db.read() as session:
        assert sorted(known.now(session).by_key) == ["ha-101", "ha-102", "ha-103", "ha-104", "ha-105"]
        first = session.exec(select(Complaint.id).where(Complaint.reference == "HA-101")).one()
    with db.write() as session:
        importer._remove(session, [first])  # as an import stopped part-way is undone
    usecases.log_complaint(db, received_on=TODAY, channel="phone", resident_name="Caller", category="Repairs",
                           resident_words="Leak", ctx=StepContext(actor="bob", today=TODAY))
    with db.read() as session:
        now = known.now(session)
    assert sorted(now.by_key) == ["c2026-0001", "ha-102", "ha-103", "ha-104", "ha-105"]
    assert now.exact == {"C2026-0001", "HA-102", "HA-103", "HA-104", "HA-105"}
