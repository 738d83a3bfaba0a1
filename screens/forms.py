"""A modal form for one step of a complaint.

Each field shows its own error beneath it; what was typed is never cleared by an error;
Escape on a changed form asks before discarding; Ctrl+S (or Enter on the last line
field) saves. The step itself is run by a callable that raises `StepRefused`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Callable, Sequence

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from chc_tui.rules.dates import DateParseError, parse_date
from chc_tui.rules.domain import NeedsConfirmation, StepRefused
from screens.app_type import ChcModalScreen
from screens.confirm import ConfirmScreen
from screens.format import not_saved
from screens.typeahead import retyped


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    kind: str = "text"  # text | long | date | choice | bool
    default: Any = ""
    choices: Sequence[tuple[str, str]] = ()
    suggestions: Sequence[str] = ()
    placeholder: str = ""
    help: str = ""


@dataclass
class FormSpec:
    title: str
    fields: list[FieldSpec]
    submit: Callable[[dict[str, Any]], Any]
    """Runs the step with the parsed values; raises StepRefused to keep the form open."""
    preview: Callable[[dict[str, Any]], str] | None = None
    """Live hint under the title (for example the computed due date)."""
    intro: str = ""
    draft: Callable[[Callable[[dict[str, Any]], Any], dict[str, Any]], Any] | None = None
    """For a step that sends a letter: draft(submit, values) drafts it by running the step
    with letter=DRAFT (raises StepRefused when the step or the letter cannot be made). Saving then shows the letter before sending;
    `submit` gets the final text as values["letter"]."""
    today: Callable[[], date] = date.today
    confirmable: bool = False
    """The step may refuse with NeedsConfirmation (it falls short of the Code): `submit`
    then gets values["confirmed"], True when the handler saved again with nothing changed."""
    done_message: Callable[[Any], str] = field(default=lambda result: "Saved")


class StepForm(ChcModalScreen[Any]):
    """A short form for one step; dismisses with the step's result, or None if abandoned.

    Everything it shows is plain text, never markup: titles, hints, previews, choices and
    errors quote what people typed (a remedy, a file name...), brackets and all."""

    DEFAULT_CSS = """
    StepForm { align: center middle; }
    StepForm > #form-box {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $accent; background: $surface; padding: 0 1;
    }
    StepForm #form-title { text-style: bold; width: 100%; }
    StepForm #form-preview { color: $text-accent; width: 100%; }
    StepForm #form-errors { color: $text-error; width: 100%; }
    StepForm #form-fields { height: auto; max-height: 1fr; }
    StepForm .field-label { margin-top: 1; }
    StepForm .field-help { color: $text-muted; }
    StepForm .field-error { color: $text-error; height: auto; }
    StepForm Input, StepForm Select { width: 100%; }
    StepForm TextArea { height: 4; width: 100%; }
    """

    IS_FORM = True
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="form.save"),
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
    ]

    def __init__(self, spec: FormSpec) -> None:
        super().__init__()
        self.spec = spec
        self._initial: dict[str, Any] = {}
        self._saving = False
        self._shortfalls_shown_for: dict[str, Any] | None = None
        # Characters typed before the first field has the focus (see on_key), and whether it has.
        self._early_keys: list[events.Key] | None = []

    # --- building ----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="form-box"):
            yield Static(self.spec.title, id="form-title", markup=False)
            if self.spec.intro:
                yield Static(self.spec.intro, classes="field-help", markup=False)
            yield Static("", id="form-preview", markup=False)
            yield Static("", id="form-errors", markup=False)
            with VerticalScroll(id="form-fields"):
                for spec in self.spec.fields:
                    yield from self._field(spec)

    def _field(self, spec: FieldSpec) -> ComposeResult:
        if spec.kind != "bool":
            yield Label(spec.label, classes="field-label", markup=False)
        widget_id = f"f-{spec.name}"
        if spec.kind == "long":
            yield TextArea(str(spec.default or ""), id=widget_id, soft_wrap=True, tab_behavior="focus")
        elif spec.kind == "choice":
            yield Select(
                [(Text(label) if isinstance(label, str) else label, value) for label, value in spec.choices],
                value=spec.default if spec.default else Select.NULL,
                id=widget_id,
                prompt=f"choose {spec.label.lower()}",
            )
        elif spec.kind == "bool":
            yield Checkbox(spec.label, value=bool(spec.default), id=widget_id, classes="field-label")
        else:
            default = spec.default
            if isinstance(default, date):
                default = f"{default:%d/%m/%Y}"
            yield Input(
                str(default or ""),
                id=widget_id,
                placeholder=spec.placeholder or ("dd/mm/yyyy, today or yesterday" if spec.kind == "date" else ""),
                suggester=SuggestFromList(spec.suggestions, case_sensitive=False) if spec.suggestions else None,
            )
        if spec.help:
            yield Static(spec.help, classes="field-help", markup=False)
        yield Static("", id=f"e-{spec.name}", classes="field-error", markup=False)

    def on_mount(self) -> None:
        # On the border, so it stays in view however long the form is.
        self.query_one("#form-box").border_subtitle = "Ctrl+S save · Tab next · Esc cancel · F1 help"
        self._clear_errors()
        self._initial = self._raw_values()
        self._update_preview()
        first = self.query("#form-fields Input, #form-fields TextArea, #form-fields Select, #form-fields Checkbox").first()
        first.focus()
        self.app.call_later(self._type_early_keys, first)  # after the focus, which is itself queued
        self.call_after_refresh(self._fit_fields)

    def accept_early_key(self, event: events.Key) -> bool:
        """Keep a character typed straight after the key that opened the form, before its
        first field has the focus, for that field. Over SSH, or while the app is busy, it
        can arrive in the same read as the opening key and went astray: "21/11/2026"
        typed at once became "1/11/2026", a valid and wrong date."""
        key = retyped(event)
        if key is None:
            return False
        if self._early_keys is not None:
            self._early_keys.append(key)
            return True
        if isinstance(self.focused, (Input, TextArea)):  # came back unused, after the field had the focus
            self.focused.post_message(key)
            return True
        return False

    def on_key(self, event: events.Key) -> None:
        if self.accept_early_key(event):  # reached the form before its first field had the focus
            event.stop()
            event.prevent_default()

    def _type_early_keys(self, first) -> None:
        early, self._early_keys = self._early_keys or [], None
        for key in early:  # into the first field, as if typed there
            first.post_message(key)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_fields)

    def _fit_fields(self) -> None:
        """Let the fields scroll within the screen. CSS alone ("max-height: 1fr" inside a box
        of auto height) let them run two lines past its bottom at 80x24, hiding the last
        field's error; so the fields get what the title, hints and border leave."""
        box, fields = self.query_one("#form-box"), self.query_one("#form-fields")
        others = sum(child.outer_size.height for child in box.children if child is not fields and child.display)
        fields.styles.max_height = max(3, self.size.height - 2 - others)  # 2: the box's border

    # --- values ------------------------------------------------------------------------

    def _widget(self, name: str):
        return self.query_one(f"#f-{name}")

    def _raw_values(self) -> dict[str, Any]:
        raw: dict[str, Any] = {}
        for spec in self.spec.fields:
            widget = self._widget(spec.name)
            if isinstance(widget, TextArea):
                raw[spec.name] = widget.text
            elif isinstance(widget, Select):
                raw[spec.name] = None if widget.value is Select.NULL else widget.value
            else:
                raw[spec.name] = widget.value
        return raw

    def _parsed(self, report: bool) -> tuple[dict[str, Any], dict[str, str]]:
        """Parse typed values: dates become dates; unparseable ones are errors."""
        values, errors = {}, {}
        today = self.spec.today()
        for spec in self.spec.fields:
            raw = self._raw_values()[spec.name]
            if spec.kind == "date":
                if not str(raw).strip():
                    values[spec.name] = None
                    continue
                try:
                    values[spec.name] = parse_date(raw, today=today)
                except DateParseError as exc:
                    values[spec.name] = None
                    errors[spec.name] = str(exc)
            else:
                values[spec.name] = raw
        return values, errors

    @property
    def changed(self) -> bool:
        return self._raw_values() != self._initial

    # --- live feedback -----------------------------------------------------------------

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _on_change(self, event) -> None:
        self._update_preview()
        name = (event.control.id or "")[2:]
        spec = next((f for f in self.spec.fields if f.name == name), None)
        if spec is not None and spec.kind == "date":
            _, errors = self._parsed(report=False)
            self._show_error(name, errors.get(name, ""))

    def _update_preview(self) -> None:
        if self.spec.preview is None:
            return
        values, _ = self._parsed(report=False)
        try:
            text = self.spec.preview(values)
        except Exception:  # a preview must never break typing
            text = ""
        preview = self.query_one("#form-preview", Static)
        preview.update(text)
        preview.display = bool(text)
        self.call_after_refresh(self._fit_fields)

    def _show_error(self, name: str, message: str) -> None:
        self._set_message(self.query_one(f"#e-{name}", Static), message)

    @staticmethod
    def _set_message(widget: Static, message: str) -> None:
        widget.update(message)
        widget.display = bool(message)

    def _clear_errors(self) -> None:
        for spec in self.spec.fields:
            self._show_error(spec.name, "")
        self._set_message(self.query_one("#form-errors", Static), "")

    # --- saving and leaving ------------------------------------------------------------

    @on(Input.Submitted)
    def _next_or_save(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = [spec.name for spec in self.spec.fields]
        name = (event.input.id or "")[2:]
        if name == inputs[-1]:
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        if self._saving:
            return
        self._clear_errors()
        values, errors = self._parsed(report=True)
        if errors:
            for name, message in errors.items():
                self._show_error(name, message)
            self._focus_field(next(iter(errors)))
            return
        # A step that falls short of the Code (NeedsConfirmation) is recorded only when the
        # handler saves again with nothing changed: knowingly, having read the warnings.
        if self.spec.confirmable:
            confirmed = values == self._shortfalls_shown_for
            values = {**values, "confirmed": confirmed}
        self._shortfalls_shown_for = None
        self._saving = True
        try:
            if self.spec.draft is not None:
                self._show_letter(values, self.spec.draft(self.spec.submit, values))
                return
            result = self.spec.submit(values)
        except StepRefused as refused:
            if isinstance(refused, NeedsConfirmation):
                self._shortfalls_shown_for = {k: v for k, v in values.items() if k != "confirmed"}
            self._show_refusal(refused)
            return
        except Exception as exc:
            if not self._show_not_saved(exc):
                raise  # a bug: the app's last-resort handler logs it
            return
        finally:
            self._saving = False
        self.dismiss(result)

    def _show_refusal(self, refused: StepRefused) -> None:
        general = []
        first_field = None
        known = {spec.name for spec in self.spec.fields}
        for problem in refused.problems:
            if problem.field in known:
                self._show_error(problem.field, problem.message)
                first_field = first_field or problem.field
            else:
                general.append(problem.message)
        self._set_message(self.query_one("#form-errors", Static), "\n".join(general))
        self.call_after_refresh(self._fit_fields)
        if first_field:
            self._focus_field(first_field)
        self.app.bell()
        from screens.letter_details import offer_letter_details

        offer_letter_details(self, refused)  # a letter's missing details: set them in place

    def _show_not_saved(self, exc: Exception) -> bool:
        """If the database refused the save, say so above the fields (the typing stays)."""
        message = not_saved(exc)
        if message is None:
            return False
        self._set_message(self.query_one("#form-errors", Static), message)
        self.call_after_refresh(self._fit_fields)
        self.app.bell()
        return True

    def _show_letter(self, values: dict[str, Any], draft) -> None:
        from screens.letter import LetterScreen

        def after_letter(sent) -> None:
            # This form may only be dismissed once the letter screen is off the stack;
            # before that, dismissing would pop the letter screen a second time instead.
            if sent is None:
                return
            if self.app.screen is self:
                self.dismiss(sent.result)
            else:
                self._letter_sent = sent

        title = f"{self.spec.title}: the letter. Check it, edit it, then Ctrl+S sends it and completes the step."
        self.app.push_screen(
            LetterScreen(draft, lambda text: self.spec.submit({**values, "letter": text}), title), after_letter
        )

    def on_screen_resume(self) -> None:
        sent, self._letter_sent = getattr(self, "_letter_sent", None), None
        if sent is not None:
            self.dismiss(sent.result)

    def _focus_field(self, name: str) -> None:
        widget = self._widget(name)
        widget.focus()
        # The error sits under its field: on the last field of a long form at 80x24 it would
        # be below the fold, so bring the error into view once it has been laid out.
        error = self.query_one(f"#e-{name}", Static)

        def show() -> None:
            self._fit_fields()  # the general errors above may have grown
            self.call_after_refresh(error.scroll_visible if error.display else widget.scroll_visible)

        self.call_after_refresh(show)

    def action_cancel(self) -> None:
        if not self.changed:
            self.dismiss(None)
            return

        def decided(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Discard what you typed?", yes="Discard", no="Keep editing"), decided)
