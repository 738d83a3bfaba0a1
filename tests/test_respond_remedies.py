"""Issue 19.2: one record of remedies and actions. The response creates remedy and action
records in its own transaction (typed one a line); the letter lists them; the panel follows
each to done after closure; the report totals remedies once, from the records; upheld needs
a remedy, an action or the reason for none (Code 6.6, 6.17, 7.1-7.4)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from chc_tui.app import build_app
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import Problem, StepRefused
from chc_tui.services import Services
from chc_tui.steps import remedies, usecases
from conftest import dump
from letter_helpers import ready_to_sign
from report_helpers import Book, report_for
from screens.complaint import ComplaintScreen
from screens.main import MainScreen
from screens.remedies import RemediesScreen
from store.models import Action, Remedy, Response
from test_tui_journeys import choose, field, form_errors, open_form, save, settle, wait_for

TODAY = date(2026, 11, 23)  # a Monday
ALICE = StepContext(actor="alice", today=TODAY)


@pytest.fixture
def acknowledged(db):
    from chc_tui.steps.settings import put_setting

    with db.write() as session:
        put_setting(session, "landlord.complaints_officer", "Pat Jones, Complaints Officer")
    ready_to_sign(db)
    ref = usecases.log_complaint(db, received_on=date(2026, 11, 16), channel="phone", resident_name="Mrs Joan Pike",
                                 category="Repairs", resident_words="The kitchen fan has not worked for months",
                                 ctx=ALICE).reference
    usecases.define(db, ref, understanding="The extractor fan is broken", outcomes_sought="A working fan",
                    responsible_aspects="Repairs", ctx=ALICE)
    usecases.acknowledge(db, ref, acknowledged_on=date(2026, 11, 17), ctx=ALICE)
    return ref


def _all(db, model):
    with db.read() as s:
        return list(s.exec(select(model).order_by(model.id)))


# --- the Done-when journey, at 80x24 -------------------------------------------------------------


async def test_respond_with_two_actions_close_and_follow_them_on_the_panel(db, acknowledged):
    ref = acknowledged
    services = Services(db, actor="alice", today_fn=lambda: TODAY)
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.open_complaint(ref)
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen) and app.screen.detail, "the complaint")
        await open_form(pilot, "r")
        await choose(pilot, "decision", "upheld")
        await field(pilot, "reasons", "The fan should have been replaced within 28 days")
        # upheld with nothing to put it right is refused at the field (7.1)
        await save(pilot)
        assert "(Code 7.1)" in form_errors(app)["remedies"]
        assert _all(db, Response) == [] and _all(db, Action) == []
        # Textual's Pilot cannot send "£" (a terminal can; the CLI test types it): the £ may be left out
        await field(pilot, "remedies", "250 compensation for distress, due 10/01/2027")
        await field(pilot, "actions", "Replace the kitchen extractor fan, due 20/12/2026, owner Repairs team")
        await pilot.press("enter", *"Check the fan works, due 08/01/2027")  # no owner: refused, naming the line
        await field(pilot, "impact", "Four months of condensation and a mouldy kitchen")
        await save(pilot)
        assert form_errors(app)["actions"].startswith("action line 2: say who owns it")
        assert _all(db, Response) == [] and _all(db, Remedy) == []  # nothing half-written
        await field(pilot, "actions", "")  # to the end of the second line, and add its owner
        await pilot.press("down", "down", "end", *", owner Repairs team")
        await save(pilot)  # and sends the letter as drafted
        assert isinstance(app.screen, ComplaintScreen), form_errors(app)
        [remedy] = _all(db, Remedy)
        assert (remedy.kind, remedy.amount_pence, remedy.due_on, remedy.offered_on) == ("financial", 25000, date(2027, 1, 10), TODAY)
        assert [(a.description, a.owner, a.due_on, a.done_on) for a in _all(db, Action)] == [
            ("Replace the kitchen extractor fan", "Repairs team", date(2026, 12, 20), None),
            ("Check the fan works", "Repairs team", date(2027, 1, 8), None),
        ]
        [letter] = [x for x in services.complaint(ref).letters if x.kind == "stage1_response"]
        assert ("- Replace the kitchen extractor fan, by 20 December 2026\n"
                "- Check the fan works, by 8 January 2027\n") in letter.body
        assert "- £250.00 compensation for distress, by 10 January 2027\n" in letter.body

        await open_form(pilot, "c")
        await save(pilot)
        assert services.complaint(ref).complaint.status == "closed"

        # the panel: both actions, with their due dates, and the remedy, after closure
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the main screen")
        await settle(pilot)
        panel = app.screen.query_one("#deadlines")
        if not panel.display:
            await pilot.press("d")
            await settle(pilot)

        def rows() -> list[tuple[str, str, str]]:
            return [(str(panel.get_row_at(i)[0]), str(panel.get_row_at(i)[3]), str(panel.get_row_at(i)[4]))
                    for i in range(panel.row_count)]

        await wait_for(pilot, lambda: ("20/12/26", ref, "action") in rows(), "the actions on the panel")
        assert ("08/01/27", ref, "action") in rows() and ("10/01/27", ref, "remedy") in rows()

        # Enter on the first action opens the remedies and actions; p records it done, with
        # what the resident was told
        panel.focus()
        panel.move_cursor(row=rows().index(("20/12/26", ref, "action")))
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, RemediesScreen), "the remedies and actions")
        await settle(pilot)
        table = app.screen.query_one("#records-table")
        first_action = next(i for i in range(table.row_count) if "extractor" in str(table.get_row_at(i)[2]))
        table.move_cursor(row=first_action)
        await open_form(pilot, "p")
        await field(pilot, "update", "Fan replaced; Mrs Pike told by phone")
        await field(pilot, "done_on", "today")
        await save(pilot)
        done, still = _all(db, Action)
        assert (done.done_on, done.update) == (TODAY, "Fan replaced; Mrs Pike told by phone")
        assert still.done_on is None
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, (MainScreen, ComplaintScreen)), "back")
        kinds = [(o.row.kind, o.row.due_on) for o in services.other_deadlines() if o.row.reference == ref]
        assert sorted(kinds) == [("action", date(2027, 1, 8)), ("remedy", date(2027, 1, 10))]


# --- 7.1: upheld needs a remedy, an action or the reason for none --------------------------------


@pytest.mark.parametrize("decision", ["upheld", "partly_upheld"])
def test_upheld_with_no_remedy_action_or_reason_is_refused_at_the_field(db, acknowledged, decision):
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        usecases.respond(db, acknowledged, decision=decision, reasons="We were slow", ctx=ALICE)
    [problem] = refused.value.problems
    assert problem.field == "remedies" and "(Code 7.1)" in problem.message
    assert dump(db) == before


def test_a_reason_for_none_is_recorded_and_not_upheld_needs_none(db, acknowledged):
    usecases.respond(db, acknowledged, decision="upheld", reasons="We were slow",
                     no_remedy_reason="The fan was replaced before we answered", ctx=ALICE)
    [response] = _all(db, Response)
    assert (response.no_remedy_reason, response.remedy, response.outstanding_actions) == (
        "The fan was replaced before we answered", "", "")
    assert _all(db, Remedy) == [] and _all(db, Action) == []


def test_impact_and_guidance_are_recorded_with_the_remedy(db, acknowledged):
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        usecases.respond(db, acknowledged, decision="upheld", reasons="Late", remedies="apology: an apology, due 30/11/2026",
                         ctx=ALICE)
    assert [p.field for p in refused.value.problems] == ["impact"] and "(Code 7.2)" in str(refused.value)
    assert dump(db) == before
    usecases.respond(db, acknowledged, decision="upheld", reasons="Late", remedies="apology: an apology, due 30/11/2026",
                     impact="A cold kitchen", remedies_guidance="Remedies Guidance 2024, time and trouble", ctx=ALICE)
    [response] = _all(db, Response)
    assert (response.impact, response.remedies_guidance) == ("A cold kitchen", "Remedies Guidance 2024, time and trouble")


@pytest.mark.parametrize("line, message", [
    ("compensation, due 10/01/2027", "remedy line 1: start with the amount"),
    ("£250 compensation", "remedy line 1: say by when, ending the line ', due dd/mm/yyyy' (Code 7.3)"),
    ("£250 compensation, due 32/01/2027", "remedy line 1: the due date: '32/01/2027' is not a real date"),
    ("£250 x, due 10/01/2027, parts A: 100; B: 100", "remedy line 1: the parts add up to £200.00, not the amount £250.00"),
    ("apology: £50 sorry, due 10/01/2027", "remedy line 1: only a financial remedy has an amount"),
    ("£50 for the delay, due 20/11/2026", "cannot be due before the response (23/11/2026)"),
])
def test_a_bad_remedy_line_is_refused_naming_the_line(db, acknowledged, line, message):
    before = dump(db)
    with pytest.raises(StepRefused) as refused:
        usecases.respond(db, acknowledged, decision="not_upheld", reasons="r", remedies=[line], impact="i", ctx=ALICE)
    assert any(p.field == "remedies" and message in p.message for p in refused.value.problems), refused.value.problems
    assert dump(db) == before


def test_the_grammar_keeps_commas_and_due_words_in_the_description():
    [line], problems = remedies.parse_remedy_lines(
        "action: Re-tile the wall, which was damaged due to the leak, due 15/12/2026", TODAY)
    assert problems == []
    assert (line.kind, line.description, line.due_on) == ("action", "Re-tile the wall, which was damaged due to the leak",
                                                          date(2026, 12, 15))
    [action], problems = remedies.parse_action_lines("Paint the hall, owner Jo Bloggs, due 20/12/2026", TODAY)
    assert problems == [] and (action.description, action.owner, action.due_on) == (
        "Paint the hall", "Jo Bloggs", date(2026, 12, 20))  # due and owner in either order
    rows, problems = remedies.parse_action_lines("\nPaint the hall, due 20/12/2026\n", TODAY)
    assert rows == [] and problems == [
        Problem("actions", "action line 2: say who owns it, ending the line ', owner Repairs team'")]


# --- the report totals remedies once, from the records -------------------------------------------


def test_the_report_has_one_financial_remedy_total_from_the_records(db):
    """Hand-built: stage 1 £250 + £100.50 (typed in the responses), an apology (no money),
    a £40 remedy offered later from the remedies screen, a stage 2 £150; free text naming
    other sums counts for nothing."""
    today = date(2027, 3, 1)
    book = Book(db, today)
    a = book.complaint(date(2026, 5, 4), decision="upheld",
                       remedy="£250 compensation for distress\n£100.50 for the cost of heating\napology: an apology")
    b = book.complaint(date(2026, 6, 1), decision="partly_upheld", remedy="£150 for time and trouble")
    book.escalate(b, decision="upheld", remedy="£150 further compensation for the delay")
    remedies.offer_remedy(db, a, kind="financial", description="Cost of a replacement kettle", amount="40",
                          offered_on=date(2026, 7, 1), due_on=date(2026, 7, 15), ctx=book.s1)
    r = report_for(db, 2026, today)
    assert r.value("remedies.stage1.financial_total") == 540.50  # 250 + 100.50 + 150 + 40
    assert r.value("remedies.stage2.financial_total") == 150.0
    assert r.value("remedies.total.financial_total") == 690.50
    assert r.value("around.remedies.financial.total") == 690.50  # the same figure, from the same records
    assert r.figure("remedies.total.financial_total").text == "£690.50"
    assert r.value("remedies.stage1.with_remedy") == 2
