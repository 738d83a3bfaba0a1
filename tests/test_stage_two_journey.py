"""Code 6.13 through the real screens (issue 17): on a complaint alice handled at stage 1,
her stage 2 step is refused naming 6.13 and her; bob's succeeds and the audit names bob."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from chc_tui.app import build_app
from chc_tui.rules.context import StepContext
from chc_tui.services import Services
from chc_tui.steps import usecases
from conftest import dump
from screens.complaint import ComplaintScreen
from letter_helpers import ready_to_sign
from store.models import AuditEntry, Definition, Letter, StaffLogin
from test_tui_journeys import field, form_errors, open_form, save, settle, wait_for

TODAY = date(2026, 11, 23)  # a Monday


def _stage_one_by_alice_escalated_to_bob(db) -> str:
    alice = StepContext(actor="alice", today=date(2026, 11, 2))
    ref = usecases.log_complaint(db, received_on=date(2026, 11, 2), channel="phone", resident_name="Ann Lee",
                                 category="Repairs", resident_words="The boiler is broken", ctx=alice).reference
    usecases.define(db, ref, understanding="boiler", outcomes_sought="fix", responsible_aspects="heating", ctx=alice)
    usecases.acknowledge(db, ref, ctx=alice)
    later = StepContext(actor="alice", today=date(2026, 11, 10))
    usecases.respond(db, ref, decision="not_upheld", reasons="repaired on time", ctx=later)
    usecases.escalate(db, ref, requested_on=date(2026, 11, 16), handler="bob",
                      ctx=StepContext(actor="alice", today=date(2026, 11, 16)))
    return ref


async def _define_stage_two(app, ref: str):
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_complaint(ref)
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint")
        await settle(pilot)
        await open_form(pilot, "f")
        await field(pilot, "understanding", "The boiler still fails")
        await field(pilot, "outcomes_sought", "A new boiler")
        await field(pilot, "responsible_aspects", "Heating repairs")
        await save(pilot)
        return form_errors(app), isinstance(app.screen, ComplaintScreen)


async def test_alice_is_refused_naming_6_13_and_bob_defines_stage_two(db):
    ref = _stage_one_by_alice_escalated_to_bob(db)
    before = dump(db)
    errors, closed = await _define_stage_two(build_app(Services(db, actor="alice", today_fn=lambda: TODAY)), ref)
    message = " ".join(errors.values())
    assert not closed and "Code 6.13" in message and "alice considered stage 1" in message
    assert dump(db) == before

    errors, closed = await _define_stage_two(build_app(Services(db, actor="bob", today_fn=lambda: TODAY)), ref)
    assert closed and not errors
    with db.read() as session:
        bob = session.exec(select(StaffLogin.staff_id).where(StaffLogin.login == "bob")).one()
        definition = session.exec(select(Definition).order_by(Definition.id.desc())).first()
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "define").order_by(AuditEntry.id.desc())).first()
    assert definition.understanding == "The boiler still fails" and definition.by_staff_id == bob
    assert (entry.actor, entry.actor_staff_id) == ("bob", bob)


async def test_bobs_stage_two_letter_is_signed_with_his_name_and_title_and_alices_is_refused(db):
    ref = _stage_one_by_alice_escalated_to_bob(db)
    ready_to_sign(db)  # Bob, Complaints Handler; the landlord's name and address
    usecases.define(db, ref, understanding="u", outcomes_sought="o", responsible_aspects="r",
                    ctx=StepContext(actor="bob", today=TODAY))

    async def acknowledge_as(login: str):
        app = build_app(Services(db, actor=login, today_fn=lambda: TODAY))
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.open_complaint(ref)
            await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint")
            await settle(pilot)
            await open_form(pilot, "a")
            await save(pilot)  # the form, then its letter as drafted
            return form_errors(app), isinstance(app.screen, ComplaintScreen)

    before = dump(db)
    errors, closed = await acknowledge_as("alice")
    assert not closed and "Code 6.13" in " ".join(errors.values())
    assert dump(db) == before
    errors, closed = await acknowledge_as("bob")
    assert closed and not errors
    with db.read() as session:
        letter = session.exec(select(Letter).where(Letter.stage == 2)).one()
    assert letter.sent_by == "bob" and "Bob is handling your complaint" in letter.body
    assert "Yours sincerely,\n\nBob\nComplaints Handler\n" in letter.body
