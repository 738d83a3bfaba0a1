"""The Ombudsman pre-flight on one complaint (B on the complaint screen): every breach of the
Code its records show, with the provision and the records behind it (chc_tui.figures.preflight).
Read-only; Escape goes back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Group
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from screens.app_type import ChcScreen
from screens.keybar import KeyBar
from screens.titlebar import TitleBar

if TYPE_CHECKING:
    from chc_tui.figures.preflight import Preflight


def render_preflight(result: Preflight) -> Group:
    """Text, never markup: the details quote the records (names, descriptions) as typed."""
    parts: list[Text] = []
    if result.clean:
        parts.append(Text("No breach of the Code found in the records.", style="bold green"))
    else:
        count = len(result.breaches)
        parts.append(Text(f"{count} breach{'es' if count != 1 else ''} of the Code the records show", style="bold red"))
    for breach in result.breaches:
        parts.append(Text(""))
        parts.append(Text.assemble((f"Code {breach.provision}", "bold"), "  ", (breach.title, "bold")))
        parts.append(Text(f"  {breach.detail}"))
        parts += [Text(f"  - {record}", style="dim") for record in breach.records]
    if result.unverified:
        parts += [Text(""), Text("Imported from a spreadsheet and not yet verified: facts it did not hold are "
                                 "not known.", style="italic")]
    parts += [Text(""), Text("Checked:", style="bold"), *(Text(f"  {c}") for c in result.checked)]
    return Group(*parts)


class PreflightScreen(ChcScreen):
    DEFAULT_CSS = """
    PreflightScreen #preflight-scroll { height: 1fr; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,backspace", "back", "Back", id="preflight.back")]

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference
        self.result: Preflight | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="preflight-scroll"):
            yield Static("", id="preflight")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = f"Before the Ombudsman looks: {self.reference}"
        self.result = self.app.services.preflight(self.reference)
        self.query_one("#preflight", Static).update(render_preflight(self.result))
        self.query_one("#preflight-scroll").focus()

    def action_back(self) -> None:
        self.app.pop_screen()
