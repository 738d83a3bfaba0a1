"""The first paint's stdlib read gives exactly the rows the ORM query gives."""

from __future__ import annotations

from collections import Counter
from datetime import date

from chc_tui.rules import holiday_cache
from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.demo.build import build_demo_database
from store.engine import open_database
from store.fastread import read_open
from chc_tui.rules.deadlines import assess, count_states
from chc_tui.rules.domain import DeadlineState
from chc_tui.rules.policy import CODE_2024
from store.queries import complaint_rows, open_deadline_days


def test_fast_read_matches_the_orm_list_of_open_complaints(tmp_path):
    path = tmp_path / "demo.db"
    build_demo_database(path, count=60, today=date(2026, 11, 23))
    db = open_database(path)
    with db.read() as session:
        expected = complaint_rows(session, status="open")
    early = read_open(path)
    assert early is not None and early.rows == expected
    assert early.due_days == Counter(row.due_on for row in expected if row.due_on is not None)
    with db.read() as session:
        assert early.due_days == open_deadline_days(session)  # the full load's counts by day
    first = read_open(path, first=5)  # the first paint builds rows only for what it shows
    assert first.rows == expected[:5] and first.due_days == early.due_days
    # Read in two parts, those with a running deadline and then those without: a page
    # that ends in the second part, just past the first.
    due = sum(1 for row in expected if row.due_on is not None)
    assert 5 < due < len(expected)
    assert read_open(path, first=due + 1).rows == expected[:due + 1]
    assert early.region is None  # the demo keeps the default region
    assert set(early.closure_days) == {date(2025, 12, 24), date(2026, 12, 24)}


def test_fast_read_declines_a_missing_or_old_database(tmp_path):
    assert read_open(tmp_path / "nothing.db") is None
    path = tmp_path / "old.db"
    db = open_database(path)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")
    assert read_open(path) is None


def test_holiday_cache_round_trip_and_staleness(tmp_path):
    path = tmp_path / "cache.json"
    today = date(2026, 11, 23)
    calendar = WorkingCalendar("scotland")
    holiday_cache.save(calendar, today, path)
    known = holiday_cache.load("scotland", today, path)
    assert known[2026][date(2026, 11, 30)] == "Saint Andrew's Day"
    cached = WorkingCalendar("scotland", known_holidays=known)
    for start in (date(2026, 12, 23), date(2025, 1, 1), date(2028, 12, 20)):
        assert cached.explain_add(start, 15) == calendar.explain_add(start, 15)
    assert holiday_cache.load("northern-ireland", today, path) is None
    assert holiday_cache.load("scotland", date(2031, 1, 1), path) is None  # years not covered
    # an open item of ten years ago is counted from the file too, not by loading `holidays`
    assert known[2016][date(2016, 11, 30)] == "Saint Andrew's Day"
    for start in (date(2016, 12, 20), date(2014, 1, 2)):
        assert cached.explain_add(start, 15) == calendar.explain_add(start, 15)
    written = path.stat().st_mtime_ns
    holiday_cache.save(calendar, today, path)
    assert path.stat().st_mtime_ns == written  # already covered: not rewritten at every start


def test_counting_states_by_date_agrees_with_assessing_every_row(tmp_path):
    path = tmp_path / "demo.db"
    today = date(2026, 11, 23)
    build_demo_database(path, count=120, today=today)
    early = read_open(path)
    calendar = WorkingCalendar("england-and-wales", early.closure_days)
    expected = dict.fromkeys(DeadlineState, 0)
    for row in early.rows:
        due = assess(row, calendar, today, CODE_2024)
        if due.state is not None:
            expected[due.state] += 1
    counted = count_states(early.due_days, calendar, today, CODE_2024)
    assert counted == expected
    assert sum(counted.values()) == sum(early.due_days.values()) and counted[DeadlineState.OVERDUE] > 0


def test_the_cache_knows_the_installed_holidays_release_as_importlib_does():
    from importlib.metadata import version

    assert holiday_cache._holidays_version() == version("holidays")


def test_the_first_paints_other_due_dates_are_the_orm_queries_compiled(tmp_path):
    """store/early_sql.py is store/other_deadlines.py's queries as SQLite runs them
    (regenerate with `python -m store.other_deadlines`), and the stdlib read assembles the
    same rows as the ORM (issue 22.5: the first panel is the panel the full load shows)."""
    from store.early_sql import OTHER_DEADLINES_SQL, PANEL_SQL
    from store.other_deadline_rows import assemble, day_counts
    from store.other_deadlines import compiled_for_sqlite, panel_compiled_for_sqlite, panel_deadlines

    assert OTHER_DEADLINES_SQL == compiled_for_sqlite()
    assert PANEL_SQL == panel_compiled_for_sqlite()
    path = tmp_path / "demo.db"
    today = date(2026, 11, 23)
    build_demo_database(path, count=120, today=today)
    db = open_database(path)
    with db.read() as session:
        from chc_tui.steps.settings import load_calendar

        calendar = load_calendar(session)
        expected, expected_days = panel_deadlines(session, calendar, 20)
    early = read_open(path, panel_rows=20)
    assert {row.kind for row in expected} >= {"remedy", "action", "service_request"}  # the demo has them
    got = assemble(early.other_results, calendar)
    assert got == expected and day_counts(early.other_results, got) == expected_days


def test_the_submission_settings_keys_are_the_settings_the_steps_write():
    from chc_tui.rules import submission
    from chc_tui.steps.assessment import BOARD_APPROVED_KEY
    from chc_tui.steps.landlord import SETTING_KEYS

    assert submission.YEAR_END_KEY == SETTING_KEYS["financial_year_end"]
    assert submission.BOARD_APPROVED_KEY == BOARD_APPROVED_KEY


def test_the_updates_agreed_are_found_without_reading_every_unanswered_stage(tmp_path):
    """Code 5.9's "update due" rows: the open stages with an update interval agreed. Their
    queries (the early read's and the full load's) go through the partial index of
    migration 0022, not ix_stage_record_responded_on (every unanswered stage of ten years)."""
    import sqlite3

    from store.early_sql import OTHER_DEADLINES_SQL

    path = tmp_path / "plan.db"
    open_database(path).dispose()
    conn = sqlite3.connect(path)
    try:
        for name in ("updates_agreed", "updates_sent"):
            plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + OTHER_DEADLINES_SQL[name])]
            stage_steps = [step for step in plan if "stage_record" in step]
            assert stage_steps and all("ix_stage_record_updates_agreed" in step for step in stage_steps), (name, plan)
    finally:
        conn.close()
