"""File names made from records (a complaint's reference, an attachment's name): a
reference imported from a spreadsheet may hold `/`, `..` or terminal escapes, and none of
them may choose where a file goes or what a terminal does when the name is listed."""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[^\w.\- ]+")
# A terminal escape whole (CSI such as ESC[2J, OSC such as ESC]0;title BEL), so none of it
# is left behind as text once its ESC is gone.
_ESCAPE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|.)?")
MAX_NAME_BYTES = 200  # below every common file system's 255-byte limit


def _without_controls(text: str, instead: str) -> str:
    return "".join(instead if unicodedata.category(ch)[0] == "C" else ch for ch in _ESCAPE.sub("", text))


def safe_file_stem(text: str, fallback: str = "file") -> str:
    """`text` with control characters, path separators and other punctuation replaced by
    `-`; never empty, never hidden (no leading dot), never `..`."""
    printable = _without_controls(text, " ")
    stem = _UNSAFE.sub("-", printable).strip(" .-")
    return stem[:120] or fallback


def safe_file_name(name: str) -> str:
    """A file's own name (an attachment's, suffix kept), safe to write and to show: no
    folder separators, no `..`, no control characters or terminal escape sequences, not
    hidden, not too long."""
    text = _without_controls(unicodedata.normalize("NFC", str(name)), "_")
    text = re.sub(r"[/\\]", "_", text)
    text = re.sub(r"\.{2,}", ".", text).strip().lstrip(".")
    while len(text.encode("utf-8")) > MAX_NAME_BYTES:
        text = text[:-1]
    return text or "attachment"
