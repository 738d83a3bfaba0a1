"""The landlord's settings: entered once, audited with what they replaced, refused when a
letter could not be made from them; from the command line and from F4, keyboard only."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlmodel import select

from chc_tui.app import build_app
from chc_tui.cli.main import main as chc
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.steps.landlord import LandlordSettings, landlord_settings, update_landlord_settings
from chc_tui.services import Services
from conftest import dump
from screens.confirm import ConfirmScreen
from screens.forms import StepForm
from screens.settings import SettingsScreen
from store.models import AuditEntry, ClosureDay

MON = date(2026, 11, 23)
ALICE = StepContext(actor="alice", today=MON)


def read(db) -> LandlordSettings:
    with db.read() as session:
        return landlord_settings(session)


def test_the_ombudsman_details_start_as_published(db):
    got = read(db)
    assert got.ombudsman_phone == "0300 111 3000"
    assert got.ombudsman_form.startswith("https://www.housing-ombudsman.org.uk/")
    assert "Preston" in got.ombudsman_address


def test_a_change_is_audited_with_what_it_replaced_and_unchanged_values_are_not(db):
    update_landlord_settings(db, name="Riverside Homes", complaints_officer="Pat Jones", ctx=ALICE)
    changed = update_landlord_settings(db, name="Riverside Homes", complaints_officer="Pat Jones-Smith", ctx=ALICE)
    assert changed == {"complaints_officer": ("Pat Jones", "Pat Jones-Smith")}
    assert read(db).name == "Riverside Homes"
    with db.read() as session:
        entries = session.exec(select(AuditEntry).where(AuditEntry.action == "update landlord settings")).all()
    assert json.loads(entries[-1].before_json) == {"complaints_officer": "Pat Jones"}
    assert json.loads(entries[-1].details_json) == {"complaints_officer": "Pat Jones-Smith"}


def test_required_details_and_unknown_fields_are_refused_and_nothing_is_written(db):
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        update_landlord_settings(db, name=" ", ombudsman_phone="call us", colour="blue", ctx=ALICE)
    fields = {p.field for p in refused.value.problems}
    assert fields == {"name", "ombudsman_phone", "colour"}
    assert dump(db) == before


def test_settings_from_the_command_line(db, capsys):
    assert chc(["--db", str(db.path), "settings", "set", "complaints_officer", "Pat Jones"]) == 0
    assert chc(["--db", str(db.path), "settings", "set", "region", "scotland"]) == 0
    assert chc(["--db", str(db.path), "settings", "set", "ombudsman_phone", "nope"]) == 2
    assert "does not look like a telephone number" in capsys.readouterr().err
    assert chc(["--db", str(db.path), "settings", "show"]) == 0
    out = capsys.readouterr().out
    assert "complaints_officer: Pat Jones" in out and "region: scotland" in out


async def _open_settings(pilot, app):
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.press("f4")
    for _ in range(100):
        if isinstance(app.screen, SettingsScreen):
            return
        await pilot.pause(0.01)
    raise AssertionError("F4 did not open the settings")


async def _wait(pilot, condition):
    for _ in range(200):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError("timed out")


async def test_f4_edits_the_landlord_from_the_keyboard(db):
    services = Services(db, actor="alice", today_fn=lambda: MON)
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_settings(pilot, app)
        await pilot.press("e")
        await _wait(pilot, lambda: isinstance(app.screen, StepForm))
        form = app.screen
        name = form.query_one("#f-name")
        name.focus()
        await pilot.press("end", *["backspace"] * len(name.value), *"Riverside Homes")
        form.query_one("#f-complaints_officer").focus()
        await pilot.press(*"Pat Jones")
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: isinstance(app.screen, SettingsScreen))
        assert (read(db).name, read(db).complaints_officer) == ("Riverside Homes", "Pat Jones")
        await pilot.pause()
        screen_text = "\n".join(strip.text for strip in app.screen._compositor.render_strips())
        assert "Riverside Homes" in screen_text


async def test_a_bad_closure_day_is_shown_beside_the_field_and_escape_asks(db):
    services = Services(db, actor="alice", today_fn=lambda: MON)
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open_settings(pilot, app)
        await pilot.press("a")
        await _wait(pilot, lambda: isinstance(app.screen, StepForm))
        app.screen.query_one("#f-day").focus()
        await pilot.press(*"31/02/2027")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert str(app.screen.query_one("#e-day").render()).strip()  # the error, beside the field
        assert app.screen.query_one("#f-day").value == "31/02/2027"  # what was typed is kept
        await pilot.press("escape")
        await _wait(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
        await _wait(pilot, lambda: isinstance(app.screen, StepForm))
        field = app.screen.query_one("#f-day")
        field.focus()
        await pilot.press("end", *["backspace"] * len(field.value), *"24/12/2026")
        await pilot.press("ctrl+s")
        await _wait(pilot, lambda: isinstance(app.screen, SettingsScreen))
    with db.read() as session:
        assert [c.day for c in session.exec(select(ClosureDay))] == [date(2026, 12, 24)]
