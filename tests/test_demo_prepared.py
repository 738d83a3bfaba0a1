"""Demos prepared ahead (issue 22.3): `chc demo --db` and the first `chc --demo` of the day
copy the demo built for that day instead of building it, and a demo is only ever shown on
the day it was built for (never re-dated: its working-day counts and its letters belong to
that day)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

import pytest

from chc_tui.cli import main as cli
from chc_tui.demo import build, prepared
from chc_tui.demo.demo_file import DemoRefused, demo_built_on
from tests.test_demo_safety import complaints_in, real_db  # noqa: F401  (a fixture)

NOVEMBER = date(2026, 11, 23)
COUNT = 12


def rows(path: Path) -> list[tuple]:
    """What a demo holds, in a form two builds can be compared by (not the audit's clock)."""
    with closing(sqlite3.connect(path)) as conn:
        complaints = conn.execute(
            "SELECT reference, status, received_on, category, resident_words FROM complaint ORDER BY reference"
        ).fetchall()
        letters = conn.execute("SELECT kind, sent_on, body, sha256 FROM letter ORDER BY id").fetchall()
        deadlines = conn.execute("SELECT step, due_on, active FROM deadline ORDER BY id").fetchall()
    return [complaints, letters, deadlines]


@pytest.fixture
def prepared_november() -> Path:
    prepared.prepare([NOVEMBER], COUNT)  # once: a day already prepared is left as it is
    return prepared.prepared_path(NOVEMBER, COUNT)


def test_a_prepared_demo_is_the_demo_built_that_day(prepared_november, tmp_path):
    target, direct = tmp_path / "demo.db", tmp_path / "direct.db"
    assert prepared.take(target, NOVEMBER, COUNT, is_default=False)
    build.build_demo_database(direct, count=COUNT, today=NOVEMBER)
    assert demo_built_on(target) == NOVEMBER
    assert rows(target) == rows(direct)
    assert not list(tmp_path.glob(".*")), "no hidden copy left behind"


_CLOCK = """
import datetime, os
day = datetime.date.fromisoformat(os.environ["CHC_TEST_CLOCK"])
class Date(datetime.date):
    @classmethod
    def today(cls):
        return cls(day.year, day.month, day.day)
datetime.date = Date  # before anything imports it: the process's clock says `day`
"""


def _built_with_the_clock_at(clock: date, day: date, path: Path, tmp_path: Path) -> None:
    (tmp_path / "clock").mkdir(exist_ok=True)
    (tmp_path / "clock" / "sitecustomize.py").write_text(_CLOCK)
    code = ("import sys, datetime; from chc_tui.demo.build import build_demo_database; "
            "assert datetime.date.today() == datetime.date.fromisoformat(sys.argv[3]); "
            "build_demo_database(sys.argv[1], count=int(sys.argv[4]), today=datetime.date.fromisoformat(sys.argv[2]))")
    env = {**os.environ, "CHC_TEST_CLOCK": clock.isoformat(),
           "PYTHONPATH": os.pathsep.join([str(tmp_path / "clock"), *sys.path])}
    subprocess.run([sys.executable, "-c", code, str(path), day.isoformat(), clock.isoformat(), str(COUNT)],
                   env=env, check=True)


def test_a_demo_built_days_ahead_is_the_one_built_on_its_day(tmp_path):
    """Only the day given counts, never the clock: the background build makes, days ahead,
    exactly the demo that day would build (the audit's clock times aside)."""
    day = date(2026, 12, 24)  # Christmas Eve: a closure day, then two bank holidays
    ahead, on_the_day = tmp_path / "ahead.db", tmp_path / "on_the_day.db"
    _built_with_the_clock_at(day - timedelta(days=4), day, ahead, tmp_path)
    _built_with_the_clock_at(day, day, on_the_day, tmp_path)
    assert rows(ahead) == rows(on_the_day)


def test_a_demo_is_never_taken_on_another_day(prepared_november, tmp_path):
    # Re-dating would count working days across other bank holidays and leave the letters'
    # dates behind: another day's demo is built, never copied.
    for day in (NOVEMBER + timedelta(days=1), NOVEMBER - timedelta(days=7)):
        assert not prepared.take(tmp_path / "demo.db", day, COUNT, is_default=False)
    assert not prepared.take(tmp_path / "demo.db", NOVEMBER, COUNT + 1, is_default=False)
    assert not list(tmp_path.iterdir())


def test_a_demo_made_by_another_release_is_not_taken(prepared_november, tmp_path, monkeypatch):
    monkeypatch.setattr(prepared, "release", lambda: "another-release")
    assert not prepared.take(tmp_path / "demo.db", NOVEMBER, COUNT, is_default=False)


def test_the_release_changes_with_the_code(tmp_path, monkeypatch):
    (tmp_path / "chc_tui").mkdir()
    (tmp_path / "store").mkdir()
    module = tmp_path / "chc_tui" / "rules.py"
    module.write_text("A = 1\n")
    monkeypatch.setattr(prepared, "_package_root", lambda: tmp_path)
    before = prepared.release()
    module.write_text("A = 22\n")
    assert prepared.release() != before


def test_a_prepared_demo_never_replaces_a_real_database(prepared_november, real_db):
    before = real_db.read_bytes()
    with pytest.raises(DemoRefused):
        prepared.take(real_db, NOVEMBER, COUNT, is_default=False)
    assert real_db.read_bytes() == before and complaints_in(real_db) == 3
    assert sorted(p.name for p in real_db.parent.iterdir()) == ["real.db"]


def test_beside_a_landlords_letter_templates_the_demo_is_built_in_place(prepared_november, tmp_path):
    (tmp_path / "letters").mkdir()  # chc_tui.documents.letters.templates_dir: its letters use them
    assert not prepared.take(tmp_path / "demo.db", NOVEMBER, COUNT, is_default=False)


def test_the_seed_prepared_is_the_demos_own():
    assert prepared.SEED == build.DEFAULT_SEED


def test_days_gone_by_and_other_releases_are_pruned():
    today = date(2031, 5, 6)
    gone = prepared.prepared_path(today - timedelta(days=1), COUNT)
    stale = prepared.prepared_path(today, COUNT, made_by="0ld0ld0ld0ld0ld0")
    kept = prepared.prepared_path(today, COUNT)
    for path in (gone, stale, kept):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    removed = set(prepared.prune(today))
    assert {gone, stale} <= removed and kept not in removed
    assert kept.exists() and not gone.exists() and not stale.exists()
    kept.unlink()


# --- from the command line -----------------------------------------------------------------------


def test_the_second_demo_of_the_day_is_a_copy(tmp_path, monkeypatch, capsys):
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    prepared.folder().mkdir(parents=True, exist_ok=True)
    gone_by = prepared.prepared_path(date.today() - timedelta(days=1), COUNT)
    gone_by.write_bytes(b"")
    assert cli.main(["demo", "--db", str(first), "--count", str(COUNT)]) == 0
    assert demo_built_on(prepared.prepared_path(date.today(), COUNT)) == date.today(), "kept for the day"
    assert not gone_by.exists(), "a day gone by is pruned, even where nothing runs in the background"

    def no_build(*_args, **_kwargs):
        raise AssertionError("built again")

    monkeypatch.setattr(build, "build_demo_database", no_build)
    assert cli.main(["demo", "--db", str(second), "--count", str(COUNT)]) == 0
    assert rows(second) == rows(first)
    assert f"demo database written to {second}" in capsys.readouterr().out


class _Spawned:
    calls: list[list[str]] = []

    def __init__(self, argv, **kwargs):
        assert kwargs["start_new_session"] and kwargs["stdin"] == subprocess.DEVNULL and kwargs["cwd"] == prepared.folder()
        self.calls.append(argv)


def _at_a_terminal(monkeypatch, yes: bool) -> None:
    monkeypatch.setattr(sys, "stdin", type("Stdin", (), {"isatty": lambda self: yes})())
    monkeypatch.setattr(subprocess, "Popen", _Spawned)
    _Spawned.calls = []


def test_the_next_days_are_prepared_in_the_background_for_a_person_at_a_terminal(monkeypatch):
    _at_a_terminal(monkeypatch, True)
    assert prepared.prepare_ahead(NOVEMBER, COUNT)
    (argv,) = _Spawned.calls
    days = [(NOVEMBER + timedelta(days=n)).isoformat() for n in range(1, prepared.AHEAD_DAYS + 1)]
    assert argv == [sys.executable, "-m", "chc_tui.demo.prepared", str(COUNT), *days]


def test_nothing_runs_in_the_background_for_a_script_or_when_switched_off(monkeypatch):
    _at_a_terminal(monkeypatch, False)
    assert not prepared.prepare_ahead(NOVEMBER, COUNT)
    _at_a_terminal(monkeypatch, True)
    monkeypatch.setenv(prepared.AHEAD_SWITCH, "0")
    assert not prepared.prepare_ahead(NOVEMBER, COUNT)
    assert _Spawned.calls == []


def test_days_already_prepared_are_not_built_again(monkeypatch):
    _at_a_terminal(monkeypatch, True)
    for day in prepared.days_ahead(NOVEMBER):
        path = prepared.prepared_path(day, COUNT)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    try:
        assert not prepared.prepare_ahead(NOVEMBER, COUNT)
    finally:
        for day in prepared.days_ahead(NOVEMBER):
            prepared.prepared_path(day, COUNT).unlink()


def test_the_background_build_prepares_each_day_given(monkeypatch):
    monkeypatch.setattr(os, "nice", lambda _n: 0)  # the test's own process
    pruned: list[date] = []
    monkeypatch.setattr(prepared, "prune", pruned.append)
    day = NOVEMBER + timedelta(days=2)
    assert prepared._main([str(COUNT), day.isoformat()]) == 0
    assert demo_built_on(prepared.prepared_path(day, COUNT)) == day
    assert pruned == [date.today()]


def test_only_one_background_build_runs_at_a_time(monkeypatch):
    import fcntl

    monkeypatch.setattr(os, "nice", lambda _n: 0)
    day = NOVEMBER + timedelta(days=3)
    prepared.folder().mkdir(parents=True, exist_ok=True)
    with open(prepared.folder() / ".preparing.lock", "w") as other:
        fcntl.flock(other, fcntl.LOCK_EX)
        assert prepared._main([str(COUNT), day.isoformat()]) == 0
    assert not prepared.prepared_path(day, COUNT).exists()
