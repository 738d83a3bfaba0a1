"""The demo never touches a file it did not make (issue 15.1): `chc --db real.db demo` and
`chc --demo --db real.db` deleted a real database; a killed demo build was reused all day."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest

from chc_tui.cli import main as cli
from chc_tui.demo import build as demo
from chc_tui.steps import usecases
from chc_tui.rules.context import StepContext
from chc_tui.demo.demo_file import DEMO_MARK, DemoRefused, default_demo_path, demo_built_on
from store.engine import open_database

NOVEMBER = date(2026, 11, 23)


def complaints_in(path: Path) -> int:
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute("SELECT count(*) FROM complaint").fetchone()[0]


@pytest.fixture
def real_db(tmp_path) -> Path:
    path = tmp_path / "real.db"
    db = open_database(path)
    ctx = StepContext(actor="alice", today=NOVEMBER)
    for n in range(3):
        usecases.log_complaint(
            db, received_on=NOVEMBER, channel="phone", resident_name=f"Resident {n}",
            category="Repairs", resident_words="The roof leaks", handler="alice", ctx=ctx,
        )
    db.dispose()
    old = NOVEMBER.toordinal() - date(1970, 1, 1).toordinal()
    os.utime(path, (old * 86400, old * 86400))  # not modified today: the old check rebuilt it
    return path


@pytest.mark.parametrize("argv", [["--db", "{db}", "demo"], ["demo", "--db", "{db}"], ["--demo", "--db", "{db}"]])
def test_the_demo_refuses_a_real_database_and_leaves_it_whole(real_db, argv, capsys):
    before = real_db.read_bytes()
    rc = cli.main([a.format(db=real_db) for a in argv])
    assert rc == 2
    assert "is not a demo database" in capsys.readouterr().err
    assert real_db.read_bytes() == before and complaints_in(real_db) == 3
    assert sorted(p.name for p in real_db.parent.iterdir()) == ["real.db"], "nothing made beside it"


def test_the_demo_refuses_any_other_file_and_an_empty_one(tmp_path):
    for name, content in (("notes.txt", b"my notes"), ("empty.db", b"")):
        target = tmp_path / name
        target.write_bytes(content)
        with pytest.raises(DemoRefused):
            demo.build_demo_database(target, count=10, today=NOVEMBER)
        assert target.read_bytes() == content


def test_a_demo_it_made_at_a_path_of_its_own_is_rebuilt(tmp_path):
    target = tmp_path / "mine.db"
    demo.build_demo_database(target, count=10, today=NOVEMBER)
    assert demo_built_on(target) == NOVEMBER
    demo.build_demo_database(target, count=10, today=date(2026, 11, 24))
    assert demo_built_on(target) == date(2026, 11, 24)
    assert not list(tmp_path.glob(".*")), "no hidden build left behind"
    assert not Path(f"{target}-wal").exists()


def test_a_killed_build_leaves_nothing_to_reuse(tmp_path, monkeypatch):
    target = tmp_path / "demo.db"

    def killed(path, count, today, seed):
        real_build(path, count, today, seed)
        raise KeyboardInterrupt  # Ctrl+C, or the machine going down, just before the move

    real_build = demo._build
    monkeypatch.setattr(demo, "_build", killed)
    with pytest.raises(KeyboardInterrupt):
        demo.build_demo_database(target, count=10, today=NOVEMBER)
    assert not target.exists()
    assert not list(tmp_path.iterdir())


def test_a_build_left_by_a_dead_process_is_removed_by_the_next(tmp_path):
    target = tmp_path / "demo.db"
    dead = tmp_path / ".demo.db.building-999999999"
    dead.write_bytes(b"half a database")
    demo.build_demo_database(target, count=10, today=NOVEMBER)
    assert not dead.exists() and demo_built_on(target) == NOVEMBER


def test_an_unfinished_demo_is_never_taken_for_today(tmp_path):
    # Before the mark, a half-built file modified today was reused for the rest of the day.
    target = tmp_path / "demo.db"
    demo.build_demo_database(target, count=10, today=date.today())
    with closing(sqlite3.connect(target)) as conn:
        conn.execute("DELETE FROM setting WHERE key = ?", (DEMO_MARK,))
        conn.commit()
    assert demo_built_on(target) is None


def test_the_default_demo_path_is_the_demos_own(tmp_path):
    # A demo.db from a release before the mark is rebuilt, not refused.
    own = default_demo_path()
    own.parent.mkdir(parents=True, exist_ok=True)
    own.write_bytes(b"")
    demo.build_demo_database(own, count=10, today=NOVEMBER, replace_unmarked=True)
    assert demo_built_on(own) == NOVEMBER


@pytest.mark.parametrize("built_by, rebuilt", [("an-older-release", True), (None, False)])
def test_todays_demo_from_another_release_is_built_again(monkeypatch, built_by, rebuilt):
    # `chc --demo` reused a default demo.db built today by the code before an upgrade.
    from chc_tui.demo.demo_file import DEMO_RELEASE_MARK

    own = default_demo_path()
    demo.build_demo_database(own, count=10, today=date.today(), replace_unmarked=True)
    if built_by is not None:
        with closing(sqlite3.connect(own)) as conn:
            conn.execute("UPDATE setting SET value = ? WHERE key = ?", (f'"{built_by}"', DEMO_RELEASE_MARK))
            conn.commit()
    made = []
    monkeypatch.setattr(cli, "_make_demo", lambda path, *a, **k: made.append(path) or path)
    assert cli.main(["--demo", "deadlines"]) == 0
    assert made == ([own] if rebuilt else [])
