"""A screen of records around a complaint: a summary above, a table of rows below, and a
key for each thing that can be done, to the screen's subject or to the chosen row.

Each key opens a StepForm whose submit runs one use-case (the function itself, through
`Services.run`); the screen
reloads after every write and on the app's timer, like the complaint screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from rich.console import RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import DataTable, Static

from chc_tui.rules.domain import StaleRecord
from screens.app_type import ChcScreen
from screens.keybar import KeyBar
from screens.fast_table import FastTable
from screens.titlebar import TitleBar
from screens.forms import FormSpec, StepForm

if TYPE_CHECKING:
    from chc_tui.services import Services


@dataclass(frozen=True)
class Row:
    key: str
    cells: tuple
    item: Any = None  # what the row's actions need (the record itself, usually)
    kind: str = ""  # which actions apply to it


@dataclass(frozen=True)
class Listing:
    summary: RenderableType
    columns: tuple[tuple[str, int | None], ...]  # (heading, width or None to share the rest)
    rows: list[Row]
    empty: str = "Nothing recorded yet."


@dataclass(frozen=True)
class Act:
    """What a key does: make a form for the screen (row is None) or for the chosen row."""

    form: Callable[[Row | None], FormSpec]
    row_kinds: frozenset[str] | None = None  # None: needs no row; else the kinds it acts on
    when: Callable[[Row | None], bool] = lambda row: True


class RecordsScreen(ChcScreen):
    """Subclasses add BINDINGS to action_act('name') (Textual merges them with these), and
    give `acts()` and `listing()`."""

    DEFAULT_CSS = """
    RecordsScreen #records-summary { height: auto; max-height: 50%; padding: 0 1; }
    RecordsScreen #records-table { height: 1fr; }
    RecordsScreen #records-empty { color: $text-muted; padding: 0 1; height: auto; }
    """
    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="records.back"),
        Binding("ctrl+r", "reload", "Reload", id="records.reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.listing_now: Listing | None = None
        self.open_only = True  # for lists with done records (t toggles, where bound)

    def action_toggle_done(self) -> None:
        self.open_only = not self.open_only
        self.reload()

    # --- what a subclass gives ---------------------------------------------------------

    def listing(self) -> Listing:  # pragma: no cover - each screen has its own
        raise NotImplementedError

    def acts(self) -> dict[str, Act]:  # pragma: no cover
        raise NotImplementedError

    def open_row(self, row: Row) -> None:
        """Enter on a row: by default its first action that applies."""
        for name, act in self.acts().items():
            if act.row_kinds and row.kind in act.row_kinds and act.when(row):
                self.action_act(name)
                return

    # --- building ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical():
            with VerticalScroll(id="records-summary"):
                yield Static("", id="records-summary-text")
            yield Static("", id="records-empty")
            yield FastTable(id="records-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#records-table").focus()

    def reload(self) -> None:
        listing = self.listing()
        first = self.listing_now is None
        self.listing_now = listing
        self.query_one("#records-summary-text", Static).update(listing.summary)
        table = self.query_one("#records-table", DataTable)
        keep = table.cursor_row
        if first:
            fixed = sum(width or 0 for _, width in listing.columns) + 2 * len(listing.columns) + 2
            share = max(12, self.app.size.width - fixed)  # the one flexible column takes the rest
            for heading, width in listing.columns:
                table.add_column(heading, width=width or share)
        table.clear()
        for row in listing.rows:
            table.add_row(*(c if isinstance(c, Text) else Text(str(c), no_wrap=True, overflow="ellipsis") for c in row.cells),
                          key=row.key)
        if listing.rows:
            table.move_cursor(row=min(max(keep, 0), len(listing.rows) - 1))
        empty = self.query_one("#records-empty", Static)
        empty.update(Text("" if listing.rows else listing.empty))
        empty.display = not listing.rows
        self.refresh_bindings()

    # --- acting ------------------------------------------------------------------------

    @property
    def services(self) -> Services:
        services = self.app.services
        assert services is not None, "a records screen opens once the services are ready"
        return services

    def step_form(self, title: str, fields: list, step: Callable[..., Any], *args: Any, done: str = "Saved",
                  intro: str = "", confirmable: bool = False, **fixed: Any) -> FormSpec:
        """A form whose values, with `fixed` ones (an expected_version...), go to the use-case
        `step` (the function itself: residents.agree_adjustment...) after `args` (the record
        it acts on). `confirmable`: the step may warn (NeedsConfirmation); saving again
        unchanged passes it confirmed=True."""
        def submit(values):
            try:
                return self.services.run(step, *args, **{**values, **fixed})
            except StaleRecord as stale:
                # Told once who changed it: the next Ctrl+S saves over the newer record.
                if "expected_version" in fixed and stale.current_version is not None:
                    fixed["expected_version"] = stale.current_version
                raise

        return FormSpec(title=title, fields=fields, intro=intro, today=lambda: self.services.today,
                        submit=submit, done_message=lambda _result: done, confirmable=confirmable)

    def selected(self) -> Row | None:
        if self.listing_now is None or not self.listing_now.rows:
            return None
        table = self.query_one("#records-table", DataTable)
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return next((r for r in self.listing_now.rows if r.key == row_key.value), None)

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action != "act":
            return True
        act = self.acts().get(parameters[0])
        if act is None:
            return False
        if act.row_kinds is None:
            return act.when(None)
        row = self.selected()
        # Hidden, not dimmed, when it does not apply to the chosen row: the footer then
        # shows only what can be done now.
        return row is not None and row.kind in act.row_kinds and act.when(row)

    def on_data_table_row_highlighted(self, _event) -> None:
        self.refresh_bindings()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        row = self.selected()
        if row is not None:
            self.open_row(row)

    def action_act(self, name: str) -> None:
        act = self.acts()[name]
        row = self.selected()  # a screen-wide act may still use it (which Ombudsman case)
        if act.row_kinds is not None and (row is None or row.kind not in act.row_kinds):
            return
        self.open_form(act.form(row))

    def open_form(self, spec: FormSpec, after: Callable[[Any], None] | None = None) -> None:
        write = spec.submit

        def submit_and_refresh(values):
            try:
                result = write(values)
            except StaleRecord as stale:
                self.app.refresh_views()
                raise StaleRecord(
                    f"{stale}. What you typed is kept and the record behind this form is up to date: "
                    "check it, then Ctrl+S saves yours over it, or Esc."
                ) from None
            self.app.refresh_views()  # before the form closes, so the screen shows it at once
            return True if result is None else result  # None would read as "abandoned"

        spec.submit = submit_and_refresh

        def finished(result) -> None:
            if result is None:
                return
            self.app.notify(spec.done_message(result), timeout=6, markup=False)
            if after is not None:
                after(result)

        self.app.push_screen(StepForm(spec), finished)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_reload(self) -> None:
        self.reload()
