"""File names made from records (a complaint's reference, an attachment's name): a
reference imported from a spreadsheet may hold `/`, `..` or terminal escapes, and none of
them may choose where a file goes or what a terminal does when the name is listed."""

from __future__ import annotations

import re
import unicodedata

_UNSAFE = re.compile(r"[^\w.\- ]+")
# A terminal escape whole (CSI such as ESC[2J, OSC such as ESC]0;title BEL), so none of it
# is left behind as text once its ESC is gone.
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?")


def safe_file_stem(text: str, fallback: str = "file") -> str:
    """`text` with control characters, path separators and other punctuation replaced by
    `-`; never empty, never hidden (no leading dot), never `..`."""
    printable = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in _ESCAPE.sub("", text))
    stem = _UNSAFE.sub("-", printable).strip(" .-")
    return stem[:120] or fallback
