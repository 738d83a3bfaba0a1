"""The first paint, before the services are ready: the stdlib read's rows and counts, the
same as the full panel's once the services arrive (the way `chc` starts: run_app reads
early, the ORM loads in a worker)."""

from __future__ import annotations

import threading
from datetime import date

import chc_tui.app
from chc_tui.app import ChcApp
from chc_tui.demo.build import build_demo_database
from chc_tui.rules.domain import DeadlineState
from chc_tui.services import Services
from screens.main import EARLY_PANEL_ROWS, MainScreen
from test_tui_journeys import wait_for


def _title(app) -> str:
    return str(app.screen.query_one("#deadline-title").render())


def _complaint_counts(services: Services) -> str:
    counts = dict.fromkeys(DeadlineState, 0)
    for due in services.deadlines():
        counts[due.state] += 1
    return " · ".join(f"{counts[s]} {s.value.replace('due ', '')}" for s in DeadlineState)


def _hold_open(monkeypatch, timeout: float) -> threading.Event:
    """The ORM "still loading" until the test sets the event returned."""
    release = threading.Event()
    original_open = Services.open.__func__

    def held_open(cls, *args, **kwargs):
        release.wait(timeout=timeout)
        return original_open(cls, *args, **kwargs)

    monkeypatch.setattr(Services, "open", classmethod(held_open))
    return release


async def _early_panel(pilot) -> None:
    """Wait for the first paint's panel, painted before the services are ready."""
    app = pilot.app
    await wait_for(pilot, lambda: isinstance(app.screen, MainScreen)
                   and app.screen.query_one("#deadlines").row_count > 0, "the early panel")
    assert app.services is None


async def _panel_by_kind(pilot, panel) -> dict[str, tuple[str, list[str]]]:
    """Each of the panel's kinds (k): its title and its first rows' keys."""
    from screens.main import PANEL_KINDS

    seen = {}
    for label, _kinds in PANEL_KINDS:
        rows = [panel.coordinate_to_cell_key((i, 0))[0].value for i in range(min(EARLY_PANEL_ROWS, panel.row_count))]
        seen[label] = (_title(pilot.app), rows)
        await pilot.press("k")
    return seen


async def test_first_paint_counts_every_open_deadline_then_the_services_take_over(tmp_path, monkeypatch):
    path = tmp_path / "demo.db"
    build_demo_database(path, count=120, today=date.today())  # the early read assesses against today
    expected_services = Services.open(path)
    expected = _complaint_counts(expected_services)
    expected_rows = len(expected_services.deadlines())
    first_list = [due.row.reference for due in expected_services.complaints(status="open", limit=10)]
    expected_services.db.dispose()

    release = _hold_open(monkeypatch, 20)
    monkeypatch.setattr(chc_tui.app, "EARLY_ROWS", 20)  # fewer rows than open complaints: counts must still be whole
    app = ChcApp(db_path=path)
    app.read_early()
    try:
        async with app.run_test(size=(100, 34)) as pilot:
            await _early_panel(pilot)
            panel = app.screen.query_one("#deadlines")
            listing = app.screen.query_one("#complaints")
            assert panel.row_count == EARLY_PANEL_ROWS  # only what the panel shows
            assert expected_rows > 20
            shown = [listing.coordinate_to_cell_key((i, 0))[0].value for i in range(10)]
            assert shown == first_list
            assert "loading" in str(app.screen.query_one("#filters").render())
            early = await _panel_by_kind(pilot, panel)
            assert expected in early["complaints"][0]  # counted over every open complaint, not the rows built

            release.set()
            await wait_for(pilot, lambda: app.services is not None and "loading" not in str(
                app.screen.query_one("#filters").render()), "the services")
            # Issue 22.5: the first panel is the panel the full load shows, kind by kind:
            # the same title (counts over every kind of due date, the submission) and rows.
            assert await _panel_by_kind(pilot, panel) == early
            assert panel.row_count > EARLY_PANEL_ROWS
    finally:
        release.set()
        if app.services is not None:
            app.services.db.dispose()


async def search_at_the_first_paint(pilot, name: str) -> None:
    """Wait for the first paint, then type "/" and `name` before the services are ready."""
    from textual.widgets import Input

    await _early_panel(pilot)
    await pilot.press("slash", *name)
    assert pilot.app.screen.query_one("#search", Input).value == name


def demo_with_a_surname(path) -> tuple[str, list[str]]:
    """A 120-complaint demo at `path`, an open complaint's resident's surname (no spaces
    to type) and the references the default list shows for it."""
    build_demo_database(path, count=120, today=date.today())
    services = Services.open(path)
    try:
        name = services.complaints(status="open", limit=1)[0].row.resident.split()[-1]
        matches = [due.row.reference for due in services.complaints(search=name, status="open", limit=200)]
    finally:
        services.db.dispose()
    return name, matches


def _listed(table) -> list[str]:
    return [table.coordinate_to_cell_key((i, 0))[0].value for i in range(table.row_count)]


def _full_load_seen(monkeypatch) -> list:
    """A list that gets an item when the full load has painted its last (the panel)."""
    loaded: list = []
    original_loaded = MainScreen._show_panel
    monkeypatch.setattr(MainScreen, "_show_panel", lambda self, *args: (original_loaded(self, *args), loaded.append(1)))
    return loaded


async def test_first_paint_is_the_whole_list_page_and_panel_the_full_load_shows(tmp_path, monkeypatch):
    """Issue 22.5: usable at the first paint. When the early read holds the list's whole
    first page, the first paint shows it: the list's "N shown" of the whole page, and the
    rows the screen shows (of the list and the panel, with the whole page's scrollbars),
    built before the ORM has loaded; the rest of the page follows straight after, below
    them, the cursor where it was; the full load then paints the same."""
    from screens.fast_table import FastTable

    path = tmp_path / "demo.db"
    build_demo_database(path, count=120, today=date.today())
    expected_services = Services.open(path)
    try:
        expected_list = [due.row.reference for due in expected_services.complaints(status="open", limit=200)]
    finally:
        expected_services.db.dispose()
    release = _hold_open(monkeypatch, 20)
    painted: dict[str, tuple] = {}
    add_rest = FastTable._add_rows_to_come

    def at_the_rest(table, *args):  # the first paint is on the screen: what it showed
        if table.id not in painted:  # (the rest's first turn)
            screen = table.screen
            painted[table.id] = (table.row_count, table.virtual_size.height, str(screen.query_one("#filters").render()))
            if table.id == "complaints":
                table.move_cursor(row=3)  # a key pressed before the rest came
        add_rest(table, *args)

    monkeypatch.setattr(FastTable, "_add_rows_to_come", at_the_rest)
    loaded = _full_load_seen(monkeypatch)
    app = ChcApp(db_path=path)
    app.read_early()
    try:
        async with app.run_test(size=(100, 34)) as pilot:
            await _early_panel(pilot)
            screen = app.screen
            panel, listing = screen.query_one("#deadlines"), screen.query_one("#complaints")
            await wait_for(pilot, lambda: len(painted) == 2 and listing.row_count == len(expected_list), "the rest of the page")
            assert app.services is None
            shown = f"{len(expected_list)} shown"
            assert len(expected_list) > 34 - 14 and panel.row_count > EARLY_PANEL_ROWS  # more than a screenful
            assert painted["complaints"][0] == 34 - 14  # the list's rows on a 34-line screen
            assert painted["complaints"][1:] == (1 + len(expected_list), painted["complaints"][2])
            assert painted["complaints"][2].startswith(shown)  # the count of the whole page, at once
            assert painted["deadlines"][:2] == (EARLY_PANEL_ROWS, 1 + panel.row_count)
            assert _listed(listing) == expected_list and listing.cursor_row == 3
            early = (_title(app), _listed(panel), _listed(listing), str(screen.query_one("#filters").render()))
            assert early[3].startswith(shown)

            release.set()
            await wait_for(pilot, lambda: bool(loaded), "the full load")
            assert (_title(app), _listed(panel), _listed(listing), str(screen.query_one("#filters").render())) == early
            assert listing.cursor_row == 3
    finally:
        release.set()
        if app.services is not None:
            app.services.db.dispose()


async def test_collection_paused_for_start_up_resumes_after_the_first_paint(tmp_path):
    """`chc` turns cyclic garbage collection off before importing the app (chc_tui/cli/main.py);
    the app must turn it back on, whether the first paint's rows were read before Textual
    started (run_app) or by the worker that opens the database."""
    import gc

    path = tmp_path / "demo.db"
    build_demo_database(path, count=20, today=date.today())
    for early in (True, False):
        gc.disable()
        try:
            app = ChcApp(db_path=path)
            if early:
                app.read_early()
            async with app.run_test(size=(100, 34)) as pilot:
                await wait_for(pilot, lambda: app.services is not None, "the services")
                await wait_for(pilot, gc.isenabled, "collection to resume")
            if app.services is not None:
                app.services.db.dispose()
        finally:
            gc.enable()
            gc.unfreeze()  # what the app froze belongs to this test run: let it be collected


def test_quitting_straight_after_the_first_paint_does_not_wait_for_the_background_open(tmp_path, monkeypatch):
    """Issue 22.5: `q` at the first paint ends the app while the ORM is still loading.
    Textual's thread workers run in the event loop's default executor, which asyncio.run
    joins at the end: the app used to wait for the whole open (and the day's backup)."""
    path = tmp_path / "demo.db"
    build_demo_database(path, count=20, today=date.today())
    release = _hold_open(monkeypatch, 60)
    app = ChcApp(db_path=path)
    app.read_early()
    assert app._early is not None  # the schema is current: nothing for the open to migrate

    async def quit_at_first_paint(pilot) -> None:
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen)
                       and app.screen.query_one("#deadlines").row_count > 0, "the early panel")
        await pilot.press("q")

    try:
        app.run(headless=True, size=(100, 30), auto_pilot=quit_at_first_paint)
        app.must_finish_opening()
        still_opening = not release.is_set()
    finally:
        release.set()
    assert still_opening, "the app waited for the background open before it ended"
    assert app.services is None


def test_at_exit_an_open_that_may_migrate_is_waited_for(tmp_path, monkeypatch):
    """Without a successful early read (an older schema, a server database) the open may
    be writing the schema: the exit waits for that part, and only that part."""
    path = tmp_path / "demo.db"
    build_demo_database(path, count=5, today=date.today())
    quit_pressed, opened, backup_may_end = threading.Event(), threading.Event(), threading.Event()
    original_open = Services.open.__func__

    def open_after_the_quit(cls, *args, **kwargs):
        quit_pressed.wait(timeout=60)
        services = original_open(cls, *args, **kwargs)
        opened.set()
        return services

    monkeypatch.setattr(Services, "open", classmethod(open_after_the_quit))
    monkeypatch.setattr(ChcApp, "read_early", lambda self: None)  # as for an older schema
    monkeypatch.setattr(ChcApp, "_daily_backup", lambda self: backup_may_end.wait(timeout=60))
    app = ChcApp(db_path=path)

    async def quit_at_once(pilot) -> None:
        await pilot.press("q")
        quit_pressed.set()

    try:
        app.run(headless=True, size=(100, 30), auto_pilot=quit_at_once)
        app.must_finish_opening()
        assert opened.is_set()  # the possible migration was finished
        assert not backup_may_end.is_set()  # and the exit did not wait for the backup
    finally:
        quit_pressed.set()
        backup_may_end.set()


async def test_a_search_typed_at_the_first_paint_is_answered_before_the_panel_reloads(tmp_path, monkeypatch):
    """Issue 22.5: typed while the ORM was loading, the search waited for the panel's whole
    reload (every running due date) once the services were ready; the list comes first.
    (Not read early from the file here, as on a server database: tests/test_search_early.py.)"""
    import chc_tui.early_search

    path = tmp_path / "demo.db"
    name, matches = demo_with_a_surname(path)
    monkeypatch.setattr(chc_tui.early_search, "open_matches", lambda *args: None)
    release = _hold_open(monkeypatch, 20)
    panel_may_load = threading.Event()
    original_deadlines = Services.deadlines

    def held_deadlines(self, **kwargs):  # the panel's reload "still running" until the test says
        panel_may_load.wait(timeout=20)
        return original_deadlines(self, **kwargs)

    monkeypatch.setattr(Services, "deadlines", held_deadlines)
    app = ChcApp(db_path=path)
    app.read_early()
    try:
        async with app.run_test(size=(100, 34)) as pilot:
            await search_at_the_first_paint(pilot, name)
            release.set()
            listing = app.screen.query_one("#complaints")
            await wait_for(pilot, lambda: _listed(listing) == matches, "the matches, with the panel still loading")
            assert not panel_may_load.is_set()
    finally:
        release.set()
        panel_may_load.set()
        if app.services is not None:
            app.services.db.dispose()


def test_a_start_of_the_app_is_read_as_the_full_parser_reads_it(monkeypatch):
    """`chc` with only its own options skips building every command's parser (start-up),
    and comes to the same arguments; anything else is left to the full parser."""
    import pytest

    from chc_tui.cli.main import build_parser, plain_start

    monkeypatch.delenv("_ARGCOMPLETE", raising=False)
    for argv in ([], ["--db", "x.db"], ["--db=x.db"], ["--demo"], ["--version"], ["--de"], ["--db", "a", "--db", "b"],
                 ["--demo", "--db", "office.db"]):
        start = plain_start(argv)
        assert start is not None and vars(start) == vars(build_parser().parse_args(argv)), argv
    for argv in (["deadlines"], ["--db", "x.db", "deadlines", "--json"], ["--help"], ["-h"], ["--h"], ["--d"], ["--db"],
                 ["--db", "--demo"], ["x.db"], ["--"]):
        assert plain_start(argv) is None, argv
    for argv in (["--db"], ["--d"], ["x.db"]):  # mistakes: the full parser's own message and status
        with pytest.raises(SystemExit):
            build_parser().parse_args(argv)
    monkeypatch.setenv("_ARGCOMPLETE", "1")  # the shell's completion needs every command's parser
    assert plain_start([]) is None
