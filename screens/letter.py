"""The letter a step sends, shown before the step completes: read it, edit it here or in
$EDITOR, then send. Sending runs the step with the final text; if the text or the records
lack an item the Code requires, the step says which and nothing is written."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static, TextArea

from chc_tui.rules.domain import StepRefused
from chc_tui.rules.needs import letter_format
from screens.app_type import ChcScreen
from screens.keybar import KeyBar
from screens.confirm import ConfirmScreen
from screens.format import not_saved


@dataclass(frozen=True)
class Sent:
    """The step completed with its letter; `result` is what the step returned (maybe None)."""

    result: Any


class LetterScreen(ChcScreen["Sent | None"]):
    """Dismisses with Sent(step result) once sent, or None if the handler went back."""

    DEFAULT_CSS = """
    LetterScreen #letter-title { text-style: bold; padding: 0 1; }
    LetterScreen #letter-adjustments { color: $text-warning; padding: 0 1; }
    LetterScreen #letter-needs { color: $text-warning; padding: 0 1; }
    LetterScreen #letter-errors { color: $text-error; padding: 0 1; }
    LetterScreen #letter-delivery { padding: 0 1; }
    LetterScreen #letter-text { height: 1fr; }
    """

    BINDINGS = [
        Binding("ctrl+s", "send", "Send and complete", id="letter.send"),
        Binding("ctrl+o", "editor", "Open in $EDITOR", id="letter.editor"),
        Binding("ctrl+r", "reset", "Start again", id="letter.reset"),
        Binding("ctrl+g", "send_by", "Email/post/both", id="letter.send_by"),
        Binding("escape", "back", "Back to form", id="letter.back"),
    ]

    def __init__(self, draft, send: Callable[[str], Any], title: str) -> None:
        super().__init__()
        self.draft = draft
        self.send = send
        self.heading = title
        self._sending = False
        self.route = None  # how it goes: None, the default (the resident's preferred channel)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.heading, id="letter-title", markup=False)
            if self.draft.adjustments:
                yield Static(
                    f"Reasonable adjustments for this resident: {self.draft.adjustments}. "
                    f"{letter_format([self.draft.adjustments]).export_hint()}",
                    id="letter-adjustments",
                    markup=False,  # the resident's adjustments as typed
                )
            if self.draft.other_needs:
                yield Static(
                    "This resident: " + "; ".join(self.draft.other_needs),
                    id="letter-needs",
                    markup=False,  # as recorded
                )
            yield Static(self._delivery_line(), id="letter-delivery", markup=False)  # typed addresses
            yield Static("", id="letter-errors", markup=False)
            yield TextArea(self.draft.text, id="letter-text", soft_wrap=True, tab_behavior="focus")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = self.draft.kind.label + " letter"
        self.sub_title = f"to {self.draft.addressee}"
        self._show_errors([])
        editor = self.query_one(TextArea)
        editor.focus()
        editor.move_cursor((0, 0))

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    @property
    def letter_changed(self) -> bool:
        return self.text != self.draft.text

    @property
    def send_by(self):
        """The route the letter will go by: the handler's choice, else the default."""
        contact = getattr(self.draft, "contact", None)
        return self.route or (contact.default if contact is not None else None)

    def _delivery_line(self) -> str:
        from chc_tui.steps.delivery import Route

        contact = getattr(self.draft, "contact", None)
        route = self.send_by
        if contact is None or route is None:
            return ""
        where = []
        if route.by_post:
            where.append(f"by post to {contact.address.splitlines()[0] if contact.address else '(no address recorded)'}")
        if route.by_email:
            whose = " (the representative's)" if contact.email_is_representatives else ""
            where.append(f"by email to {contact.email or '(no email address recorded)'}{whose}")
        chosen = "" if self.route is not None else " (their preferred channel)"
        gaps = contact.problems(route)
        warn = " · it cannot go this way: Ctrl+G chooses another" if gaps and self.route is not None else (
            " · no address or email recorded: it waits to be posted until an address is" if gaps else "")
        return f"Goes {' and '.join(where)}{chosen} · Ctrl+G: {', '.join(r.label for r in Route)}{warn}"

    def action_send_by(self) -> None:
        """Cycle how the letter goes: email, post, both."""
        current = self.send_by
        if current is None:
            return
        self.route = current.next()
        self.query_one("#letter-delivery", Static).update(self._delivery_line())
        self._show_errors([])

    def _show_errors(self, messages: list[str]) -> None:
        errors = self.query_one("#letter-errors", Static)
        errors.update("\n".join(f"• {m}" for m in messages))
        errors.display = bool(messages)

    def action_send(self) -> None:
        if self._sending:
            return
        self._sending = True
        try:
            if self.route is None:
                result = self.send(self.text)
            else:
                from chc_tui.steps.delivery import Outgoing

                result = self.send(Outgoing(self.text, self.route.value))
        except StepRefused as refused:
            self._show_errors([p.message for p in refused.problems])
            self.app.bell()
            return
        except Exception as exc:
            message = not_saved(exc)  # the letter is kept, as typed, for another Ctrl+S
            if message is None:
                raise
            self._show_errors([message])
            self.app.bell()
            return
        finally:
            self._sending = False
        self.dismiss(Sent(result))

    def action_back(self) -> None:
        if self.text == self.draft.text:
            self.dismiss(None)
            return

        def decided(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen("Go back to the form and lose your changes to the letter?", yes="Go back", no="Keep editing"),
            decided,
        )

    def action_reset(self) -> None:
        self.query_one(TextArea).load_text(self.draft.text)
        self._show_errors([])

    def action_editor(self) -> None:
        """Hand the text to the handler's own editor and take back what they save."""
        command = os.environ.get("VISUAL") or os.environ.get("EDITOR")
        if not command:
            self.notify("Set EDITOR (for example EDITOR=nano) to edit letters in your own editor.", severity="warning")
            return
        argv = [*shlex.split(command), ]
        if not argv or shutil.which(argv[0]) is None:
            self.notify(f"Editor {command!r} was not found; the letter is unchanged.", severity="error", markup=False)
            return
        with tempfile.TemporaryDirectory(prefix="chc-letter-") as folder:
            path = Path(folder) / f"{self.draft.kind.value}.txt"
            path.write_text(self.text, encoding="utf-8")
            failure: str | None = None
            try:
                with self.app.suspend():
                    # Nothing may escape this block: Textual only resumes the screen when
                    # the block ends normally.
                    try:
                        finished = subprocess.run([*argv, str(path)], check=False)
                        if finished.returncode != 0:
                            failure = f"{command} ended with status {finished.returncode}"
                    except OSError as exc:
                        failure = f"could not run {command}: {exc}"
            except SuspendNotSupported:
                failure = "this terminal cannot hand over to an editor"
            if failure:
                self.notify(f"{failure}; the letter is unchanged.", severity="warning", markup=False)
                return
            self.query_one(TextArea).load_text(path.read_text(encoding="utf-8"))
        self.notify("Letter updated from your editor")
