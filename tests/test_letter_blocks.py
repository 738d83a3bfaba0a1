"""Issue 19.1: letters made of the Code's required blocks. Each letter kind is sent with
each required block removed, and with blocks that contradict the record; the refusal names
the item and its provision. A letter sent as drafted passes; one edited around and inside
its blocks passes. Issue 19.8: the provision numbers shown to users, from one table."""

from __future__ import annotations

import re
from datetime import date

import pytest

from chc_tui.documents import letter_blocks as blocks
from chc_tui.documents import letters
from chc_tui.rules import provisions
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.rules.policy import CODE_2024
from chc_tui.steps import usecases
from chc_tui.steps.settings import put_setting
from conftest import dump
from letter_helpers import ready_to_sign

MON = date(2026, 11, 23)
ALICE = StepContext(actor="alice", today=MON)
BOB = StepContext(actor="bob", today=MON)
OFFICER = "Pat Jones, Complaints Officer"


@pytest.fixture
def landlord(db):
    with db.write() as session:
        put_setting(session, "landlord.complaints_officer", OFFICER)
    ready_to_sign(db)
    return db


def _log(db) -> str:
    return usecases.log_complaint(
        db, received_on=date(2026, 11, 16), channel="phone", resident_name="Mrs Ada Brown",
        resident_address="4 Mill Lane, Exeter", category="Repairs",
        resident_words="The bathroom ceiling leaks and nobody has come.", handler="alice", ctx=ALICE,
    ).reference


def _define(db, ref, ctx=ALICE) -> None:
    usecases.define(
        db, ref, understanding="The leak in the bathroom ceiling has not been repaired",
        outcomes_sought="Repair the leak and redecorate", responsible_aspects="Repairs to the roof",
        not_responsible_aspects="The neighbour's contents insurance", ctx=ctx,
    )


RESPONSE = dict(decision="partly_upheld", reasons="The repair took too long",
                remedies=["£75 compensation for the delay, due 15/12/2026"],
                actions=["Redecorate the ceiling, due 15/01/2027, owner Repairs team"],
                impact="Three weeks with a leaking ceiling", responded_on=MON)


def _acknowledged(db) -> str:
    ref = _log(db)
    _define(db, ref)
    usecases.acknowledge(db, ref, acknowledged_on=date(2026, 11, 18), ctx=ALICE)
    return ref


def _at_stage_two(db) -> str:
    ref = _acknowledged(db)
    usecases.respond(db, ref, ctx=ALICE, **RESPONSE)
    usecases.escalate(db, ref, requested_on=MON, handler="bob", reason="Still no redecoration", ctx=BOB)
    _define(db, ref, ctx=BOB)
    return ref


def _stage_two_acknowledged(db) -> str:
    ref = _at_stage_two(db)
    usecases.acknowledge(db, ref, acknowledged_on=MON, ctx=BOB)
    return ref


def _logged_and_defined(db) -> str:
    ref = _log(db)
    _define(db, ref)
    return ref


# kind: (set up, step, the step's arguments)
KINDS = {
    "stage1_acknowledgement": (_logged_and_defined, "acknowledge", dict(acknowledged_on=MON, ctx=ALICE)),
    "extension": (_acknowledged, "extend", dict(new_due=date(2026, 12, 9), reason="We are waiting for the roofer's survey",
                                                decided_on=MON, ctx=ALICE)),
    "stage1_response": (_acknowledged, "respond", dict(ctx=ALICE, **RESPONSE)),
    "stage2_acknowledgement": (_at_stage_two, "acknowledge", dict(acknowledged_on=MON, ctx=BOB)),
    "stage2_response": (_stage_two_acknowledged, "respond", dict(
        RESPONSE, decision="upheld", remedies=["£150 compensation for the inconvenience, due 15/12/2026"], ctx=BOB)),
    "refusal": (_log, "refuse", dict(exclusion_reason="legal_proceedings",
                                     explanation="The same leak is the subject of your county court claim",
                                     refused_on=MON, claim_filed_on=date(2026, 11, 2), ctx=ALICE)),
    "withdrawal": (_log, "withdraw", dict(reason="Internal: resident rang, repair done, no need to chase", withdrawn_on=MON,
                                          ctx=ALICE)),
}

# The blocks each kind must carry, with the provision the refusal must name.
EXPECTED = {
    "stage1_acknowledgement": {"reference": "", "handler": "6.2", "understanding": "5.6", "outcomes": "5.6",
                               "responsible": "5.7", "not_responsible": "5.7", "response_due": "6.3",
                               "adjustments": "5.10", "ombudsman": "3.7"},
    "extension": {"reference": "", "response_due": "6.4", "extension_reason": "6.4", "ombudsman": "6.5"},
    "stage1_response": {"reference": "", "stage": "6.9a", "understanding": "6.9b", "outcomes": "6.9b",
                        "responsible": "6.9b", "not_responsible": "6.9b", "decision": "6.9c", "reasons": "6.9d",
                        "remedy": "6.9e", "actions": "6.9f", "escalate": "6.9g", "ombudsman": "3.7"},
    "stage2_acknowledgement": {"reference": "", "handler": "6.11", "understanding": "5.6", "outcomes": "5.6",
                               "responsible": "5.7", "not_responsible": "5.7", "response_due": "6.14",
                               "adjustments": "5.10", "ombudsman": "3.7"},
    "stage2_response": {"reference": "", "stage": "6.19a", "understanding": "6.19b", "outcomes": "6.19b",
                        "responsible": "6.19b", "not_responsible": "6.19b", "decision": "6.19c", "reasons": "6.19d",
                        "remedy": "6.19e", "actions": "6.19f", "final": "6.19g"},
    "refusal": {"reference": "", "refusal_reasons": "2.4", "refusal_ombudsman": "2.4"},
    "withdrawal": {"reference": "", "withdrawal": ""},
}


def _prepared(db, kind):
    setup, step, kwargs = KINDS[kind]
    ref = setup(db)
    with pytest.raises(letters.LetterDrafted) as drafted:
        getattr(usecases, step)(db, ref, letter=letters.DRAFT, **kwargs)
    draft = drafted.value.draft
    assert draft.kind.value == kind
    return ref, step, kwargs, draft


def _send(db, ref, step, kwargs, text):
    getattr(usecases, step)(db, ref, letter=text, **kwargs)


def _refused(db, ref, step, kwargs, text) -> list[str]:
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        _send(db, ref, step, kwargs, text)
    assert dump(db) == before, "a refused letter writes nothing"
    assert {p.field for p in refused.value.problems} == {"letter"}
    return [p.message for p in refused.value.problems]


def _is_heading(line: str) -> bool:
    return bool(blocks.find_blocks(line + "\nx")) or line.strip().casefold().startswith("yours sincerely")


def without_block(text: str, key: str) -> str:
    """The letter with block `key` cut out: its heading and the text under it."""
    heading = blocks.HEADINGS[key].casefold()
    lines = text.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.strip().casefold().startswith(heading))
    end = start + 1
    while end < len(lines) and not _is_heading(lines[end]):
        end += 1
    return "".join(lines[:start] + lines[end:])


CASES = [(kind, key) for kind, keys in EXPECTED.items() for key in keys]


@pytest.mark.parametrize("kind, key", CASES, ids=[f"{k}-{b}" for k, b in CASES])
def test_a_letter_without_a_required_block_is_refused_naming_the_item_and_provision(landlord, kind, key):
    ref, step, kwargs, draft = _prepared(landlord, kind)
    assert {item.block: item.provision for item in draft.items} == EXPECTED[kind]
    item = next(i for i in draft.items if i.block == key)
    [message] = _refused(landlord, ref, step, kwargs, without_block(draft.text, key))
    assert message.startswith(f"the letter no longer gives {item.label}")
    assert f"\u201c{blocks.HEADINGS[key]}\u201d" in message
    assert message.endswith(f"(Code {item.provision})" if item.provision else "is gone")


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_letter_sent_as_drafted_passes(landlord, kind):
    ref, step, kwargs, draft = _prepared(landlord, kind)
    _send(landlord, ref, step, kwargs, draft.text)


def _edit(text: str) -> str:
    """What a handler does: rewords around and inside the blocks, headings in another case,
    colons dropped, a paragraph added; every block kept, every fact kept."""
    text = text.replace("Dear Mrs Ada Brown,", "Dear Mrs Brown,\n\nThank you for talking to me on the phone today.")
    text = text.replace("Your complaint is partly upheld.", "Having looked at everything, your complaint is partly upheld:\nwe were slow.")
    text = text.replace("Your complaint is upheld.", "We have upheld your complaint in full.")
    text = text.replace("Our decision:", "OUR DECISION")
    text = text.replace("Why we need more time:", "why we need more time")
    text = text.replace("Repairs to the roof", "Repairs to the roof and the gutters")
    text = text.replace("- £75.00 compensation for the delay", "We apologise, and we will pay you £75.00 by bank transfer")
    return text


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_letter_edited_around_and_inside_its_blocks_passes(landlord, kind):
    ref, step, kwargs, draft = _prepared(landlord, kind)
    edited = _edit(draft.text)
    assert edited != draft.text
    _send(landlord, ref, step, kwargs, edited)


# --- blocks that contradict the record ---------------------------------------------------------


@pytest.mark.parametrize("recorded, written", [
    ("upheld", "not upheld"), ("upheld", "partly upheld"), ("partly_upheld", "upheld"), ("not_upheld", "upheld"),
    ("partly_upheld", "not upheld"), ("not_upheld", "partly upheld"),
])
def test_the_decision_is_read_as_the_decision_recorded(landlord, recorded, written):
    ref, step, kwargs, draft = _prepared(landlord, "stage1_response")
    kwargs = dict(kwargs, decision=recorded)
    with pytest.raises(letters.LetterDrafted) as drafted:
        usecases.respond(landlord, ref, letter=letters.DRAFT, **kwargs)
    text = drafted.value.draft.text
    label = recorded.replace("_", " ")
    assert f"Your complaint is {label}." in text
    [message] = _refused(landlord, ref, step, kwargs, text.replace(f"Your complaint is {label}.", f"Your complaint is {written}."))
    assert message == (f"the decision in the letter contradicts the record: it says \u201c{written}\u201d; "
                       f"the decision recorded is \u201c{label}\u201d (Code 6.9c)")


def test_the_stage_two_decision_contradicted_names_6_19c(landlord):
    ref, step, kwargs, draft = _prepared(landlord, "stage2_response")
    [message] = _refused(landlord, ref, step, kwargs, draft.text.replace("Your complaint is upheld.", "Your complaint is not upheld."))
    assert message.startswith("the decision in the letter contradicts the record") and message.endswith("(Code 6.19c)")


def test_a_decision_left_out_of_its_block_is_refused(landlord):
    ref, step, kwargs, draft = _prepared(landlord, "stage1_response")
    [message] = _refused(landlord, ref, step, kwargs, draft.text.replace("Your complaint is partly upheld.", "We have decided."))
    assert message == "the letter no longer gives the decision (it should say \u201cpartly upheld\u201d) (Code 6.9c)"


@pytest.mark.parametrize("kind, old, new, expected", [
    ("stage1_acknowledgement", "by 7 December 2026", "by 4 December 2026",
     "the date we will respond by in the letter contradicts the record: it says 4 December 2026; "
     "the record says 7 December 2026 (Code 6.3)"),
    ("stage2_acknowledgement", "by 21 December 2026", "by 18 December 2026",
     "the date we will respond by in the letter contradicts the record: it says 18 December 2026; "
     "the record says 21 December 2026 (Code 6.14)"),
    ("extension", "by 9 December 2026", "by 16/12/2026",
     "the new response date in the letter contradicts the record: it says 16 December 2026; "
     "the record says 9 December 2026 (Code 6.4)"),
    ("withdrawal", "on 23 November 2026", "on 20 November 2026",
     "the date of withdrawal in the letter contradicts the record: it says 20 November 2026; "
     "the record says 23 November 2026"),
    ("stage1_response", "at stage 1 of our", "at stage 2 of our",
     "the complaint stage in the letter contradicts the record: it says stage 2; this is stage 1 (Code 6.9a)"),
    ("stage1_response", "£75.00 compensation", "£750.00 compensation",
     "the remedy offered in the letter contradicts the record: it says £750, which the record does not "
     "(it records £75) (Code 6.9e)"),
    ("stage1_response", "Redecorate the ceiling, by 15 January 2027", "Redecorate the ceiling soon",
     "the letter no longer gives the outstanding actions (it should say \u201c15 January 2027\u201d) (Code 6.9f)"),
    ("stage1_response", "Please contact Pat Jones, Complaints Officer", "Please contact us",
     "the letter no longer gives how to escalate to stage 2 (it should say \u201cPat Jones, Complaints Officer\u201d) (Code 6.9g)"),
    ("stage2_response", "by telephone on 0300 111 3000", "by telephone",
     "the letter no longer gives how to take the complaint to the Ombudsman (it should give the Ombudsman's "
     "telephone \u201c0300 111 3000\u201d) (Code 6.19g)"),
    ("refusal", "by telephone on 0300 111 3000", "by telephone on 0300 000 0000",
     "the letter no longer gives the right to take the decision to the Ombudsman (it should give the Ombudsman's "
     "telephone \u201c0300 111 3000\u201d) (Code 2.4)"),
    ("extension", "by telephone on 0300 111 3000", "by telephone",
     "the letter no longer gives the Ombudsman's contact details (it should give the Ombudsman's "
     "telephone \u201c0300 111 3000\u201d) (Code 6.5)"),
    ("stage1_acknowledgement", "Our reference: C2026-0001", "Our reference: C2026-0002",
     "the letter no longer gives the complaint reference (it should say \u201cC2026-0001\u201d)"),
    ("stage1_acknowledgement", "Alice is handling", "Someone is handling",
     "the letter no longer gives who is handling the complaint (it should say \u201cAlice\u201d) (Code 6.2)"),
    ("refusal", "The same leak is the subject of your county court claim", " ",
     "the letter no longer gives the reasons the complaint is not taken on (the block is empty) (Code 2.4)"),
])
def test_a_block_contradicting_the_record_is_refused(landlord, kind, old, new, expected):
    ref, step, kwargs, draft = _prepared(landlord, kind)
    assert old in draft.text
    assert _refused(landlord, ref, step, kwargs, draft.text.replace(old, new)) == [expected]


def test_the_one_line_letter_of_the_issue_is_refused_for_each_missing_item(landlord):
    """Issue 19: one line with "upheld", "Reasons", "escalate ... stage 2" and the reference."""
    ref, step, kwargs, draft = _prepared(landlord, "stage1_response")
    messages = _refused(landlord, ref, step, kwargs,
                        "C2026-0001: your complaint is upheld. Reasons: slow. You may escalate to stage 2.\n")
    assert len(messages) == len(EXPECTED["stage1_response"])
    assert all(re.search(r"\(Code 6\.9[a-g]\)$|\(Code 3\.7\)$|is gone$", m) for m in messages)


# --- 6.12, and internal notes ------------------------------------------------------------------


def test_the_stage_one_response_does_not_ask_the_resident_why(landlord):
    _ref, _step, _kwargs, draft = _prepared(landlord, "stage1_response")
    text = " ".join(draft.text.split())
    assert "tell us why" not in text
    assert "You do not have to give a reason" in text


def test_the_withdrawal_letter_does_not_carry_the_handlers_note(landlord):
    _ref, _step, _kwargs, draft = _prepared(landlord, "withdrawal")
    assert "Internal" not in draft.text and "no need to chase" not in draft.text


# --- 19.8: provision numbers from one table ---------------------------------------------------


def test_the_provision_numbers_shown_to_users():
    assert provisions.OMBUDSMAN_DETAILS == "3.7"
    assert provisions.MRC == "9.5"
    assert provisions.REFUSAL_EXPLANATION == "2.4"
    assert (CODE_2024.stage_one.extension_provision, CODE_2024.stage_two.extension_provision) == ("6.4", "6.15")
    assert (CODE_2024.stage_one.extension_ombudsman_provision, CODE_2024.stage_two.extension_ombudsman_provision) == (
        "6.5", "6.16")
    assert (CODE_2024.stage_one.response_contents_provision, CODE_2024.stage_two.response_contents_provision) == (
        "6.9", "6.19")
    for number in ("3.7", "9.5", "2.4", "5.6", "5.7", "5.10", "6.12"):
        assert provisions.is_provision(number), number


def test_the_setup_form_labels_the_mrc_9_5():
    from types import SimpleNamespace

    from screens.setup import setup_form

    form = setup_form(SimpleNamespace(today=MON))
    labels = {f.name: f.label for f in form.spec.fields}
    assert labels["mrc"] == "Member Responsible for Complaints (Code 9.5)"


def test_an_extension_at_stage_two_cites_6_15_and_6_16(landlord):
    ref = _stage_two_acknowledged(landlord)
    kwargs = dict(new_due=date(2027, 1, 8), reason="A second survey", decided_on=MON, ctx=BOB)
    with pytest.raises(letters.LetterDrafted) as drafted:
        usecases.extend(landlord, ref, letter=letters.DRAFT, **kwargs)
    draft = drafted.value.draft
    assert {i.block: i.provision for i in draft.items} == {
        "reference": "", "response_due": "6.15", "extension_reason": "6.15", "ombudsman": "6.16"}
    messages = _refused(landlord, ref, "extend", kwargs, without_block(without_block(draft.text, "response_due"), "ombudsman"))
    assert [m[-11:] for m in messages] == ["(Code 6.15)", "(Code 6.16)"]
