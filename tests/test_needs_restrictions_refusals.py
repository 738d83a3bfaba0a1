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


# --- refusals with their facts (2.2, 2.3) ---------------------------------------------------------

RECEIVED_ON = date(2026, 11, 2)
OVER = dict(exclusion_reason="over_12_months", explanation="The damage was in 2023 and not reported then",
            ombudsman_right_explained=True)


def _refusal(db, ref: str):
    from store.models import Refusal

    with db.read() as s:
        return s.exec(select(Refusal).join(Complaint).where(Complaint.reference == ref)).one()


def test_over_12_months_without_its_dates_or_discretion_is_refused_at_each_field(db):
    ref = _log(db)
    refused = _refused(db, lambda: usecases.refuse(db, ref, **OVER, ctx=ALICE),
                       "issue_on", "aware_on", "discretion_considered")
    assert "2.3" in refused.for_field("issue_on")[0] and "2.3" in refused.for_field("discretion_considered")[0]
    _refused(db, lambda: usecases.refuse(db, ref, **OVER, issue_on=date(2023, 5, 1), aware_on=date(2023, 5, 1),
                                         discretion_considered="  ", ctx=ALICE), "discretion_considered")
    _refused(db, lambda: usecases.refuse(db, ref, **OVER, issue_on=date(2023, 5, 1), aware_on=date(2023, 4, 1),
                                         discretion_considered="No good reason", ctx=ALICE), "aware_on")
    usecases.refuse(db, ref, **OVER, issue_on=date(2023, 5, 1), aware_on=date(2023, 5, 1),
                    discretion_considered="No good reason for the delay; the floor has since been replaced", ctx=ALICE)
    refusal = _refusal(db, ref)
    assert (refusal.issue_on, refusal.aware_on, refusal.claim_filed_on) == (date(2023, 5, 1), date(2023, 5, 1), None)
    assert refusal.discretion_considered.startswith("No good reason")


def test_within_12_months_of_becoming_aware_is_refused_as_not_over_12_months(db):
    ref = _log(db, received=RECEIVED_ON)
    facts = dict(issue_on=date(2024, 3, 1), discretion_considered="None", ctx=ALICE)
    # aware 11 months before receipt: the complaint must be accepted (2.3)
    refused = _refused(db, lambda: usecases.refuse(db, ref, **OVER, aware_on=date(2025, 12, 2), **facts), "aware_on")
    assert refused.for_field("aware_on")[0].startswith("not over 12 months: 02/12/2025")
    # exactly 12 months before receipt is still within the limit; a day earlier is over it
    _refused(db, lambda: usecases.refuse(db, ref, **OVER, aware_on=date(2025, 11, 2), **facts), "aware_on")
    usecases.refuse(db, ref, **OVER, aware_on=date(2025, 11, 1), **facts)


def test_the_limit_is_the_policys_refusal_age(db):
    from dataclasses import replace

    from chc_tui.rules.policy import CODE_2024

    ref = _log(db, received=RECEIVED_ON)
    longer = StepContext(actor="alice", today=MON, policy=replace(CODE_2024, refusal_age_months=24))
    _refused(db, lambda: usecases.refuse(db, ref, **OVER, issue_on=date(2025, 1, 1), aware_on=date(2025, 1, 1),
                                         discretion_considered="None", ctx=longer), "issue_on", "aware_on")


def test_legal_proceedings_without_the_claim_date_is_refused(db):
    ref = _log(db)
    legal = dict(exclusion_reason="legal_proceedings", explanation="A disrepair claim is before the court",
                 ombudsman_right_explained=True, ctx=ALICE)
    refused = _refused(db, lambda: usecases.refuse(db, ref, **legal), "claim_filed_on")
    assert "2.2" in refused.for_field("claim_filed_on")[0]
    _refused(db, lambda: usecases.refuse(db, ref, **legal, claim_filed_on=date(2026, 12, 1)), "claim_filed_on")
    usecases.refuse(db, ref, **legal, claim_filed_on=date(2026, 10, 12))
    assert _refusal(db, ref).claim_filed_on == date(2026, 10, 12)


def test_an_imported_refusal_stores_its_facts_as_not_known(db):
    ref = _log(db)
    usecases.refuse(db, ref, exclusion_reason="over_12_months", explanation="From the sheet", right_explained_known=False,
                    facts_known=False, issue_on=date(2026, 1, 1), ctx=ALICE)
    refusal = _refusal(db, ref)
    assert (refusal.issue_on, refusal.aware_on, refusal.discretion_considered) == (None, None, "")



def test_an_adjustment_typed_when_logging_has_its_review_on_the_deadline_panel(db):
    from chc_tui.services import Services

    ref = _log(db, adjustments="Large print letters")
    services = Services(db, actor="alice", today_fn=lambda: MON)
    [review] = [o for o in services.other_deadlines() if o.row.kind == "adjustment"]
    assert (review.row.due_on, review.row.complaint_reference) == (date(2027, 5, 2), ref)


def test_every_letter_shows_the_residents_disclosed_needs_and_representative_above_it(landlord_db):
    """Issue 19.3: vulnerabilities and representatives belong to the resident and are shown
    above every letter, with the adjustments; an ended one is not."""
    from chc_tui.documents import letters

    db = landlord_db
    on_receipt = StepContext(actor="alice", today=RECEIVED)
    ref = usecases.log_complaint(
        db, received_on=RECEIVED, channel="phone", resident_name="Mrs Ada Brown", resident_address="4 Mill Lane",
        category="Repairs", resident_words="The ceiling leaks.", ctx=on_receipt,
    ).reference
    rid = _resident_id(db, ref)
    residents.record_vulnerability(db, rid, description="Hard of hearing", disclosed_on=RECEIVED, ctx=on_receipt)
    residents.add_representative(db, rid, name="Tom Brown", relationship="son", ctx=on_receipt)
    _defined(db, ref)
    at_ack = StepContext(actor="alice", today=ACKNOWLEDGED)
    with pytest.raises(letters.LetterDrafted) as drafted:
        usecases.acknowledge(db, ref, acknowledged_on=ACKNOWLEDGED, letter=letters.DRAFT, ctx=at_ack)
    assert drafted.value.draft.other_needs == ("disclosed: Hard of hearing", "representative: Tom Brown (son)")
