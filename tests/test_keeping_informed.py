"""Keeping the resident informed (Code 5.9): an update interval agreed on the open stage,
"update due" on the deadline panel counted on the working calendar from the last update
sent, and the extension letter saying it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from chc_tui.documents import letters
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.services import Services
from chc_tui.steps import correspondence, usecases
from chc_tui.steps.keeping_informed import agree_update_interval
from conftest import dump
from letter_helpers import ready_to_sign
from store.models import AuditEntry, StageRecord

FRI = date(2026, 12, 18)
AT_FRI = StepContext(actor="alice", today=FRI)
AT_TUE = StepContext(actor="alice", today=date(2026, 12, 22))


def _acknowledged(db) -> str:
    ref = usecases.log_complaint(
        db, received_on=date(2026, 12, 10), channel="phone", resident_name="Mrs Ada Brown",
        resident_address="4 Mill Lane, Exeter", category="Repairs", resident_words="The ceiling leaks.",
        handler="alice", ctx=AT_FRI,
    ).reference
    usecases.define(db, ref, understanding="The leak has not been repaired", outcomes_sought="Repair it",
                    responsible_aspects="Repairs to the roof", ctx=AT_FRI)
    usecases.acknowledge(db, ref, acknowledged_on=date(2026, 12, 14), ctx=AT_FRI)
    return ref


def _updates(db, today: date):
    services = Services(db, actor="alice", today_fn=lambda: today)
    return [(o.row.reference, o.row.due_on) for o in services.other_deadlines() if o.row.kind == "update"]


def test_an_agreed_interval_puts_the_update_due_on_the_panel_and_an_update_sent_moves_it(db):
    ref = _acknowledged(db)
    assert _updates(db, FRI) == []
    agree_update_interval(db, ref, every_days=5, agreed_on=FRI, ctx=AT_FRI)
    # 5 working days after Friday 18 December 2026: 21, 22, 23, 24, then Christmas Day and
    # the Boxing Day substitute (Monday 28) are skipped: Tuesday 29 December.
    assert _updates(db, FRI) == [(ref, date(2026, 12, 29))]
    with db.read() as s:
        stage = s.exec(select(StageRecord)).one()
        assert (stage.update_every_days, stage.update_agreed_on) == (5, FRI)
        entry = s.exec(select(AuditEntry).where(AuditEntry.action == "agree update interval")).one()
        assert '"update_every_days": 5' in entry.details_json
    # A call from the resident is not an update to them; a call to them is.
    correspondence.record_correspondence(db, ref, happened_on=date(2026, 12, 21), kind="call", direction="in",
                                         party="resident", summary="Asked when", ctx=AT_TUE)
    assert _updates(db, FRI) == [(ref, date(2026, 12, 29))]
    correspondence.record_correspondence(db, ref, happened_on=date(2026, 12, 22), kind="call", direction="out",
                                         party="resident", summary="Roofer booked", ctx=AT_TUE)
    # 23, 24, 29, 30, 31 December
    assert _updates(db, FRI) == [(ref, date(2026, 12, 31))]
    usecases.respond(db, ref, decision="not_upheld", reasons="Repaired in time", responded_on=date(2026, 12, 22),
                     ctx=AT_TUE)
    assert _updates(db, FRI) == [], "a stage answered needs no more updates"


@pytest.mark.parametrize("every", [0, 21, "ten", None])
def test_an_interval_must_be_1_to_20_working_days(db, every):
    ref = _acknowledged(db)
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        agree_update_interval(db, ref, every_days=every, agreed_on=FRI, ctx=AT_FRI)
    assert refused.value.for_field("every_days")
    assert dump(db) == before


def test_an_interval_cannot_be_agreed_before_the_stage_opened(db):
    ref = _acknowledged(db)
    with pytest.raises(StepRefused) as refused:
        agree_update_interval(db, ref, every_days=5, agreed_on=date(2026, 12, 1), ctx=AT_FRI)
    assert refused.value.for_field("agreed_on")


def test_the_extension_letter_states_the_agreed_interval(db):
    ready_to_sign(db)
    ref = _acknowledged(db)
    with pytest.raises(letters.LetterDrafted) as plain:
        usecases.extend(db, ref, new_due=date(2027, 1, 11), reason="Waiting for a survey", decided_on=FRI,
                        letter=letters.DRAFT, ctx=AT_FRI)
    assert "working days" not in plain.value.draft.text.split("full response by")[1].split("Ombudsman")[0]
    agree_update_interval(db, ref, every_days=5, agreed_on=FRI, ctx=AT_FRI)
    with pytest.raises(letters.LetterDrafted) as drafted:
        usecases.extend(db, ref, new_due=date(2027, 1, 11), reason="Waiting for a survey", decided_on=FRI,
                        letter=letters.DRAFT, ctx=AT_FRI)
    assert ("as agreed with you, we will give you an update on your complaint at least every 5 working days"
            in drafted.value.draft.text)


def test_chc_complaint_updates_sets_the_interval_and_prints_the_next_update(db, capsys, monkeypatch):
    from chc_tui.cli import args as cli_args
    from chc_tui.cli.main import main

    ref = _acknowledged(db)
    monkeypatch.setattr(cli_args, "today", lambda: FRI)
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "alice")
    before = dump(db)
    assert main(["--db", str(db.path), "complaint", "updates", ref, "--every", "0"]) == 2
    assert "refused: --every: the interval is 1 to 20 working days" in capsys.readouterr().err
    assert dump(db) == before
    assert main(["--db", str(db.path), "complaint", "updates", ref.lower(), "--every", "5"]) == 0
    assert capsys.readouterr().out.strip() == f"{ref}: stage 1 update every 5 working days, next due 2026-12-29"


async def test_k_on_the_complaint_agrees_the_interval_at_80x24(db):
    from chc_tui.app import build_app
    from screens.complaint import ComplaintScreen
    from test_tui_journeys import field, form_errors, open_form, save, settle, wait_for

    ref = _acknowledged(db)
    app = build_app(Services(db, actor="alice", today_fn=lambda: FRI))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_complaint(ref)
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen) and app.screen.detail, "the complaint")
        await open_form(pilot, "k")
        await field(pilot, "every_days", "30")
        await save(pilot)
        assert "1 to 20 working days" in form_errors(app)["every_days"]
        await field(pilot, "every_days", "5", clear=True)
        await save(pilot)
        assert isinstance(app.screen, ComplaintScreen)
        await wait_for(pilot, lambda: app.screen.detail.current.update_every_days == 5, "the interval on the stage")
    assert _updates(db, FRI) == [(ref, date(2026, 12, 29))]
