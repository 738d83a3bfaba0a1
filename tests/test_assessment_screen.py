"""The self-assessment screen, driven by real keys at 80x24, asserting what is stored."""

from __future__ import annotations

from datetime import date

import pytest

from chc_tui.steps import usecases as uc
from chc_tui.app import build_app
from chc_tui.steps.assessment import answer_provision
from chc_tui.rules.context import StepContext
from chc_tui.services import Services
from screens.assessment import AssessmentScreen
from screens.confirm import ConfirmScreen
from screens.forms import StepForm
from store.assessment_queries import answers

TODAY = date(2026, 11, 23)  # a Monday in the 2026/27 financial year
SIZE = (80, 24)


@pytest.fixture
def services(db):
    return Services(db, actor="alice", today_fn=lambda: TODAY)


def stored(services, year):
    with services.db.read() as session:
        return answers(session, year)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def wait_for(pilot, condition, what: str) -> None:
    for _ in range(300):
        if condition():
            return
        await pilot.pause(0.01)
    raise AssertionError(f"timed out waiting for {what}; screen is {pilot.app.screen!r}")


async def open_checklist(pilot, year: int | None = 2026) -> AssessmentScreen:
    await settle(pilot)
    pilot.app.push_screen(AssessmentScreen(year))
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, AssessmentScreen) and pilot.app.screen.rows, "the checklist")
    await pilot.pause()
    return pilot.app.screen


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await pilot.pause()


def shown(screen: AssessmentScreen) -> list[str]:
    return [r.number for r in screen.shown]


async def test_answer_provisions_from_the_keyboard(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checklist(pilot)
        assert screen.year == 2026 and len(screen.rows) == 72
        assert screen.current_provision() == "1.2"
        await press(pilot, "y")  # Yes, and on to the next provision
        assert screen.current_provision() == "1.3"
        await press(pilot, "n", "y")
        assert screen.current_provision() == "1.5"
        await press(pilot, "up", "delete")  # 1.4 back to not answered
        now = stored(services, 2026)
        assert {p: a.comply for p, a in now.items()} == {"1.2": "yes", "1.3": "no", "1.4": ""}
        assert now["1.2"].changed_by == "alice" and now["1.4"].version == 2

        await press(pilot, "6", "down")  # section 6, then 6.2
        assert screen.current_provision() == "6.2"
        await press(pilot, "e")
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm) and app.focused is not None, "the edit form")
        form = app.screen
        form.query_one("#f-comply").focus()
        await press(pilot, "enter", "down", "enter")  # the list opens on the blank prompt: down is Yes
        assert form.query_one("#f-comply").value == "yes"
        form.query_one("#f-evidence").focus()
        await pilot.press(*"KPI report")
        form.query_one("#f-commentary").focus()
        await pilot.press(*"MRC saw it")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, "the form to close")
        row = stored(services, 2026)["6.2"]
        assert (row.comply, row.evidence, row.commentary, row.version) == ("yes", "KPI report", "MRC saw it", 1)
        assert screen.current_row().evidence == "KPI report"
        detail = screen.detail_text
        assert "Evidence: KPI report" in detail and "Last changed by alice" in detail


async def test_enter_edits_and_the_checklist_fits_80x24(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checklist(pilot)
        table = screen.query_one("#provisions")
        assert table.size.height >= 8 and screen.query_one("#assess-detail").size.height >= 6
        assert table.size.width <= 80
        await press(pilot, "9", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm), "the edit form")
        assert app.screen.spec.title.startswith("9.1 ")
        await press(pilot, "escape")
        await wait_for(pilot, lambda: app.screen is screen, "the form to close")
        await press(pilot, "escape")
        assert not isinstance(app.screen, AssessmentScreen)


async def test_a_new_year_carries_over_and_space_keeps(services):
    ctx = StepContext(actor="bob", today=TODAY)
    for provision, comply in (("1.2", "yes"), ("1.3", "yes"), ("2.1", "no"), ("9.8", "yes")):
        answer_provision(services.db, year=2025, provision=provision, comply=comply, evidence=f"E{provision}", commentary="", ctx=ctx)
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checklist(pilot, None)  # the current financial year: 2026/27
        assert screen.year == 2026
        carried = {p for p, a in stored(services, 2026).items() if a.carried_over}
        assert carried == {"1.2", "1.3", "2.1", "9.8"}
        assert "carried over from 2025/26" in screen.detail_text
        await press(pilot, "space")  # keep 1.2 as it was
        assert screen.current_provision() == "1.3"
        now = stored(services, 2026)
        assert not now["1.2"].carried_over and now["1.2"].comply == "yes" and now["1.2"].changed_by == "alice"
        await press(pilot, "n")  # change 1.3
        assert (stored(services, 2026)["1.3"].comply, stored(services, 2026)["1.3"].carried_over) == ("no", False)
        await press(pilot, "K")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "the question")
        await press(pilot, "y")
        await wait_for(pilot, lambda: app.screen is screen, "the question to close")
        now = stored(services, 2026)
        assert not any(a.carried_over for a in now.values())
        assert (now["2.1"].comply, now["2.1"].evidence) == ("no", "E2.1")


async def test_filters_sections_and_contradictions(services):
    ctx = StepContext(actor="alice", today=TODAY)
    ref = uc.log_complaint(services.db, received_on=date(2026, 11, 2), channel="phone", resident_name="Ann Lee",
                           category="Repairs", resident_words="No heating", ctx=ctx).reference
    uc.define(services.db, ref, understanding="No heating", outcomes_sought="Heating fixed", responsible_aspects="Heating",
              defined_on=date(2026, 11, 3), ctx=ctx)
    uc.acknowledge(services.db, ref, acknowledged_on=date(2026, 11, 10), ctx=ctx)  # due 09/11: late
    answer_provision(services.db, year=2026, provision="6.2", comply="yes", evidence="", commentary="", ctx=ctx)
    answer_provision(services.db, year=2026, provision="6.3", comply="no", evidence="", commentary="", ctx=ctx)
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checklist(pilot)
        await press(pilot, "c")
        assert shown(screen) == ["6.2"]
        assert screen.current_provision() == "6.2"
        detail = screen.detail_text
        assert "! Answered Yes, but the records show 1 of 1 stage 1 complaints acknowledged late" in detail
        assert ref in detail
        await press(pilot, "o")
        assert shown(screen) == ["6.3"]
        await press(pilot, "u")
        assert len(shown(screen)) == 70 and "6.2" not in shown(screen)
        await press(pilot, "6")
        assert screen.current_provision() == "6.1"
        await press(pilot, "a")
        assert len(shown(screen)) == 72
        await press(pilot, "c", "n")  # answering No clears the contradiction, and the filter empties
        assert shown(screen) == []
        assert stored(services, 2026)["6.2"].comply == "no"
        await press(pilot, "a")
        assert len(shown(screen)) == 72


async def test_years_move_with_brackets(services):
    answer_provision(services.db, year=2026, provision="4.1", comply="yes", evidence="Complaints officer", commentary="",
                     ctx=StepContext(actor="alice", today=TODAY))
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checklist(pilot)
        await press(pilot, "left_square_bracket")
        assert screen.year == 2025 and not stored(services, 2025)
        await press(pilot, "right_square_bracket", "right_square_bracket")
        assert screen.year == 2027
        assert not stored(services, 2027)  # a future year is not started by looking at it
        await press(pilot, "right_square_bracket")
        assert screen.year == 2027  # 2028/29 is too far ahead
        await press(pilot, "s")  # start it from 2026/27 on purpose
        assert stored(services, 2027)["4.1"].carried_over


async def test_a_stale_answer_is_refused_and_reloaded(services):
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checklist(pilot)
        # another handler answers 1.2 after this screen loaded it
        answer_provision(services.db, year=2026, provision="1.2", comply="no", evidence="Bob's", commentary="",
                         ctx=StepContext(actor="bob", today=TODAY))
        await press(pilot, "y")
        assert stored(services, 2026)["1.2"].comply == "no"
        assert screen.current_row().comply == "no"  # reloaded: the screen now shows bob's answer
        await press(pilot, "y")
        assert stored(services, 2026)["1.2"].comply == "yes"


async def test_export_from_the_screen(services, tmp_path):
    answer_provision(services.db, year=2026, provision="1.2", comply="yes", evidence="Policy", commentary="",
                     ctx=StepContext(actor="alice", today=TODAY))
    app = build_app(services)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checklist(pilot)
        await press(pilot, "x")
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm) and app.focused is not None, "the export form")
        form = app.screen
        path = form.query_one("#f-path")
        path.value = str(tmp_path / "check")  # the folder typed out would only be slow
        path.focus()
        await pilot.press("end", *"list")
        form.query_one("#f-fmt").focus()
        await press(pilot, "enter", "down", "enter")  # the list opens on Word, the default: down is Excel
        assert form.query_one("#f-fmt").value == "xlsx"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is screen, "the export to finish")
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "checklist.xlsx").active
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0] == "1.2"]
    assert rows[0][2:4] == ("Yes", "Policy")
