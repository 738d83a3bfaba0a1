"""Moving in from a spreadsheet, from the command palette: type the file's path, check it
(a dry run that lists every problem with its row and column, writing nothing), then
import it with a progress bar. All rows or none, as `chc import` (chc_tui.spreadsheets.importer)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Input, ProgressBar, Static

from screens.app_type import ChcScreen
from screens.keybar import KeyBar
from screens.titlebar import TitleBar

if TYPE_CHECKING:
    from chc_tui.spreadsheets.importer import ImportReport, Progress

INTRO = (
    "A .csv or .xlsx whose first row names the columns (README: Moving in from a spreadsheet). "
    "Enter (or F5) checks the file and writes nothing; Ctrl+S then imports every row, or none if any has a problem."
)


def typed_path(text: str) -> Path:
    """A path as typed or dropped on the terminal (quoted, spaces escaped); a relative
    one is from the folder chc started in."""
    path = Path(text.strip().strip('"').strip("'").replace("\\ ", " ")).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


class ImportScreen(ChcScreen):
    TITLE = "Import a spreadsheet"
    DEFAULT_CSS = """
    ImportScreen #import-intro { color: $text-muted; padding: 0 1; }
    ImportScreen #import-path { margin: 1 0 0 0; }
    ImportScreen #import-progress { padding: 0 1; height: 1; }
    ImportScreen #import-status { padding: 0 1; height: auto; }
    ImportScreen #import-problems { padding: 0 1; height: 1fr; }
    """
    BINDINGS = [
        Binding("f5", "check", "Check (dry run)", id="import.check"),
        Binding("ctrl+s", "import_file", "Import", id="import.import"),
        Binding("escape", "back", "Back", id="import.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.running = False
        self.checked: Path | None = None  # the file whose dry run found nothing wrong
        self.report: ImportReport | None = None
        self._doing, self._name = "", ""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(INTRO, id="import-intro")
        yield Input(placeholder="path to the spreadsheet, e.g. complaints.xlsx", id="import-path")
        yield ProgressBar(id="import-progress", show_eta=False)
        yield Static("", id="import-status")
        with VerticalScroll(id="import-problems"):
            yield Static("", id="import-problem-lines")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    # --- keys --------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "import_file":
            # Only a file just checked with no problems, and not while a run is going.
            ready = not self.running and self.checked is not None and self.checked == self._path()
            return True if ready else None
        if action == "check":
            return None if self.running else True
        return True

    @on(Input.Submitted, "#import-path")
    def _submitted(self) -> None:
        self.action_check()

    @on(Input.Changed, "#import-path")
    def _path_changed(self) -> None:
        self.refresh_bindings()

    def action_check(self) -> None:
        self._start(dry_run=True)

    def action_import_file(self) -> None:
        if self.check_action("import_file", ()):
            self._start(dry_run=False)

    def action_back(self) -> None:
        if not self.running:
            self.dismiss()

    # --- running -----------------------------------------------------------------------

    def _path(self) -> Path | None:
        text = self.query_one("#import-path", Input).value
        return typed_path(text) if text.strip() else None

    def _start(self, dry_run: bool) -> None:
        path = self._path()
        if self.running:
            return
        if path is None:
            self._say("Type the path of the spreadsheet first.", error=True)
            return
        if self.app.services is None:
            self._say("The database is still opening; try again in a moment.", error=True)
            return
        self.running = True
        self.checked = None
        self.refresh_bindings()
        self.query_one("#import-progress", ProgressBar).update(total=None, progress=0)
        self.query_one("#import-problem-lines", Static).update("")
        self._doing, self._name = ("Checking" if dry_run else "Importing"), path.name
        self._say(f"{self._doing} {path.name}…")
        self._run(path, dry_run)

    @work(thread=True, exclusive=True, group="import")
    def _run(self, path: Path, dry_run: bool) -> None:
        from chc_tui.spreadsheets.importer import SheetUnreadable

        def progress(step: Progress) -> None:
            self.app.call_from_thread(self._progress, step)

        try:
            report = self.app.services.import_spreadsheet(path, dry_run=dry_run, progress=progress)
        except SheetUnreadable as exc:
            self.app.call_from_thread(self._finished, path, None, str(exc))
            return
        self.app.call_from_thread(self._finished, path, report, "")

    def _progress(self, step: Progress) -> None:
        # While checking, the number of rows is not known yet: the bar pulses.
        self.query_one("#import-progress", ProgressBar).update(total=step.total, progress=step.done)
        self._say(f"{self._doing} {self._name}: {step}…")

    def _finished(self, path: Path, report: ImportReport | None, unreadable: str) -> None:
        self.running = False
        self.report = report
        bar = self.query_one("#import-progress", ProgressBar)
        if report is None:
            bar.update(total=1, progress=0)
            self._say(unreadable, error=True)
        else:
            if report.rows == 0:
                bar.update(total=1, progress=1)
            ready = report.dry_run and not report.problems and bool(report.imported)
            self.checked = path if ready else None
            self._say(report.summary() + (" Ctrl+S imports it." if ready else ""), error=bool(report.problems))
            self._list(report)
            if report.committed and report.imported:
                self.app.refresh_views()
                self.app.notify(report.summary(), timeout=8, markup=False)
        self.refresh_bindings()

    def _list(self, report: ImportReport) -> None:
        lines = Text()
        for note in report.notes:
            lines.append(f"{note}\n", style="bold")
        if report.ignored_columns:
            lines.append(f"Columns left out (chc does not know them): {', '.join(report.ignored_columns)}\n", style="dim")
        for problem in report.problems:
            lines.append(f"row {problem.row}", style="bold red")
            lines.append(f"{', ' + problem.column if problem.column else ''}: {problem.message}\n")
        for skipped in report.already:
            lines.append(f"{skipped}\n", style="dim")
        unknown = report.unknown_lines()
        if unknown:
            lines.append("Not known (the sheet does not hold it), stored as not known, never filled in:\n"
                         if report.dry_run else "Stored as not known (the sheet did not hold it):\n", style="bold")
            for line in unknown:
                lines.append(f"  {line}\n", style="yellow" if "review" in line else "")
        if not report.problems:
            verb = "will be imported" if report.dry_run else "imported"
            for done in report.imported:
                lines.append(f"{done.line(verb)}\n")
        self.query_one("#import-problem-lines", Static).update(lines)

    def _say(self, message: str, error: bool = False) -> None:
        self.query_one("#import-status", Static).update(Text(message, style="bold red" if error else "bold"))
