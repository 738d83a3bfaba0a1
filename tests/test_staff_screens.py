"""Pilot journeys at 80x24 pressing real keys (issue 17): the staff register screen, "mine"
on the main screen with its own counts, and the escalate form offering only eligible staff."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import DataTable, Input

from chc_tui.app import build_app
from chc_tui.rules.context import StepContext
from chc_tui.services import Services
from chc_tui.steps import usecases
from chc_tui.steps.settings import put_setting
from screens.confirm import ConfirmScreen
from screens.forms import StepForm
from screens.main import MainScreen
from screens.staff import StaffScreen
from sqlmodel import select

from store.models import Staff
from tests.test_tui_journeys import form_errors, open_form, save, settle, type_text, wait_for

TODAY = date(2026, 11, 23)  # a Monday
SIZE = (80, 24)


def services_as(db, login: str = "alice") -> Services:
    return Services(db, actor=login, today_fn=lambda: TODAY)


def staff_named(services: Services, name: str):
    return next(p for p in services.staff() if p.display_name == name)


async def open_staff(pilot) -> StaffScreen:
    await settle(pilot)
    await pilot.press("f7")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, StaffScreen), "the staff register")
    await settle(pilot)
    return pilot.app.screen


def rows(screen) -> list[str]:
    return [r.item.display_name for r in screen.listing_now.rows]


async def test_add_edit_and_deactivate_on_the_staff_screen(db):
    services = services_as(db)
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_staff(pilot)
        assert "alice" in rows(screen) and "Alice Smith" not in rows(screen)

        await open_form(pilot, "a")
        form = app.screen
        form.query_one("#f-job_title").focus()
        await type_text(pilot, "Complaints Officer")
        form.query_one("#f-logins").focus()
        await type_text(pilot, "asmith")
        await pilot.press("ctrl+s")  # no display name
        await wait_for(pilot, lambda: form_errors(app), "the error")
        assert "display name" in form_errors(app)["display_name"]
        assert form.query_one("#f-job_title", Input).value == "Complaints Officer"  # typing kept
        assert form.query_one("#f-logins", Input).value == "asmith"
        form.query_one("#f-display_name").focus()
        await type_text(pilot, "Alice Smith")
        await save(pilot)
        assert isinstance(app.screen, StaffScreen)
        added = staff_named(services, "Alice Smith")
        assert (added.job_title, added.logins, [r.value for r in added.roles]) == ("Complaints Officer", ("asmith",), ["handler"])
        assert "Alice Smith" in rows(app.screen)

        # e edits the chosen row; a login already someone else's is refused next to its field
        table = app.screen.query_one("#records-table", DataTable)
        table.move_cursor(row=rows(app.screen).index("Alice Smith"))
        await open_form(pilot, "e")
        app.screen.query_one("#f-logins").focus()
        await pilot.press("end")
        await type_text(pilot, ", bob")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: form_errors(app), "the error")
        assert "already bob's" in form_errors(app)["logins"]
        await pilot.press("escape")  # changed: asks before discarding
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the discard question")
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, StaffScreen), "the register again")
        assert staff_named(services, "Alice Smith").logins == ("asmith",)  # nothing written

        # d deactivates, after a confirm; n keeps them
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirm")
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, StaffScreen), "the register again")
        assert staff_named(services, "Alice Smith").active_to is None
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the confirm")
        await pilot.press("y")
        await wait_for(pilot, lambda: staff_named(services, "Alice Smith").active_to == TODAY, "the deactivation")
        await settle(pilot)
        assert not app.screen.check_action("deactivate", ())  # already gone: d no longer applies
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")


async def test_the_palette_offers_the_staff_register(db):
    app = build_app(services_as(db))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Staff register" in titles


async def test_a_login_not_on_the_register_reads_it_only(db):
    app = build_app(services_as(db, "stranger"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_staff(pilot)
        summary = str(screen.query_one("#records-summary-text").render())
        assert "'stranger' is not on the staff register" in summary and "chc staff add" in summary
        await pilot.press("a")
        await pilot.press("e")
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, StaffScreen)  # no form, no confirm


async def test_a_handler_who_is_not_an_admin_edits_only_their_own_details(db):
    with db.write() as session:
        for row in session.exec(select(Staff)):
            if row.display_name == "bob":
                row.roles = "handler"
    app = build_app(services_as(db, "bob"))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_staff(pilot)
        table = screen.query_one("#records-table", DataTable)
        table.move_cursor(row=rows(screen).index("alice"))
        await settle(pilot)
        assert not screen.check_action("act", ("edit",)) and not screen.check_action("act", ("add",))
        table.move_cursor(row=rows(screen).index("bob"))
        await settle(pilot)
        await open_form(pilot, "e")
        assert not app.screen.query("#f-roles")  # roles and logins are for admins
        app.screen.query_one("#f-job_title").focus()
        await type_text(pilot, "Housing Officer")
        await save(pilot)
        assert staff_named(services_as(db), "bob").job_title == "Housing Officer"


def _log(db, name: str, handler: str, received: date) -> str:
    logged = usecases.log_complaint(
        db, received_on=received, channel="phone", resident_name=name, category="Repairs",
        resident_words="the roof leaks", handler=handler, ctx=StepContext(actor="alice", today=received),
    )
    return logged.reference


def _panel_title(app) -> str:
    return str(app.screen.query_one("#deadline-title").render())


def _list_refs(app) -> list[str]:
    table = app.screen.query_one("#complaints", DataTable)
    return [table.coordinate_to_cell_key((i, 0))[0].value for i in range(table.row_count)]


async def test_mine_shows_only_my_cases_with_their_own_counts(db):
    mine = [_log(db, "Ann Lee", "alice", date(2026, 11, 16)), _log(db, "Ben Ray", "alice", date(2026, 11, 2))]
    theirs = [_log(db, "Cat Dee", "bob", date(2026, 11, 16)), _log(db, "Dan Fox", "bob", date(2026, 11, 17)),
              _log(db, "Eve Gil", "carol", date(2026, 11, 18))]
    app = build_app(services_as(db))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert sorted(_list_refs(app)) == sorted(mine + theirs)
        assert "(mine)" not in _panel_title(app)
        await pilot.press("m")
        await wait_for(pilot, lambda: sorted(_list_refs(app)) == sorted(mine), "only my cases")
        await settle(pilot)
        title = _panel_title(app)
        # Ben Ray's acknowledgement (received 2 Nov) is overdue on 23 Nov; Ann Lee's is due soon.
        assert "(mine)" in title and "1 overdue" in title
        counts = {part.split(" ", 1)[1]: int(part.split(" ", 1)[0]) for part in title.split(" · ")[1:] if part[0].isdigit()}
        assert sum(counts.values()) == 2  # my two complaints' deadlines, nobody else's
        assert str(app.screen.query_one("#filters").render()).startswith("2 shown  MINE")
        await pilot.press("m")
        await wait_for(pilot, lambda: len(_list_refs(app)) == 5, "everyone's again")
        assert "(mine)" not in _panel_title(app)


async def test_mine_is_the_default_view_when_the_app_says_so(db):
    mine = _log(db, "Ann Lee", "alice", date(2026, 11, 16))
    _log(db, "Cat Dee", "bob", date(2026, 11, 16))
    app = build_app(services_as(db))
    app.default_view = "mine"  # what the person's own settings (issue 17.7) set
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: _list_refs(app) == [mine], "only my case")


async def test_mine_for_a_login_not_on_the_register_says_who_to_ask(db):
    _log(db, "Ann Lee", "alice", date(2026, 11, 16))
    app = build_app(services_as(db, "stranger"))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert not app.screen.mine and len(_list_refs(app)) == 1


@pytest.mark.parametrize("reviewers_only", [False, True])
async def test_the_escalate_form_offers_only_eligible_staff(db, reviewers_only):
    with db.write() as session:
        put_setting(session, "landlord.complaints_officer", "Pat Jones, Complaints Officer")
        put_setting(session, "stage2_reviewers_only", reviewers_only)
        for row in session.exec(select(Staff)):
            if row.display_name == "carol":
                row.roles = "handler"  # not a stage 2 reviewer
            if row.display_name == "dave":
                row.active_to = date(2026, 1, 1)  # left
    ref = _log(db, "Ann Lee", "alice", date(2026, 11, 16))
    services = services_as(db)
    ctx = services.ctx()
    usecases.define(db, ref, understanding="u", outcomes_sought="o", responsible_aspects="r", ctx=ctx)
    usecases.acknowledge(db, ref, ctx=ctx)
    usecases.assign_handler(db, ref, handler="bob", ctx=ctx)  # bob now considers stage 1 too
    services_as(db, "bob").run(usecases.respond, ref, decision="not_upheld", reasons="on time")
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.open_complaint(ref)
        await settle(pilot)
        await open_form(pilot, "e")
        assert isinstance(app.screen, StepForm)
        offered = {label for label, _v in next(f.choices for f in app.screen.spec.fields if f.name == "handler")}
        assert not offered & {"alice", "bob", "dave"}  # stage 1's handlers, and one who left
        assert ("carol" in offered) is (not reviewers_only)
        assert "erin" in offered


async def test_an_admin_gives_a_team_on_the_staff_screen(db):
    """Issue 20.2: the team the figures per team count by is set where staff are set."""
    services = services_as(db)
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        await open_staff(pilot)
        await open_form(pilot, "a")
        form = app.screen
        form.query_one("#f-display_name").focus()
        await type_text(pilot, "Dee Patel")
        form.query_one("#f-team").focus()
        await type_text(pilot, "North")
        form.query_one("#f-logins").focus()
        await type_text(pilot, "dpatel")
        await save(pilot)
        assert staff_named(services, "Dee Patel").team == "North"
        shown = {r.item.display_name: r.cells[1] for r in app.screen.listing_now.rows}
        assert shown["Dee Patel"] == "Dee Patel · North"
        table = app.screen.query_one("#records-table", DataTable)
        table.move_cursor(row=rows(app.screen).index("Dee Patel"))
        await open_form(pilot, "e")
        team = app.screen.query_one("#f-team", Input)
        assert team.value == "North"
        team.focus()
        team.value = ""
        await type_text(pilot, "South")
        await save(pilot)
        assert staff_named(services, "Dee Patel").team == "South"
