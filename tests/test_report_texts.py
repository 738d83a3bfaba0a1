"""The report's entered parts and the homes owned: written by use-cases, audited in the
same transaction, versioned, and never half-written."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from chc_tui.figures import report_texts
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StaleRecord, StepRefused
from chc_tui.steps.settings import get_setting
from conftest import dump
from store.models import AuditEntry, ReportText

CTX = StepContext(actor="alice", today=date(2026, 5, 1))
BOB = StepContext(actor="bob", today=date(2026, 5, 1))


def audit(db):
    with db.read() as s:
        return [(a.actor, a.action, json.loads(a.details_json)) for a in s.exec(select(AuditEntry).order_by(AuditEntry.id))]


def texts(db):
    with db.read() as s:
        return [(t.year, t.part, t.text, t.changed_by, t.version) for t in s.exec(select(ReportText).order_by(ReportText.id))]


def test_set_report_text_creates_then_versions_and_audits(db):
    assert report_texts.set_report_text(db, year=2025, part="governing_body_response", text="  We welcome it. ", ctx=CTX) == 1
    assert report_texts.set_report_text(db, year=2025, part="governing_body_response", text="We welcome it, and ask for more.",
                                        expected_version=1, ctx=BOB) == 2
    assert texts(db) == [(2025, "governing_body_response", "We welcome it, and ask for more.", "bob", 2)]
    assert audit(db) == [
        ("alice", "report text", {"year": 2025, "part": "governing_body_response", "text": "We welcome it.", "version": 1}),
        ("bob", "report text", {"year": 2025, "part": "governing_body_response", "text": "We welcome it, and ask for more.", "version": 2}),
    ]
    # saving the same text again is not a change
    assert report_texts.set_report_text(db, year=2025, part="governing_body_response", text="We welcome it, and ask for more.", ctx=CTX) == 2
    assert len(audit(db)) == 2


def test_a_stale_version_is_refused_and_nothing_is_written(db):
    report_texts.set_report_text(db, year=2025, part="ombudsman_findings", text="None.", ctx=CTX)
    report_texts.set_report_text(db, year=2025, part="ombudsman_findings", text="One finding.", expected_version=1, ctx=BOB)
    before = dump(db)
    with pytest.raises(StaleRecord) as err:
        report_texts.set_report_text(db, year=2025, part="ombudsman_findings", text="Mine.", expected_version=1, ctx=CTX)
    assert "changed by someone else" in str(err.value) and "version 1 -> 2" in str(err.value)
    assert dump(db) == before
    with pytest.raises(StaleRecord):  # "nothing entered yet" is version 0
        report_texts.set_report_text(db, year=2025, part="ombudsman_findings", text="Mine.", expected_version=0, ctx=CTX)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        (dict(year=2025, part="chairs_view", text="x"), "part"),
        (dict(year=25, part="ombudsman_findings", text="x"), "year"),
        (dict(year="2025", part="ombudsman_findings", text="x"), "year"),
        (dict(year=2025, part="ombudsman_findings", text="x" * 20_001), "ombudsman_findings"),
    ],
)
def test_bad_text_input_is_refused(db, kwargs, field):
    before = dump(db)
    with pytest.raises(StepRefused) as err:
        report_texts.set_report_text(db, ctx=CTX, **kwargs)
    assert err.value.problems[0].field == field
    assert dump(db) == before


def test_set_homes_owned_is_a_setting_per_year_and_audited(db):
    report_texts.set_homes_owned(db, year=2024, homes=5035, ctx=CTX)
    report_texts.set_homes_owned(db, year=2025, homes="5,120", ctx=CTX)
    with db.read() as s:
        assert get_setting(s, "homes_owned:2024") == 5035
        assert get_setting(s, "homes_owned:2025") == 5120
    assert audit(db) == [
        ("alice", "set homes owned", {"year": 2024, "homes": 5035, "before": None}),
        ("alice", "set homes owned", {"year": 2025, "homes": 5120, "before": None}),
    ]
    before = dump(db)
    for bad in (0, -3, "lots", 2_000_000, True, 12.5):
        with pytest.raises(StepRefused):
            report_texts.set_homes_owned(db, year=2025, homes=bad, ctx=CTX)
    assert dump(db) == before


def test_the_forms_inputs_are_one_transaction(db):
    report_texts.set_report_text(db, year=2025, part="ombudsman_findings", text="None.", ctx=CTX)
    report_texts.set_report_text(db, year=2025, part="ombudsman_findings", text="One.", expected_version=1, ctx=BOB)
    before = dump(db)
    with pytest.raises(StaleRecord):
        report_texts.set_report_inputs(
            db, year=2025, homes=5035,
            texts={"service_improvements": "New repairs triage.", "ombudsman_findings": "Mine."},
            expected_versions={"service_improvements": 0, "ombudsman_findings": 1}, ctx=CTX,
        )
    assert dump(db) == before  # neither the other text nor the homes were written
    versions = report_texts.set_report_inputs(
        db, year=2025, homes="5035", texts={"service_improvements": "New repairs triage."},
        expected_versions={"service_improvements": 0}, ctx=CTX,
    )
    assert versions == {"service_improvements": 1}
    assert [a[1] for a in audit(db)][-2:] == ["report text", "set homes owned"]
