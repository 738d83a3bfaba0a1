"""How dates, states and steps read on screen: always in words as well as colour, so a
16-colour or NO_COLOR terminal loses nothing."""

from __future__ import annotations

from datetime import date

from rich.console import RenderableType
from rich.text import Text

from chc_tui.deadlines import Due
from chc_tui.domain import DeadlineState, Step

STATE_STYLE = {
    DeadlineState.OVERDUE: "bold red",
    DeadlineState.DUE_TODAY: "bold yellow",
    DeadlineState.DUE_SOON: "yellow",
    DeadlineState.ON_TRACK: "green",
}

STATUS_LABEL = {"open": "open", "closed": "closed", "refused": "refused", "withdrawn": "withdrawn"}


def plain(value: RenderableType) -> RenderableType:
    """A str as Text, so a Rich table cell or group shows it exactly as typed: a str there
    is read as Rich markup, where "[kitchen]" vanishes and "[/x]" raises MarkupError.
    Anything else (Text, a table...) is returned as it is."""
    return Text(value) if isinstance(value, str) else value


def d(value: date | None) -> str:
    """A date as handlers write it, with the weekday: Mon 23/11/2026."""
    return "" if value is None else f"{value:%a %d/%m/%Y}"


def short(value: date | None) -> str:
    return "" if value is None else f"{value:%d/%m/%y}"


def state_text(due: Due) -> Text:
    if due.state is None:
        return Text("")
    return Text(due.state.value, style=STATE_STYLE[due.state])


def days_left_text(due: Due) -> Text:
    if due.days_left is None:
        return Text("")
    style = STATE_STYLE[due.state] if due.state else ""
    return Text(str(due.days_left), style=style, justify="right")


def step_text(due: Due) -> str:
    if due.step is Step.NONE:
        return ""
    label = "close/esc" if due.step is Step.CLOSE_OR_ESCALATE else due.step.value
    if due.row.due_on is not None and due.row.due_step == "respond" and due.row.provisional:
        label += " (provisional)"
    return label
