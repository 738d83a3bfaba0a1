"""UK GDPR: a subject access export holds everything about the resident; anonymisation is
refused inside the retention period and, after it, removes what identifies them while every
figure the reports count stays the same."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from chc_tui.documents import letters
from chc_tui.steps import personal_data, usecases
from chc_tui.cli.main import main as chc
from chc_tui.rules.context import StepContext
from chc_tui.steps.correspondence import attachments_dir, record_correspondence
from chc_tui.rules.domain import StepRefused
from chc_tui.steps.settings import put_setting
from conftest import dump
from store.models import Attachment, Complaint, Remedy, Resident, Restriction
from store.personal import REMOVED
from chc_tui.figures.report import compute, gather, to_json
from letter_helpers import ready_to_sign

RECEIVED = date(2019, 3, 4)


def report_figures(db) -> dict:
    """Every figure of the annual report for 2018-19, with the complaints behind each."""
    with db.read() as session:
        inputs, calendar = gather(session, 2018, date(2025, 3, 25))
    return to_json(compute(inputs, calendar))
ALICE = StepContext(actor="alice", today=date(2019, 3, 25))


@pytest.fixture
def history(db, tmp_path):
    """Ann's complaint, answered with a letter, a call with a file, a remedy; closed 2019."""
    with db.write() as session:
        put_setting(session, "landlord.complaints_officer", "Pat Jones")
    ready_to_sign(db)
    ref = usecases.log_complaint(db, received_on=RECEIVED, channel="phone", resident_name="Ann Lee",
                                 resident_address="4 Mill Lane", resident_phone="07700 900123", category="Repairs",
                                 resident_words="My boiler has been broken for a month", adjustments="Large print",
                                 representative_name="Sam Lee", representative_relationship="son", ctx=ALICE).reference
    usecases.define(db, ref, understanding="Boiler broken for a month", outcomes_sought="A working boiler",
                    responsible_aspects="Heating repairs", ctx=ALICE)
    usecases.acknowledge(db, ref, acknowledged_on=date(2019, 3, 6), letter=letters.AS_DRAFTED, ctx=ALICE)
    usecases.respond(db, ref, decision="upheld", reasons="The repair was late",
                     remedies=["£50 for time and trouble, due 01/04/2019"], impact="A month without heating",
                     responded_on=date(2019, 3, 15), letter=letters.AS_DRAFTED, ctx=ALICE)
    photo = tmp_path / "boiler.jpg"
    photo.write_bytes(b"\xff\xd8 a photo of the boiler")
    record_correspondence(db, ref, happened_on=date(2019, 3, 7), kind="call", direction="in", party="resident",
                          summary="Ann rang about the boiler", files=[photo], ctx=ALICE)
    usecases.close(db, ref, closed_on=date(2019, 3, 20), ctx=ALICE)
    with db.read() as session:  # the response made the £50 remedy record
        resident_id = session.exec(select(Complaint)).one().resident_id
    return ref, resident_id


def test_a_subject_access_export_holds_everything_about_the_resident(db, history, tmp_path):
    ref, resident_id = history
    out = personal_data.write_subject_access(db, resident_id, tmp_path / "sar.json", attachments_dir(db.path)).path
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
    figures_before = report_figures(db)
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
        assert session.exec(select(Remedy.amount_pence)).one() == 5000
        held = personal_data.subject_access(session, resident_id)
    text = json.dumps(held)
    for identifying in ("Ann Lee", "4 Mill Lane", "07700 900123", "Sam Lee", "boiler has been broken", "Large print"):
        assert identifying not in text, identifying
    assert [c["reference"] for c in held["complaints"]] == [ref]  # the anonymous record stays
    assert report_figures(db) == figures_before


def test_personal_data_from_the_command_line(db, history, tmp_path, capsys):
    _, resident_id = history
    assert chc(["--db", str(db.path), "personal-data", "find", "Ann"]) == 0
    assert f"{resident_id:>6}  Ann Lee" in capsys.readouterr().out
    assert chc(["--db", str(db.path), "personal-data", "export", str(resident_id), "--out", str(tmp_path / "s.json")]) == 0
    assert json.loads((tmp_path / "s.json").read_text())["resident"]["name"] == "Ann Lee"
    assert chc(["--db", str(db.path), "personal-data", "anonymise", str(resident_id), "--yes"]) == 0
    assert chc(["--db", str(db.path), "personal-data", "find", "Ann"]) == 1


# --- everything that identifies the resident goes, from every table and the file itself ------

# Each word is written somewhere only this resident's records hold it; none may survive.
IDENTIFYING = {
    "name": "Zebedee Quartermaine", "address": "17 Quillfeather Row", "phone": "07700 911911",
    "new address": "42 Vexmoor Close", "new phone": "07700 922922", "email": "zq@vexmoor.example",
    "words": "Fernwhistle boiler", "vulnerability": "Glaucomatic", "adjustment": "Brailleprint",
    "representative": "Ophelia Brandywine", "representative contact": "ob@brandy.example",
    "restriction": "Kestrelwick", "request": "Mothballery gutter", "request outcome": "Plumbanelle fixed",
    "extension": "Zebedee in Hartlepool", "good reason": "Wolverhamptonian surgery", "reasons": "Ravelstone late", "remedy": "Quartermaine voucher",
    "impact": "Penhaligon shivering",
    "remedy offered": "Quartermaine kitchen", "part": "Quartermaine distress", "action": "Quartermaine callback",
    "action update": "Quartermaine rang", "review": "Pemberton proportionate", "definition": "Snickerwood", "call": "Marrowbank rang",
    "party": "Tobias Quartermaine", "file": "Quartermaine-photo.jpg", "ombudsman": "Lindqvist evidence",
    "finding": "Lindqvist finding", "order": "Lindqvist order", "complied": "Lindqvist complied",
    "equality act": "Thistlewaite deafness",
}


@pytest.fixture
def everything(db, tmp_path):
    """One resident with a record in every table that can hold something about them."""
    from chc_tui.steps import ombudsman, remedies, residents, service_requests

    w = IDENTIFYING
    with db.write() as session:
        put_setting(session, "landlord.complaints_officer", "Pat Jones")
    ready_to_sign(db)
    ref = usecases.log_complaint(db, received_on=RECEIVED, channel="phone", resident_name=w["name"],
                                 resident_address=w["address"], resident_phone=w["phone"], category="Repairs",
                                 resident_words=f"My {w['words']} is broken", ctx=ALICE).reference
    with db.read() as session:
        resident_id = session.exec(select(Complaint.resident_id)).one()
    residents.update_contact(db, resident_id, address=w["new address"], phone=w["new phone"], email=w["email"],
                             preferred_channel="email", ctx=ALICE)
    residents.record_vulnerability(db, resident_id, description=w["vulnerability"], disclosed_on=RECEIVED, ctx=ALICE)
    residents.agree_adjustment(db, resident_id, description=w["adjustment"], agreed_on=RECEIVED,
                               review_on=date(2019, 9, 1), ctx=ALICE)
    residents.add_representative(db, resident_id, name=w["representative"], relationship="friend",
                                 contact=w["representative contact"], ctx=ALICE)
    residents.impose_restriction(db, resident_id, restriction=f"{w['restriction']} only", reasons=w["restriction"],
                                 equality_act_consideration=w["equality act"], decided_by="Pat Jones", decided_on=RECEIVED,
                                 review_on=date(2019, 9, 1), confirmed=True, ctx=ALICE)
    with db.read() as session:
        restriction = session.exec(select(Restriction.id)).one()
    residents.review_restriction(db, restriction, reviewed_on=date(2019, 3, 5), next_review_on=date(2019, 9, 1),
                                 note=w["review"], ctx=ALICE)
    request = service_requests.log_service_request(db, received_on=RECEIVED, category="Repairs",
                                                   description=w["request"], resident_id=resident_id, ctx=ALICE)
    service_requests.complete_service_request(db, request.reference, done_on=date(2019, 3, 5),
                                              outcome=w["request outcome"], ctx=ALICE)
    usecases.define(db, ref, understanding=w["definition"], outcomes_sought=w["definition"],
                    responsible_aspects=w["definition"], ctx=ALICE)
    usecases.acknowledge(db, ref, acknowledged_on=date(2019, 3, 6), letter=letters.AS_DRAFTED, ctx=ALICE)
    usecases.extend(db, ref, new_due=date(2019, 4, 12), reason=w["extension"], decided_on=date(2019, 3, 8),
                    told_resident_on=date(2019, 3, 8), ombudsman_details_given=True, good_reason=w["good reason"],
                    ctx=ALICE)
    photo = tmp_path / w["file"]
    photo.write_bytes(b"a photo")
    record_correspondence(db, ref, happened_on=date(2019, 3, 7), kind="call", direction="in",
                          party="representative", party_name=w["party"], summary=w["call"], files=[photo], ctx=ALICE)
    remedy = remedies.offer_remedy(db, ref, kind="financial", description=w["remedy offered"], amount="50",
                                   parts=f"{w['part']}: 50", offered_on=date(2019, 3, 15),
                                   due_on=date(2019, 4, 1), ctx=ALICE)
    remedies.record_remedy_outcome(db, remedy, outcome="accepted", on=date(2019, 3, 16), ctx=ALICE)
    action = remedies.add_action(db, ref, description=w["action"], owner="Pat Jones", due_on=date(2019, 4, 1), ctx=ALICE)
    usecases.respond(db, ref, decision="upheld", reasons=w["reasons"],
                     remedies=[f"explanation: {w['remedy']}, due 01/04/2019"], impact=w["impact"],
                     responded_on=date(2019, 3, 15), letter=letters.AS_DRAFTED, ctx=ALICE)
    remedies.update_action(db, action, update=w["action update"], done_on=date(2019, 3, 18), ctx=ALICE)
    usecases.close(db, ref, closed_on=date(2019, 3, 20), ctx=ALICE)
    case = ombudsman.open_case(db, ref, ombudsman_reference="HOS-1", opened_on=date(2019, 3, 21), ctx=ALICE)
    asked = ombudsman.add_request(db, case, received_on=date(2019, 3, 21), description=w["ombudsman"],
                                  due_on=date(2019, 4, 1), ctx=ALICE)
    ombudsman.meet_request(db, asked, met_on=date(2019, 3, 22), ctx=ALICE)
    finding = ombudsman.record_finding(db, case, issue=w["finding"], determination="maladministration",
                                       determined_on=date(2019, 3, 22), ctx=ALICE)
    order = ombudsman.add_order(db, case, kind="order", description=w["order"], due_on=date(2019, 4, 1),
                                finding_id=finding, ctx=ALICE)
    ombudsman.comply_order(db, order, complied_on=date(2019, 3, 23), evidence=w["complied"], ctx=ALICE)
    ombudsman.close_case(db, case, closed_on=date(2019, 3, 24), ctx=ALICE)
    return ref, resident_id


def _text_of_every_table(db) -> str:
    return json.dumps(dump(db), default=str, ensure_ascii=False)


def test_anonymising_removes_every_identifying_word_from_every_table_and_the_audit_trail(db, everything):
    ref, resident_id = everything
    assert all(word in _text_of_every_table(db) for word in IDENTIFYING.values())  # all were recorded
    figures_before = report_figures(db)
    personal_data.anonymise_resident(db, resident_id, attachments_dir=attachments_dir(db.path),
                                     ctx=StepContext(actor="dpo", today=date(2025, 3, 25)))
    text = _text_of_every_table(db)
    left = [what for what, word in IDENTIFYING.items() if word in text or max(word.split(), key=len) in text]
    assert left == []
    assert report_figures(db) == figures_before
    with db.read() as session:
        assert session.exec(select(Remedy.amount_pence).where(Remedy.kind == "financial")).one() == 5000


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_anonymised_words_are_gone_from_the_database_file_and_its_wal(db, everything):
    _, resident_id = everything
    personal_data.anonymise_resident(db, resident_id, attachments_dir=attachments_dir(db.path),
                                     ctx=StepContext(actor="dpo", today=date(2025, 3, 25)))
    wal = db.path.with_name(db.path.name + "-wal")
    raw = db.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    left = [what for what, word in IDENTIFYING.items() if word.encode() in raw or max(word.split(), key=len).encode() in raw]
    assert left == []


def _name_trigrams_in_search_index(db, name: str) -> set[str]:
    """The trigrams of `name` (as the index folds them) found in the search index's stored segments."""
    trigrams = {name.lower()[i:i + 3] for i in range(len(name) - 2)}
    with db.engine.connect() as conn:
        blobs = b"".join(row[0] for row in conn.exec_driver_sql("SELECT block FROM resident_name_search_data"))
    return {t for t in trigrams if t.encode() in blobs}


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_anonymised_names_are_gone_from_the_search_index(db, everything):
    """The index keeps an old name's trigrams beside its deletion marker until a merge."""
    _, resident_id = everything
    name = IDENTIFYING["name"]
    assert len(_name_trigrams_in_search_index(db, name)) >= 5  # what the check can see
    personal_data.anonymise_resident(db, resident_id, attachments_dir=attachments_dir(db.path),
                                     ctx=StepContext(actor="dpo", today=date(2025, 3, 25)))
    assert _name_trigrams_in_search_index(db, name) == set()
    with db.read() as session:  # and the search still works, on what is left
        from store.queries import complaint_rows

        assert complaint_rows(session, search="Quartermaine") == []
        assert [row.resident for row in complaint_rows(session, search="personal data anon")] == [REMOVED]


def test_every_text_column_is_classified_personal_or_not():
    """A text column added to a model without a decision here would escape anonymisation."""
    from store import personal

    unclassified = {
        f"{table.name}.{column}"
        for table in personal.tables()
        for column in personal.text_columns(table) - personal.classified(table.name)
    }
    twice = {
        f"{name}.{column}"
        for name, columns in personal.NOT_PERSONAL.items()
        for column in columns & (personal.PERSONAL.get(name, frozenset()) | personal.PERSONAL_JSON.get(name, frozenset()))
    }
    assert (unclassified, twice) == (set(), set())


# --- finding a resident, and the export's files ----------------------------------------------


def test_find_takes_percent_and_underscore_literally_and_refuses_an_empty_search(db, history, capsys):
    usecases.log_complaint(db, received_on=RECEIVED, channel="phone", resident_name="100% Lettings_Ltd",
                           category="Repairs", resident_words="x", ctx=ALICE)
    for wildcard in ("%", "_", "L_e"):
        assert chc(["--db", str(db.path), "personal-data", "find", wildcard]) == (0 if wildcard != "L_e" else 1)
        found = capsys.readouterr().out
        assert "Ann Lee" not in found, wildcard
    assert chc(["--db", str(db.path), "personal-data", "find", "s_l"]) == 0
    assert "100% Lettings_Ltd" in capsys.readouterr().out
    for empty in ("", "   "):
        assert chc(["--db", str(db.path), "personal-data", "find", empty]) == 2
        assert "say part of the resident's name" in capsys.readouterr().err


def test_the_export_copies_files_in_chunks_and_names_each_missing_one(db, history, tmp_path, capsys, monkeypatch):
    _, resident_id = history
    with db.write() as session:
        stored = session.exec(select(Attachment)).one()
        session.add(Attachment(correspondence_id=stored.correspondence_id, original_name="lost-letter.pdf",
                               stored_name="00/gone", sha256="0" * 64, size_bytes=5))
    # Reading a whole file into memory is what a 2 GB attachment cannot afford.
    monkeypatch.setattr(type(tmp_path), "read_bytes", lambda self: pytest.fail(f"{self} read whole"))
    out = tmp_path / "sar.json"
    assert chc(["--db", str(db.path), "personal-data", "export", str(resident_id), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "'lost-letter.pdf' is missing" in err and "boiler.jpg" not in err
    held = json.loads(out.read_text(encoding="utf-8"))
    assert [m["original_name"] for m in held["missing_attachments"]] == ["lost-letter.pdf"]
    assert [p.name for p in (tmp_path / "sar-files").iterdir()] == [f"{stored.id}-boiler.jpg"]


def test_exported_file_names_cannot_leave_the_folder_or_carry_escapes(db, history, tmp_path):
    _, resident_id = history
    with db.write() as session:
        stored = session.exec(select(Attachment)).one()
        stored.original_name = "../../..\\evil\x1b[31m\x07\n.sh"
        session.add(Attachment(correspondence_id=stored.correspondence_id, original_name="secret",
                               stored_name="../../../../etc/hostname", sha256="0" * 64, size_bytes=5))
    (tmp_path / "out").mkdir()
    made = personal_data.write_subject_access(db, resident_id, tmp_path / "out" / "sar.json", attachments_dir(db.path))
    files = list((tmp_path / "out" / "sar-files").iterdir())
    assert [p.name for p in files] == [f"{stored.id}-._._._evil__.sh"]  # the escape gone, BEL and newline as _
    assert made.missing == ("secret",)  # a stored name leading out of the attachments folder is not followed
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["sar-files", "sar.json"]
    for name in ("a/b", "..", "x\x1b]0;title\x07y", "\u202egnp.exe"):
        safe = personal_data.safe_file_name(name)
        assert "/" not in safe and ".." not in safe and all(c.isprintable() for c in safe), (name, safe)


def test_the_export_holds_no_other_residents_entries(db, history):
    from chc_tui.steps import service_requests

    _, resident_id = history
    for n in range(10):
        service_requests.log_service_request(db, received_on=RECEIVED, category="Repairs", description="Gutter",
                                             resident_name=f"Neighbour {n}", ctx=ALICE)
    with db.read() as session:
        other = session.exec(select(Resident.id).where(Resident.name == "Neighbour 9")).one()
        held = personal_data.subject_access(session, resident_id)
    assert str(other).startswith(str(resident_id))  # "resident_id": 1 is inside "resident_id": 11
    assert "Neighbour" not in json.dumps(held)


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_a_reader_holding_old_pages_is_named_and_a_second_run_clears_them(db, everything, capsys, monkeypatch):
    import sqlite3
    from contextlib import closing

    import store.engine

    _, resident_id = everything
    monkeypatch.setattr(store.engine, "BUSY_TIMEOUT_MS", 50)  # the checkpoint gives up at once
    wal = db.path.with_name(db.path.name + "-wal")
    with closing(sqlite3.connect(db.path, isolation_level=None)) as reader:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM resident").fetchone()  # another session mid-read
        assert chc(["--db", str(db.path), "personal-data", "anonymise", str(resident_id), "--yes"]) == 1
        assert "is anonymised, but another session is reading" in capsys.readouterr().err
        reader.execute("COMMIT")
    assert chc(["--db", str(db.path), "personal-data", "anonymise", str(resident_id), "--yes"]) == 0
    assert "chc backup prune --before" in capsys.readouterr().out
    raw = db.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert [what for what, word in IDENTIFYING.items() if word.encode() in raw] == []
