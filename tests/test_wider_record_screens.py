"""Journeys through the screens around a complaint (issue 7), pressing real keys: the
resident's needs, service requests, remedies and actions, the Ombudsman, learning and new
issues, and Enter on the deadline panel."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from chc_tui.steps import usecases
from chc_tui.app import build_app
from chc_tui.rules.context import StepContext
from chc_tui.services import Services
from conftest import dump
from screens.complaint import ComplaintScreen
from screens.forms import StepForm
from screens.lessons import LessonsScreen
from screens.main import MainScreen
from screens.ombudsman import OmbudsmanScreen
from screens.remedies import RemediesScreen
from screens.resident import ResidentScreen
from screens.service_requests import ServiceRequestsScreen
from store.models import (
    Action,
    Complaint,
    Lesson,
    OmbudsmanFinding,
    OmbudsmanOrder,
    Remedy,
    Restriction,
    ServiceRequest,
)
from test_tui_journeys import choose, field, form_errors, open_form, save, settle, wait_for

TODAY = date(2026, 11, 23)  # a Monday
ALICE = StepContext(actor="alice", today=TODAY)


def _services(db) -> Services:
    return Services(db, actor="alice", today_fn=lambda: TODAY)


def _complaint(db) -> str:
    return usecases.log_complaint(
        db, received_on=date(2026, 11, 2), channel="phone", resident_name="Mrs Joan Pike", category="Repairs",
        resident_words="Water through the ceiling", ctx=ALICE,
    ).reference


def _all(db, model):
    with db.read() as s:
        return list(s.exec(select(model)))


def _screen_text(app) -> str:
    return " ".join(str(w.render()) for w in app.screen.query("Static"))


def _complaint_text(app) -> str:
    import io

    from rich.console import Console

    from screens.complaint import render_detail

    console = Console(width=120, record=True, file=io.StringIO())
    console.print(render_detail(app.screen.detail, None, TODAY))
    return console.export_text()


def _table_text(app) -> str:
    return _table_text_of(app.screen)


def _table_text_of(screen) -> str:
    table = screen.query_one("#records-table")
    return " ".join(str(cell) for row in range(table.row_count) for cell in table.get_row_at(row))


async def _open_complaint(pilot, ref: str) -> None:
    pilot.app.open_complaint(ref)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ComplaintScreen) and pilot.app.screen.detail, "the complaint")


async def _press_to(pilot, key: str, screen_type) -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, screen_type), screen_type.__name__)
    await settle(pilot)


async def test_a_restriction_needs_its_review_date_and_then_shows_on_the_complaint(db):
    ref = _complaint(db)
    app = build_app(_services(db))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await _open_complaint(pilot, ref)
        await _press_to(pilot, "v", ResidentScreen)
        await open_form(pilot, "x")
        await field(pilot, "restriction", "Contact by email only, to the complaints inbox")
        await field(pilot, "reasons", "Abusive calls to staff on 2, 9 and 16 November")
        await field(pilot, "decided_by", "Sam Lee, Head of Housing")
        await field(pilot, "review_on", "", clear=True)
        before = dump(db)
        await save(pilot)
        assert "review date is required" in form_errors(app)["review_on"]
        assert "Equality Act 2010" in form_errors(app)["equality_act_consideration"]  # 5.15
        assert dump(db) == before
        assert app.screen.query_one("#f-reasons").text.startswith("Abusive calls")  # typing kept
        await field(pilot, "review_on", "22/02/2027")
        await field(pilot, "equality_act_consideration", "No disability disclosed; email keeps her access")
        await save(pilot)
        assert isinstance(app.screen, ResidentScreen)
        [restriction] = _all(db, Restriction)
        assert (restriction.review_on, restriction.decided_by) == (date(2027, 2, 22), "Sam Lee, Head of Housing")
        assert "restriction" in _table_text(app)

        # an adjustment, then its review on the chosen row
        await open_form(pilot, "a")
        await field(pilot, "description", "Large print letters")
        await save(pilot)
        assert "Large print letters" in _table_text(app)
        await pilot.press("down")  # the adjustment is under the restriction
        await open_form(pilot, "r")
        assert "adjustment" in app.screen.spec.title
        await field(pilot, "next_review_on", "24/05/2027", clear=True)
        await save(pilot)
        assert "24/05/27" in _table_text(app)

        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint again")
        text = _complaint_text(app)
        assert "RESTRICTED CONTACT" in text and "Large print letters" in text


async def test_a_service_request_is_logged_and_a_complaint_raised_from_it_keeps_it_open(db):
    app = build_app(_services(db))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await _press_to(pilot, "f5", ServiceRequestsScreen)
        await open_form(pilot, "n")
        await field(pilot, "resident_name", "Ben Carter")
        await field(pilot, "description", "Dripping kitchen tap")
        await save(pilot)
        [request] = _all(db, ServiceRequest)
        assert (request.reference, request.target_days, request.due_on) == ("SR2026-0001", 10, date(2026, 12, 7))
        assert "SR2026-0001" in _table_text(app)

        await open_form(pilot, "c")
        await field(pilot, "resident_words", "Two weeks and nobody has come")
        await save(pilot)
        [complaint] = _all(db, Complaint)
        [request] = _all(db, ServiceRequest)
        assert request.complaint_id == complaint.id and request.done_on is None and complaint.status == "open"
        assert complaint.reference in _table_text(app)

        await open_form(pilot, "d")
        await field(pilot, "outcome", "Washer replaced")
        await save(pilot)
        assert _all(db, ServiceRequest)[0].done_on == TODAY
        assert "No service requests open" in _screen_text(app)
        await pilot.press("t")  # all, done ones too
        await settle(pilot)
        assert "SR2026-0001" in _table_text(app)


async def test_remedies_and_actions_are_offered_and_followed_through(db):
    ref = _complaint(db)
    app = build_app(_services(db))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await _open_complaint(pilot, ref)
        await _press_to(pilot, "m", RemediesScreen)
        await open_form(pilot, "m")
        await choose(pilot, "kind", "financial")
        await field(pilot, "description", "Compensation for the delay")
        await field(pilot, "due_on", "07/12/2026")
        await field(pilot, "amount", "250")
        await field(pilot, "parts", "Time and trouble: 150")
        await pilot.press("enter", *"Delay: 50")
        await save(pilot)
        assert "add up to £200.00" in form_errors(app)["parts"]
        app.screen.query_one("#f-parts").clear()
        await field(pilot, "parts", "Time and trouble: 150")
        await pilot.press("enter", *"Delay: 100")
        await save(pilot)
        [remedy] = _all(db, Remedy)
        assert (remedy.amount_pence, remedy.due_on) == (25000, date(2026, 12, 7))

        await open_form(pilot, "u")  # accepted
        await save(pilot)
        assert _all(db, Remedy)[0].accepted_on == TODAY

        await open_form(pilot, "a")
        await field(pilot, "description", "Replace the bathroom ceiling")
        await field(pilot, "owner", "Repairs team")
        await field(pilot, "due_on", "04/12/2026")
        await save(pilot)
        await pilot.press("down")
        await open_form(pilot, "p")
        await field(pilot, "update", "Ceiling replaced")
        await field(pilot, "done_on", "today")
        await save(pilot)
        [action] = _all(db, Action)
        assert (action.done_on, action.update) == (TODAY, "Ceiling replaced")

        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the complaint again")
        assert "Remedies and actions" in _complaint_text(app)


async def test_an_ombudsman_case_with_a_finding_and_an_order_on_the_panel(db):
    ref = _complaint(db)
    app = build_app(_services(db))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await _open_complaint(pilot, ref)
        await _press_to(pilot, "b", OmbudsmanScreen)
        await open_form(pilot, "o")
        await field(pilot, "ombudsman_reference", "202612345")
        await save(pilot)
        await open_form(pilot, "f")
        await field(pilot, "issue", "Repairs to the roof")
        await choose(pilot, "determination", "maladministration")
        await save(pilot)
        await open_form(pilot, "g")
        await field(pilot, "description", "Pay £400 and apologise")
        await field(pilot, "due_on", "21/12/2026")
        await save(pilot)
        [finding] = _all(db, OmbudsmanFinding)
        [order] = _all(db, OmbudsmanOrder)
        assert (finding.determination, order.kind, order.due_on) == ("maladministration", "order", date(2026, 12, 21))

        # on the main screen's panel, and Enter there comes back here
        await pilot.press("escape")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        await settle(pilot)
        panel = app.screen.query_one("#deadlines")
        keys = [row.key.value for row in panel.ordered_rows]
        assert f"ombudsman_order:{order.id}" in keys
        panel.focus()
        panel.move_cursor(row=keys.index(f"ombudsman_order:{order.id}"))
        await _press_to(pilot, "enter", OmbudsmanScreen)

        rows = [r.key for r in app.screen.listing_now.rows]
        app.screen.query_one("#records-table").move_cursor(row=rows.index(f"order:{order.id}"))
        await pilot.pause()
        await open_form(pilot, "y")
        await field(pilot, "evidence", "BACS payment 4471 and the apology letter")
        await save(pilot)
        assert _all(db, OmbudsmanOrder)[0].complied_on == TODAY


async def test_theme_new_issue_and_a_lesson_from_the_complaint(db):
    ref = _complaint(db)
    app = build_app(_services(db))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await _open_complaint(pilot, ref)
        await open_form(pilot, "t")
        await field(pilot, "theme", "Repairs: delay")
        await field(pilot, "root_cause", "Parts on back order")
        await save(pilot)

        await open_form(pilot, "i")
        await field(pilot, "issue", "The neighbour's music every night")
        app.screen.query_one("#f-related").value = False  # unrelated: a new complaint (6.8)
        await pilot.pause()
        assert "new complaint" in str(app.screen.query_one("#form-preview").render())
        await save(pilot)
        complaints = _all(db, Complaint)
        assert len(complaints) == 2 and complaints[1].related_to_id == complaints[0].id
        assert complaints[0].theme == "Repairs: delay"

        await _press_to(pilot, "j", LessonsScreen)
        await open_form(pilot, "n")
        assert app.screen.query_one("#f-complaints").value == ref
        await field(pilot, "theme", "Repairs: delay")
        await field(pilot, "lesson", "Jobs waited for parts and nobody told the resident")
        await field(pilot, "improvement", "Weekly call while a job waits for parts")
        await save(pilot)
        [lesson] = _all(db, Lesson)
        assert (lesson.theme, lesson.due_on) == ("Repairs: delay", date(2027, 1, 23))
        await open_form(pilot, "d")
        await save(pilot)
        assert _all(db, Lesson)[0].done_on == TODAY


async def test_two_handlers_reviewing_one_adjustment_the_second_is_told_and_keeps_their_typing(db):
    from chc_tui.steps import residents
    from store.models import Adjustment

    ref = _complaint(db)
    with db.read() as s:
        rid = s.exec(select(Complaint.resident_id)).one()
    adjustment = residents.agree_adjustment(db, rid, description="Large print letters", agreed_on=date(2026, 11, 2),
                                            review_on=date(2026, 11, 30), ctx=ALICE)
    app = build_app(_services(db))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await _open_complaint(pilot, ref)
        await _press_to(pilot, "v", ResidentScreen)
        await open_form(pilot, "r")
        await field(pilot, "note", "Still needed: spoke to her today")
        # meanwhile Bob reviews it in his own session
        residents.review_adjustment(db, adjustment, reviewed_on=TODAY, next_review_on=date(2027, 2, 1),
                                    ctx=StepContext(actor="bob", today=TODAY))
        before = dump(db)
        await save(pilot)
        assert isinstance(app.screen, StepForm)
        assert "changed by someone else" in form_errors(app)["*"]
        assert app.screen.query_one("#f-note").text == "Still needed: spoke to her today"
        assert dump(db) == before
        # the record behind is Bob's now; a second Ctrl+S saves Alice's review over it, knowingly
        assert "01/02/27" in _table_text_of(app.screen_stack[-2])
        await save(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ResidentScreen), "the resident again")
        [saved] = _all(db, Adjustment)
        assert (saved.review_on, saved.version) == (date(2027, 5, 23), 3)


async def test_k_to_the_reviews_then_enter_opens_the_resident(db):
    from chc_tui.steps import residents

    ref = _complaint(db)
    with db.read() as s:
        rid = s.exec(select(Complaint.resident_id)).one()
    residents.agree_adjustment(db, rid, description="Large print letters", agreed_on=date(2026, 11, 2),
                               review_on=date(2026, 12, 7), ctx=ALICE)
    app = build_app(_services(db))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        panel = app.screen.query_one("#deadlines")
        assert ref in [row.key.value for row in panel.ordered_rows]  # the complaint's deadlines are shown
        await pilot.press("k", "k")  # all -> complaints -> reviews, redrawn at once from what is loaded
        assert [row.key.value.split(":")[0] for row in panel.ordered_rows] == ["adjustment"]
        await pilot.press("d", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ResidentScreen), "the resident")
        assert app.screen.resident_id == rid


async def test_a_restriction_on_a_resident_who_disclosed_a_vulnerability_warns_then_records_on_the_second_save(db):
    """Issue 19.7 (5.15): the warning is shown and nothing written; Ctrl+S again records it."""
    from chc_tui.steps import residents

    ref = _complaint(db)
    with db.read() as s:
        rid = s.exec(select(Complaint.resident_id).where(Complaint.reference == ref)).one()
    residents.record_vulnerability(db, rid, description="Hard of hearing", disclosed_on=date(2026, 11, 2), ctx=ALICE)
    app = build_app(_services(db))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await _open_complaint(pilot, ref)
        await _press_to(pilot, "v", ResidentScreen)
        await open_form(pilot, "x")
        await field(pilot, "restriction", "Contact by email only")
        await field(pilot, "reasons", "Abusive calls to staff on 2, 9 and 16 November")
        await field(pilot, "equality_act_consideration", "Email suits her hearing better than calls")
        await field(pilot, "decided_by", "Sam Lee, Head of Housing")
        before = dump(db)
        await save(pilot)
        errors = form_errors(app)
        assert "Hard of hearing" in errors["*"] and "5.15" in errors["*"]
        assert dump(db) == before
        await save(pilot)
        assert isinstance(app.screen, ResidentScreen)
        [restriction] = _all(db, Restriction)
        assert restriction.equality_act_consideration == "Email suits her hearing better than calls"
