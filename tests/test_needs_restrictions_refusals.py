"""Issue 19 (3, 7, 4): needs that follow the resident, restrictions with the Equality Act
considered (5.15), and refusals with their facts (2.2, 2.3)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import NeedsConfirmation, StepRefused
from chc_tui.steps import residents, usecases
from store.models import AuditEntry, Complaint, Restriction
from tests.conftest import dump

MON = date(2026, 11, 23)
ALICE = StepContext(actor="alice", today=MON)


def _log(db, name="Ada Brown", received=date(2026, 11, 2), **more) -> str:
    return usecases.log_complaint(
        db, received_on=received, channel="phone", resident_name=name, category="Repairs",
        resident_words="The leak is still there", ctx=ALICE, **more,
    ).reference


def _resident_id(db, reference: str) -> int:
    with db.read() as s:
        return s.exec(select(Complaint.resident_id).where(Complaint.reference == reference)).one()


def _refused(db, call, *fields: str) -> StepRefused:
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        call()
    assert dump(db) == before, "a refused step wrote something"
    for name in fields:
        assert refused.value.for_field(name), refused.value.problems
    return refused.value


# --- restrictions (5.15) ------------------------------------------------------------------------

RESTRICTION = dict(restriction="Contact by email only", reasons="Abusive calls to staff on 3 occasions",
                   decided_by="Head of Housing", decided_on=date(2026, 11, 20), review_on=date(2027, 2, 22))


def test_a_restriction_without_the_equality_act_consideration_is_refused_at_its_field(db):
    rid = _resident_id(db, _log(db))
    refused = _refused(db, lambda: residents.impose_restriction(db, rid, **RESTRICTION, ctx=ALICE),
                       "equality_act_consideration")
    assert "Equality Act 2010" in refused.for_field("equality_act_consideration")[0]
    assert "5.15" in refused.for_field("equality_act_consideration")[0]
    _refused(db, lambda: residents.impose_restriction(
        db, rid, **RESTRICTION, equality_act_consideration="   ", ctx=ALICE), "equality_act_consideration")
    residents.impose_restriction(db, rid, **RESTRICTION, equality_act_consideration="No protected characteristic "
                                 "disclosed; email keeps access to the service", ctx=ALICE)
    with db.read() as s:
        [row] = s.exec(select(Restriction)).all()
    assert row.equality_act_consideration.startswith("No protected characteristic")


def test_a_restriction_where_a_vulnerability_is_disclosed_warns_then_records_when_confirmed(db):
    rid = _resident_id(db, _log(db))
    residents.record_vulnerability(db, rid, description="Hard of hearing", disclosed_on=date(2026, 11, 2), ctx=ALICE)
    call = lambda **more: residents.impose_restriction(  # noqa: E731
        db, rid, **RESTRICTION, equality_act_consideration="Written contact suits her hearing", ctx=ALICE, **more)
    warned = _refused(db, call)
    assert isinstance(warned, NeedsConfirmation)
    assert "Hard of hearing" in str(warned) and "5.15" in str(warned)
    call(confirmed=True)
    with db.read() as s:
        [row] = s.exec(select(Restriction)).all()
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "impose restriction")).one()
    assert row.equality_act_consideration == "Written contact suits her hearing"
    assert "Hard of hearing" in entry.details_json


def test_a_vulnerability_that_ended_before_the_decision_gives_no_warning(db):
    rid = _resident_id(db, _log(db))
    vid = residents.record_vulnerability(db, rid, description="Recovering from surgery", disclosed_on=date(2026, 11, 2),
                                         ctx=ALICE)
    residents.end_vulnerability(db, vid, ended_on=date(2026, 11, 10), ctx=ALICE)
    residents.impose_restriction(db, rid, **RESTRICTION, equality_act_consideration="Considered", ctx=ALICE)
