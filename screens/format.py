"""How dates, states and steps read on screen: always in words as well as colour, so a
16-colour or NO_COLOR terminal loses nothing."""

from __future__ import annotations

import logging
from datetime import date

from rich.console import RenderableType
from rich.text import Text

from chc_tui.rules.deadlines import Due
from chc_tui.rules.domain import DeadlineState, Step
from store.errors import explain

log = logging.getLogger(__name__)

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
    Anything else (Text, a table...) is returned as it is. Control characters are
    drawn visibly in every text (see draw_controls_visibly)."""
    return Text(value) if isinstance(value, str) else value


def draw_controls_visibly() -> None:
    """Draw every control character in a record as a visible \\xNN, as the commands print
    it (chc_tui/terminal.py), whatever screen or widget shows it.

    Rich and Textual drop only a few (bell, backspace, form feed, CR...) from the text
    they draw, and let ESC through: a resident's name imported as "Ann \x1b[2J" cleared
    the handler's terminal, and an OSC sequence retitled their window (issue 15, item 11).
    Both translate each text they make by one table; extending those tables is the one
    place every name, note and typed value passes, so no screen can forget it. Terminal
    control itself does not pass through text (it is written as segments)."""
    import rich.control
    import textual.content

    from chc_tui.terminal import CONTROLS

    for table in (rich.control._CONTROL_STRIP_TRANSLATE, textual.content._CONTROL_STRIP_TRANSLATE):
        # What they already drop stays dropped: the CR of a Windows line end, a bell.
        table.update({code: shown for code, shown in CONTROLS.items() if code not in table})


def not_saved(exc: Exception) -> str | None:
    """What a form shows, next to its save, when the database refused the save (busy,
    read-only, full, damaged): what happened and what to do, in words. None for any
    other error: a bug, left to the app's last-resort handler (chc_tui/app.py)."""
    problem = explain(exc)
    if problem is None:
        return None
    # The type and the plain message only: a database error's own text quotes the values
    # being written (the resident's name, the note...).
    log.warning("save not made (%s): %s", type(exc).__name__, problem)
    return f"Not saved: {problem}. What you typed is kept: Ctrl+S tries again, Esc leaves it."


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
