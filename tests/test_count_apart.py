"""A year's report counted by a child process (chc_tui/figures/count_apart.py): the same
figures as counting here, nothing from the working folder run, the app counting F3's year
ahead of the key on a large file, and counting in its own thread when the child cannot."""

from __future__ import annotations

import json
import sys
from datetime import date

import pytest

import chc_tui.figures.count_apart as count_apart_module
from chc_tui.app import ChcApp, build_app
from chc_tui.demo.build import build_demo_database
from chc_tui.figures.count_apart import CountApartFailed, count_apart
from chc_tui.figures.performance_by_person import as_json as people_json
from chc_tui.figures.report import to_json
from chc_tui.figures.report_service import ReportService
from chc_tui.report_cache import stamp
from chc_tui.rules.financial_year import year_of
from chc_tui.services import Services
from report_helpers import Book
from screens.report import ReportScreen
from conftest import POSTGRES_URL
from test_report_screen import count_reports, press_f3, row_text, settle, wait_for

TODAY = date(2026, 11, 23)


@pytest.fixture
def services(db):
    book = Book(db, TODAY)
    first = book.complaint(date(2026, 4, 7), timing="target", decision="upheld", remedy="£75 for time and trouble.")
    book.complaint(date(2026, 5, 11), timing="extension", decision="partly_upheld")
    book.complaint(date(2026, 6, 1), timing="late", decision="not_upheld")
    book.complaint(date(2026, 11, 2), timing=None)
    book.complaint(date(2025, 10, 6), timing="target", decision="not_upheld")
    book.escalate(first, timing="target", decision="upheld")
    return Services(db, actor="alice", today_fn=lambda: TODAY)


def as_text(report, people) -> str:
    return json.dumps([to_json(report), people_json(people)], default=str, sort_keys=True)


def counted_here(services, year: int) -> str:
    report, count_people = ReportService(services).count(year)
    return as_text(report, count_people())


def test_a_year_counted_apart_is_the_year_counted_here(services):
    apart = list(count_apart(services, [2026, 2025]))
    assert [year for year, _, _ in apart] == [2026, 2025]
    for year, report, people in apart:
        assert report.year == year and people.year == year
        assert as_text(report, people) == counted_here(services, year)
    report = apart[0][1]
    assert report.value("tsm.CH01.stage1_received") == 4
    # what the figures list behind them came back too, shared as they were
    assert [ref for ref, _ in report.figure("tsm.CH01.stage1_received").items] == [
        ref for ref, _ in ReportService(services).report(2026).figure("tsm.CH01.stage1_received").items]


@pytest.mark.skipif(not POSTGRES_URL, reason="CHC_TEST_POSTGRES_URL names no PostgreSQL server")
@pytest.mark.parametrize("db", ["postgresql"], indirect=True)
def test_a_year_counted_apart_on_postgresql_is_the_year_counted_here(services):
    """The server's address reaches the child through its stdin, never its arguments."""
    [(year, report, people)] = list(count_apart(services, [2026]))
    assert as_text(report, people) == counted_here(services, 2026)


def test_the_child_runs_no_code_from_the_working_folder_or_pythonpath(services, tmp_path, monkeypatch):
    """On a shared server chc may be started in a folder others can write: a `chc_tui`
    planted there (or on PYTHONPATH) must never run as the handler."""
    planted = tmp_path / "planted"
    marker = tmp_path / "ran"
    for package in ("chc_tui", "chc_tui/figures"):
        (planted / package).mkdir(parents=True)
        (planted / package / "__init__.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    (planted / "chc_tui/figures/count_apart.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    monkeypatch.chdir(planted)
    monkeypatch.setenv("PYTHONPATH", str(planted))
    [(year, report, _people)] = list(count_apart(services, [2026]))
    assert report.value("tsm.CH01.stage1_received") == 4
    assert not marker.exists()


@pytest.mark.parametrize("command", [[sys.executable, "-c", "import sys; sys.exit(3)"], ["/nonexistent/python3"]])
def test_a_child_that_cannot_count_says_so(services, monkeypatch, command):
    monkeypatch.setattr(count_apart_module, "_child_command", lambda: command)
    with pytest.raises(CountApartFailed):
        list(count_apart(services, [2026]))


async def test_f3_on_a_large_file_is_counted_apart_with_the_same_rows(services, monkeypatch):
    monkeypatch.setattr(count_apart_module, "COUNT_APART_FROM_COMPLAINTS", 0)  # every file is large
    counted = count_reports(monkeypatch)  # counts in this process
    shown, counts_apart = await f3_rows(services)
    assert counts_apart is True and counted == []  # the child counted it
    assert shown[3][:2] == ["CH02 stage 1 within timescale", "67% 2/3"]
    monkeypatch.setattr(count_apart_module, "COUNT_APART_FROM_COMPLAINTS", 10**9)  # counted here this time
    expected_rows, counts_apart = await f3_rows(services)
    assert counts_apart is False and counted == [2026]
    assert shown == expected_rows


async def f3_rows(services) -> tuple[list[list[str]], bool | None]:
    """Every row F3 shows once the rows per handler are in, and whether it counted apart."""
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await press_f3(pilot)
        await wait_for(pilot, lambda: any(row.key.startswith("people.handler.") for row in screen.rows),
                       "the rows per handler")
        return [row_text(screen, i) for i in range(len(screen.rows))], app.counts_apart


async def test_a_child_that_fails_leaves_f3_counted_in_the_app(services, monkeypatch):
    monkeypatch.setattr(count_apart_module, "COUNT_APART_FROM_COMPLAINTS", 0)
    monkeypatch.setattr(count_apart_module, "_child_command", lambda: [sys.executable, "-c", "import sys; sys.exit(3)"])
    counted = count_reports(monkeypatch)
    app = build_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = await press_f3(pilot)
        assert counted == [2026]
        assert row_text(screen, 3)[:2] == ["CH02 stage 1 within timescale", "67% 2/3"]


async def test_a_large_file_counts_f3s_year_ahead_and_the_year_before_while_it_is_shown(tmp_path, monkeypatch):
    monkeypatch.setattr(count_apart_module, "COUNT_APART_FROM_COMPLAINTS", 0)
    today = date.today()
    path = tmp_path / "large.db"
    build_demo_database(path, count=60, today=today)
    year = year_of(today)
    counted = count_reports(monkeypatch)
    import screens.report

    apart: list[int] = []
    original = screens.report.count_apart
    monkeypatch.setattr(screens.report, "count_apart", lambda services, years: (apart.extend(years), original(services, years))[1])
    app = ChcApp(db_path=path)
    app.read_early()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.services is not None, "the open")
        # nothing pressed: the year F3 opens at is counted and kept
        await wait_for(pilot, lambda: app.report_cache.get(year, stamp(app.services)) is not None, "the count ahead")
        kept = app.report_cache.get(year, stamp(app.services))
        screen = await press_f3(pilot)
        assert screen.report is kept.report and screen.people is kept.people
        # shown: the year before is counted meanwhile, for [
        await wait_for(pilot, lambda: app.report_cache.get(year - 1, stamp(app.services)) is not None,
                       "the year before counted ahead")
        await pilot.press("left_square_bracket")
        await wait_for(pilot, lambda: screen.report is not None and screen.report.year == year - 1, "the year before")
        assert counted == []  # neither year was counted in the app's process
        expected = Services.open(path, today_fn=lambda: today)
        try:
            assert as_text(screen.report, screen.people) == counted_here(expected, year - 1)
        finally:
            expected.db.dispose()
        await pilot.press("escape")
        await settle(pilot)
        assert apart == [year, year - 1]
        # again: the year before is not counted ahead a second time while nothing changes
        screen = await press_f3(pilot)
        assert screen.report is kept.report
        await pilot.press("escape")
        await settle(pilot)
        assert apart == [year, year - 1] and counted == [year - 1]  # the one this test counted above
