"""The report screen through the real app, pressing real keys at 80x24: the year's
figures, [ and ] between years, enter on a figure for the complaints behind it, enter on
one of those to open it, and the text charts labelled in words and numbers."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from textual.widgets import DataTable, Static

from chc_tui.app import build_app
from chc_tui.report_cache import stamp
from chc_tui.services import Services
from report_helpers import Book
from screens.complaint import ComplaintScreen
from screens.forms import StepForm
from screens.report import COUNTING, FigureItemsScreen, ReportScreen, bar, sparkline, stacked

TODAY = date(2026, 11, 23)


@pytest.fixture
def services(db):
    book = Book(db, TODAY)
    refs = [
        book.complaint(date(2026, 4, 7), timing="target", decision="upheld", remedy="£75 for time and trouble."),
        book.complaint(date(2026, 5, 11), timing="extension", decision="partly_upheld"),
        book.complaint(date(2026, 6, 1), timing="late", decision="not_upheld"),
        book.complaint(date(2026, 11, 2), timing=None),
        book.complaint(date(2025, 10, 6), timing="target", decision="not_upheld"),  # the year before
    ]
    book.escalate(refs[0], timing="target", decision="upheld")
    return Services(db, actor="alice", today_fn=lambda: TODAY)


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


def head(screen) -> str:
    return str(screen.query_one("#report-head", Static).render())


def row_text(screen, index: int) -> list[str]:
    table = screen.query_one("#figures", DataTable)
    return [str(cell).strip() for cell in table.get_row_at(index)]


async def open_report(pilot, year):
    pilot.app.push_screen(ReportScreen(year))
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReportScreen) and pilot.app.screen.report is not None,
                   "the report")
    await settle(pilot)
    return pilot.app.screen


async def test_report_screen_years_figures_and_the_complaints_behind_them(services):
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, 2026)
        assert screen.report.year == 2026
        assert "2026/27" in head(screen) and "year running" in head(screen) and "homes not set" in head(screen)
        # the board's figures first, labelled in words and numbers as well as bars
        assert row_text(screen, 0)[0] == "TSM 2026/27"
        assert row_text(screen, 1)[:2] == ["CH01 stage 1 per 1,000 homes", "n/a"]
        assert row_text(screen, 1)[2].startswith("4 received · homes not set")
        ch02 = row_text(screen, 3)
        assert ch02[:2] == ["CH02 stage 1 within timescale", "67% 2/3"]
        assert ch02[2].endswith("1/1/1/0") and "█" in ch02[2] and "▓" in ch02[2] and "░" in ch02[2]
        labels = [row_text(screen, i)[0] for i in range(screen.query_one("#figures", DataTable).row_count)]
        assert "Apr 2026" in labels and "Mar 2027" in labels and "Timeliness of responses" in labels
        april = labels.index("Apr 2026")
        assert row_text(screen, april)[1] == "1 · 1"  # received, and escalated the same month
        assert row_text(screen, labels.index("Dec 2026"))[2].startswith("to come")
        # the note says what the highlighted figure counted
        assert "4 stage 1 complaints received 01/04/2026 to 31/03/2027" in str(screen.query_one("#report-note", Static).render())

        # enter on CH02 stage 1: the three responses behind it, judged
        await pilot.press("down", "down")
        note = " ".join(str(screen.query_one("#report-note", Static).render()).split())
        assert note.startswith("Enter: the 3 complaints behind it. 2 of 3 stage 1 responses sent")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FigureItemsScreen), "the list behind the figure")
        items = pilot.app.screen
        table = items.query_one("#items", DataTable)
        listed = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        assert listed == ["C2026-0001", "C2026-0002", "C2026-0003"]
        assert str(table.get_row_at(1)[1]).startswith("within an agreed extension: sent")
        assert str(table.get_row_at(2)[1]).startswith("out of target: sent")
        # enter on one opens the complaint; escape comes back to the list, then the report
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ComplaintScreen), "the complaint")
        assert pilot.app.screen.reference == "C2026-0001"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FigureItemsScreen), "the list again")
        await pilot.press("escape")
        await wait_for(pilot, lambda: pilot.app.screen is screen, "the report again")

        # ] to the next year: nothing yet, said plainly
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: screen.report is not None and screen.report.year == 2027, "2027/28")
        await settle(pilot)
        assert "2027/28" in head(screen) and "no complaints in this year" in head(screen)
        assert row_text(screen, 3)[:2] == ["CH02 stage 1 within timescale", "n/a"]
        # [ twice: the year before, with its earlier year beside it where the records reach
        await pilot.press("left_square_bracket", "left_square_bracket")
        await wait_for(pilot, lambda: screen.report is not None and screen.report.year == 2025, "2025/26")
        await settle(pilot)
        assert "2025/26" in head(screen) and "records from 06/10/25" in head(screen)
        assert screen.report.value("tsm.CH01.stage1_received") == 1
        # and right arrow goes forward again
        await pilot.press("right")
        await wait_for(pilot, lambda: screen.report is not None and screen.report.year == 2026, "2026/27 again")


async def test_texts_form_saves_homes_and_a_text(services):
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, 2026)
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, StepForm) and pilot.app.focused is not None, "the form")
        await pilot.press(*"4000")
        await pilot.press("tab")
        await pilot.press(*"None.")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: pilot.app.screen is screen, "the form to close")
        await wait_for(pilot, lambda: screen.report is not None and screen.report.homes_owned == 4000, "the new figures")
        await settle(pilot)
        assert row_text(screen, 1)[:2] == ["CH01 stage 1 per 1,000 homes", "1.00"]  # 4 of 4,000 homes
        texts = {t.part: t for t in screen.report.texts}
        assert texts["ombudsman_findings"].text == "None." and texts["ombudsman_findings"].changed_by == "alice"


async def test_export_form_writes_the_file(services, tmp_path):
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, 2026)
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, StepForm) and pilot.app.focused is not None, "the form")
        form = pilot.app.screen
        form.query_one("#f-path").value = str(tmp_path / "board")
        await pilot.pause()
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: pilot.app.screen is screen, "the form to close")
        assert (tmp_path / "board.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_text_charts_read_without_colour():
    assert bar(0.5, 10).plain == "█████"
    assert bar(0.55, 10).plain == "█████▌"
    assert bar(0, 10).plain == ""
    looks = (("a", "a", "█", "green"), ("b", "b", "▓", "yellow"), ("c", "c", "░", "red"))
    assert stacked([30, 3, 3], looks, 12).plain == "██████████▓░"
    assert stacked([0, 0, 0], looks, 12).plain == ""
    assert sparkline([0, 1, 2, 4]) == "·▃▅█"


async def test_typed_text_with_brackets_is_listed_as_typed(db):
    """A remedy's words reach the report's lists as typed: "[kitchen]" is not a style, and
    "[/x]" once stopped the screen (DataTable read every text as markup)."""
    book = Book(db, TODAY)
    typed = "£50 and replace the [kitchen] tap [/x] by Friday"
    ref = book.complaint(date(2026, 4, 7), timing="target", decision="upheld", remedy=typed)
    app = build_app(Services(db, actor="alice", today_fn=lambda: TODAY))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, 2026)
        table = screen.query_one("#figures", DataTable)
        index = next(i for i, row in enumerate(screen.rows)
                     if any(r == ref and "replace the [kitchen] tap [/x] by Friday" in text for r, text in row.items))
        table.move_cursor(row=index)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FigureItemsScreen), "the list behind the figure")
        await settle(pilot)
        items = pilot.app.screen.query_one("#items", DataTable)
        shown = "".join(segment.text for y in range(items.size.height) for segment in items.render_line(y))
        assert "replace the [kitchen] tap [/x] by" in shown
        assert pilot.app.is_running


async def test_the_screen_shows_each_handler_and_team_and_their_complaints(services):
    """Issue 20.2: the report screen shows the figures per handler and team always (the board
    sees them only by the landlord's choice); Enter on a handler lists what they handled."""
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, 2026)
        keys = [row.key for row in screen.rows]
        first = keys.index("heading.people")
        people = screen.rows[first + 1:]
        shown = {row.label.strip(): (row.value, str(row.chart)) for row in people}
        # alice: 4 stage 1 complaints, 3 answered: on time, within the extension, late
        alice = next(row for row in people if row.key.startswith("people.handler.") and "alice" in row.note.lower())
        assert alice.value == "1/3" and alice.chart.plain.endswith("breaches 1")
        assert len(alice.items) == 4
        bob = next(row for row in people if row.key.startswith("people.handler.") and row is not alice)
        assert bob.value == "1/1" and len(bob.items) == 1  # the stage 2 of the first complaint, on time
        assert any(label.startswith(("(no team)", "Team")) for label in shown)
        table = screen.query_one("#figures", DataTable)
        table.move_cursor(row=keys.index(alice.key))
        await pilot.pause()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, FigureItemsScreen), "the complaints alice handled")
        assert pilot.app.screen.row.items == alice.items


# --- the figures kept per year until the data changes (issue 22.5) --------------------------------


def count_reports(monkeypatch) -> list[int]:
    """The years ReportService counted for the screen, in order."""
    from chc_tui.figures.report_service import ReportService

    counted: list[int] = []
    original = ReportService.count

    def counting(self, year, *args, **kwargs):
        counted.append(year)
        return original(self, year, *args, **kwargs)

    monkeypatch.setattr(ReportService, "count", counting)
    return counted


def held_until_released(monkeypatch, method: str):
    """ReportService.<method>, once called, waits until the test sets `release` (10 s at
    most, should the test fail before it does)."""
    import threading

    from chc_tui.figures.report_service import ReportService

    held, release = threading.Event(), threading.Event()
    original = getattr(ReportService, method)

    def held_call(self, year, *args, **kwargs):
        held.set()
        release.wait(10)
        return original(self, year, *args, **kwargs)

    monkeypatch.setattr(ReportService, method, held_call)
    return held, release


@contextlib.asynccontextmanager
async def f3_with_a_count_held(services, monkeypatch, method: str):
    """The app with F3 just pressed and ReportService.<method> held when called: the app,
    the Pilot, the years counted, and the held and release events."""
    counted = count_reports(monkeypatch)
    held, release = held_until_released(monkeypatch, method)
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        yield app, pilot, counted, held, release


async def press_f3(pilot) -> ReportScreen:
    await pilot.press("f3")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReportScreen) and pilot.app.screen.report is not None,
                   "the report")
    await settle(pilot)
    return pilot.app.screen


async def test_f3_again_and_back_to_a_year_shown_reuse_the_figures_counted(services, monkeypatch):
    counted = count_reports(monkeypatch)
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = await press_f3(pilot)
        figures = [row_text(first, i) for i in range(first.query_one("#figures", DataTable).row_count)]
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: first.report is not None and first.report.year == 2025, "2025/26")
        await pilot.press("right_square_bracket")
        await wait_for(pilot, lambda: first.report is not None and first.report.year == 2026, "2026/27 again")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, ReportScreen), "the main screen")
        again = await press_f3(pilot)
        assert again is not first
        assert counted == [2026, 2025]  # each year counted once: the second visit and ] showed what was kept
        assert [row_text(again, i) for i in range(again.query_one("#figures", DataTable).row_count)] == figures
        app.refresh_views()  # the minute's timer: nothing has changed, nothing is recounted
        await settle(pilot)
        assert counted == [2026, 2025]


async def test_a_write_recounts_the_year_on_the_next_visit(services, monkeypatch):
    counted = count_reports(monkeypatch)
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await press_f3(pilot)
        assert app.report_cache.get(2026, stamp(services)) is not None
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, ReportScreen), "the main screen")
        Book(services.db, TODAY).complaint(date(2026, 7, 1), timing="target", decision="upheld")  # as another handler would
        assert app.report_cache.get(2026, stamp(services)) is None  # the database's data_version moved
        screen = await press_f3(pilot)
        assert counted == [2026, 2026]
        assert screen.report.value("tsm.CH01.stage1_received") == 5


async def test_a_count_a_commit_overtook_is_not_kept(services, monkeypatch):
    from chc_tui.figures.report_service import ReportService

    app = build_app(services)
    original = ReportService.count

    def a_commit_lands_meanwhile(self, year, *args, **kwargs):
        counted = original(self, year, *args, **kwargs)
        if year == 2026 and not wrote:
            wrote.append(Book(services.db, TODAY).complaint(date(2026, 7, 1), timing=None))
        return counted

    wrote: list[str] = []
    monkeypatch.setattr(ReportService, "count", a_commit_lands_meanwhile)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await press_f3(pilot)
        assert wrote
        kept = app.report_cache.get(2026, stamp(services))
        assert kept is None or kept.report.value("tsm.CH01.stage1_received") == 5  # never the count from before
        app.refresh_views()  # what the watch for commits does
        await wait_for(pilot, lambda: screen.report.value("tsm.CH01.stage1_received") == 5, "the recount")
        await settle(pilot)
        assert app.report_cache.get(2026, stamp(services)).report is screen.report


async def test_leaving_the_report_lets_go_of_every_year_but_the_one_f3_opens_at(services):
    import gc
    import weakref

    from chc_tui.report_cache import KEEP_YEARS

    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await press_f3(pilot)
        shown = [weakref.ref(screen.report)]
        for _ in range(3):
            await pilot.press("left_square_bracket")
            await settle(pilot)
            shown.append(weakref.ref(screen.report))
        assert app.report_cache.years() == [2024, 2023]  # KEEP_YEARS while the screen is open
        assert KEEP_YEARS == 2
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, ReportScreen), "the main screen")
        await settle(pilot)
        assert app.report_cache.years() == []  # 2026/27 was dropped for the two years before it
        assert screen.report is None and screen.people is None and screen.rows == []
        gc.collect()
        assert [year() for year in shown] == [None] * 4  # no copy of any year's figures is left behind
        again = await press_f3(pilot)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(pilot.app.screen, ReportScreen), "the main screen")
        await settle(pilot)
        assert app.report_cache.years() == [2026] and again.report is None


async def test_the_boards_figures_show_while_the_rows_per_handler_are_counted(services, monkeypatch):
    """The figures per handler and team are counted after the board's figures, and the
    board's are shown meanwhile; the minute's reload then starts no second count."""
    async with f3_with_a_count_held(services, monkeypatch, "performance") as (app, pilot, counted, held, release):
        await wait_for(pilot, lambda: held.is_set() and isinstance(app.screen, ReportScreen)
                       and app.screen.report is not None, "the board's figures")
        screen = app.screen
        await pilot.pause()
        assert row_text(screen, 3)[:2] == ["CH02 stage 1 within timescale", "67% 2/3"]
        assert [(row.label, str(row.chart)) for row in screen.rows if row.key == "heading.people"] == [
            ("By handler and team", "counting…")]
        app.refresh_views()  # the minute's timer while it counts
        await pilot.pause()
        assert counted == [2026]
        release.set()
        await wait_for(pilot, lambda: any(row.key.startswith("people.handler.") for row in screen.rows),
                       "the rows per handler")
        assert counted == [2026] and app.report_cache.years() == [2026]


async def test_f3_pressed_again_while_the_year_is_counted_waits_for_that_count(services, monkeypatch):
    async with f3_with_a_count_held(services, monkeypatch, "count") as (app, pilot, counted, held, release):
        await wait_for(pilot, held.is_set, "the count under way")
        await pilot.press("escape")  # leaving stops the count after the board's figures
        await wait_for(pilot, lambda: not isinstance(app.screen, ReportScreen), "the main screen")
        await pilot.press("f3")
        await wait_for(pilot, lambda: isinstance(app.screen, ReportScreen) and "counting" in head(app.screen),
                       "the report again, counting")
        release.set()
        await wait_for(pilot, lambda: app.screen.report is not None and app.screen.people is not COUNTING
                       and app.screen.people is not None, "the figures, from the first visit's count")
        assert counted == [2026]


def test_quitting_while_a_year_is_counted_does_not_wait_for_the_count(services, monkeypatch):
    """The count only reads: q ends the app at once, as after the first paint (the thread
    pool Textual's thread workers run in is joined when the app ends)."""
    import threading

    from chc_tui.figures.report_service import ReportService

    held, release = held_until_released(monkeypatch, "count")
    ended = threading.Event()
    counting = ReportService.count

    def noting_the_end(self, year, *args, **kwargs):
        try:
            return counting(self, year, *args, **kwargs)
        finally:
            ended.set()

    monkeypatch.setattr(ReportService, "count", noting_the_end)
    app = build_app(services)

    async def quit_while_counting(pilot) -> None:
        await settle(pilot)
        await pilot.press("f3")
        await wait_for(pilot, held.is_set, "the count under way")
        await pilot.press("q")

    try:
        app.run(headless=True, size=(80, 24), auto_pilot=quit_while_counting)
        still_counting = not ended.is_set()
    finally:
        release.set()
    assert held.is_set() and still_counting, "the app waited for the count before it ended"


def test_the_rows_per_handler_are_counted_from_the_stages_the_report_read(services, monkeypatch):
    """F3 read the year's stages twice: for the board's figures, then again for the rows per
    handler and team. Once now, and the rows are those read on their own."""
    import store.stage_queries as stage_queries
    from chc_tui.figures.performance_by_person import as_json
    from chc_tui.figures.report_service import ReportService

    reports = ReportService(services)
    alone = as_json(reports.performance(2026))
    assert alone["handlers"]  # something to compare
    reads: list[tuple] = []
    window = stage_queries._window_query
    monkeypatch.setattr(stage_queries, "_window_query", lambda *args, **kw: reads.append(args) or window(*args, **kw))
    report, people = reports.count(2026)
    assert as_json(people()) == alone
    assert len(reads) == 1
    assert report.value("tsm.CH01.stage1_received") == 4
