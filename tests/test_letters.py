"""Letters: every template rendered for complaints in each state with the Code's required
items present; a missing item blocks the step, naming it; the letter sent is stored byte
for byte, with a correspondence entry; drafting writes nothing."""

from __future__ import annotations

import hashlib
import json
from datetime import date

import pytest
from sqlmodel import select

from chc_tui.documents import letters
from chc_tui.steps import usecases
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.steps.settings import put_setting
from conftest import dump
from letter_helpers import ready_to_sign
from store.models import AuditEntry, Correspondence, Extension, Letter, Staff

MON = date(2026, 11, 23)
ALICE = StepContext(actor="alice", today=MON)
BOB = StepContext(actor="bob", today=MON)
OFFICER = "Pat Jones, Complaints Officer"


@pytest.fixture
def landlord(db):
    with db.write() as session:
        put_setting(session, "landlord_name", "Riverside Homes")
        put_setting(session, "landlord.complaints_officer", OFFICER)
        put_setting(session, "landlord.address", "1 Quay Street, Exeter EX1 1AA")
    ready_to_sign(db)
    return db


def draft(step, db, ref, **kwargs):
    before = dump(db)
    with pytest.raises(letters.LetterDrafted) as drafted:
        getattr(usecases, step)(db, ref, letter=letters.DRAFT, **kwargs)
    assert dump(db) == before, "drafting a letter must write nothing"
    return drafted.value.draft


def logged(db, **kw):
    fields = dict(
        received_on=date(2026, 11, 16), channel="phone", resident_name="Mrs Ada Brown",
        resident_address="4 Mill Lane, Exeter", category="Repairs",
        resident_words="The bathroom ceiling leaks and nobody has come.", handler="alice", ctx=ALICE,
    )
    fields.update(kw)
    return usecases.log_complaint(db, **fields).reference


def defined(db, ref, ctx=ALICE):
    usecases.define(
        db, ref, understanding="The leak in the bathroom ceiling has not been repaired",
        outcomes_sought="Repair the leak and redecorate", responsible_aspects="Repairs to the roof",
        not_responsible_aspects="The neighbour's contents insurance", ctx=ctx,
    )


def acknowledged(db, ref):
    defined(db, ref)
    usecases.acknowledge(db, ref, acknowledged_on=date(2026, 11, 18), ctx=ALICE)  # response due 2 December


REMEDY_AND_ACTION = dict(
    remedies=["apology: An apology for the delay, due 30/11/2026", "£75 for time and trouble, due 30/11/2026"],
    actions=["Redecorate the ceiling, due 15/01/2027, owner Repairs team"],
    impact="Six weeks of a leaking ceiling and repeated calls to chase it",
)


def responded(db, ref, ctx=ALICE, **kw):
    fields = dict(decision="partly_upheld", reasons="The repair took too long", **REMEDY_AND_ACTION,
                  responded_on=MON, ctx=ctx)
    fields.update(kw)
    usecases.respond(db, ref, **fields)


def assert_items(d: letters.LetterDraft) -> None:
    headings = letters.blocks.find_blocks(d.text)
    for item in d.items:
        assert item.block in headings, item.label
        assert item.present, item.label
        if item.needle:
            assert item.needle.casefold() in " ".join(d.text.split()).casefold(), item.label


# --- every template, for a complaint in each state -------------------------------------


def test_stage_one_acknowledgement_has_every_item(landlord):
    db = landlord
    ref = logged(db, adjustments="Large print")
    defined(db, ref)
    d = draft("acknowledge", db, ref, acknowledged_on=date(2026, 11, 18), ctx=ALICE)
    assert d.kind is letters.LetterKind.STAGE1_ACKNOWLEDGEMENT
    assert_items(d)
    assert {i.label for i in d.items} >= {
        "the complaint reference", "who is handling the complaint",
        "the complaint definition: our understanding of the complaint",
        "the complaint definition: the outcomes the resident seeks", "the aspects of the complaint we are responsible for",
        "the aspects of the complaint we are not responsible for", "the date we will respond by", "the offer of reasonable adjustments", "the right to go to the Housing Ombudsman",
    }
    text = d.text
    assert "Our reference: C2026-0001" in text
    assert "Alice is handling your complaint" in text
    assert "The leak in the bathroom ceiling has not been repaired" in text  # the definition (5.6)
    assert "Repair the leak and redecorate" in text
    assert "The neighbour's contents insurance" in text  # what we are not responsible for (5.7)
    assert "2 December 2026" in text  # 10 working days after 18 November
    assert "reasonable adjustment" in text and "Large print" in text
    assert "0300 111 3000" in text and "make-a-complaint" in text
    assert d.adjustments == "Large print"  # shown to the handler beside the letter


def test_extension_letter_gives_new_date_reasons_and_the_ombudsman(landlord):
    db = landlord
    ref = logged(db)
    acknowledged(db, ref)
    d = draft("extend", db, ref, new_due=date(2026, 12, 9), reason="We are waiting for the roofer's survey", ctx=ALICE)
    assert d.kind is letters.LetterKind.EXTENSION
    assert_items(d)
    assert "9 December 2026" in d.text and "roofer's survey" in d.text and "0300 111 3000" in d.text


@pytest.mark.parametrize("decision, label", [("upheld", "upheld"), ("partly_upheld", "partly upheld"), ("not_upheld", "not upheld")])
def test_stage_one_response_has_the_seven_items_of_6_9(landlord, decision, label):
    db = landlord
    ref = logged(db)
    acknowledged(db, ref)
    d = draft("respond", db, ref, decision=decision, reasons="The repair took too long", **REMEDY_AND_ACTION,
              responded_on=MON, ctx=ALICE)
    assert d.kind is letters.LetterKind.STAGE1_RESPONSE
    assert_items(d)
    text = d.text
    assert "stage 1" in text  # a) the stage
    assert "The leak in the bathroom ceiling has not been repaired" in text  # b) the definition
    assert f"Your complaint is {label}." in text  # c) the decision
    assert "The repair took too long" in text  # d) the reasons
    # e) the remedy and f) the outstanding actions, from the records the step made
    assert "- Apology: An apology for the delay, by 30 November 2026\n" in text
    assert "- £75.00 for time and trouble, by 30 November 2026\n" in text
    assert "- Redecorate the ceiling, by 15 January 2027\nWe will keep you updated" in text
    assert "escalate your complaint to stage 2" in text and OFFICER in text  # g) how to escalate


def test_stage_two_acknowledgement_and_response(landlord):
    db = landlord
    ref = logged(db)
    acknowledged(db, ref)
    responded(db, ref)
    usecases.escalate(db, ref, requested_on=MON, handler="bob", reason="Still no redecoration", ctx=BOB)
    defined(db, ref, ctx=BOB)
    ack = draft("acknowledge", db, ref, acknowledged_on=MON, ctx=BOB)
    assert ack.kind is letters.LetterKind.STAGE2_ACKNOWLEDGEMENT
    assert_items(ack)
    assert "stage 2" in ack.text and "Bob is handling your complaint" in ack.text
    assert "21 December 2026" in ack.text  # 20 working days after Monday 23 November (6.14)
    usecases.acknowledge(db, ref, acknowledged_on=MON, ctx=BOB)
    d = draft("respond", db, ref, decision="upheld", reasons="Redecoration was promised and not done",
              no_remedy_reason="The stage 1 remedies and action put it right", responded_on=MON, ctx=BOB)
    assert d.kind is letters.LetterKind.STAGE2_RESPONSE
    assert_items(d)
    assert "final response" in d.text and "take your complaint to the Housing Ombudsman" in d.text
    # stage 1's promises not yet done, from the records (6.17): not "There are no outstanding actions"
    assert "- Redecorate the ceiling, by 15 January 2027 (from stage 1)\n" in d.text
    assert "- £75.00 for time and trouble, by 30 November 2026 (offered at stage 1)\n" in d.text
    assert "There are no outstanding actions." not in d.text


def test_refusal_and_withdrawal_letters(landlord):
    db = landlord
    ref = logged(db)
    d = draft("refuse", db, ref, exclusion_reason="legal_proceedings",
              explanation="The same leak is the subject of your county court claim", refused_on=MON,
              claim_filed_on=date(2026, 10, 1), ctx=ALICE)
    assert d.kind is letters.LetterKind.REFUSAL
    assert_items(d)
    assert "legal proceedings about this matter have started" in d.text
    assert "county court claim" in d.text and "right to take it to the Housing Ombudsman" in d.text
    other = logged(db)
    w = draft("withdraw", db, other, reason="Repair done", withdrawn_on=MON, ctx=ALICE)
    assert w.kind is letters.LetterKind.WITHDRAWAL
    assert_items(w)
    assert "withdrew your complaint on 23 November 2026." in w.text
    assert "Repair done" not in w.text  # the withdrawal reason is the handler's note, never the letter's


def test_letter_goes_to_the_representative_on_behalf_of_the_resident(landlord):
    db = landlord
    ref = logged(db, representative_name="Cllr Dev Shah", representative_relationship="ward councillor")
    defined(db, ref)
    d = draft("acknowledge", db, ref, acknowledged_on=MON, ctx=ALICE)
    assert "Dear Cllr Dev Shah," in d.text and "on behalf of Mrs Ada Brown" in d.text


# --- missing items block the step --------------------------------------------------------


def test_a_stage_one_response_without_an_escalation_route_is_blocked(db):
    ready_to_sign(db)
    with db.write() as session:  # nobody is the complaints lead, and no officer is typed
        for staff in session.exec(select(Staff)):
            staff.roles = "admin,handler,stage2-reviewer"
    ref = logged(db)
    acknowledged(db, ref)
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        usecases.respond(db, ref, decision="upheld", reasons="r", **REMEDY_AND_ACTION, responded_on=MON,
                         letter=letters.DRAFT, ctx=ALICE)
    assert "how to escalate to stage 2 is missing (Code 6.9g)" in str(refused.value)
    assert "complaints officer" in str(refused.value)
    assert dump(db) == before


def test_no_decision_or_reasons_blocks_the_step_naming_them(landlord):
    db = landlord
    ref = logged(db)
    acknowledged(db, ref)
    with pytest.raises(StepRefused) as refused:
        usecases.respond(db, ref, decision="", reasons=" ", responded_on=MON, letter=letters.DRAFT, ctx=ALICE)
    fields = {p.field for p in refused.value.problems}
    assert fields == {"decision", "reasons"}


def test_a_letter_without_a_definition_names_it():
    facts = letters.LetterFacts(
        kind=letters.LetterKind.STAGE1_RESPONSE, landlord=letters.LandlordSettings(complaints_officer=OFFICER),
        reference="C2026-0009", stage=1, letter_date=MON, resident_name="A", resident_address="", representative_name="",
        handler="alice", received_on=MON, stage_opened_on=MON, adjustments="",
    )
    messages = [p.message for p in letters.missing_from_records(facts)]
    assert "the complaint definition is missing (Code 6.9b): define the complaint first (what it is about and the outcomes sought)" in messages
    assert any(m.startswith("the decision is missing (Code 6.9c)") for m in messages)
    assert any(m.startswith("the reasons for the decision is missing (Code 6.9d)") for m in messages)


def test_an_edited_letter_that_drops_the_response_date_is_refused(landlord):
    db = landlord
    ref = logged(db)
    defined(db, ref)
    d = draft("acknowledge", db, ref, acknowledged_on=MON, ctx=ALICE)
    edited = d.text.replace("7 December 2026", "soon")
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        usecases.acknowledge(db, ref, acknowledged_on=MON, letter=edited, ctx=ALICE)
    assert "the letter no longer gives the date we will respond by" in str(refused.value)
    assert "7 December 2026" in str(refused.value)
    assert dump(db) == before


def test_an_empty_letter_is_refused(landlord):
    db = landlord
    ref = logged(db)
    defined(db, ref)
    with pytest.raises(StepRefused, match="the letter is empty"):
        usecases.acknowledge(db, ref, acknowledged_on=MON, letter="  \n", ctx=ALICE)


# --- stored as sent ------------------------------------------------------------------------


def test_an_edited_letter_is_stored_byte_for_byte(landlord):
    db = landlord
    ref = logged(db)
    acknowledged(db, ref)
    d = draft("respond", db, ref, decision="upheld", reasons="We were slow", **REMEDY_AND_ACTION, responded_on=MON,
              ctx=ALICE)
    edited = d.text.replace("Dear Mrs Ada Brown,", "Dear Mrs Brown,\r\n\r\nThank you for your patience.  \t") + "P.S. ✓ café\n\n"
    usecases.respond(db, ref, decision="upheld", reasons="We were slow", **REMEDY_AND_ACTION, responded_on=MON,
                     letter=edited, ctx=ALICE)
    with db.read() as session:
        stored = session.exec(select(Letter)).one()
        entry = session.exec(select(Correspondence)).one()
        audit = session.exec(select(AuditEntry).where(AuditEntry.action == "respond")).one()
    assert stored.body == edited
    assert stored.body.encode("utf-8") == edited.encode("utf-8")
    assert stored.sha256 == hashlib.sha256(edited.encode("utf-8")).hexdigest()
    assert (stored.kind, stored.stage, stored.sent_on, stored.sent_by, stored.edited) == ("stage1_response", 1, MON, "alice", True)
    assert stored.template == "stage1_response.txt.j2"
    assert (entry.kind, entry.direction, entry.party, entry.party_name, entry.letter_id, entry.happened_on) == (
        "letter", "out", "resident", "Mrs Ada Brown", stored.id, MON)
    details = json.loads(audit.details_json)
    assert details["letter_id"] == stored.id and details["letter_sha256"] == stored.sha256


def test_a_letter_sent_as_drafted_is_not_marked_edited(landlord):
    db = landlord
    ref = logged(db)
    defined(db, ref)
    d = draft("acknowledge", db, ref, acknowledged_on=MON, ctx=ALICE)
    usecases.acknowledge(db, ref, acknowledged_on=MON, letter=d.text, ctx=ALICE)
    with db.read() as session:
        assert session.exec(select(Letter.edited)).one() is False


def test_an_extension_letter_records_that_the_resident_was_told(landlord):
    db = landlord
    ref = logged(db)
    acknowledged(db, ref)
    d = draft("extend", db, ref, new_due=date(2026, 12, 9), reason="Survey", decided_on=MON, ctx=ALICE)
    usecases.extend(db, ref, new_due=date(2026, 12, 9), reason="Survey", decided_on=MON, letter=d.text, ctx=ALICE)
    with db.read() as session:
        extension = session.exec(select(Extension)).one()
    assert extension.told_resident_on == MON and extension.ombudsman_details_given is True


# --- templates a landlord overrides ----------------------------------------------------------


def test_a_landlord_template_beside_the_database_is_used(landlord):
    db = landlord
    folder = letters.templates_dir(db.path)
    folder.mkdir()
    (folder / "withdrawal.txt.j2").write_text(
        "{{ f.reference }}: withdrawn {{ f.withdrawal.withdrawn_on | long_date }}. {{ landlord.name }}\n", encoding="utf-8"
    )
    ref = logged(db)
    d = draft("withdraw", db, ref, withdrawn_on=MON, ctx=ALICE)
    assert d.text == "C2026-0001: withdrawn 23 November 2026. Riverside Homes\n"
    assert d.template.endswith("withdrawal.txt.j2") and str(folder) in d.template


def test_a_broken_landlord_template_is_named(landlord):
    db = landlord
    folder = letters.templates_dir(db.path)
    folder.mkdir()
    (folder / "withdrawal.txt.j2").write_text("{{ f.no_such_thing }}\n", encoding="utf-8")
    ref = logged(db)
    with pytest.raises(StepRefused, match="withdrawal.txt.j2 could not be used"):
        usecases.withdraw(db, ref, withdrawn_on=MON, letter=letters.DRAFT, ctx=ALICE)


def test_as_drafted_sends_the_rendered_letter_unchanged(landlord):
    db = landlord
    ref = logged(db)
    defined(db, ref)
    d = draft("acknowledge", db, ref, acknowledged_on=MON, ctx=ALICE)
    usecases.acknowledge(db, ref, acknowledged_on=MON, letter=letters.AS_DRAFTED, ctx=ALICE)
    with db.read() as session:
        stored = session.exec(select(Letter)).one()
    assert stored.body == d.text and stored.edited is False


def test_a_landlord_template_cannot_run_code(landlord, tmp_path):
    # Issue 15.3: this ran `id` as the handler who only drafted an acknowledgement.
    db = landlord
    folder = letters.templates_dir(db.path)
    folder.mkdir()
    pwned = tmp_path / "pwned.txt"
    (folder / "withdrawal.txt.j2").write_text(
        "{{ lipsum.__globals__['os'].popen('id > " + str(pwned) + "').read() }}\n", encoding="utf-8"
    )
    ref = logged(db)
    with pytest.raises(StepRefused, match="withdrawal.txt.j2 could not be used"):
        usecases.withdraw(db, ref, withdrawn_on=MON, letter=letters.DRAFT, ctx=ALICE)
    assert not pwned.exists()


def test_a_class_walk_in_a_template_is_refused(landlord):
    db = landlord
    folder = letters.templates_dir(db.path)
    folder.mkdir()
    (folder / "withdrawal.txt.j2").write_text("{{ f.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8")
    ref = logged(db)
    with pytest.raises(StepRefused, match="could not be used"):
        usecases.withdraw(db, ref, withdrawn_on=MON, letter=letters.DRAFT, ctx=ALICE)


@pytest.mark.parametrize("unsafe", ["folder", "template", "included"])
def test_a_template_anyone_may_change_is_refused_with_the_reason(landlord, unsafe):
    db = landlord
    folder = letters.templates_dir(db.path)
    folder.mkdir(mode=0o770)
    folder.chmod(0o770)
    template = folder / "withdrawal.txt.j2"
    template.write_text("{{ f.reference }} withdrawn\n", encoding="utf-8")
    template.chmod(0o660)
    included = folder / "_sign.txt.j2"
    included.write_text("Yours\n", encoding="utf-8")
    included.chmod(0o660)
    {"folder": folder, "template": template, "included": included}[unsafe].chmod(0o777 if unsafe == "folder" else 0o666)
    ref = logged(db)
    with pytest.raises(StepRefused, match="can be changed by anyone on this computer") as refused:
        usecases.withdraw(db, ref, withdrawn_on=MON, letter=letters.DRAFT, ctx=ALICE)
    assert "chmod o-w" in str(refused.value)
