"""UK GDPR: a subject access export holds everything about the resident; anonymisation is
refused inside the retention period and, after it, removes what identifies them while every
figure the reports count stays the same."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from chc_tui import letters, personal_data, usecases
from chc_tui.cli import main as chc
from chc_tui.context import StepContext
from chc_tui.correspondence import attachments_dir, record_correspondence
from chc_tui.domain import StepRefused
from chc_tui.settings import put_setting
from conftest import dump
from store.models import Attachment, Complaint, Remedy, Resident
from store.report_queries import report_stages

RECEIVED = date(2019, 3, 4)
ALICE = StepContext(actor="alice", today=date(2019, 3, 25))


@pytest.fixture
def history(db, tmp_path):
    """Ann's complaint, answered with a letter, a call with a file, a remedy; closed 2019."""
    with db.write() as session:
        put_setting(session, "landlord.complaints_officer", "Pat Jones")
    ref = usecases.log_complaint(db, received_on=RECEIVED, channel="phone", resident_name="Ann Lee",
                                 resident_address="4 Mill Lane", resident_phone="07700 900123", category="Repairs",
                                 resident_words="My boiler has been broken for a month", adjustments="Large print",
                                 representative_name="Sam Lee", representative_relationship="son", ctx=ALICE).reference
    usecases.define(db, ref, understanding="Boiler broken for a month", outcomes_sought="A working boiler",
                    responsible_aspects="Heating repairs", ctx=ALICE)
    usecases.acknowledge(db, ref, acknowledged_on=date(2019, 3, 6), letter=letters.AS_DRAFTED, ctx=ALICE)
    usecases.respond(db, ref, decision="upheld", reasons="The repair was late", remedy="£50",
                     responded_on=date(2019, 3, 15), letter=letters.AS_DRAFTED, ctx=ALICE)
    photo = tmp_path / "boiler.jpg"
    photo.write_bytes(b"\xff\xd8 a photo of the boiler")
    record_correspondence(db, ref, happened_on=date(2019, 3, 7), kind="call", direction="in", party="resident",
                          summary="Ann rang about the boiler", files=[photo], ctx=ALICE)
    usecases.close(db, ref, closed_on=date(2019, 3, 20), ctx=ALICE)
    with db.write() as session:
        complaint = session.exec(select(Complaint)).one()
        session.add(Remedy(complaint_id=complaint.id, stage=1, kind="financial", description="£50 for time and trouble",
                           amount_pence=5000, offered_on=date(2019, 3, 15)))
        resident_id = complaint.resident_id
    return ref, resident_id


def test_a_subject_access_export_holds_everything_about_the_resident(db, history, tmp_path):
    ref, resident_id = history
    out = personal_data.write_subject_access(db, resident_id, tmp_path / "sar.json", attachments_dir(db.path))
    held = json.loads(out.read_text(encoding="utf-8"))
    assert held["resident"]["name"] == "Ann Lee" and held["resident"]["phone"] == "07700 900123"
    assert [c["reference"] for c in held["complaints"]] == [ref]
    assert held["complaints"][0]["resident_words"] == "My boiler has been broken for a month"
    assert {l["kind"] for l in held["letters"]} == {"stage1_acknowledgement", "stage1_response"}
    assert [a["original_name"] for a in held["attachments"]] == ["boiler.jpg"]
    assert held["remedies"][0]["amount_pence"] == 5000
    assert {e["action"] for e in held["audit_trail"]} >= {"log", "define", "acknowledge", "respond", "close"}
    copied = list((tmp_path / "sar-files").iterdir())
    assert [p.read_bytes() for p in copied] == [b"\xff\xd8 a photo of the boiler"]


def test_anonymising_inside_the_retention_period_is_refused(db, history):
    _, resident_id = history
    before = dump(db)
    with pytest.raises(StepRefused, match="6-year retention period runs to 20/03/2025"):
        personal_data.anonymise_resident(db, resident_id, ctx=StepContext(actor="alice", today=date(2025, 3, 19)))
    assert dump(db) == before


def test_anonymising_an_open_complaints_resident_is_refused(db):
    ref = usecases.log_complaint(db, received_on=RECEIVED, channel="phone", resident_name="Bo", category="Repairs",
                                 resident_words="x", ctx=ALICE).reference
    with db.read() as session:
        resident_id = session.exec(select(Complaint.resident_id).where(Complaint.reference == ref)).one()
    with pytest.raises(StepRefused, match="open complaint"):
        personal_data.anonymise_resident(db, resident_id, ctx=StepContext(actor="alice", today=date(2030, 1, 1)))


def test_after_the_retention_period_identity_goes_and_the_figures_stay(db, history):
    ref, resident_id = history
    later = StepContext(actor="dpo", today=date(2025, 3, 21))
    with db.read() as session:
        assert [d.resident_id for d in personal_data.due_for_anonymisation(session, later.today)] == [resident_id]
        figures_before = report_stages(session, date(2018, 4, 1), date(2019, 3, 31))
    stored_file = attachments_dir(db.path)
    deleted = personal_data.anonymise_resident(db, resident_id, attachments_dir=stored_file, ctx=later)
    assert deleted == 1
    with db.read() as session:
        resident = session.get(Resident, resident_id)
        complaint = session.exec(select(Complaint)).one()
        assert (resident.name, resident.address, resident.phone) == (personal_data.REMOVED, "", "")
        assert complaint.resident_words == personal_data.REMOVED
        assert (complaint.representative_name, complaint.adjustments) == ("", "")
        assert session.exec(select(Attachment)).all() == []
        assert report_stages(session, date(2018, 4, 1), date(2019, 3, 31)) == figures_before
        assert session.exec(select(Remedy.amount_pence)).one() == 5000
        held = personal_data.subject_access(session, resident_id)
    text = json.dumps(held)
    for identifying in ("Ann Lee", "4 Mill Lane", "07700 900123", "Sam Lee", "boiler has been broken", "Large print"):
        assert identifying not in text, identifying
    assert [c["reference"] for c in held["complaints"]] == [ref]  # the anonymous record stays


def test_personal_data_from_the_command_line(db, history, tmp_path, capsys):
    _, resident_id = history
    assert chc(["--db", str(db.path), "personal-data", "find", "Ann"]) == 0
    assert f"{resident_id:>6}  Ann Lee" in capsys.readouterr().out
    assert chc(["--db", str(db.path), "personal-data", "export", str(resident_id), "--out", str(tmp_path / "s.json")]) == 0
    assert json.loads((tmp_path / "s.json").read_text())["resident"]["name"] == "Ann Lee"
    assert chc(["--db", str(db.path), "personal-data", "anonymise", str(resident_id), "--yes"]) == 0
    assert chc(["--db", str(db.path), "personal-data", "find", "Ann"]) == 1
