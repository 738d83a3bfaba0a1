"""Text people type is shown exactly as typed, brackets and all, on every screen.

A resident's "The [kitchen] tap" must not lose "[kitchen]" (read as a style), and "[/x]"
(read as a closing tag) must not crash the app: nothing typed may go through Rich or
Textual markup. One complaint whose every free-text field holds bracketed text, and a
journey over every screen that shows it, pressing real keys."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from textual.geometry import Region
from textual.widgets._toast import Toast

from chc_tui.steps import usecases
from letter_helpers import ready_to_sign
from chc_tui.app import build_app
from chc_tui.rules.context import StepContext
from chc_tui.services import Services
from chc_tui.steps.settings import put_setting
from screens.complaint import ComplaintScreen
from screens.confirm import ConfirmScreen
from screens.forms import StepForm
from screens.help import HelpScreen
from screens.letter import LetterScreen
from screens.lessons import LessonsScreen
from screens.main import MainScreen
from screens.ombudsman import OmbudsmanScreen
from screens.remedies import RemediesScreen
from screens.resident import ResidentScreen
from screens.sent_letters import LettersScreen, LetterTextScreen
from screens.service_requests import ServiceRequestsScreen
from test_tui_journeys import field, save, settle, wait_for

TODAY = date(2026, 11, 23)  # a Monday
ALICE = StepContext(actor="alice", today=TODAY)
# Each field leads with a tag of its own (found in what is drawn only if shown as typed),
# then a closing tag that matches nothing (a MarkupError if read as markup) and an open one.
TAIL = " [/x] [b]"


def typed(tag: str, words: str = "") -> str:
    return f"[{tag}] {words}{TAIL}".replace("  ", " ")


def drawn(app) -> str:
    """Every line the current screen's widgets draw (the parts scrolled out of view too),
    as one string of plain text."""
    lines = []
    for widget in app.screen.walk_children(with_self=False):
        if not widget.display or not widget.size.width or not widget.size.height:
            continue
        for strip in widget.render_lines(Region(0, 0, widget.size.width, widget.size.height)):
            lines.append("".join(segment.text for segment in strip))
    return " ".join(" ".join(lines).split())


def assert_shown(app, *tags: str, closing: bool = True) -> None:
    assert app.is_running, "the app crashed"
    text = drawn(app)
    missing = [tag for tag in tags if f"[{tag}]" not in text]
    assert not missing, f"not shown as typed: {missing}\n{text}"
    if closing:
        assert "[/x]" in text


async def press_to(pilot, key: str, screen_type) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen_type), screen_type.__name__)
    await settle(pilot)


async def back_to(pilot, screen_type) -> None:
    for _ in range(6):
        if isinstance(pilot.app.screen, screen_type):
            return
        # Esc; on "Discard what you typed?" (a choice was made), y
        await pilot.press("y" if isinstance(pilot.app.screen, ConfirmScreen) else "escape")
        await settle(pilot)
    assert isinstance(pilot.app.screen, screen_type)


def _record_everything_around(db, ref: str, resident_id: int) -> None:
    from chc_tui.steps import correspondence, learning, residents, service_requests

    residents.agree_adjustment(db, resident_id, description=typed("adjustment", "large print"), agreed_on=TODAY,
                               review_on=date(2027, 5, 23), ctx=ALICE)
    residents.impose_restriction(db, resident_id, restriction=typed("restriction", "email only"),
                                 reasons=typed("reasons", "abusive calls"), equality_act_consideration=typed("equality", "considered"), decided_by=typed("decider", "Sam Lee"),
                                 decided_on=TODAY, review_on=date(2027, 2, 22), ctx=ALICE)
    residents.record_vulnerability(db, resident_id, description=typed("vulnerable", "hard of hearing"),
                                   disclosed_on=TODAY, ctx=ALICE)
    residents.add_representative(db, resident_id, name=typed("rep", "Leanne Price"), relationship="advocate",
                                 contact=typed("repcontact", "07700 900123"), ctx=ALICE)
    service_requests.log_service_request(db, received_on=TODAY, category="Repairs",
                                         description=typed("request", "fix the gate"), resident_id=resident_id, ctx=ALICE)
    learning.set_theme(db, ref, theme=typed("theme", "Repairs"), root_cause=typed("cause", "no follow-up"), ctx=ALICE)
    learning.record_lesson(db, theme=typed("ltheme", "Repairs"), lesson=typed("lesson", "book the visit"),
                           improvement=typed("improve", "text reminders"), recorded_on=TODAY,
                           due_on=date(2027, 1, 29), complaints=[ref], ctx=ALICE)
    correspondence.record_correspondence(db, ref, happened_on=TODAY, kind="call", direction="in", party="resident",
                                         party_name=typed("party", "Ann"), summary=typed("summary", "rang about it"),
                                         ctx=ALICE)


def _after_the_response(db, ref: str) -> None:
    from chc_tui.steps import ombudsman, remedies

    usecases.respond(db, ref, decision="partly_upheld", reasons=typed("reasons2", "it took too long"),
                     remedies=[f"apology: {typed('remedy', 'an apology')}, due 04/12/2026"],
                     impact=typed("impact", "a wet ceiling"),
                     actions=[f"{typed('outstanding', 'paint')}, due 15/01/2027, owner {typed('owner2', 'Sam')}"],
                     responded_on=TODAY, ctx=ALICE)
    remedies.offer_remedy(db, ref, kind="apology", description=typed("offered", "a written apology"),
                          offered_on=TODAY, due_on=date(2026, 12, 4), ctx=ALICE)
    remedies.add_action(db, ref, description=typed("action", "repaint the ceiling"), owner=typed("owner", "Sam"),
                        due_on=date(2027, 1, 15), ctx=ALICE)
    case = ombudsman.open_case(db, ref, ombudsman_reference="[hos]-2026-1", opened_on=TODAY, ctx=ALICE)
    ombudsman.add_request(db, case, received_on=TODAY, description=typed("ombreq", "send the file"),
                          due_on=date(2026, 12, 7), ctx=ALICE)
    finding = ombudsman.record_finding(db, case, issue=typed("issue", "the repair"), determination="maladministration",
                                       determined_on=TODAY, ctx=ALICE)
    ombudsman.add_order(db, case, kind="order", description=typed("order", "pay £100"), due_on=date(2027, 1, 4),
                        finding_id=finding, ctx=ALICE)
    ombudsman.record_chfo(db, case, issued_on=TODAY, reason=typed("chfo", "no response"), ctx=ALICE)


async def test_bracketed_text_is_shown_as_typed_on_every_screen(db, tmp_path, request):
    with db.write() as session:
        put_setting(session, "landlord_name", "Riverside Homes")
        put_setting(session, "landlord.complaints_officer", "Pat Jones, Complaints Officer")
    logged = usecases.log_complaint(
        db, received_on=date(2026, 11, 16), channel="phone", resident_name=typed("name", "Ann O'Neil"),
        category="Repairs", resident_words=typed("words", "The [kitchen] tap leaks [b]badly"),
        resident_address=typed("address", "1 Road"), resident_phone=typed("phone", "01392"),
        representative_name=typed("repname", "Ben"), representative_relationship=typed("rel", "son"),
        adjustments=typed("adjust", "[/i] large print"), handler="alice", ctx=ALICE,
    )
    ref = logged.reference
    usecases.define(db, ref, understanding=typed("understanding", "the tap"), outcomes_sought=typed("outcomes", "fix it"),
                    responsible_aspects=typed("ours", "the tap"), not_responsible_aspects=typed("theirs", "the sink"),
                    ctx=ALICE)
    ready_to_sign(db)  # letters are signed by name and title, never a login
    services = Services(db, actor="alice", today_fn=lambda: TODAY)
    resident_id = services.resident_of(ref)
    _record_everything_around(db, ref, resident_id)

    app = build_app(services)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert_shown(app, "name")

        # Enter on the complaint in the list
        await pilot.press("slash", *ref, "enter")
        await settle(pilot)
        await press_to(pilot, "enter", ComplaintScreen)
        assert_shown(app, "name", "words", "kitchen", "address", "phone", "repname", "rel", "adjust", "/i",
                     "understanding", "outcomes", "ours", "theirs", "restriction", "decider", "adjustment",
                     "vulnerable", "rep", "theme", "cause", "lesson", "improve", "summary", "party")

        # Acknowledge from the keyboard: the form's intro, then the letter with the adjustments
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm), "the acknowledgement form")
        await settle(pilot)
        assert_shown(app, "understanding")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, LetterScreen), "the letter")
        await settle(pilot)
        assert_shown(app, "adjust", "/i")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint again")
        await settle(pilot)
        assert app.is_running

        # the response, remedies, an action and an Ombudsman case, then Ctrl+R
        _after_the_response(db, ref)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert_shown(app, "reasons2", "remedy", "outstanding", "offered", "action", "owner", "hos", "chfo", "issue",
                     "order")

        # the letter as sent
        await press_to(pilot, "l", LettersScreen)
        await press_to(pilot, "enter", LetterTextScreen)
        assert_shown(app, "name")
        await back_to(pilot, ComplaintScreen)

        # the resident's needs, their help screen (titled with the name) and a review form
        await press_to(pilot, "v", ResidentScreen)
        assert_shown(app, "name", "address", "phone", "restriction", "decider", "adjustment", "vulnerable", "rep")
        await press_to(pilot, "f1", HelpScreen)
        assert_shown(app, "name")
        await back_to(pilot, ResidentScreen)
        table = app.screen.query_one("#records-table")
        # the agreed one, not the one the complaint's "[adjust]" text became (issue 19.3)
        rows = app.screen.listing_now.rows
        table.move_cursor(row=next(i for i, r in enumerate(rows)
                                   if r.kind == "adjustment" and "[adjust]" not in r.item.description))
        await settle(pilot)
        await press_to(pilot, "r", StepForm)
        assert_shown(app, "adjustment")
        await back_to(pilot, ResidentScreen)
        await back_to(pilot, ComplaintScreen)

        # remedies and actions, and the form on a remedy
        await press_to(pilot, "m", RemediesScreen)
        assert_shown(app, "name", "remedy", "offered", "action", "owner")
        await press_to(pilot, "u", StepForm)
        assert_shown(app, "remedy")  # the first remedy: the one the response recorded
        await back_to(pilot, ComplaintScreen)

        # the Ombudsman, and an order's form choosing among the findings
        await press_to(pilot, "b", OmbudsmanScreen)
        assert_shown(app, "hos", "chfo", "issue", "order", "ombreq")
        await press_to(pilot, "g", StepForm)
        finding = app.screen.query_one("#f-finding_id")
        assert isinstance(finding.value, int)  # the case's one finding is already chosen (an order needs it)
        finding.focus()
        await pilot.pause()
        await pilot.press("enter")  # the choices open, as typed
        await wait_for(pilot, lambda: finding.expanded, "the finding's choices")
        await settle(pilot)
        assert app.is_running
        await pilot.press("escape")
        await wait_for(pilot, lambda: not finding.expanded, "the choices closed")
        await settle(pilot)
        assert isinstance(app.screen, StepForm) and isinstance(finding.value, int)
        assert_shown(app, "issue", "hos")
        await back_to(pilot, ComplaintScreen)

        # the complaint's lessons
        await press_to(pilot, "j", LessonsScreen)
        assert_shown(app, "ltheme", "lesson")  # the improvement is cut off at 100 columns
        await back_to(pilot, ComplaintScreen)

        # the evidence pack, written to a folder with brackets in its name: the form's
        # preview and the notice say where, as typed
        # (a short folder: a long one wraps on the 100-column form, wherever pytest puts it)
        short = Path(tempfile.mkdtemp(prefix="b"))
        request.addfinalizer(lambda: shutil.rmtree(short, ignore_errors=True))
        folder = short / "[out]"
        folder.mkdir()
        await press_to(pilot, "p", StepForm)
        await field(pilot, "path", str(folder / "pack"), clear=True)
        await settle(pilot)
        assert_shown(app, "out", closing=False)
        await save(pilot)
        assert isinstance(app.screen, ComplaintScreen)
        assert [p.name for p in folder.iterdir()] == ["pack.docx"]
        await wait_for(pilot, lambda: any("[out]" in str(toast.render()) for toast in app.screen.query(Toast)),
                       "the notice naming the file, as it is")
        assert_shown(app, "name")

        # F6 lessons and F5 service requests, from the main screen
        await back_to(pilot, MainScreen)
        await press_to(pilot, "f6", LessonsScreen)
        assert_shown(app, "ltheme", "lesson")  # the improvement is cut off at 100 columns
        await back_to(pilot, MainScreen)
        await press_to(pilot, "f5", ServiceRequestsScreen)
        await press_to(pilot, "t", ServiceRequestsScreen)  # open and done alike
        assert_shown(app, "name", "request")
        await back_to(pilot, MainScreen)
        assert_shown(app, "name")


async def test_settings_and_the_report_show_typed_text_as_typed(db):
    from screens.report import FigureItemsScreen, ReportScreen
    from screens.settings import SettingsScreen

    with db.write() as session:
        put_setting(session, "landlord_name", typed("landlord", "Riverside Homes"))
        put_setting(session, "landlord.address", typed("landlordaddress", "1 Quay Street"))
    usecases.add_closure_day(db, date(2026, 12, 29), note=typed("shut", "Christmas"), ctx=ALICE)
    category = typed("category", "Repairs")
    usecases.log_complaint(db, received_on=date(2026, 11, 16), channel="phone", resident_name=typed("name", "Ann"),
                           category=category, resident_words=typed("words", "the tap"), ctx=ALICE)
    app = build_app(Services(db, actor="alice", today_fn=lambda: TODAY))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await press_to(pilot, "f4", SettingsScreen)
        assert_shown(app, "landlord", "landlordaddress", "shut")
        await back_to(pilot, MainScreen)

        # F3, then Enter on the category's figure: the list behind it is titled with the category
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen) and app.screen.report is not None, "the report")
        await settle(pilot)
        report = app.screen
        report.query_one("#figures").move_cursor(row=[row.label for row in report.rows].index(category))
        await settle(pilot)
        assert_shown(app, "category")
        await press_to(pilot, "enter", FigureItemsScreen)
        assert_shown(app, "category")
        await back_to(pilot, MainScreen)


async def test_a_handler_named_with_brackets_is_shown_in_the_filter_bar(db):
    from chc_tui.steps import staff

    staff.add_staff(db, display_name=typed("handler", "Sam"), logins=["sam"], ctx=ALICE)  # a name on the register
    usecases.log_complaint(db, received_on=date(2026, 11, 16), channel="phone", resident_name="Ann Lee",
                           category="Repairs", resident_words="the tap", handler=typed("handler", "Sam"), ctx=ALICE)
    app = build_app(Services(db, actor="alice", today_fn=lambda: TODAY))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("h")  # the list filtered to the next handler: the only one
        await settle(pilot)
        assert "handler:[handler] Sam [/x] [b]" in str(app.screen.query_one("#filters").render())
        assert_shown(app, "handler")
