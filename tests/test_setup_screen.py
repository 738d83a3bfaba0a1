"""The first-run setup screen, and a letter's missing details set in place from its form:
Pilot at 80x24, real keys, asserting what is stored."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from chc_tui.app import build_app
from chc_tui.services import Services
from chc_tui.steps.landlord import landlord_settings
from chc_tui.steps.settings import closure_days, get_setting
from screens.forms import StepForm
from screens.main import MainScreen
from store.engine import open_database
from store.models import Staff
from test_tui_journeys import field, form_errors, open_form, settle, wait_for
from chc_tui.steps import usecases
from letter_helpers import ready_to_sign
from screens.complaint import ComplaintScreen
from screens.letter import LetterScreen
from screens.letter_details import LetterDetailsForm
from store.models import Letter

TODAY = date(2026, 11, 23)  # a Monday
SIZE = (80, 24)


def _fresh(tmp_path, name="fresh.db") -> Services:
    return Services(open_database(tmp_path / name), actor="pat", today_fn=lambda: TODAY)


def _setup_up(app) -> bool:
    return isinstance(app.screen, StepForm) and app.screen.spec.title == "Set up this database"


async def _setup_opened(pilot) -> None:
    await settle(pilot)
    await wait_for(pilot, lambda: _setup_up(pilot.app), "the setup screen")




async def test_a_fresh_database_opens_setup_and_ctrl_s_saves_it(tmp_path):
    services = _fresh(tmp_path)
    app = build_app(services, offer_setup=True)
    async with app.run_test(size=SIZE) as pilot:
        await _setup_opened(pilot)
        await field(pilot, "name", "Riverside Homes")
        await field(pilot, "address", "1 Quay Street, Exeter EX1 1AA")
        region = app.screen.query_one("#f-region")
        assert region.selection == "england-and-wales"
        assert "England and Wales" in str(region.query_one("SelectCurrent Static#label").render())
        region.focus()
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert app.screen.query_one("#f-region").value == "scotland"
        await field(pilot, "homes", "5035")
        await field(pilot, "closure_from", "24/12/2026")
        await field(pilot, "closure_to", "01/01/2027")
        await field(pilot, "officer_name", "Pat Jones")
        await field(pilot, "officer_title", "Complaints Officer")
        await field(pilot, "officer_email", "complaints@riverside.example")
        await field(pilot, "officer_phone", "01632 960 400")
        await field(pilot, "mrc", "Cllr Ann Board")
        await field(pilot, "staff_name", "Sam Lee")
        await field(pilot, "staff_login", "sam")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen) or form_errors(app), "setup to save")
        assert isinstance(app.screen, MainScreen), form_errors(app)
    with services.db.read() as session:
        landlord = landlord_settings(session)
        assert (landlord.name, landlord.address) == ("Riverside Homes", "1 Quay Street, Exeter EX1 1AA")
        assert get_setting(session, "region") == "scotland"
        assert str(get_setting(session, "homes_owned:2026")) == "5035"
        assert date(2026, 12, 24) in closure_days(session)
        staff = {s.display_name: s for s in session.exec(select(Staff))}
        assert staff["Pat Jones"].job_title == "Complaints Officer"
        assert "admin" in staff["Pat Jones"].roles and "complaints-lead" in staff["Pat Jones"].roles
        assert "Sam Lee" in staff
    services.db.dispose()


async def test_setup_errors_sit_under_their_fields_and_keep_the_typing(tmp_path):
    services = _fresh(tmp_path)
    app = build_app(services, offer_setup=True)
    async with app.run_test(size=SIZE) as pilot:
        await _setup_opened(pilot)
        await field(pilot, "name", "Riverside Homes")
        await field(pilot, "homes", "lots")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form_errors(app), "the refusal")
        assert "address" in form_errors(app)
        assert app.screen.query_one("#f-name").value == "Riverside Homes"
        await field(pilot, "address", "1 Quay Street")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "homes" in form_errors(app), "the homes refusal")
        assert app.screen.query_one("#f-homes").value == "lots"
    with services.db.read() as session:
        assert not get_setting(session, "landlord_name")  # nothing half-saved
    services.db.dispose()


async def test_escape_skips_setup_and_the_next_start_asks_again(tmp_path):
    services = _fresh(tmp_path)
    app = build_app(services, offer_setup=True)
    async with app.run_test(size=SIZE) as pilot:
        await _setup_opened(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
    again = build_app(services, offer_setup=True)
    async with again.run_test(size=SIZE) as pilot:
        await _setup_opened(pilot)
    services.db.dispose()


def _without_job_title(db, login="alice") -> None:
    ready_to_sign(db)
    with db.write() as session:
        alice = next(s for s in session.exec(select(Staff)) if s.display_name == login.capitalize())
        alice.job_title = ""
        session.add(alice)


def _complaint_app(db):
    """A defined complaint whose acknowledgement alice (no job title yet) is to sign."""
    _without_job_title(db)
    services = Services(db, actor="alice", today_fn=lambda: TODAY)
    ref = services.run(usecases.log_complaint, received_on=date(2026, 11, 16), channel="phone",
                       resident_name="Ann Lee", category="Repairs", resident_words="Boiler broken").reference
    services.run(usecases.define, ref, understanding="u", outcomes_sought="o", responsible_aspects="r")
    app = build_app(services)
    app.reference = ref
    return app


async def _acknowledge_form(pilot) -> None:
    await settle(pilot)
    pilot.app.open_complaint(pilot.app.reference)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ComplaintScreen), "the complaint")
    await open_form(pilot, "a")


async def test_a_letter_missing_the_signers_title_asks_for_it_in_place_and_keeps_the_form(db):
    app = _complaint_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _acknowledge_form(pilot)
        form = app.screen
        await field(pilot, "acknowledged_on", "20/11/2026", clear=True)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, LetterDetailsForm), "the missing details")
        details = app.screen
        assert [f.name for f in details.spec.fields] == ["job_title"]
        await pilot.press("ctrl+s")  # empty: refused under its field, nothing saved
        await wait_for(pilot, lambda: "job_title" in form_errors(app), "the empty title refused")
        await field(pilot, "job_title", "Head of Housing Services")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is form, "the form again")
        assert form.query_one("#f-acknowledged_on").value == "20/11/2026"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, LetterScreen), "the letter")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the letter sent")
    with db.read() as session:
        letter = session.exec(select(Letter)).one()
        assert "Head of Housing Services" in letter.body
        assert (next(s for s in session.exec(select(Staff)) if s.display_name == "Alice")).job_title == "Head of Housing Services"


async def test_escape_on_the_missing_details_goes_back_to_the_form_unsaved(db):
    app = _complaint_app(db)
    async with app.run_test(size=SIZE) as pilot:
        await _acknowledge_form(pilot)
        form = app.screen
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, LetterDetailsForm), "the missing details")
        await field(pilot, "job_title", "Typed then abandoned")
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is form, "the form again")
    with db.read() as session:
        assert not session.exec(select(Letter)).all()
        assert not (next(s for s in session.exec(select(Staff)) if s.display_name == "Alice")).job_title
