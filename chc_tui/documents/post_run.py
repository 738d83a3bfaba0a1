"""The post run (issue 21.2): every letter waiting to be posted, in one print-ready
document, written as Word (.docx) and PDF.

Each letter is preceded by an address page for a DL window envelope (the name and
address where the window shows them, document.WINDOW_*), then the letter as sent under
the landlord's letterhead, printed as the resident's needs call for (Code 5.10: large
print; a note on the address page for a need print cannot meet, such as Braille). Every
letter starts on a page of its own, so the sheets of one letter go in one envelope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from chc_tui.documents import document_writers as writers
from chc_tui.documents.document import Block, Document, Letter as LetterBlock, Page, PageBreak, Paragraph, WindowAddress
from chc_tui.documents.letter_export import address_lines
from chc_tui.rules.needs import LetterFormat
from chc_tui.steps.delivery import Waiting
from chc_tui.steps.landlord import LandlordSettings
from chc_tui.wording import counted

POST_RUN_PAGE = Page(font="Arial", size_pt=11, side_margins_cm=2.0, top_bottom_margins_cm=2.0, pdf_furniture=False)
FORMATS = ("docx", "pdf")


@dataclass(frozen=True)
class PrintedRun:
    """What a post run holds, and the letters left out of it."""

    on: date
    letters: list[Waiting]
    no_address: list[Waiting]  # waiting to be posted, but there is no address to post them to
    paths: tuple[Path, ...] = ()

    @property
    def letter_ids(self) -> list[int]:
        return [w.letter.id or 0 for w in self.letters]


def envelope_lines(name: str, address: str) -> list[str]:
    """The name, then the address a line each: typed on one line, its commas divide it."""
    lines = [line.strip() for line in writers.lines_of(address) if line.strip()]
    if len(lines) == 1 and "," in lines[0]:
        lines = [part.strip() for part in lines[0].split(",") if part.strip()]
    return [name.strip(), *lines]


def in_the_run(waiting: list[Waiting], on: date) -> tuple[list[Waiting], list[Waiting]]:
    """(the letters a run dated `on` posts, those waiting with no address): a run never
    holds a letter dated after it."""
    due = [w for w in waiting if w.letter.sent_on <= on]
    return [w for w in due if w.address], [w for w in due if not w.address]


def run_document(letters: list[Waiting], landlord: LandlordSettings, needs: dict[int, LetterFormat],
                 on: date) -> Document:
    """One document: for each letter, its address page, then the letter from a new page."""
    blocks: list[Block] = []
    head = [landlord.name, *address_lines(landlord)]
    for number, waiting in enumerate(letters):
        fmt = needs.get(waiting.letter.id or 0, LetterFormat())
        if number:
            blocks.append(PageBreak())
        blocks.append(WindowAddress(envelope_lines(waiting.resident_name, waiting.address)))
        note = fmt.post_run_note()
        if note:
            blocks.append(Paragraph(note, "lead"))
        blocks.append(PageBreak())
        blocks.append(LetterBlock(waiting.letter.body, letterhead=head, size_pt=fmt.size_pt))
    return Document(f"Post run {on:%d/%m/%Y}: {counted(len(letters), 'letter')}",
                    blocks, POST_RUN_PAGE)


def run_paths(out: Path) -> tuple[Path, Path]:
    """FILE.docx and FILE.pdf, whatever suffix FILE was given with (.docx or .pdf is
    replaced; any other is kept as part of the name)."""
    out = Path(out).expanduser()
    stem = out.with_suffix("") if out.suffix.lower() in (".docx", ".pdf") else out
    return stem.with_name(stem.name + ".docx"), stem.with_name(stem.name + ".pdf")


def write_run(document: Document, out: Path) -> tuple[Path, Path]:
    """Both files, each written whole or not at all."""
    docx, pdf = run_paths(out)
    writers.write(document, "docx", docx)
    writers.write(document, "pdf", pdf)
    return docx, pdf
