"""Correspondence and notes on the complaint screen (Code 5.12): the section that lists
them, the form that records one, and opening an attached file from the keyboard."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static, TextArea

from chc_tui.open_file import AttachmentUnavailable, as_text, desktop_opener, viewing_copy
from screens.app_type import ChcScreen
from screens.keybar import KeyBar
from screens.picker import Picker
from screens.format import d, plain, short
from screens.forms import FieldSpec, FormSpec

if TYPE_CHECKING:
    from chc_tui.services import ComplaintDetail, Services
    from store.models import Attachment

KIND_CHOICES = [("call", "call"), ("email", "email"), ("letter", "letter"), ("meeting", "meeting"),
                ("note (internal)", "note")]
DIRECTION_CHOICES = [("in: from them to us", "in"), ("out: from us to them", "out"), ("internal", "internal")]
PARTY_CHOICES = [("the resident", "resident"), ("their representative", "representative"),
                 ("a contractor", "contractor"), ("the Ombudsman", "ombudsman"), ("someone else", "other")]
DIRECTION_WORD = {"in": "from", "out": "to", "internal": ""}


# --- the section -------------------------------------------------------------------------


def correspondence_table(detail: ComplaintDetail) -> Table:
    """One row per letter, call, email, meeting or note, oldest first."""
    table = Table(box=None, padding=(0, 1), show_edge=False)
    for column in ("Date", "Kind", "With", "Summary", "Files"):
        table.add_column(column, no_wrap=column in ("Date", "Kind"))
    for view in detail.correspondence:
        item = view.item
        party = item.party + (f" ({item.party_name})" if item.party_name else "")
        with_whom = " ".join(x for x in (DIRECTION_WORD.get(item.direction, item.direction), party) if x)
        files = ", ".join(a.original_name for a in view.attachments)
        table.add_row(*map(plain, (short(item.happened_on), item.kind, with_whom or item.direction, item.summary, files)))
    return table


def attachments_of(detail: ComplaintDetail | None) -> list[tuple[Any, Attachment]]:
    """(correspondence, attachment) pairs, in the order the section lists them."""
    if detail is None:
        return []
    return [(view.item, attachment) for view in detail.correspondence for attachment in view.attachments]


# --- recording one -----------------------------------------------------------------------


def typed_paths(text: str) -> list[Path]:
    """"a.pdf; ~/b.txt" -> absolute paths; a relative one is from the folder chc started in."""
    paths = []
    for part in (text or "").split(";"):
        # A path dropped onto a terminal arrives quoted, or with its spaces escaped.
        part = part.strip().strip('"').strip("'").replace("\\ ", " ")
        if part:
            path = Path(part).expanduser()
            paths.append(path if path.is_absolute() else Path.cwd() / path)
    return paths


def note_form(services: Services, detail: ComplaintDetail) -> FormSpec:
    reference = detail.complaint.reference
    names = [n for n in (detail.resident.name, detail.complaint.representative_name) if n]

    def submit(values: dict[str, Any]) -> int:
        # No expected_version: a note adds to the record and changes nothing another
        # handler saved meanwhile, so it need not be refused as stale.
        return services.record_correspondence(
            reference,
            happened_on=values["happened_on"],
            kind=values["kind"] or "",
            direction=values["direction"] or "",
            party=values["party"] or "",
            party_name=values["party_name"],
            summary=values["summary"],
            files=typed_paths(values["files"]),
        )

    return FormSpec(
        title=f"Correspondence or note on {reference} (Code 5.12)",
        fields=[
            FieldSpec("happened_on", "When", "date", default=services.today),
            FieldSpec("kind", "What", "choice", default="call", choices=KIND_CHOICES),
            FieldSpec("direction", "Direction", "choice", default="in", choices=DIRECTION_CHOICES,
                      help="a note is internal"),
            FieldSpec("party", "With", "choice", default="resident", choices=PARTY_CHOICES,
                      help="not needed for a note"),
            FieldSpec("party_name", "Their name", suggestions=names),
            FieldSpec("summary", "Summary: what was said or done", "long"),
            FieldSpec("files", "Files to attach", placeholder="~/Downloads/letter.pdf; photo.jpg",
                      help="one or more paths separated by ; (copied into the store with a checksum)"),
        ],
        submit=submit,
        today=lambda: services.today,
        done_message=lambda _id: "Recorded",
    )


# --- opening an attached file --------------------------------------------------------------


class AttachmentPicker(Picker):
    """Choose one attached file: dismisses with its index."""

    def __init__(self, files: list[tuple[Any, Attachment]]) -> None:
        lines = [f"{a.original_name}  ·  {item.kind} {d(item.happened_on)}  ·  {_size(a.size_bytes)}" for item, a in files]
        super().__init__("Open which file?", lines, "attachment-list")
        self.files = files


class AttachmentViewer(ChcScreen[None]):
    """A text attachment, read-only, for a terminal with no desktop to open it on."""

    DEFAULT_CSS = """
    AttachmentViewer #viewer-title { text-style: bold; padding: 0 1; }
    AttachmentViewer #viewer-text { height: 1fr; }
    """
    BINDINGS = [Binding("escape,q", "close", "Close", id="viewer.close")]

    def __init__(self, name: str, text: str) -> None:
        super().__init__()
        self.file_name = name
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(f"{self.file_name} (read only; checksum checked)", id="viewer-title", markup=False)
        yield TextArea(self.text, id="viewer-text", read_only=True, soft_wrap=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.title = self.file_name
        self.query_one(TextArea).focus()

    def action_close(self) -> None:
        self.dismiss(None)


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB"):
        if size < 1024 or unit == "MB":
            return f"{size} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} bytes"


def open_attachment(app, attachment: Attachment) -> None:
    """Check the stored copy, then open it the best way this terminal allows."""
    name = attachment.original_name
    try:
        path = app.services.attachment_file(attachment)
    except AttachmentUnavailable as problem:
        app.notify(str(problem), title="Cannot open the file", severity="error", timeout=20, markup=False)
        return
    opener = desktop_opener()
    if opener is not None:
        try:
            opener(viewing_copy(path, name))
        except OSError as exc:
            app.notify(f"Could not open {name}: {exc.strerror or exc}. The stored copy is {path}",
                       severity="error", timeout=20, markup=False)
        else:
            app.notify(f"Opened a read-only copy of {name}", timeout=6, markup=False)
        return
    text = as_text(path)
    if text is not None:
        app.push_screen(AttachmentViewer(name, text))
        return
    app.notify(
        f"{name} is not text and there is no desktop here to open it on. "
        f"Its stored copy (checksum checked) is {path}",
        title=name,
        timeout=30,
        markup=False,
    )
