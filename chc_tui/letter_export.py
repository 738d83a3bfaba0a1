"""A letter as sent, written out as Word (.docx), plain text (.txt) or Markdown (.md).

The stored body starts at the date line; the landlord's letterhead (name and address) is
added here, above it. The body itself is never re-rendered: the .txt carries it byte for
byte, the .docx one paragraph per line, the .md escaped so that Markdown neither reflows
nor interprets it. The evidence pack reuses the .md and .docx helpers for its letters.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from chc_tui.landlord import LandlordSettings
from store.models import Letter

LETTER_FORMATS = ("docx", "txt", "md")


class UnknownFormat(ValueError):
    """The output file's suffix is not one this export writes."""


def format_of(out: Path, formats: tuple[str, ...] = LETTER_FORMATS) -> str:
    """The format named by the file's suffix; UnknownFormat when it is not one of `formats`."""
    fmt = Path(out).suffix.lstrip(".").lower()
    if fmt not in formats:
        shown = Path(out).suffix or "no suffix"
        names = [f".{f}" for f in formats]
        raise UnknownFormat(f"{Path(out).name} has {shown}: the file must end in {', '.join(names[:-1])} or {names[-1]}")
    return fmt


def write_atomically(out: Path, write) -> Path:
    """Call write(partial_path), then move the file into place: a failed export never
    leaves half a file where the old one was."""
    out = Path(out)
    partial = out.with_name(f".{out.name}.partial")
    try:
        write(partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return out


def lines_of(text: str) -> list[str]:
    """The text's lines, split only at line feeds (a stray CR is dropped, not a break)."""
    return [line.removesuffix("\r") for line in text.split("\n")]


def address_lines(landlord: LandlordSettings) -> list[str]:
    return [line.strip() for line in lines_of(landlord.address) if line.strip()]


# --- Markdown -----------------------------------------------------------------------------

# Characters Markdown may read as syntax anywhere in a line.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>#|~&])")
# Line starts Markdown may read as a list, heading underline or numbered list.
_MD_LINE_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def md_escape(line: str) -> str:
    """One line of plain text as Markdown that shows exactly that text."""
    escaped = _MD_INLINE.sub(r"\\\1", line)
    escaped = _MD_LINE_START.sub(lambda m: f"\\{m.group(1)}" if m.group(1) else f"{m.group(2)}\\{m.group(3)}", escaped)
    stripped = escaped.lstrip(" \t")
    indent = escaped[: len(escaped) - len(stripped)]
    # Leading spaces would be dropped (or make a code block): keep them as no-break spaces.
    return indent.replace("\t", "&nbsp;" * 4).replace(" ", "&nbsp;") + stripped


def md_verbatim(text: str, prefix: str = "") -> list[str]:
    """Text as Markdown lines that render line for line: one paragraph, every line ended
    by a hard break (a backslash), blank lines kept as empty breaks. `prefix` puts it in
    a block quote ("> ")."""
    lines = lines_of(text)
    while lines and lines[-1] == "":
        lines.pop()  # a final newline is not a line of its own
    out = []
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        out.append(prefix + md_escape(line) + ("" if last else "\\"))
    return out


# --- Word -----------------------------------------------------------------------------------

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def docx_safe(text: str) -> str:
    """Word cannot hold control characters; each becomes U+FFFD so the gap is visible."""
    return _XML_INVALID.sub("\ufffd", text)


def add_verbatim(document, text: str, *, indent_cm: float = 0.0) -> None:
    """The text into a python-docx document, one paragraph per line, without the space
    Word adds after each paragraph (blank lines are empty paragraphs)."""
    from docx.shared import Cm, Pt

    lines = lines_of(text)
    while lines and lines[-1] == "":
        lines.pop()
    for line in lines:
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.paragraph_format.space_before = Pt(0)
        if indent_cm:
            paragraph.paragraph_format.left_indent = Cm(indent_cm)
        if line:
            paragraph.add_run(docx_safe(line))


def _write_docx(letter: Letter, landlord: LandlordSettings, out: Path) -> None:
    from docx import Document
    from docx.shared import Cm, Pt

    document = Document()
    document.core_properties.title = f"Letter {letter.id} ({letter.kind})"
    document.styles["Normal"].font.name = "Arial"
    document.styles["Normal"].font.size = Pt(11)
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2.2)
    head = document.add_paragraph()
    head.paragraph_format.space_after = Pt(0)
    name = head.add_run(docx_safe(landlord.name))
    name.bold = True
    name.font.size = Pt(16)
    for line in address_lines(landlord):
        paragraph = document.add_paragraph()
        paragraph.paragraph_format.space_after = Pt(0)
        paragraph.add_run(docx_safe(line))
    document.add_paragraph()
    add_verbatim(document, letter.body)
    document.save(str(out))


# --- one entry point -----------------------------------------------------------------------


def letterhead_text(landlord: LandlordSettings) -> str:
    """The plain-text letterhead: name, address lines, then a blank line."""
    return "\n".join([landlord.name, *address_lines(landlord)]) + "\n\n"


def letter_markdown(letter: Letter, landlord: LandlordSettings) -> str:
    head = [f"**{md_escape(landlord.name)}**"]
    address = address_lines(landlord)
    if address:
        head[-1] += "\\"
        head += [md_escape(line) + "\\" for line in address[:-1]] + [md_escape(address[-1])]
    return "\n".join([*head, "", *md_verbatim(letter.body)]) + "\n"


def export_letter(letter: Letter, landlord: LandlordSettings, out: Path) -> Path:
    """Write the letter with the landlord's letterhead to `out`, as .docx, .txt or .md
    (by its suffix; UnknownFormat for any other); returns the path."""
    out = Path(out).expanduser()
    fmt = format_of(out)
    if fmt == "docx":
        return write_atomically(out, lambda path: _write_docx(letter, landlord, path))
    if fmt == "txt":
        # Bytes, not text mode: the body must arrive exactly as stored, on any platform.
        data = letterhead_text(landlord).encode("utf-8") + letter.body.encode("utf-8")
    else:
        data = letter_markdown(letter, landlord).encode("utf-8")
    return write_atomically(out, lambda path: path.write_bytes(data))
