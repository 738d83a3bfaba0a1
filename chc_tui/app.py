"""The Textual application: assembles the screens around one `Services` object.

`build_app` is the one factory: the CLI and the tests both call it, so a test runs the
same app a handler does, with a fixed "today" where pictures must stay stable.

Start-up: the main screen paints at once, filled by a stdlib-sqlite3 read of the open
complaints (store/fastread.py), while the ORM, the schema check and the services load in
a worker. Nothing here imports SQLAlchemy at module level.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import select
import signal
import sys
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from rich.text import Text
from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import WorkerFailed

from chc_tui.own_thread import run_in_own_thread
from chc_tui.report_cache import ReportCache, stamp as report_stamp
from chc_tui.rules.context import os_user
from chc_tui.rules.domain import StaleRecord
from chc_tui.user_config import ConfigProblem, LoadedConfig, load, save_theme, without_unknown
from screens.format import draw_controls_visibly
from screens.live import is_live
from screens.main import LIST_PAGE, PANEL_ROWS, EarlyPaint, MainScreen  # the other screens load when first needed, after the first paint
from store.errors import explain

if TYPE_CHECKING:
    from chc_tui.services import ComplaintDetail, Services

REFRESH_SECONDS = 60  # deadlines recount each minute, so "today" rolls over at midnight
WATCH_SECONDS = 2  # how often to look for other handlers' commits
TERMINAL_SECONDS = 1  # how often to check that the terminal is still there
HUNG_UP = 129  # the exit status when the terminal went away: 128 + SIGHUP, as shells report it
HUNG_UP_GRACE = 5  # seconds for the usual exit once the terminal has gone, before a hard one
# Open complaints read as rows for the first paint: the list's whole first page, which also
# holds the panel's soonest complaint deadlines (both are in due-date order), so the first
# paint is the list and the panel the full load shows, "N shown" and all (issue 22.5).
WHOLE_PAGE = max(LIST_PAGE, PANEL_ROWS)
EARLY_ROWS = WHOLE_PAGE

log = logging.getLogger(__name__)


class ChcApp(App):
    TITLE = "chc"
    BINDINGS = [
        Binding("f1,question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit_app", "Quit", id="app.quit"),
        Binding("ctrl+c", "quit_app", "Quit", id="app.ctrl_c", show=False, priority=True),
    ]

    def __init__(
        self, services: Services | None = None, *, db_path: Path | str | None = None,
        user_config: LoadedConfig | None = None, offer_setup: bool = False,
    ) -> None:
        super().__init__()
        # Whether a database that needs setup opens the setup screen (run_app, and the tests of
        # it: the other tests' databases have no landlord name and would all open it).
        self.offer_setup = offer_setup
        draw_controls_visibly()  # no record's text can drive the terminal
        self._use_own_settings(user_config or load())
        if services is None and db_path is None:
            raise ValueError("give ready services or a database path")
        self.services: Services | None = services
        if db_path is None:
            db_path = services.db.url or services.db.path
        # A file, or a PostgreSQL URL (kept as text; it has no file to read early or back up).
        self.db_path: Path | str = db_path if isinstance(db_path, str) and "://" in db_path else Path(db_path)
        self.open_error: str | None = None
        self._early: EarlyPaint | None = None  # read before the first paint
        self._early_painted = threading.Event()
        self._opening: threading.Thread | None = None  # the background open (_open_database)
        self._may_be_migrating = threading.Event()  # set while Services.open may write the schema
        self._seen_version: int | None = None
        self._waiting: list = []  # actions asked for before the services were ready
        self._problem_shown: str | None = None  # the database problem last told (not every 2 s)
        self._hung_up = False
        self.report_cache = ReportCache()  # the report screen's figures, per year (F3)
        # whether a year's report is counted by a child process (figures.count_apart): set
        # once the database is open, from its size
        self.counts_apart: bool | None = None

    @property
    def db_label(self) -> str:
        if isinstance(self.db_path, Path):
            return self.db_path.name
        from sqlalchemy.engine import make_url  # only for a server database

        url = make_url(self.db_path)
        return f"{url.host or 'localhost'}/{url.database}"

    # --- a person's own settings (chc_tui/user_config.py) ---------------------------------

    def _use_own_settings(self, loaded: LoadedConfig) -> None:
        """Theme, keymap and first view from the handler's own file, before the first paint.
        Whatever cannot be used is left at its default and told once (`_tell_settings`)."""
        loaded = without_unknown(loaded, themes=self.available_themes)
        self.user_config = loaded
        if loaded.config.theme is not None:
            self.theme = loaded.config.theme
        self._remembered_theme = self.theme
        if loaded.config.keymap:
            self.set_keymap(loaded.config.keymap)
        # The main list's first view, "all" or "mine": screens/main.py reads it.
        self.default_view: str = loaded.config.default_view

    def _tell_settings(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self.user_config.config.keymap:
            self.call_after_refresh(self._check_keymap)  # after the first paint: it imports every screen
        else:
            self._notify_settings()

    @work(thread=True, exclusive=True, group="check-keymap")
    def _check_keymap(self) -> None:
        checked = without_unknown(self.user_config, binding_ids=known_binding_ids())
        self.call_from_thread(self._keymap_checked, checked)

    def _keymap_checked(self, checked: LoadedConfig) -> None:
        if checked.config.keymap != self.user_config.config.keymap:
            self.set_keymap(checked.config.keymap)
        self.user_config = checked
        self._notify_settings()

    def _notify_settings(self) -> None:
        notice = self.user_config.notice()
        if notice is not None:
            self.notify(notice, title="Your settings", severity="warning", timeout=20, markup=False)

    def _remember_theme(self, theme) -> None:
        """The theme chosen (Ctrl+P, "Change theme") is the one the next start uses."""
        if theme.name == self._remembered_theme:
            return
        self._remembered_theme = theme.name
        path = self.user_config.path
        try:
            save_theme(theme.name, path)
        except (ConfigProblem, OSError) as exc:
            reason = f"could not be written ({exc.strerror or exc})" if isinstance(exc, OSError) else str(exc)
            log.warning("theme %r not saved to %s: %s", theme.name, path, reason)
            self.notify(f"The theme is not remembered for next time: {path} {reason}.", severity="warning",
                        timeout=15, markup=False)
        else:
            log.info("theme %r saved to %s", theme.name, path)

    def on_mount(self) -> None:
        self._watch_terminal()
        self._tell_settings()
        self.sub_title = f"{os_user()} · {self.db_label}"
        self.push_screen(MainScreen())
        if self.services is None:
            if self._early is not None:  # read before Textual started: paint it at once
                self._show_early(self._early, self._early_painted)
            self._open_database()
        else:
            self._services_ready(self.services)

    def _watch_terminal(self) -> None:
        """Stop when the terminal goes away (an SSH link dropped, a tmux pane killed).

        Textual reads the terminal until told to stop: at its end a read returns nothing
        at once, every time, and the app spun at 30-70% CPU for ever with nobody to see it
        (issue 15, item 10). SIGHUP is the usual news; when the shell does not pass it on
        (or it is ignored), the terminal reports its hang-up to poll()."""
        if self.is_headless:
            return  # tests: no terminal to lose
        with _unsupported():
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, self.terminal_gone, "hang-up signal")
        with _unsupported():
            hang_up = select.poll()
            hang_up.register(sys.__stdin__.fileno(), select.POLLHUP)  # POLLERR and POLLNVAL come too

            def check() -> None:
                if any(events & (select.POLLHUP | select.POLLERR | select.POLLNVAL) for _, events in hang_up.poll(0)):
                    self.terminal_gone("the terminal hung up")

            self.set_interval(TERMINAL_SECONDS, check)

    def terminal_gone(self, why: str) -> None:
        """Exit between two messages: every save is one transaction, so nothing is
        half-written; what was typed into an open form is lost (nobody can see it now)."""
        if self._hung_up:
            return
        self._hung_up = True
        log.warning("the terminal went away (%s): chc exits", why)
        _write_to_nowhere()
        threading.Thread(target=_exit_after_grace, daemon=True, name="chc-hung-up").start()
        self.exit(return_code=HUNG_UP)

    def read_early(self) -> None:
        """Read and assess the open deadlines now, for the first paint (see run_app)."""
        from store.fastread import read_open

        early = read_open(self.db_path, first=EARLY_ROWS, panel_rows=PANEL_ROWS) if isinstance(self.db_path, Path) else None
        if early is not None:
            self._early = self._assess_early(early)

    @work(exclusive=True, group="open-database")
    async def _open_database(self) -> None:
        """The ORM's open, in a thread of its own (chc_tui/own_thread.py): quitting straight
        after the first paint does not wait for SQLAlchemy to finish loading. Quitting
        cancels this worker; the thread is left behind, unless it may be migrating the
        schema (`must_finish_opening`). Tests still wait for it with `app.workers`."""
        self._opening, opened = run_in_own_thread(self._open_in_background, "chc-open-database")
        await opened

    def must_finish_opening(self) -> None:
        """At exit: wait for the background open only while it may write (a migration of
        an older schema: the early read proved the schema current when it succeeded). The
        day's backup may be left half-made: its partial file is cleared at the next one."""
        opening = self._opening
        while opening is not None and opening.is_alive() and self._may_be_migrating.is_set():
            opening.join(timeout=0.05)  # not join(): after the open it waits on the app's loop

    def _open_in_background(self) -> None:
        if self._early is None:
            self.read_early()
            if self._early is not None:
                self.call_from_thread(self._show_early, self._early, self._early_painted)
        if self._early is not None:
            # Let the first paint happen before the ORM's import takes the GIL.
            self._early_painted.wait(timeout=2)
        try:
            from chc_tui.services import Services

            if self._early is None:  # the early read proves the schema current when it succeeds
                self._may_be_migrating.set()
            services = Services.open(self.db_path)
        except Exception as exc:  # a locked, corrupt or too-new file: say so, do not crash
            problem = explain(exc)
            if problem is None:
                log.exception("could not open the database")
            self._may_be_migrating.clear()
            self.call_from_thread(self._open_failed, problem or f"{type(exc).__name__} (details in the log)")
            return
        self._may_be_migrating.clear()
        self.call_from_thread(self._services_ready, services)
        self._count_report_ahead(services)
        # The steps and letters (Jinja) load after the services are ready, not before: a
        # third of the ORM's open, and no key needs them until a form opens.
        from chc_tui.steps import usecases  # noqa: F401
        import screens.complaint  # noqa: F401  (ready before the first Enter: no wait then)
        import screens.forms  # noqa: F401
        from chc_tui.rules import holiday_cache

        holiday_cache.save(services.calendar(), date.today())
        self._check_integrity(services)
        self._daily_backup()

    def _count_report_ahead(self, services) -> None:
        """On a large file, F3's year counted by a child process on the other core while the
        handler starts work, so F3 answers from what is kept (issue 22.5)."""
        from chc_tui.figures.count_apart import worth_counting_apart

        try:
            self.counts_apart = worth_counting_apart(services)
        except Exception:  # F3 meets a database problem and says so
            log.info("could not tell the file's size for the report's count", exc_info=True)
            return
        if self.counts_apart:
            from chc_tui.rules.financial_year import year_of
            from screens.report import count_ahead

            self.call_from_thread(count_ahead, self, year_of(services.today))

    def _check_integrity(self, services) -> None:
        """The integrity check every first write needs, done here in the background after
        the first paint (it reads every page: about a second on a 1 GB file), so a
        handler's first Ctrl+S does not wait for it. Its verdict is kept: a damaged file
        still refuses that save, with the reason, from the form."""
        try:
            services.db.check_integrity()
        except Exception:  # said where it matters: on the save it refuses
            log.info("integrity check before the first save", exc_info=True)

    def _daily_backup(self) -> None:
        """The day's automatic backup, made by the first session to start that day."""
        from store.backup import daily_backup

        if not isinstance(self.db_path, Path):
            return  # a server database is backed up by the server's own tools (pg_dump)
        try:
            daily_backup(self.db_path, date.today())
        except Exception as exc:  # never stops the handler working; doctor reports it too
            self.call_from_thread(
                self.notify, f"Today's automatic backup failed: {exc}. Run chc doctor.", severity="warning", timeout=15,
                markup=False,
            )

    @staticmethod
    def _assess_early(early):
        from chc_tui.panel import read_panel
        from chc_tui.rules import holiday_cache
        from chc_tui.rules.calendar import DEFAULT_REGION, WorkingCalendar
        from chc_tui.rules.deadlines import assess, assess_others, assess_submission
        from chc_tui.rules.policy import CODE_2024
        from store.other_deadline_rows import assemble, day_counts

        today = date.today()
        rows = early.rows[:EARLY_ROWS]
        region = early.region or DEFAULT_REGION
        calendar = WorkingCalendar(region, early.closure_days, holiday_cache.load(region, today))
        dues = [assess(row, calendar, today, CODE_2024) for row in rows]
        others = assemble(early.other_results, calendar)
        # The same panel the full load reads (Services.panel): the first panel is final.
        panel = read_panel(today, [due for due in dues if due.days_left is not None], early.due_days,
                           assess_others(others, calendar, today, CODE_2024), day_counts(early.other_results, others),
                           assess_submission(today, early.settings, calendar, CODE_2024), calendar, CODE_2024)
        return EarlyPaint(
            dues, today, panel,
            # Fewer rows than asked for: every open complaint was read.
            whole_page=len(rows) >= WHOLE_PAGE or len(early.rows) < EARLY_ROWS,
            calendar=calendar,
        )

    def _show_early(self, early: EarlyPaint, painted: threading.Event) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen) and self.services is None:
                screen.show_early(early)
        self.call_after_refresh(self._first_paint_done, painted)

    def _first_paint_done(self, painted: threading.Event) -> None:
        painted.set()
        collect_garbage_again()

    def _open_failed(self, message: str) -> None:
        collect_garbage_again()  # nothing may have been painted early: collection resumes here then
        self.open_error = message
        self.notify(f"Could not open {self.db_path}: {message}", severity="error", timeout=30, markup=False)

    def when_ready(self, callback) -> None:
        """Run `callback` now if the database is open, else as soon as it is."""
        if self.services is not None:
            callback()
        else:
            self._waiting.append(callback)

    @staticmethod
    def _who(services: Services) -> str:
        """The person at the keyboard as the staff register knows them (issue 17)."""
        try:
            me = services.me()
        except Exception:  # the header must not stop the app; saving will say what is wrong
            log.exception("could not read who this login is on the staff register")
            return services.actor
        if me is None:  # the first to save on an empty register becomes its admin
            return f"{services.actor} (not on the staff register: read only)" if services.staff() else services.actor
        return me.display_name if me.display_name == services.actor else f"{me.display_name} ({services.actor})"

    def _services_ready(self, services: Services) -> None:
        self.services = services
        waiting, self._waiting = self._waiting, []
        for callback in waiting:
            self.call_later(callback)
        self.sub_title = f"{self._who(services)} · {self.db_label}"
        self.call_after_refresh(collect_garbage_again)  # no early paint (a server database)
        self.refresh_views()
        for screen in self.screen_stack:
            screen.refresh_bindings()
        self.set_interval(REFRESH_SECONDS, self._telling_problems(self.refresh_views))
        self._seen_version = services.db.data_version()
        self.set_interval(WATCH_SECONDS, self._telling_problems(self._watch_other_sessions))
        self.call_after_refresh(self._offer_setup)  # after the main screen has painted

    def _offer_setup(self) -> None:
        """A new database opens its setup first; skipped, it is offered again next start."""
        if not self.offer_setup or not self.services.needs_setup():
            return
        from screens.setup import setup_form

        form = setup_form(self.services)

        def finished(done) -> None:
            if done is not None:
                self.refresh_views()
                self.notify(form.spec.done_message(done), timeout=6, markup=False)

        self.push_screen(form, finished)

    # --- navigation and steps ----------------------------------------------------------

    def open_complaint(self, reference: str) -> None:
        from screens.complaint import ComplaintScreen

        self.push_screen(ComplaintScreen(reference))

    def start_step(self, step: str, detail: ComplaintDetail | None) -> None:
        from screens.steps import FORMS

        spec = FORMS[step](self.services, detail)
        write = spec.submit

        seen_history = len(detail.history) if detail else 0

        def submit_and_refresh(values):
            try:
                result = write(values)
            except StaleRecord:
                raise self._explain_stale(detail, seen_history) from None
            # Before the form closes, so the next key already sees the new state.
            self.refresh_views()
            return True if result is None else result  # None would read as "abandoned"

        spec.submit = submit_and_refresh

        def finished(result) -> None:
            if result is None:
                return
            self.notify(spec.done_message(result), timeout=6, markup=False)  # names and references as typed
            if step == "log_complaint" and hasattr(result, "reference"):
                self.open_complaint(result.reference)

        from screens.forms import StepForm

        self.push_screen(StepForm(spec), finished)

    def _explain_stale(self, detail: ComplaintDetail, seen_history: int) -> StaleRecord:
        """Another handler saved this complaint while the form was open: say who did
        what, show the newer record behind the form, and let a second Ctrl+S save on it
        (the step's own rules still apply to the newer record)."""
        fresh = self.services.complaint(detail.complaint.reference)
        self.refresh_views()
        if fresh is None:
            return StaleRecord(f"{detail.complaint.reference} no longer exists")
        changes = [
            f"{entry.actor} recorded '{entry.action}' at {entry.at.astimezone():%H:%M}"
            for entry in fresh.history[seen_history:]
        ] or ["someone else changed it"]
        detail.complaint.version = fresh.complaint.version
        return StaleRecord(
            f"While this form was open, {'; '.join(changes)}. What you typed is kept and the "
            "record behind this form is up to date: check it, then Ctrl+S to save, or Esc."
        )

    def refresh_views(self) -> None:
        """Reload whatever is on screen (after a write, on the timer, on outside commits)."""
        for screen in self.screen_stack:
            if not is_live(screen):
                continue  # not built yet: it loads itself when mounted (screens/live.py)
            if isinstance(screen, MainScreen):
                screen.refresh_data()
            elif hasattr(screen, "reload"):  # the complaint and self-assessment screens
                screen.reload()

    def _watch_other_sessions(self) -> None:
        version = self.services.db.data_version()
        if version != self._seen_version:
            self._seen_version = version
            self.report_cache.drop_stale(report_stamp(self.services))  # their memory too, not at the next F3
            self.refresh_views()

    # --- when something goes wrong -----------------------------------------------------

    def _telling_problems(self, refresh):
        """A timer's `refresh` that tells a database problem (once, not every 2 s) and
        goes on trying, instead of stopping the app: a refresh writes nothing."""

        def guarded() -> None:
            try:
                refresh()
            except Exception as exc:
                problem = explain(exc)
                if problem is None:
                    raise
                self._tell_problem(problem, exc)
            else:
                self._problem_shown = None

        return guarded

    def _tell_problem(self, problem: str, exc: BaseException) -> None:
        if problem != self._problem_shown:
            log.warning("database problem (%s): %s", type(exc).__name__, problem)
            self.notify(problem, severity="error", timeout=15, markup=False)
        self._problem_shown = problem

    async def _dispatch_action(self, namespace, action_name, params) -> bool:
        """Every key's action, with the database's refusals told in words: a locked,
        read-only, full or damaged database is not a bug, and must not close the app.
        (Forms show theirs next to the save first: screens/forms.py.)"""
        try:
            return await super()._dispatch_action(namespace, action_name, params)
        except Exception as exc:
            problem = explain(exc)
            if problem is None:
                raise
            self._problem_shown = None  # a key pressed: always answer it
            self._tell_problem(problem, exc)
            return True

    async def _check_bindings(self, key: str, priority: bool = False) -> bool:
        """As Textual's, and a screen may take a key before the focused widget is handed
        it (MainScreen.take_key_at_once: the search's key)."""
        take = getattr(self.screen, "take_key_at_once", None) if priority else None
        if take is not None and take(key):
            return True
        return await super()._check_bindings(key, priority)

    def _handle_exception(self, error: Exception) -> None:
        """The last resort for an error nothing else handled (Textual's own prints a
        traceback with its local variables on exit: the records being saved, on screen).

        A background load that failed on the database is told and the app goes on. Any
        other error is logged with its traceback and the app stops with one plain line:
        the handler or screen that raised has stopped processing, so going on could act
        on a half-built screen. Nothing is half-saved: every write is one transaction."""
        cause = error.error if isinstance(error, WorkerFailed) else error
        problem = explain(cause)
        if problem is not None and isinstance(error, WorkerFailed):
            self._tell_problem(problem, cause)
            return
        log.exception("chc stopped after an unexpected error", exc_info=cause)
        self._return_code = 1
        if self._exception is None:  # as Textual does: run_test re-raises it in a test
            self._exception = error
            self._exception_event.set()
        self.bell()
        self._exit_renderables.append(Text(stopped_message(cause, problem)))
        self._close_messages_no_wait()

    def on_key(self, event) -> None:
        """A key typed just after the one that opens a form reaches the screen underneath
        first (keys go to the focus as they arrive) and comes back here unused once the
        form is up: it belongs to the form's first field (screens/forms.py)."""
        accept = getattr(self.screen, "accept_early_key", None)
        if accept is not None and accept(event):
            event.stop()

    # --- help, palette, quitting -------------------------------------------------------

    def action_help(self) -> None:
        from screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every key of the current screen, by name, so nothing needs remembering."""
        seen = set()
        for _key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or not active.enabled or binding.action in seen:
                continue
            seen.add(binding.action)
            key = self.get_key_display(binding)
            yield SystemCommand(
                binding.description,
                f"{binding.description} ({key})",
                lambda action=binding.action: screen.run_action(action),
            )
        if isinstance(screen, MainScreen):  # issue #8: a once-only job, so the palette and no key
            yield SystemCommand(
                "Import a spreadsheet",
                "Move complaints in from a .csv or .xlsx: check it first, then import all rows or none",
                self.action_import_spreadsheet,
            )
        yield from super().get_system_commands(screen)

    def action_import_spreadsheet(self) -> None:
        from screens.import_screen import ImportScreen

        self.push_screen(ImportScreen())

    def action_quit_app(self) -> None:
        from screens.confirm import ConfirmScreen
        from screens.forms import StepForm

        unsaved = [s for s in self.screen_stack if isinstance(s, StepForm) and s.changed or getattr(s, "letter_changed", False)]
        if not unsaved:
            self.exit()
            return

        def decided(quit_anyway: bool | None) -> None:
            if quit_anyway:
                self.exit()

        self.push_screen(ConfirmScreen("A form has unsaved changes. Quit and lose them?", yes="Quit", no="Go back"), decided)


def stopped_message(exc: BaseException, problem: str | None) -> str:
    """The one line printed when the app stops on an error: never the error's own text,
    which can quote the records (a database error lists the values being written)."""
    from chc_tui.log import log_path

    why = problem or f"an unexpected error ({type(exc).__name__})"
    return (
        f"chc stopped: {why}. Nothing was half-saved: each save is whole or not at all. "
        f"The details are in {log_path()}."
    )


def _unsupported():
    """No SIGHUP or poll() here (Windows, an odd stdin): the app runs on without the watch."""
    from contextlib import suppress

    return suppress(AttributeError, NotImplementedError, OSError, RuntimeError, ValueError)


def _write_to_nowhere() -> None:
    """Send the terminal's output to /dev/null: Textual's last writes (restoring a terminal
    nobody has) then succeed instead of failing on a hung-up one."""
    with _unsupported():
        null = os.open(os.devnull, os.O_WRONLY)
        for stream in (sys.__stdout__, sys.__stderr__):
            os.dup2(null, stream.fileno())
        os.close(null)


def _exit_after_grace() -> None:
    """The last guarantee. A write that failed on the hung-up terminal before the news
    came ends Textual's output thread, and its exit then waits on that thread for ever
    (seen under tmux). Between messages no write is open on the screen's thread, and
    SQLite undoes any transaction a process leaves unfinished: nothing is half-written."""
    import time

    time.sleep(HUNG_UP_GRACE)
    log.warning("chc had not exited %s s after its terminal went away: stopping now", HUNG_UP_GRACE)
    logging.shutdown()
    os._exit(HUNG_UP)


def known_binding_ids() -> set[str]:
    """Every binding id a keymap may name (Textual's own widgets' bindings have none).
    Each screen module with keys is imported here (tests/test_user_config.py checks that
    none is missing)."""
    import screens.assessment  # noqa: F401
    import screens.complaint  # noqa: F401
    import screens.confirm  # noqa: F401
    import screens.correspondence  # noqa: F401
    import screens.fast_table  # noqa: F401
    import screens.forms  # noqa: F401
    import screens.help  # noqa: F401
    import screens.import_screen  # noqa: F401
    import screens.lessons  # noqa: F401
    import screens.letter  # noqa: F401
    import screens.ombudsman  # noqa: F401
    import screens.post_run  # noqa: F401
    import screens.records  # noqa: F401
    import screens.remedies  # noqa: F401
    import screens.report  # noqa: F401
    import screens.resident  # noqa: F401
    import screens.sent_letters  # noqa: F401
    import screens.service_requests  # noqa: F401
    import screens.settings  # noqa: F401
    import screens.staff  # noqa: F401
    import screens.picker  # noqa: F401
    import screens.corrections  # noqa: F401
    import screens.preflight  # noqa: F401
    from textual.dom import DOMNode

    ids, classes = set(), [DOMNode]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        ids.update(b.id for b in cls.__dict__.get("BINDINGS", ()) if isinstance(b, Binding) and b.id)
    return ids


def collect_garbage_again() -> None:
    """After the first paint: what start-up built lives as long as the app, so it is
    frozen out of later collections (shorter pauses while typing), then collection resumes."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


def build_app(services: Services, *, offer_setup: bool = False) -> ChcApp:
    return ChcApp(services, offer_setup=offer_setup)


def run_app(path: Path) -> int:
    app = ChcApp(db_path=path, offer_setup=True)
    # The open deadlines, read with the standard library before Textual starts: the first
    # paint then shows them without a worker thread competing with the screen's mounting.
    app.read_early()
    try:
        app.run()
    finally:
        collect_garbage_again()  # however the app ended, even before its first paint
        from chc_tui.figures.count_apart import stop_every_count

        stop_every_count()
        app.must_finish_opening()
    if app.services is not None:
        app.services.db.dispose()
    return app.return_code or 0
