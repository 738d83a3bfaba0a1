"""A search typed while the services are still loading is answered from the file with the
stdlib's sqlite3 (store/early_search.py): the statement is complaint_rows's own, and the
rows and their deadlines are the ones the services give for that search."""

from __future__ import annotations

from datetime import date

import pytest

from chc_tui.app import ChcApp
from chc_tui.early_search import open_matches
from chc_tui.services import Services
from chc_tui.steps.settings import load_calendar
from store import queries
from store.early_search import OPEN_SEARCH_SQL, compiled_for_sqlite, read_search
from test_first_paint import _hold_open, _listed, demo_with_a_surname, search_at_the_first_paint
from test_search_index import NEEDLES, residents  # noqa: F401  (the fixture: tricky names)
from test_tui_journeys import wait_for


def test_the_early_statement_is_the_list_query_compiled():
    """Regenerate with `python -m store.early_search` when the list's query changes."""
    assert OPEN_SEARCH_SQL == compiled_for_sqlite()


@pytest.mark.parametrize("db", ["sqlite"], indirect=True)
def test_the_early_search_gives_the_services_rows_and_deadlines(residents):  # noqa: F811
    db = residents
    services = Services(db, today_fn=lambda: date(2026, 11, 2))
    with db.read() as session:
        calendar = load_calendar(session)
    different = {}
    for needle in NEEDLES:
        with db.read() as session:
            expected = queries.complaint_rows(session, search=needle, status="open", limit=3)
        early = read_search(db.path, needle, 3)
        assessed = open_matches(db.path, needle, calendar, date(2026, 11, 2), 3)
        if early != expected or assessed != services.complaints(search=needle, status="open", limit=3):
            different[needle] = early
    assert different == {}


def test_the_early_search_declines_a_missing_file(tmp_path):
    assert read_search(tmp_path / "nothing.db", "Lee", 200) is None


async def test_a_search_typed_while_the_services_load_lists_the_matches_without_them(tmp_path, monkeypatch):
    """Issue 22.5: "Thomas" typed a second after the first paint waited for the ORM."""
    path = tmp_path / "demo.db"
    name, matches = demo_with_a_surname(path)
    assert 0 < len(matches) < 120
    release = _hold_open(monkeypatch, 30)  # the services never arrive during the test
    app = ChcApp(db_path=path)
    app.read_early()
    try:
        async with app.run_test(size=(100, 34)) as pilot:
            await search_at_the_first_paint(pilot, name)
            listing = app.screen.query_one("#complaints")
            await wait_for(pilot, lambda: _listed(listing) == matches, "the matches, the services still loading")
            assert app.services is None
            assert f"{len(matches)} shown" in str(app.screen.query_one("#filters").render())
            await pilot.press("escape")  # cleared: back to the first paint's page
            await wait_for(pilot, lambda: len(_listed(listing)) > len(matches), "the whole first page again")
            assert app.services is None
            await pilot.press("slash", *name)
            await wait_for(pilot, lambda: _listed(listing) == matches, "the matches again")
            release.set()  # the services arrive, and list the same
            await wait_for(pilot, lambda: app.services is not None, "the services")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert _listed(listing) == matches
    finally:
        release.set()
        if app.services is not None:
            app.services.db.dispose()
