"""Letters are signed by the staff member who did the step (issue 17.2): their name, job title
and contact details, never a login; and no letter goes out before the details it needs."""

from __future__ import annotations

from datetime import date

import pytest

from chc_tui.documents import letters
from chc_tui.documents.letter_signer import LetterDetailsMissing
from chc_tui.rules.context import StepContext
from chc_tui.steps import usecases
from chc_tui.steps.setup import Person, set_up
from chc_tui.steps.staff import add_staff, edit_staff
from conftest import dump
from store import staff_queries
from store.engine import open_database

MON = date(2026, 11, 23)
PAT = StepContext(actor="pat", today=MON)


@pytest.fixture
def fresh(tmp_path):
    database = open_database(tmp_path / "new.db")
    yield database
    database.dispose()


def _log(db, ctx=PAT, handler=None):
    ref = usecases.log_complaint(
        db, received_on=date(2026, 11, 16), channel="phone", resident_name="Mrs Ada Brown",
        resident_address="4 Mill Lane, Exeter", category="Repairs", resident_words="The ceiling leaks.",
        handler=handler, ctx=ctx,
    ).reference
    usecases.define(db, ref, understanding="The leak", outcomes_sought="Fix it", responsible_aspects="Roof", ctx=ctx)
    return ref


def _draft(db, ref, step="acknowledge", ctx=PAT, **kw):
    with pytest.raises(letters.LetterDrafted) as drafted:
        getattr(usecases, step)(db, ref, letter=letters.DRAFT, ctx=ctx, **kw)
    return drafted.value.draft


def test_a_fresh_databases_first_letter_cannot_go_out_signed_by_a_login(fresh):
    ref = _log(fresh)
    before = dump(fresh)
    for letter in (letters.DRAFT, letters.AS_DRAFTED):
        with pytest.raises(LetterDetailsMissing) as refused:
            usecases.acknowledge(fresh, ref, letter=letter, ctx=PAT)
        assert refused.value.missing == ["name", "address", "job_title", "display_name"]
        message = str(refused.value)
        assert "the landlord's name" in message and "your job title" in message and "still your login" in message
    assert dump(fresh) == before


def test_after_setup_the_letter_is_signed_with_name_title_and_contact(fresh):
    ref = _log(fresh)
    set_up(fresh, name="Riverside Homes", address="1 Quay Street, Exeter EX1 1AA", region="england-and-wales",
           homes_owned={}, officer=Person("Pat Jones", "Complaints Manager", "pat@riverside.example", "01632 960 100"),
           ctx=PAT)
    text = _draft(fresh, ref).text
    assert "Pat Jones is handling your complaint" in text
    sign = text[text.index("Yours sincerely"):]
    assert sign.splitlines()[2:7] == ["Pat Jones", "Complaints Manager", "Riverside Homes",
                                      "Email: pat@riverside.example", "Telephone: 01632 960 100"]
    assert "pat\n" not in text and "Your housing association" not in text
    usecases.acknowledge(fresh, ref, letter=letters.AS_DRAFTED, ctx=PAT)
    with fresh.read() as session:
        from sqlmodel import select
        from store.models import Letter

        letter = session.exec(select(Letter)).one()
        assert letter.sent_by == "pat" and letter.by_staff_id == staff_queries.by_login(session, "pat").id


def test_the_signer_is_who_did_the_step_and_the_handler_is_named_by_display_name(fresh):
    ref = _log(fresh)
    set_up(fresh, name="Riverside Homes", address="1 Quay Street", region="england-and-wales", homes_owned={},
           officer=Person("Pat Jones", "Complaints Manager"), ctx=PAT)
    sam = add_staff(fresh, display_name="Sam Lee", logins=["sam"], roles=["handler"], job_title="Complaints Officer",
                    email="sam@riverside.example", ctx=PAT)
    usecases.assign_handler(fresh, ref, handler=sam, ctx=PAT)
    text = _draft(fresh, ref, ctx=StepContext(actor="sam", today=MON)).text
    assert "Sam Lee is handling your complaint" in text
    assert "Sam Lee\nComplaints Officer\nRiverside Homes\nEmail: sam@riverside.example" in text
    edit_staff(fresh, sam, display_name="Samuel Lee", ctx=PAT)  # the letter follows the register
    assert "Samuel Lee is handling" in _draft(fresh, ref, ctx=StepContext(actor="sam", today=MON)).text


def test_a_stage_one_response_names_the_complaints_lead_or_lists_them_missing(fresh):
    ref = _log(fresh)
    set_up(fresh, name="Riverside Homes", address="1 Quay Street", region="england-and-wales", homes_owned={},
           officer=Person("Pat Jones", "Complaints Manager", "pat@riverside.example"), ctx=PAT)
    usecases.acknowledge(fresh, ref, letter=letters.AS_DRAFTED, ctx=PAT)
    text = _draft(fresh, ref, "respond", decision="upheld", no_remedy_reason="Put right before we answered", reasons="We should have come.", responded_on=MON).text
    assert "Please contact Pat Jones, Complaints Manager (pat@riverside.example)" in text
    with fresh.read() as session:
        pat = staff_queries.by_login(session, "pat")
    edit_staff(fresh, pat.id, roles=["admin", "handler"], ctx=PAT)  # nobody is the complaints lead now
    with pytest.raises(LetterDetailsMissing) as refused:
        _draft(fresh, ref, "respond", decision="upheld", no_remedy_reason="Put right before we answered", reasons="r", responded_on=MON)
    assert refused.value.missing == ["complaints_officer"]
    assert "how to escalate to stage 2 is missing (Code 6.9g)" in str(refused.value)
