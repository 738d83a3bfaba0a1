"""Search keys answer at once (issue 22.5): a keystroke reloads the list only, after a
pause in the typing, and a result the typing has overtaken is never painted."""

from __future__ import annotations

import threading

from chc_tui.app import build_app
from chc_tui.steps import usecases
from test_tui_journeys import TODAY, services, settle, wait_for  # noqa: F401  (services is a fixture)


def log(services, *names: str) -> None:
    for name in names:
        services.run(usecases.log_complaint, received_on=TODAY, channel="phone", resident_name=name,
                     category="Repairs", resident_words="words")


def residents_listed(app) -> list[str]:
    table = app.screen.query_one("#complaints")
    return sorted(str(table.get_row_at(i)[1]) for i in range(table.row_count))


async def test_a_search_keystroke_reloads_the_list_and_nothing_else(services):
    log(services, "Thomas Hardy", "Tina Turner", "Harry Lime")
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        calls: list[str] = []
        for name in ("panel", "deadlines", "other_deadlines", "yearly_submission", "complaints"):
            original = getattr(services, name)

            def counted(*args, _name=name, _original=original, **kwargs):
                calls.append(_name)
                return _original(*args, **kwargs)

            setattr(services, name, counted)
        await pilot.press("slash", *"Thom")
        await wait_for(pilot, lambda: residents_listed(app) == ["Thomas Hardy"], "only Thomas listed")
        await settle(pilot)
        # the list only, never the panel; at most one query a key (letters typed faster
        # than SEARCH_PAUSE are one query: how many that is depends on the Pilot's pace)
        assert set(calls) == {"complaints"} and len(calls) <= 4, calls


async def test_a_result_the_typing_has_overtaken_is_never_painted(services):
    log(services, "Thomas Hardy", "Tina Turner", "Harry Lime")
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        painted: list[list[str]] = []
        fill = screen._fill_list

        def recorded(rows):
            painted.append(sorted(due.row.resident for due in rows))
            fill(rows)

        screen._fill_list = recorded
        first_search_running, release_first = threading.Event(), threading.Event()
        original = services.complaints

        def slow_for_t(*args, **kwargs):
            if kwargs.get("search") == "T":
                first_search_running.set()
                release_first.wait(10)  # held until the longer search has been painted
            return original(*args, **kwargs)

        services.complaints = slow_for_t
        await pilot.press("slash", "T")
        await wait_for(pilot, first_search_running.is_set, "the search for T under way")
        await pilot.press("h")
        await wait_for(pilot, lambda: painted == [["Thomas Hardy"]], "the search for Th painted")
        release_first.set()
        await settle(pilot)  # waits for its worker, which hands its rows over before it ends
        # the search for "T" (Thomas and Tina) finished last, and was dropped
        assert painted == [["Thomas Hardy"]]
        assert residents_listed(app) == ["Thomas Hardy"]
