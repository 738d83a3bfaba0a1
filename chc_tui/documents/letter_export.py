"""A letter as sent, written out as Word (.docx), plain text (.txt) or Markdown (.md).

The stored body starts at the date line; the landlord's letterhead (name and address) is
added here, above it. The letter is one `Letter` block of chc_tui.documents.document, written by
chc_tui.documents.document_writers: the body is never re-rendered, the .txt carries it byte for
byte, the .docx one paragraph per line, the .md escaped so that Markdown neither reflows
nor interprets it.
"""

from __future__ import annotations

from pathlib import Path

from chc_tui.documents import document_writers as writers
from chc_tui.documents.document import Document, Letter as LetterBlock, Page, Paragraph
from chc_tui.documents.document_writers import (  # noqa: F401  (the names other modules and tests use)
    UnknownFormat,
    docx_safe,
    lines_of,
    md_escape,
    md_verbatim,
    write_atomically,
)
from chc_tui.rules.needs import LetterFormat
from chc_tui.steps.landlord import LandlordSettings
from store.models import Letter

LETTER_FORMATS = ("docx", "txt", "md")


def format_of(out: Path, formats: tuple[str, ...] = LETTER_FORMATS) -> str:
    """The format named by the file's suffix; UnknownFormat when it is not one of `formats`."""
    return writers.format_of(out, formats)


def address_lines(landlord: LandlordSettings) -> list[str]:
    return [line.strip() for line in lines_of(landlord.address) if line.strip()]


def letter_document(letter: Letter, landlord: LandlordSettings, needs: LetterFormat = LetterFormat()) -> Document:
    """The letter as sent under the landlord's letterhead (name, address lines), printed as
    the resident's needs call for (Code 5.10): large print in a bigger font, and a note
    for the post run at the top where a printed letter cannot meet a need (Braille...)."""
    blocks: list = []
    note = needs.post_run_note()
    if note:
        blocks.append(Paragraph(note, "lead"))
    blocks.append(LetterBlock(letter.body, letterhead=[landlord.name, *address_lines(landlord)]))
    return Document(
        f"Letter {letter.id} ({letter.kind})" + (" (large print)" if needs.large_print else ""),
        blocks,
        Page(font="Arial", size_pt=needs.size_pt, side_margins_cm=2.2),
    )


def export_letter(letter: Letter, landlord: LandlordSettings, out: Path, needs: LetterFormat = LetterFormat()) -> Path:
    """Write the letter with the landlord's letterhead to `out`, as .docx, .txt or .md
    (by its suffix; UnknownFormat for any other), in the format `needs` calls for;
    returns the path."""
    out = Path(out).expanduser()
    return writers.write(letter_document(letter, landlord, needs), format_of(out), out)
