"""Opening a stored attachment for the handler: with the desktop's own program where
there is a desktop, else (over SSH) as text in the app, else by saying where it is.

Standard library only, so screens may import it.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable


class AttachmentUnavailable(Exception):
    """The stored copy of an attachment is missing or no longer matches its checksum."""


MAX_VIEWER_BYTES = 2 * 1024 * 1024  # past this, text is a log dump nobody reads in a terminal


def desktop_opener() -> Callable[[Path], None] | None:
    """How this machine opens a file in its own program, or None when there is no desktop
    to open it on (an SSH session, a headless server)."""
    if sys.platform == "win32":
        return lambda path: os.startfile(path)  # type: ignore[attr-defined]
    if sys.platform == "darwin":
        if shutil.which("open"):
            return lambda path: _spawn(["open", str(path)])
        return None
    if (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and shutil.which("xdg-open"):
        return lambda path: _spawn(["xdg-open", str(path)])
    return None


def _spawn(command: list[str]) -> None:
    # Detached and silent: the opener's chatter must not scribble over the TUI.
    subprocess.Popen(
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def viewing_copy(stored: Path, original_name: str) -> Path:
    """A read-only copy under the original name in a fresh temporary folder. The stored
    file has no extension (its name is its checksum), so a desktop would not know what
    program to use; and a program saving its changes must never alter the record."""
    safe_name = Path(original_name).name or "attachment"
    folder = Path(tempfile.mkdtemp(prefix="chc-attachment-"))
    copy = folder / safe_name
    shutil.copyfile(stored, copy)
    copy.chmod(stat.S_IRUSR | stat.S_IRGRP)
    return copy


def as_text(path: Path) -> str | None:
    """The file's text if it is UTF-8 text small enough to read in a terminal, else None."""
    if path.stat().st_size > MAX_VIEWER_BYTES:
        return None
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\x00" in text:  # decodes, but is binary
        return None
    return text
