"""The letters sent on a complaint, each readable exactly as sent and exportable, and the
export form shared with the evidence pack (a format and a file, like the report's)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from chc_tui.rules.domain import StepRefused
from chc_tui.documents.file_names import safe_file_stem
from screens.app_type import ChcScreen
from screens.keybar import KeyBar
from screens.fast_table import FastTable
from screens.titlebar import TitleBar
from screens.format import d
from screens.forms import FieldSpec, FormSpec, StepForm

if TYPE_CHECKING:
    from store.models import Letter

LETTER_FORMAT_CHOICES = [("Word .docx", "docx"), ("plain text .txt (the letter byte for byte)", "txt"),
                         ("Markdown .md", "md")]
PACK_FORMAT_CHOICES = [("Word .docx", "docx"), ("Markdown .md", "md"), ("plain text .txt", "txt")]


def kind_label(kind: str) -> str:
    from chc_tui.documents.letters import LetterKind

    try:
        return LetterKind(kind).label
    except ValueError:
        return kind


def export_form(
    app, *, title: str, stem: str, choices: list[tuple[str, str]], write: Callable[[Path], Path]
) -> None:
    """Ask for a format and a file, then write(path). A name without a suffix gets the
    format's; a relative one is from the folder chc started in."""
    formats = [value for _label, value in choices]
    stem = safe_file_stem(stem)  # made from a reference, which a spreadsheet may have filled

    def target(values: dict[str, Any]) -> Path:
        fmt = values.get("format") or formats[0]
        path = Path((values.get("path") or "").strip() or stem).expanduser()
        if path.suffix.lstrip(".").lower() not in formats:
            path = path.with_name(f"{path.name}.{fmt}")
        return path if path.is_absolute() else Path.cwd() / path

    def submit(values: dict[str, Any]) -> Path:
        fmt = values.get("format")
        if fmt not in formats:
            raise StepRefused("choose a format", "format")
        path = target(values)
        if path.suffix.lstrip(".").lower() != fmt:
            raise StepRefused(f"the file ends {path.suffix} but the format chosen is .{fmt}", "path")
        if not path.parent.is_dir():
            raise StepRefused(f"there is no folder {path.parent}", "path")
        try:
            return write(path)
        except OSError as exc:
            raise StepRefused(f"could not write {path}: {exc.strerror or exc}", "path") from None

    spec = FormSpec(
        title=title,
        fields=[
            FieldSpec("format", "Format", "choice", default=formats[0], choices=choices),
            FieldSpec("path", "File", default=stem,
                      help="a name without a suffix gets the format's; a relative path is from the folder chc started in"),
        ],
        submit=submit,
        preview=lambda values: f"Writes {target(values)}",
        today=lambda: app.services.today,
        done_message=lambda path: f"Written {path}",
    )

    def finished(result) -> None:
        if result is not None:
            app.notify(spec.done_message(result), timeout=8, markup=False)

    app.push_screen(StepForm(spec), finished)


def export_letter(app, letter: Letter, reference: str) -> None:
    export_form(
        app,
        title=f"Export letter {letter.id} ({kind_label(letter.kind)}) on {reference}",
        stem=f"{reference}-letter-{letter.id}",
        choices=LETTER_FORMAT_CHOICES,
        write=lambda path: app.services.export_letter(letter.id, path),
    )


class LettersScreen(ChcScreen):
    """The complaint's letters, oldest first: Enter reads one, x exports it."""

    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="letters.back"),
        # Priority: ahead of the table's own Enter, so the footer and F1 show it.
        Binding("enter", "read", "Read letter", id="letters.read", priority=True),
        Binding("x", "export", "Export letter", id="letters.export"),
    ]

    def __init__(self, reference: str, letters: list[Letter], deliveries: dict | None = None) -> None:
        super().__init__()
        self.reference = reference
        self.letters = letters
        self.deliveries = deliveries or {}  # letter id -> LetterDelivery (issue 21)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield FastTable(id="letters", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = f"Letters sent on {self.reference}"
        table = self.query_one(DataTable)
        from chc_tui.steps.delivery import describe

        table.add_columns("Sent", "Letter", "Stage", "Sent by", "Edited", "Goes")
        for letter in self.letters:
            table.add_row(d(letter.sent_on), kind_label(letter.kind), str(letter.stage), letter.sent_by,
                          "yes" if letter.edited else "", describe(self.deliveries.get(letter.id)), key=str(letter.id))
        table.focus()

    @property
    def chosen(self) -> Letter | None:
        table = self.query_one(DataTable)
        if not self.letters or table.cursor_row is None:
            return None
        return self.letters[min(table.cursor_row, len(self.letters) - 1)]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_read()

    def action_read(self) -> None:
        if self.chosen is not None:
            self.app.push_screen(LetterTextScreen(self.chosen, self.reference, self.deliveries.get(self.chosen.id)))

    def action_export(self) -> None:
        if self.chosen is not None:
            export_letter(self.app, self.chosen, self.reference)

    def action_back(self) -> None:
        self.app.pop_screen()


class LetterTextScreen(ChcScreen):
    """One letter exactly as stored, read-only; the arrows and Page keys scroll."""

    DEFAULT_CSS = """
    LetterTextScreen #letter-facts { color: $text-muted; padding: 0 1; }
    LetterTextScreen #letter-scroll { height: 1fr; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,backspace", "back", "Back", id="letter_text.back"),
        Binding("x", "export", "Export letter", id="letter_text.export"),
    ]

    def __init__(self, letter: Letter, reference: str, delivery=None) -> None:
        super().__init__()
        self.letter = letter
        self.reference = reference
        self.delivery = delivery

    def compose(self) -> ComposeResult:
        from chc_tui.steps.delivery import describe

        letter = self.letter
        yield TitleBar()
        yield Static(
            f"Sent {d(letter.sent_on)} by {letter.sent_by or 'unknown'} · stage {letter.stage}"
            + (" · edited before sending" if letter.edited else "")
            + f" · SHA-256 {letter.sha256[:16]}…"
            + (f" · {describe(self.delivery)}" if self.delivery is not None else ""),
            id="letter-facts",
            markup=False,
        )
        with VerticalScroll(id="letter-scroll"):
            # Text, not markup: the letter shows exactly as stored, brackets and all.
            yield Static(Text(letter.body), id="letter-body")
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = f"{kind_label(self.letter.kind)} letter on {self.reference}"
        self.query_one("#letter-scroll").focus()

    def action_export(self) -> None:
        export_letter(self.app, self.letter, self.reference)

    def action_back(self) -> None:
        self.app.pop_screen()
