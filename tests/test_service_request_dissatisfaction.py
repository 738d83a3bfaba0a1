"""Dissatisfaction on a service request (Code 1.3, 1.5): the choice to make a complaint must
be offered and the answer recorded; "yes" logs the stage 1 complaint at once, linked to the
request, which stays open; the resident being told the decision and next steps is recorded."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.steps import service_requests
from conftest import dump
from store.models import AuditEntry, Complaint, ServiceRequest

MON = date(2026, 11, 23)
ALICE = StepContext(actor="alice", today=MON)


def _request(db) -> str:
    return service_requests.log_service_request(
        db, received_on=date(2026, 11, 2), category="Repairs", description="Broken boiler", resident_name="Ada Brown",
        ctx=ALICE).reference


def _refused(db, call, field: str) -> StepRefused:
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        call()
    assert dump(db) == before, "a refused step wrote something"
    assert refused.value.for_field(field), refused.value.problems
    return refused.value


def _dissatisfied(db, sr, **kw):
    fields = dict(dissatisfied_on=date(2026, 11, 20), dissatisfaction="Three weeks without heating",
                  choice_offered=True, choice="yes", channel="phone", ctx=ALICE)
    fields.update(kw)
    return service_requests.record_dissatisfaction(db, sr, **fields)


def test_dissatisfaction_without_the_choice_to_complain_offered_is_refused_at_the_field(db):
    sr = _request(db)
    refused = _refused(db, lambda: _dissatisfied(db, sr, choice_offered=False, choice="no"), "choice_offered")
    assert "1.3" in refused.for_field("choice_offered")[0]
    _refused(db, lambda: _dissatisfied(db, sr, choice=""), "choice")
    _refused(db, lambda: _dissatisfied(db, sr, dissatisfaction=" "), "dissatisfaction")
    _refused(db, lambda: _dissatisfied(db, sr, dissatisfied_on=date(2026, 10, 1)), "dissatisfied_on")


def test_yes_raises_the_stage_1_complaint_at_once_linked_to_the_request(db):
    sr = _request(db)
    recorded = _dissatisfied(db, sr)
    assert recorded.choice == "yes" and recorded.complaint is not None
    with db.read() as s:
        request = s.exec(select(ServiceRequest)).one()
        complaint = s.exec(select(Complaint).where(Complaint.reference == recorded.complaint.reference)).one()
        assert request.complaint_id == complaint.id and complaint.resident_id == request.resident_id
        assert (complaint.received_on, complaint.resident_words, complaint.status, complaint.current_stage) == (
            date(2026, 11, 20), "Three weeks without heating", "open", 1)
        assert (request.dissatisfied_on, request.complaint_choice_offered, request.complaint_choice) == (
            date(2026, 11, 20), True, "yes")
        assert request.done_on is None, "the request goes on (1.5)"
        actions = [e.action for e in s.exec(select(AuditEntry).order_by(AuditEntry.id))]
    assert actions[-3:] == ["record dissatisfaction on service request", "log",
                            "raise complaint from service request"]


def test_yes_without_the_facts_for_logging_refuses_at_the_field_and_writes_nothing(db):
    sr = _request(db)
    _refused(db, lambda: _dissatisfied(db, sr, channel=""), "channel")
    _refused(db, lambda: _dissatisfied(db, sr, handler="nobody-here"), "handler")


def test_no_and_not_yet_decided_are_recorded_without_a_complaint(db):
    sr = _request(db)
    recorded = _dissatisfied(db, sr, choice="undecided", channel="")
    assert recorded.complaint is None
    recorded = _dissatisfied(db, sr, choice="no", channel="", dissatisfaction="Still no heating")
    assert recorded.complaint is None
    with db.read() as s:
        request = s.exec(select(ServiceRequest)).one()
        assert (request.complaint_choice, request.dissatisfaction, request.complaint_id) == ("no", "Still no heating", None)
        assert s.exec(select(Complaint)).all() == []
    # Once a complaint is raised, further dissatisfaction belongs on it.
    _dissatisfied(db, sr)
    _refused(db, lambda: _dissatisfied(db, sr, choice="no"), "choice")


def test_the_resident_told_the_decision_and_next_steps_is_recorded(db):
    sr = _request(db)
    _refused(db, lambda: service_requests.record_decision_told(db, sr, told_on=MON, how="", decision="x", ctx=ALICE), "how")
    _refused(db, lambda: service_requests.record_decision_told(db, sr, told_on=MON, how="phone", decision="", ctx=ALICE),
             "decision")
    service_requests.record_decision_told(db, sr, told_on=MON, how="phone",
                                          decision="New boiler ordered; fitter booked for 30 November", ctx=ALICE)
    with db.read() as s:
        request = s.exec(select(ServiceRequest)).one()
        assert (request.told_decision_on, request.told_decision_how, request.told_decision) == (
            MON, "phone", "New boiler ordered; fitter booked for 30 November")
        assert s.exec(select(AuditEntry).where(AuditEntry.action == "record decision told on service request")).one()


def test_chc_requests_dissatisfied_and_told(db, capsys, monkeypatch):
    from chc_tui.cli.main import main

    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "alice")
    sr = _request(db)
    path = str(db.path)
    before = dump(db)
    assert main(["requests", "--db", path, "dissatisfied", sr, "No heating", "--answer", "yes", "--on", "20/11/2026"]) == 2
    assert "chc requests: --offered: the resident must be given the choice" in capsys.readouterr().err
    assert dump(db) == before
    assert main(["requests", "--db", path, "dissatisfied", sr.lower(), "No heating", "--offered", "--answer", "yes",
                 "--on", "20/11/2026", "--channel", "in-person"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith(f"{sr}: dissatisfaction recorded; choice to complain offered, answer yes, make a complaint; "
                          "complaint C2026-0001 logged, acknowledge by 2026-11-27")
    assert main(["requests", "--db", path, "told", sr, "Boiler ordered", "--how", "phone", "--on", "23/11/2026"]) == 0
    with db.read() as s:
        request = s.exec(select(ServiceRequest)).one()
        complaint = s.exec(select(Complaint)).one()
    assert (request.complaint_id, complaint.channel) == (complaint.id, "in_person")
    assert (request.told_decision_on, request.told_decision_how, request.told_decision) == (MON, "phone", "Boiler ordered")
