"""The main screen: the live deadline panel above the complaint list."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Static

from chc_tui.panel import PanelRead, panel_view
from chc_tui.rules import financial_year
from chc_tui.rules.deadlines import Due, YearlySubmission
from chc_tui.rules.domain import DeadlineState
from rich.text import Text

from screens.app_type import ChcScreen
from screens.fast_table import FastTable
from screens.keybar import KeyBar
from screens.titlebar import TitleBar
from screens.live import when_live
from screens.typeahead import retyped
from screens.format import STATE_STYLE, days_left_text, short, state_text, step_text

@dataclass(frozen=True)
class EarlyPaint:
    """What the first paint shows before the services are ready (store/fastread.py): the
    first open complaints assessed, and the panel as the full load reads it."""

    dues: list[Due]  # the first open complaints, in the list's order
    today: date
    panel: PanelRead  # its complaints are those of `dues` with a deadline; its counts count every one
    # `dues` are the list's whole first page and the panel's soonest complaint deadlines
    # (chc_tui/app.py EARLY_ROWS): painted whole, as the full load will paint them.
    whole_page: bool = False
    calendar: object = None  # the WorkingCalendar `dues` were assessed with: a search typed early uses it too


def needs_services(method):
    """A key pressed in the moment before the database is fully open is kept and carried
    out as soon as it is, never dropped."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        if self.app.services is None:
            self.app.when_ready(lambda: method(self, *args, **kwargs))
            return None
        return method(self, *args, **kwargs)

    return wrapper


STATUS_FILTERS = ["open", None, "closed", "refused", "withdrawn"]
STAGE_FILTERS = [None, 1, 2]
SEARCH_PAUSE = 0.03  # seconds of no typing before a search runs: a burst of keys (a paste, a fast typist) is one query; longer would be felt (issue 22: last key to matches <= 150 ms)
LIST_PAGE = 200  # rows loaded into the list at once; search and filters narrow the rest
PANEL_ROWS = 200  # soonest deadlines painted in the panel; its title counts them all
# Rows in the panel at the first paint when the early read holds less than the list's
# first page (EarlyPaint.whole_page false): what the panel (10 lines high) shows at once.
EARLY_PANEL_ROWS = 8

# The panel's kind filter (k): complaint deadlines, then the due dates around them.
PANEL_KINDS: list[tuple[str, frozenset[str]]] = [
    ("all", frozenset()),
    ("complaints", frozenset({"complaint", "update"})),  # with the updates agreed on them (5.9)
    ("reviews", frozenset({"adjustment", "restriction"})),
    ("service requests", frozenset({"service_request"})),
    ("remedies and actions", frozenset({"remedy", "action"})),
    ("Ombudsman", frozenset({"ombudsman_request", "ombudsman_order", "submission"})),
    ("improvements", frozenset({"improvement"})),
]


def _split(rows: list, now: int | None) -> tuple[list, list]:
    return (rows, []) if now is None else (rows[:now], rows[now:])


def _list_cells(due: Due) -> tuple:
    row = due.row
    return (
        row.reference,
        Text(row.resident, overflow="ellipsis", no_wrap=True),
        str(row.stage),
        state_text(due) if due.state else row.status,
        Text(row.handler, overflow="ellipsis", no_wrap=True),
        step_text(due),
        short(row.due_on) if due.days_left is not None else "",
        days_left_text(due),
    )


class MainScreen(ChcScreen):
    TITLE = "Complaints"
    CSS_PATH = "main.tcss"
    # The list has the focus from the start: moving it after the first paint would repaint
    # both tables (a focus change restyles every cell), about a frame and a half of start-up.
    AUTO_FOCUS = "#complaints"

    BINDINGS = [
        Binding("n", "log", "New", id="main.log"),
        Binding("enter", "open", "Open", id="main.open", show=False),
        Binding("slash", "search", "Search", id="main.search"),  # and at once: take_key_at_once
        Binding("s", "cycle_stage", "Stage", id="main.stage", show=False),
        Binding("t", "cycle_status", "State", id="main.status", show=False),
        Binding("h", "cycle_handler", "Handler", id="main.handler", show=False),
        Binding("m", "toggle_mine", "Mine", id="main.mine", show=False),  # the key bar is full at 80 columns: F1 and the palette list it
        Binding("o", "toggle_overdue", "Overdue", id="main.overdue"),
        Binding("d", "focus_deadlines", "Deadlines", id="main.deadlines", show=False),
        Binding("k", "cycle_kind", "Panel kind", id="main.panel_kind", show=False),
        Binding("f2", "self_assessment", "Assessment", id="main.self_assessment"),
        Binding("f3", "annual_report", "Report", id="main.annual_report"),
        Binding("f4", "settings", "Settings", id="main.settings"),
        Binding("f5", "service_requests", "Requests", id="main.service_requests"),
        Binding("f6", "lessons", "Lessons", id="main.lessons", show=False),
        Binding("f7", "staff_register", "Staff register", id="main.staff", show=False),
        Binding("f8", "post_run", "Post run", id="main.post_run", show=False),
        Binding("l", "focus_list", "List", id="main.list", show=False),
        Binding("ctrl+r", "refresh", "Refresh", id="main.refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stage_filter: int | None = None
        self.status_filter: str | None = "open"
        self.handler_filter: str | None = None
        self.overdue_only = False
        # "Mine": only the complaints assigned to me at their current stage. The person's
        # own settings (issue 17.7) may make it the default view.
        self.mine = False
        self._mine_id: int | None = None  # my staff id, read with the list
        self._early: EarlyPaint | None = None  # rows that came before the columns did
        self._columns_ready = False
        self._others: list = []  # reviews, requests, remedies, actions, Ombudsman dates (issue 7)
        self.panel_kind = 0  # index into PANEL_KINDS
        # A search keystroke reloads the list only, after a pause in the typing; each list
        # load carries the generation it was asked for, and a superseded one is never painted.
        self._list_generation = 0
        self._search_timer = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="deadline-box"):
            yield Static("", id="deadline-title")
            yield FastTable(id="deadlines", cursor_type="row", zebra_stripes=False)
        with Horizontal(id="filter-bar"):
            yield Input(placeholder="/ search reference or name", id="search", compact=True)
            yield Static("", id="filters")
        yield FastTable(id="complaints", cursor_type="row", zebra_stripes=True)
        yield KeyBar()  # Ctrl+P still opens the palette; F1 says so

    def on_mount(self) -> None:
        self.mine = getattr(self.app, "default_view", "all") == "mine"
        panel = self.query_one("#deadlines", DataTable)
        panel.add_column("Due", key="due", width=8)
        panel.add_column("Left", key="left", width=4)
        panel.add_column("State", key="state", width=9)
        panel.add_column("Ref", key="ref", width=11)  # SR2026-0001
        panel.add_column("Step", key="step", width=11)
        panel.add_column("Resident", key="resident", width=20)
        table = self.query_one("#complaints", DataTable)
        table.add_column("Ref", key="ref", width=10)
        table.add_column("Resident", key="resident", width=16)
        table.add_column("S", key="stage", width=1)
        table.add_column("State", key="status", width=9)
        table.add_column("Handler", key="handler", width=9)
        table.add_column("Next step", key="step", width=11)
        table.add_column("Due", key="due", width=8)
        table.add_column("Left", key="left", width=4)
        self._fit_columns()
        self._columns_ready = True
        if self.app.services is not None:
            self.refresh_data()
        elif self._early is not None:
            self.show_early(self._early)
        table.focus()

    def on_resize(self) -> None:
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Give the resident's name whatever width the other columns leave."""
        for table_id in ("#deadlines", "#complaints"):
            table = self.query_one(table_id, DataTable)
            fixed = sum(c.width + 2 * table.cell_padding for k, c in table.columns.items() if k.value != "resident")
            spare = self.size.width - fixed - 2 * table.cell_padding - 2  # 2: the scrollbar
            column = table.columns[next(k for k in table.columns if k.value == "resident")]
            if column.width != max(8, spare):  # a repaint of every row costs a frame or more
                column.width = max(8, spare)
                table.refresh()

    @property
    def services(self):
        return self.app.services

    # --- loading ------------------------------------------------------------------------

    def refresh_data(self) -> None:
        """Reload the panel and the list (after any write, on the timer, at midnight)."""
        if self.app.services is not None and self._columns_ready:
            self._load()

    def show_early(self, early: EarlyPaint) -> None:
        """The first paint, before the full services are ready (see store/fastread.py)."""
        self._early = early  # and kept: a search typed before the services are ready reads with its calendar
        if not self._columns_ready:
            return
        if self.status_filter == "open" and not self.mine and not self.query_one("#search", Input).value:
            if early.whole_page:  # the list and panel the full load shows: usable at once
                self._show(early.panel, early.dues[:LIST_PAGE], first_screen=True)
                return
            # A screenful at once; the full panel and list follow in about a second.
            self._show(early.panel, early.dues[:self._list_rows_shown()], panel_rows=EARLY_PANEL_ROWS, loading=True)

    @work(thread=True, exclusive=True, group="main-load")
    def _load(self) -> None:
        generation = self._list_generation
        search = self.query_one("#search", Input).value
        mine = self._my_staff_id() if self.mine else None
        if self.mine and mine is None:
            self.mine = False  # not on the register: nothing is "mine"
        # The list first (a page, milliseconds), then the panel (every running due date:
        # at 300k a few hundred): a search typed at the first paint, while the ORM was
        # loading, is answered as soon as the services are ready, not after the panel.
        rows = self._list_rows(search, mine)
        self.app.call_from_thread(when_live(self, self._show_list), generation, rows)
        # Mine: the panel counts my complaints' deadlines only, not the landlord's others.
        panel = self.services.panel(PANEL_ROWS, handler_staff_id=mine)
        self.app.call_from_thread(when_live(self, self._show_panel), panel)

    def _show_panel(self, panel: PanelRead) -> None:
        self._panel_source = (panel, PANEL_ROWS)  # the kind filter (k) redraws from these
        self._fill_deadlines(panel)

    def _list_rows(self, search: str, mine: int | None) -> list[Due]:
        return self.services.complaints(
            search=search,
            stage=self.stage_filter,
            status=self.status_filter,
            handler=self.handler_filter,
            handler_staff_id=mine,
            overdue_on=self.services.today if self.overdue_only else None,
            limit=LIST_PAGE,
        )

    def _search_list_soon(self) -> None:
        """After a search keystroke: the list alone, once the typing pauses; while the
        services are still loading, from the file directly when the list is the default."""
        self._list_generation += 1
        self._stop_search_timer()
        if not self._columns_ready:
            return
        if self.app.services is not None or self._early_search_possible():
            self._search_timer = self.set_timer(SEARCH_PAUSE, self._search_now)

    def _early_search_possible(self) -> bool:
        """The first paint's list, with its default filters (open, not mine, no others),
        read from a file: the services' own list is the same query then."""
        early = self._early
        return (early is not None and early.calendar is not None and isinstance(self.app.db_path, Path)
                and self.status_filter == "open" and not self.mine and self.stage_filter is None
                and self.handler_filter is None and not self.overdue_only)

    @work(thread=True, exclusive=True, group="main-list")
    def _load_list_early(self) -> None:
        from chc_tui.early_search import open_matches

        generation = self._list_generation
        early = self._early
        search = self.query_one("#search", Input).value
        if early is None:
            return
        if not search.strip():  # cleared: the first paint's own page, when it was whole
            rows = early.dues[:LIST_PAGE] if early.whole_page else None
        else:
            rows = open_matches(self.app.db_path, search, early.calendar, early.today, LIST_PAGE)
        if rows is not None and self.app.services is None:
            self.app.call_from_thread(when_live(self, self._show_list), generation, rows)

    def _search_now(self) -> None:
        self._search_timer = None
        if self.app.services is not None:
            self._load_list()
        else:  # still loading (_early_search_possible)
            self._load_list_early()

    def _stop_search_timer(self) -> bool:
        """Stop a search waiting for the typing to pause; True if one was waiting."""
        waiting, self._search_timer = self._search_timer, None
        if waiting is not None:
            waiting.stop()
        return waiting is not None

    @work(thread=True, exclusive=True, group="main-list")
    def _load_list(self) -> None:
        generation = self._list_generation
        search = self.query_one("#search", Input).value
        rows = self._list_rows(search, self._my_staff_id() if self.mine else None)
        self.app.call_from_thread(when_live(self, self._show_list), generation, rows)

    def _show_list(self, generation: int, rows: list[Due]) -> None:
        if generation != self._list_generation:
            return  # the search changed while this one ran: the newer one paints
        self._fill_list(rows)
        self._show_filters(len(rows))

    def _show(self, panel: PanelRead, rows: list[Due], panel_rows: int = PANEL_ROWS, loading: bool = False,
              first_screen: bool = False) -> None:
        """`first_screen`: build only the rows the screen shows at once before it is painted,
        the rest of them right after (FastTable.add_rows_after_paint)."""
        self._panel_source = (panel, panel_rows)  # the kind filter (k) redraws from these
        self._fill_deadlines(panel, panel_rows, now=EARLY_PANEL_ROWS if first_screen else None)
        self._fill_list(rows, now=self._list_rows_shown() if first_screen else None)
        self._show_filters(len(rows), loading=loading)

    def _list_rows_shown(self) -> int:
        """How many of the list's rows the screen shows at once (at least 10)."""
        return max(10, self.app.size.height - 14)  # the screen less the panel, bars and headers

    def _fill_deadlines(self, panel: PanelRead, panel_rows: int = PANEL_ROWS, now: int | None = None) -> None:
        """The panel's soonest `panel_rows` due dates of the kinds shown (k), and its
        title's counts over every one of them (chc_tui/panel.py). With `now`, only the
        first `now` rows before the screen is painted, the rest straight after."""
        table = self.query_one("#deadlines", FastTable)
        keep = table.cursor_row
        table.clear()
        self._others = panel.others  # Enter on one opens where it is dealt with
        label, kinds = PANEL_KINDS[self.panel_kind]
        view = panel_view(panel, (lambda kind: True) if not kinds else kinds.__contains__, panel_rows)
        first, rest = _split(view.items, now)
        for item in first:
            table.add_row(*self._panel_cells(item), key=self._panel_key(item))
        if rest:
            table.add_rows_after_paint(len(rest), lambda: ((self._panel_cells(i), self._panel_key(i)) for i in rest))
        if table.row_count:
            table.move_cursor(row=min(keep, table.row_count - 1))
        counts, total = view.counts, view.total
        summary = " · ".join(f"{counts[s]} {s.value.replace('due ', '')}" for s in DeadlineState)
        self.query_one("#deadline-title", Static).update(
            f"[b]Deadlines {panel.today:%a %d/%m}[/b]"
            + (" [b](mine)[/b]" if self.mine else "")
            + (f" [b]({label})[/b]" if kinds else "")
            + f" · {summary}"
            + (f" · first {PANEL_ROWS} of {total}" if total > PANEL_ROWS else "")  # the title the full panel has
        )

    @staticmethod
    def _panel_key(item) -> str:
        if isinstance(item, YearlySubmission):
            return f"SA:{item.year}"
        if isinstance(item, Due):
            return item.row.reference
        return f"{item.row.kind}:{item.row.item_id}"  # Enter opens the complaint it belongs to (see _open_other)

    @staticmethod
    def _panel_cells(item) -> tuple:
        if isinstance(item, YearlySubmission):
            return (
                short(item.due_on),
                Text(str(item.days_left), style=STATE_STYLE[item.state], justify="right"),
                Text(item.state.value, style=STATE_STYLE[item.state]),
                f"SA {financial_year.label(item.year)}",
                "submit",
                Text("self-assessment and annual report to the Ombudsman", overflow="ellipsis", no_wrap=True),
            )
        if isinstance(item, Due):
            return (
                short(item.row.due_on),
                days_left_text(item),
                state_text(item),
                item.row.reference,
                step_text(item),
                Text(item.row.resident, overflow="ellipsis", no_wrap=True),
            )
        row = item.row  # a due date around a complaint (issue 7)
        style = STATE_STYLE[item.state]
        return (
            short(row.due_on),
            Text(str(item.days_left), style=style, justify="right"),
            Text(item.state.value, style=style),
            row.reference,
            Text(row.kind_label, overflow="ellipsis", no_wrap=True),
            Text(f"{row.who}: {row.what}", overflow="ellipsis", no_wrap=True),
        )

    def _fill_list(self, rows: list[Due], now: int | None = None) -> None:
        """The list's rows; with `now`, only the first `now` before the screen is painted."""
        table = self.query_one("#complaints", FastTable)
        keep = table.cursor_row
        table.clear()
        first, rest = _split(rows, now)
        for due in first:
            table.add_row(*_list_cells(due), key=due.row.reference)
        if rest:
            table.add_rows_after_paint(len(rest), lambda: ((_list_cells(due), due.row.reference) for due in rest))
        if rows:
            table.move_cursor(row=min(keep, len(first) - 1))

    def _show_filters(self, shown: int, loading: bool = False) -> None:
        parts = [
            f"stage:{self.stage_filter or 'all'}",
            f"state:{self.status_filter or 'all'}",
            f"handler:{self.handler_filter or 'all'}",
        ]
        if self.mine:
            parts.insert(0, "MINE")
        if self.overdue_only:
            parts.append("OVERDUE")
        more = "+" if shown >= LIST_PAGE else ""
        count = "loading…" if loading else f"{shown}{more} shown"
        self.query_one("#filters", Static).update(Text(f"{count}  " + " ".join(parts)))  # a handler's name as typed

    # --- actions ------------------------------------------------------------------------

    def _selected_reference(self) -> str | None:
        focused = self.focused
        table = focused if isinstance(focused, DataTable) else self.query_one("#complaints", DataTable)
        if table.row_count == 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        return row_key.value

    @on(DataTable.RowSelected)
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value:
            self._open(event.row_key.value)

    @needs_services
    def action_open(self) -> None:
        reference = self._selected_reference()
        if reference:
            self._open(reference)

    @needs_services
    def _open(self, key: str) -> None:
        if key.startswith("SA:"):
            self._push_assessment(int(key[3:]))
        elif ":" in key:  # a due date that belongs to no complaint (issue 7)
            self._open_other(*key.split(":", 1))
        else:
            self.app.open_complaint(key)

    def _open_other(self, kind: str, item_id: str) -> None:
        """Enter on a due date around a complaint opens the screen where it is dealt with."""
        from screens.lessons import LessonsScreen
        from screens.ombudsman import OmbudsmanScreen
        from screens.remedies import RemediesScreen
        from screens.resident import ResidentScreen
        from screens.service_requests import ServiceRequestsScreen

        row = next((o.row for o in self._others if o.row.kind == kind and str(o.row.item_id) == item_id), None)
        if row is None:
            return
        if kind in ("adjustment", "restriction"):
            if row.resident_id is not None:
                self.app.push_screen(ResidentScreen(row.resident_id))
                return
        elif kind == "service_request":
            self.app.push_screen(ServiceRequestsScreen(focus=row.reference))
            return
        elif kind in ("remedy", "action") and row.complaint_reference:
            self.app.push_screen(RemediesScreen(row.complaint_reference))
            return
        elif kind.startswith("ombudsman") and row.complaint_reference:
            self.app.push_screen(OmbudsmanScreen(row.complaint_reference))
            return
        elif kind == "improvement":
            self.app.push_screen(LessonsScreen())
            return
        if row.complaint_reference:
            self.app.open_complaint(row.complaint_reference)
            return
        self.notify(f"{row.kind_label} {row.reference}: {row.what} belongs to no complaint.", timeout=4, markup=False)

    @needs_services
    def action_service_requests(self) -> None:
        from screens.service_requests import ServiceRequestsScreen

        self.app.push_screen(ServiceRequestsScreen())

    @needs_services
    def action_lessons(self) -> None:
        from screens.lessons import LessonsScreen

        self.app.push_screen(LessonsScreen())

    @needs_services
    def action_settings(self) -> None:
        from screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())

    @needs_services
    def action_self_assessment(self) -> None:
        self._push_assessment(None)

    @needs_services
    def action_annual_report(self) -> None:
        from screens.report import ReportScreen  # loads the ORM-backed report service

        self.app.push_screen(ReportScreen())

    def _push_assessment(self, year: int | None) -> None:
        from screens.assessment import AssessmentScreen  # loads the ORM-backed service

        self.app.push_screen(AssessmentScreen(year))

    @needs_services
    def action_log(self) -> None:
        self.app.start_step("log_complaint", None)

    # Letter keys act on the list; while the search has the focus, letters are the search.
    LETTER_ACTIONS = frozenset({"log", "cycle_stage", "cycle_status", "cycle_handler", "toggle_overdue", "toggle_mine",
                                "focus_deadlines", "cycle_kind", "focus_list"})

    def _searching(self) -> bool:
        return self.is_attached and self.focused is self.query_one("#search", Input)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # A letter typed in the same read as "/" reaches the list first and comes back to
        # the bindings after the search has the focus: "Kirsty" cycled the stage (s) and
        # state (t) filters. While searching, such a letter is not a key but a letter.
        if action in self.LETTER_ACTIONS and self._searching():
            return False
        return True

    def take_key_at_once(self, key: str) -> bool:
        """The search's key, taken by the app before it hands on the keys typed after it
        (ChcApp._check_bindings): at the first paint, while the ORM loads, "/Thomas"
        arrives together, and letters that reached the list first came back behind later
        ones ("Tshoma"). Only when nothing typed before it is still on its way
        ("n21/11/2026": the new form's date); otherwise it goes the usual way, behind them."""
        active = self.active_bindings.get(key)
        if active is None or active.binding.action != "search" or self._searching():
            return False
        focused = self.focused
        if self.message_queue_size or (focused is not None and focused.message_queue_size):
            return False
        self.action_search()
        return True

    def accept_early_key(self, event) -> bool:
        """A letter typed in the same read as "/", come back unused: it belongs to the
        search (the app passes such keys here, see ChcApp.on_key)."""
        key = retyped(event) if self._searching() else None
        if key is None:
            return False
        self.query_one("#search", Input).post_message(key)
        return True

    def action_search(self) -> None:
        # Focus now, not after the keys already waiting: over SSH "/Kirsty" can arrive in
        # one packet, and its "s" and "t" would otherwise change the stage and state filters.
        self.set_focus(self.query_one("#search", Input))

    @on(Input.Changed, "#search")
    def _search_changed(self) -> None:
        self._search_list_soon()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        if self._stop_search_timer():  # Enter: search now, so the next Enter opens a match
            self._search_now()
        self.query_one("#complaints", DataTable).focus()

    @needs_services
    def action_cycle_stage(self) -> None:
        self.stage_filter = STAGE_FILTERS[(STAGE_FILTERS.index(self.stage_filter) + 1) % len(STAGE_FILTERS)]
        self.refresh_data()

    @needs_services
    def action_cycle_status(self) -> None:
        self.status_filter = STATUS_FILTERS[(STATUS_FILTERS.index(self.status_filter) + 1) % len(STATUS_FILTERS)]
        self.refresh_data()

    @needs_services
    def action_cycle_handler(self) -> None:
        options = [None] + self.services.handlers()
        current = options.index(self.handler_filter) if self.handler_filter in options else 0
        self.handler_filter = options[(current + 1) % len(options)]
        self.refresh_data()

    def _my_staff_id(self) -> int | None:
        if self._mine_id is None:
            me = self.services.me()
            self._mine_id = me.id if me is not None else None
        return self._mine_id

    @needs_services
    def action_toggle_mine(self) -> None:
        """Only my cases (assigned to me at their current stage), or everyone's again."""
        if not self.mine and self._my_staff_id() is None:
            from chc_tui.steps.identity import ask_an_admin

            self.notify(f"No cases are yours: {ask_an_admin(self.services.actor)}", timeout=6, markup=False)
            return
        self.mine = not self.mine
        self.refresh_data()

    @needs_services
    def action_post_run(self) -> None:
        """The letters waiting to be posted, and the post run (issue 21.2)."""
        from screens.post_run import PostRunScreen

        self.app.push_screen(PostRunScreen())

    def action_staff_register(self) -> None:
        from screens.staff import StaffScreen

        self.app.push_screen(StaffScreen())

    @needs_services
    def action_toggle_overdue(self) -> None:
        self.overdue_only = not self.overdue_only
        self.refresh_data()

    def action_cycle_kind(self) -> None:
        """Show one kind of due date in the panel, or all of them."""
        self.panel_kind = (self.panel_kind + 1) % len(PANEL_KINDS)
        source = getattr(self, "_panel_source", None)
        if source is not None:  # at once, from what is loaded: the next key acts on what is shown
            self._fill_deadlines(*source)
        else:
            self.refresh_data()
        self.notify(f"Deadline panel: {PANEL_KINDS[self.panel_kind][0]}", timeout=2)

    def action_focus_deadlines(self) -> None:
        self.query_one("#deadlines", DataTable).focus()

    def action_focus_list(self) -> None:
        self.query_one("#complaints", DataTable).focus()

    @needs_services
    def action_refresh(self) -> None:
        self.refresh_data()

    def key_escape(self) -> None:
        search = self.query_one("#search", Input)
        if self.focused is search:
            if search.value:
                search.value = ""
            self.query_one("#complaints", DataTable).focus()
