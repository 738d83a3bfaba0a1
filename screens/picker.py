"""Choose one of a few lines from the keyboard: arrows and Enter, Esc to cancel."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from screens.app_type import ChcModalScreen


class Picker(ChcModalScreen[int]):
    """Dismisses with the index of the line chosen, or None. Every line is plain text, never
    markup: they quote records (file names, residents' names), brackets and all."""

    DEFAULT_CSS = """
    Picker { align: center middle; }
    Picker > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 80%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    Picker OptionList { height: auto; max-height: 20; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker.cancel")]

    def __init__(self, prompt: str, lines: list[str], list_id: str) -> None:
        super().__init__()
        self.prompt, self.lines, self.list_id = prompt, lines, list_id

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"{self.prompt} ↑↓ then Enter · Esc cancel", markup=False)
            yield OptionList(*(Option(line) for line in self.lines), id=self.list_id, markup=False)

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)
