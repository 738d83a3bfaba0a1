"""F1 / ?: every key that works on the screen underneath, with what it does."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from screens.app_type import ChcModalScreen

FORM_KEYS = [
    ("Tab / Shift+Tab", "next / previous field"),
    ("Enter", "next field; on the last line field, save"),
    ("Ctrl+S", "save"),
    ("Esc", "cancel (asks first if you typed something)"),
]

DATE_HELP = "Dates: 23/11/2026, 2026-11-23, 23/11/26, today (t), yesterday (y). Day first, always."


def _key_label(app, key: str) -> str:
    return app.get_key_display(Binding(key, ""))


class HelpScreen(ChcModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 72; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,f1,question_mark,q", "dismiss", "Close help", id="help.close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.for_screen = screen

    def compose(self) -> ComposeResult:
        # Text, not markup: a screen's title may be a resident's name, brackets and all.
        title = Text(f"Keys: {self.for_screen.title or type(self.for_screen).__name__}", style="table.title")
        table = Table(title=title, expand=True, box=None)
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("Does")
        seen = set()
        self.rows: list[tuple[str, str]] = []
        # The screen's and the app's own keys; a focused widget's generic ones (cursor
        # keys, copy) are everywhere and would push them out of view.
        generic = {"Focus Next", "Focus Previous", "Copy selected text"}
        bindings = self.for_screen.active_bindings.items()
        own = [
            (k, a)
            for node in (self.for_screen, self.app)
            for k, a in bindings
            if a.node is node and a.binding.description not in generic
        ]
        for key, active in own:
            binding = active.binding
            if not binding.description or binding.description in seen:
                continue
            seen.add(binding.description)
            label = _key_label(self.app, key)
            note = "" if active.enabled else "  (not available now)"
            table.add_row(Text(label), Text(binding.description + note))
            self.rows.append((label, binding.description))
        if getattr(self.for_screen, "IS_FORM", False):
            for key, does in FORM_KEYS:
                table.add_row(Text(key), Text(does))
        with VerticalScroll():
            yield Static(table)
            yield Static(DATE_HELP)
            yield Static("Ctrl+P opens the command palette: every action above, by name. Esc closes this help.")

    def action_dismiss(self) -> None:
        self.dismiss(None)
