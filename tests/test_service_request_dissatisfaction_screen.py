"""A handler on F5 records a resident's dissatisfaction with a service request at 80x24
(Code 1.3, 1.5), pressing real keys: refused until the choice to complain is recorded as
offered, then "yes" logs the linked complaint at once; the decision told is recorded and
shown in the request's detail."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from chc_tui.app import build_app
from chc_tui.rules.context import StepContext
from chc_tui.services import Services
from chc_tui.steps import service_requests
from conftest import dump
from screens.service_requests import ServiceRequestsScreen
from store.models import Complaint, ServiceRequest
from test_tui_journeys import choose, field, form_errors, open_form, save, settle, wait_for

TODAY = date(2026, 11, 23)


def _summary(app) -> str:
    return str(app.screen.query_one("#records-summary-text").render())


async def test_dissatisfaction_on_f5_needs_the_choice_offered_and_yes_logs_the_complaint(db):
    service_requests.log_service_request(db, received_on=date(2026, 11, 2), category="Repairs",
                                         description="Broken boiler", resident_name="Ada Brown",
                                         ctx=StepContext(actor="alice", today=TODAY))
    app = build_app(Services(db, actor="alice", today_fn=lambda: TODAY))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await wait_for(pilot, lambda: isinstance(app.screen, ServiceRequestsScreen), "the service requests")
        await settle(pilot)
        assert "No dissatisfaction recorded" in _summary(app)
        await open_form(pilot, "u")
        await field(pilot, "dissatisfaction", "Three weeks without heating")
        await choose(pilot, "choice", "yes")
        before = dump(db)
        await save(pilot)
        assert "choice to make a complaint" in form_errors(app)["choice_offered"]
        assert dump(db) == before
        app.screen.query_one("#f-choice_offered").focus()
        await pilot.press("space")
        await save(pilot)
        assert isinstance(app.screen, ServiceRequestsScreen)
        with db.read() as s:
            request = s.exec(select(ServiceRequest)).one()
            complaint = s.exec(select(Complaint)).one()
        assert request.complaint_id == complaint.id and complaint.resident_words == "Three weeks without heating"
        assert (request.complaint_choice_offered, request.complaint_choice) == (True, "yes")
        await wait_for(pilot, lambda: "answer: yes, make a complaint" in _summary(app), "the detail")
        assert complaint.reference in _summary(app)

        await open_form(pilot, "i")
        await field(pilot, "decision", "New boiler ordered; fitter on 30 November")
        await save(pilot)
        await wait_for(pilot, lambda: "Told the decision 23/11/26 by phone" in _summary(app), "the decision told")
