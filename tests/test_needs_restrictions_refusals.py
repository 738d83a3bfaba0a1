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


# --- needs that follow the resident (5.10) -----------------------------------------------------

RECEIVED = date(2026, 11, 16)
ACKNOWLEDGED = date(2026, 11, 18)


@pytest.fixture
def landlord_db(db):
    from chc_tui.steps.settings import put_setting
    from letter_helpers import ready_to_sign

    with db.write() as session:
        put_setting(session, "landlord_name", "Riverside Homes")
        put_setting(session, "landlord.address", "1 Quay Street\nExeter EX1 1AA")
        put_setting(session, "landlord.complaints_officer", "Pat Jones, Complaints Officer")
    ready_to_sign(db)
    return db


def _defined(db, ref: str) -> None:
    usecases.define(db, ref, understanding="The leak is not repaired", outcomes_sought="Repair it",
                    responsible_aspects="The roof", ctx=StepContext(actor="alice", today=RECEIVED))


def _docx_sizes(path) -> set[float]:
    """Every font size a reader of the .docx sees in the letter's paragraphs (points)."""
    from docx import Document

    word = Document(str(path))
    normal = word.styles["Normal"].font.size.pt
    return {(run.font.size.pt if run.font.size else normal) for p in word.paragraphs for run in p.runs
            if run.text.strip() and not run.bold}


def test_large_print_typed_when_logging_follows_the_resident_to_her_next_complaint_and_its_letters(landlord_db, tmp_path):
    from chc_tui.documents import letters
    from chc_tui.services import Services
    from store.wider_record_queries import resident_needs

    db = landlord_db
    on_receipt = StepContext(actor="alice", today=RECEIVED)
    first = usecases.log_complaint(
        db, received_on=RECEIVED, channel="phone", resident_name="Mrs Ada Brown", resident_address="4 Mill Lane",
        category="Repairs", resident_words="The ceiling leaks.", adjustments="Large print letters", ctx=on_receipt,
    ).reference
    rid = _resident_id(db, first)
    with db.read() as s:
        [need] = resident_needs(s, rid).current_adjustments
    assert (need.description, need.agreed_on, need.review_on) == ("Large print letters", RECEIVED, date(2027, 5, 16))

    second = usecases.log_complaint(
        db, received_on=RECEIVED, channel="phone", resident_name="", resident_id=rid, category="Communication",
        resident_words="Nobody rang back.", ctx=on_receipt,
    ).reference
    _defined(db, second)
    at_ack = StepContext(actor="alice", today=ACKNOWLEDGED)
    with pytest.raises(letters.LetterDrafted) as drafted:
        usecases.acknowledge(db, second, acknowledged_on=ACKNOWLEDGED, letter=letters.DRAFT, ctx=at_ack)
    assert drafted.value.draft.adjustments == "Large print letters"  # shown above the letter
    usecases.acknowledge(db, second, acknowledged_on=ACKNOWLEDGED, letter=letters.AS_DRAFTED, ctx=at_ack)
    services = Services(db, actor="alice", today_fn=lambda: ACKNOWLEDGED)
    detail = services.complaint(second)
    assert [a.description for a in detail.needs.current_adjustments] == ["Large print letters"]
    (letter,) = detail.letters
    assert _docx_sizes(services.export_letter(letter.id, tmp_path / "ack.docx")) == {16.0}

    # ended on the resident's needs: her letters are ordinary print again
    residents.review_adjustment(db, need.id, reviewed_on=ACKNOWLEDGED, end=True, ctx=at_ack)
    assert _docx_sizes(services.export_letter(letter.id, tmp_path / "ack2.docx")) == {11.0}


def test_the_d_step_makes_the_adjustment_the_residents_once(db):
    ref = _log(db)
    rid = _resident_id(db, ref)
    usecases.note_adjustments(db, ref, adjustments="Braille copies", ctx=ALICE)
    usecases.note_adjustments(db, ref, adjustments="Braille copies", ctx=ALICE)  # already hers: not twice
    from store.wider_record_queries import resident_needs

    with db.read() as s:
        assert [a.description for a in resident_needs(s, rid).current_adjustments] == ["Braille copies"]


def test_a_need_print_cannot_meet_puts_a_note_for_the_post_run_at_the_top(landlord_db, tmp_path):
    from chc_tui.documents import letters
    from chc_tui.services import Services

    db = landlord_db
    ref = usecases.log_complaint(
        db, received_on=RECEIVED, channel="phone", resident_name="Mr Tom Hale", resident_address="2 Mill Lane",
        category="Repairs", resident_words="The ceiling leaks.", adjustments="Letters in Braille, please",
        ctx=StepContext(actor="alice", today=RECEIVED),
    ).reference
    _defined(db, ref)
    usecases.acknowledge(db, ref, acknowledged_on=ACKNOWLEDGED, letter=letters.AS_DRAFTED,
                         ctx=StepContext(actor="alice", today=ACKNOWLEDGED))
    services = Services(db, actor="alice", today_fn=lambda: ACKNOWLEDGED)
    (letter,) = services.complaint(ref).letters
    text = services.export_letter(letter.id, tmp_path / "ack.txt").read_text(encoding="utf-8")
    assert text.startswith("FOR THE POST RUN: this resident needs Braille")
    assert text.endswith(letter.body)
    assert _docx_sizes(services.export_letter(letter.id, tmp_path / "ack.docx")) == {11.0}


def test_the_format_rule_reads_the_adjustments_words():
    from chc_tui.rules.needs import letter_format

    assert letter_format(["Large print letters"]).size_pt == 16.0
    assert letter_format(["large-print"]).large_print and letter_format(["bigger font please"]).large_print
    assert not letter_format(["Calls only after 2pm"]).large_print
    assert letter_format(["Calls only after 2pm"]).post_run_note() == ""
    assert letter_format(["an audio CD of each letter", "Braille"]).not_in_print == ("audio", "Braille")
