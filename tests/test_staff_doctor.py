"""`chc doctor` says whether this login may save, and who to ask (issue 17)."""

from __future__ import annotations

from datetime import date

from chc_tui.rules.context import StepContext, os_user
from store.engine import open_database
from store.health import doctor


def _register_line(path):
    return next(c for c in doctor(path, date(2026, 12, 2)) if c.name == "staff register")


def test_doctor_names_who_this_login_is(db):
    line = _register_line(db.path)
    assert line.ok and line.detail.startswith(f"{os_user()} is {os_user()} (admin,")


def test_doctor_tells_a_login_not_on_the_register_who_to_ask(tmp_path):
    fresh = open_database(tmp_path / "c.db")
    try:
        assert _register_line(fresh.path).ok  # empty: the first to save becomes admin
        someone = StepContext(actor="someone-else", today=date(2026, 12, 2))
        with fresh.write() as session:
            from chc_tui.steps.identity import acting_staff

            acting_staff(session, someone)
    finally:
        fresh.dispose()
    line = _register_line(tmp_path / "c.db")
    assert not line.ok and f"--login {os_user()} --role handler" in line.detail
