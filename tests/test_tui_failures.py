"""When the database fails under a form, or screens close while they refresh: the form
stays open with what was typed and says what happened; nothing crashes the app, and no
traceback (with the records it would quote) reaches the terminal."""

from __future__ import annotations

import os
import signal
import sqlite3
import sys
import time
from contextlib import closing
from datetime import date

import pytest

from letter_helpers import ready_to_sign

import store.engine
from chc_tui.steps import usecases
from chc_tui.app import build_app
from chc_tui.services import Services
from conftest import dump
from screens.complaint import ComplaintScreen
from screens.forms import StepForm
from screens.main import MainScreen
from test_tui_journeys import wait_for

TODAY = date(2026, 11, 23)  # a Monday
TYPED = "Rang Mrs Lee back about the damp in the bedroom"


@pytest.fixture
def services(db):
    ready_to_sign(db)  # letters are signed by name and title, never a login
    return Services(db, actor="alice", today_fn=lambda: TODAY)


@pytest.fixture
def reference(services) -> str:
    return services.run(usecases.log_complaint, received_on=TODAY, channel="phone", resident_name="Ann Lee",
                       category="Repairs", resident_words="Damp in the bedroom").reference


def form_message(app) -> str:
    screen = app.screen
    if not isinstance(screen, StepForm):
        return ""
    return str(screen.query_one("#form-errors").render()).strip()


async def open_complaint(pilot, reference: str) -> None:
    app = pilot.app
    await pilot.pause()
    await app.workers.wait_for_complete()
    app.open_complaint(reference)
    await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen) and app.screen.detail, "the complaint")


async def type_a_note(pilot, reference: str) -> None:
    """Open the complaint, press n, type the note's summary."""
    app = pilot.app
    await open_complaint(pilot, reference)
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(app.screen, StepForm) and app.focused is not None, "the note form")
    summary = app.screen.query_one("#f-summary")
    summary.focus()
    await pilot.pause()
    await pilot.press(*TYPED)
    assert summary.text == TYPED


async def save_and_expect_the_form_kept(pilot, services, before, *words: str) -> str:
    """Ctrl+S; the form stays, with the typing, a plain message, and nothing written."""
    app = pilot.app
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: form_message(app), "the form to say why it could not save")
    message = form_message(app)
    assert isinstance(app.screen, StepForm)
    assert app.screen.query_one("#f-summary").text == TYPED
    for word in words:
        assert word in message.lower()
    assert "Traceback" not in message and "OperationalError" not in message
    assert app.return_code is None  # still running
    assert dump(services.db) == before
    return message


@pytest.fixture
def short_busy_wait(monkeypatch, services):
    """A busy wait of 0.2 s instead of the real one: the test must not wait 15 s."""
    monkeypatch.setattr(store.engine, "BUSY_TIMEOUT_MS", 200)
    services.db.engine.dispose()  # new connections take the shorter wait


async def test_a_locked_database_keeps_the_note_form_open_with_the_typing(services, reference, short_busy_wait):
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await type_a_note(pilot, reference)
        before = dump(services.db)
        with closing(sqlite3.connect(services.db.path, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")  # another handler's long save holds the write lock
            message = await save_and_expect_the_form_kept(pilot, services, before, "busy", "ctrl+s")
            other.execute("ROLLBACK")
        # once the other save has finished, the same Ctrl+S saves what was typed
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen), "the note to be saved")
    assert message
    assert [c.item.summary for c in services.complaint(reference).correspondence] == [TYPED]


@pytest.mark.parametrize("error, words", [
    ("attempt to write a readonly database", ("read-only", "chc doctor")),
    ("database or disk is full", ("full", "free some space")),
])
async def test_a_refused_save_keeps_the_note_form_open_with_the_typing(services, reference, monkeypatch, error, words):
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await type_a_note(pilot, reference)
        before = dump(services.db)

        def refused(*args, **kwargs):
            raise sqlite3.OperationalError(error)

        monkeypatch.setattr(services, "record_correspondence", refused)
        await save_and_expect_the_form_kept(pilot, services, before, *words)


async def test_a_read_only_file_keeps_the_note_form_open(services, reference, tmp_path):
    """Every connection refuses writes, as a file chmod 0444 does (root ignores the mode)."""
    from sqlalchemy import event

    services.db.engine.dispose()

    @event.listens_for(services.db.engine, "connect")
    def _query_only(dbapi_conn, _record):  # every write now fails as on a read-only file
        dbapi_conn.execute("PRAGMA query_only = ON")

    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await type_a_note(pilot, reference)
        before = dump(services.db)
        await save_and_expect_the_form_kept(pilot, services, before, "read-only")


async def test_a_letter_the_database_refuses_to_send_stays_with_its_text(services, reference, monkeypatch):
    from screens.letter import LetterScreen

    services.run(usecases.define, reference, understanding="Damp", outcomes_sought="Dry room", responsible_aspects="Repairs")
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_complaint(pilot, reference)
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm) and app.focused is not None, "the form")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, LetterScreen), "the drafted letter")
        letter = app.screen
        letter.query_one("#letter-text").insert("P.S. typed by hand\n")
        typed = letter.text
        before = dump(services.db)

        def locked(*args, **kwargs):
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(services, "run", locked)
        await pilot.press("ctrl+s")
        errors = lambda: str(letter.query_one("#letter-errors").render())  # noqa: E731
        await wait_for(pilot, lambda: "busy" in errors(), "the letter screen to say why")
        assert app.screen is letter and letter.text == typed
        assert dump(services.db) == before


async def test_opening_and_closing_complaints_while_the_refresh_fires_never_crashes(services, reference):
    """Enter then Escape a few tenths of a second apart, while the 2-second watch reloads
    every screen: a complaint screen pushed but not yet built has no #detail yet."""
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        for _ in range(30):
            app.open_complaint(reference)
            app.refresh_views()  # the watch fires before the screen has been built
            await pilot.pause()
            app.refresh_views()
            await pilot.press("escape")
            app.refresh_views()  # and again while it is being taken down
            await pilot.pause()
        await wait_for(pilot, lambda: isinstance(app.screen, MainScreen), "the list again")
        assert app.return_code is None


# --- the last resort: no traceback, no record on the terminal -------------------------------


async def test_an_unexpected_error_stops_the_app_with_one_plain_line_and_logs_it(services, reference, monkeypatch,
                                                                                  capsys, caplog):
    """Textual's own handler printed a traceback with its local variables on exit: the
    record being worked on, on the handler's terminal."""

    def broken(self):
        secret = {"resident": "Ann Lee", "address": "1 Damp Street"}  # noqa: F841  (a local a traceback would show)
        raise KeyError("1 Damp Street")

    monkeypatch.setattr(ComplaintScreen, "action_resident", broken)
    app = build_app(services)
    with pytest.raises(KeyError):  # run_test hands the error on, for tests
        async with app.run_test(size=(100, 40)) as pilot:
            await open_complaint(pilot, reference)
            await pilot.press("v")
            await wait_for(pilot, lambda: app._exit, "the app to stop")
    printed = capsys.readouterr()
    terminal = printed.out + printed.err
    assert app.return_code == 1
    assert "chc stopped: an unexpected error (KeyError)" in terminal
    assert "Damp Street" not in terminal and "Ann Lee" not in terminal and "Traceback" not in terminal
    logged = [r for r in caplog.records if r.name == "chc_tui.app" and r.exc_info]
    assert logged and logged[0].exc_info[0] is KeyError  # the traceback goes to the log


async def test_a_database_problem_in_a_background_load_is_told_and_the_app_goes_on(services, monkeypatch):
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()

        def damaged(*_rows, **_filters):  # panel(rows, handler_staff_id=...) for "mine"
            raise sqlite3.DatabaseError("database disk image is malformed")

        monkeypatch.setattr(services, "panel", damaged)
        app.refresh_views()  # the list reloads in a worker
        await wait_for(pilot, lambda: any("damaged" in str(n.message) for n in app._notifications),
                       "the problem to be told")
        assert app.return_code is None and isinstance(app.screen, MainScreen)


async def test_a_database_problem_in_the_watch_is_told_once_and_the_app_goes_on(services, monkeypatch):
    import chc_tui.app

    monkeypatch.setattr(chc_tui.app, "WATCH_SECONDS", 0.02)
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        calls = []

        def unreadable():
            calls.append(1)
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(services.db, "data_version", unreadable)
        await wait_for(pilot, lambda: len(calls) >= 3, "the watch to fire a few times")
        told = [n for n in app._notifications if "I/O" in str(n.message)]
        assert len(told) == 1  # once, not every time the watch fires
        assert app.return_code is None


async def test_a_database_problem_on_a_key_is_told_and_the_app_goes_on(services, reference, monkeypatch):
    app = build_app(services)
    async with app.run_test(size=(100, 40)) as pilot:
        await open_complaint(pilot, reference)

        def locked(*args, **kwargs):
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr(services, "complaint", locked)
        await pilot.press("ctrl+r")  # reload
        await wait_for(pilot, lambda: any("busy" in str(n.message) for n in app._notifications), "the problem")
        assert app.return_code is None and isinstance(app.screen, ComplaintScreen)


# --- the terminal goes away (issue 15, item 10) ----------------------------------------------


def _running(pid: int) -> bool:
    """Still running (a zombie waiting for its parent has ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.mark.parametrize("hang_up", ["passed on", "ignored"])
def test_chc_exits_when_its_terminal_goes_away(db, tmp_path, hang_up):
    """Kill the tmux server under a running chc, as a dropped SSH link does. The app read
    an ended terminal for ever at 30-70% CPU. "ignored": a shell that does not pass the
    hang-up signal on; then only the terminal's own hang-up tells."""
    from test_tmux_smoke import START_TIMEOUT, STEP_TIMEOUT, TMUX, Pane, installed_chc

    if TMUX is None:
        pytest.skip("tmux is not installed")
    if not sys.platform.startswith("linux"):
        pytest.skip("reads the process state from /proc")
    db.dispose()
    pane = Pane(tmp_path)
    pane.env["CHC_DB"] = str(db.path)
    pid_file = tmp_path / "chc.pid"
    script = ('trap "" HUP; ' if hang_up == "ignored" else "") + f'echo $$ > {pid_file}; exec "$@"'
    try:
        pane.tmux("new-session", "-d", "-s", pane.session, "-x", "80", "-y", "24",
                  "env", f"CHC_DB={db.path}", f"XDG_DATA_HOME={pane.env['XDG_DATA_HOME']}",
                  "sh", "-c", script, "chc", installed_chc())
        pane.wait_for("the main screen", lambda s: "Deadlines" in s, timeout=START_TIMEOUT)
        pid = int(pid_file.read_text())
        pane.keys("n")  # a form half-filled when the link drops
        pane.wait_text("Log a new complaint")
        pane.keys("Tab", "Tab")
        pane.type("Mrs Joan Pike")
    finally:
        pane.kill()
    deadline = time.monotonic() + STEP_TIMEOUT
    while _running(pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    still = _running(pid)
    if still:
        import subprocess
        print(subprocess.run(["ps", "-L", "-o", "pid,tid,stat,pcpu,wchan:30,comm", "-p", str(pid)], capture_output=True, text=True).stdout)
        print(open(f"/proc/{pid}/stat").read())
        os.kill(pid, signal.SIGKILL)
    assert not still, "chc went on running after its terminal had gone"
    with closing(sqlite3.connect(db.path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM complaint").fetchone() == (0,)  # nothing half-saved


# --- control characters in records are drawn harmlessly (issue 15, item 11) -----------------

NASTY = "Ann \x1b[2J\x1b[31mLee\x1b]0;retitled\x07\x9b2J"


async def test_control_characters_in_a_record_never_reach_the_terminal(services):
    """A name imported as "Ann \\x1b[2J..." cleared the handler's terminal and an OSC
    sequence retitled their window: Rich and Textual let ESC through."""
    reference = services.run(usecases.log_complaint, received_on=TODAY, channel="phone", resident_name=NASTY,
                            category="Repairs", resident_words=f"Words {NASTY}").reference
    app = build_app(services)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await wait_for(pilot, lambda: "Lee" in app.export_screenshot(), "the list to show the complaint")
        shown = [app.export_screenshot()]
        app.open_complaint(reference)
        await wait_for(pilot, lambda: isinstance(app.screen, ComplaintScreen) and app.screen.detail, "the complaint")
        await pilot.pause()
        shown.append(app.export_screenshot())
        await pilot.press("n")  # a form quoting the name in its suggestions, and a field typed into
        await wait_for(pilot, lambda: isinstance(app.screen, StepForm) and app.focused is not None, "the note form")
        app.screen.query_one("#f-party_name").value = NASTY
        await pilot.pause()
        shown.append(app.export_screenshot())
    for picture in shown:
        assert "Lee" in picture
        assert not any(chr(c) in picture or f"&#{c};" in picture for c in (0x1B, 0x07, 0x9B))
        assert "\\x1b[2J" in picture  # shown as the commands print it (chc_tui/terminal.py)
