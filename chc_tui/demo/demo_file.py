"""Where the demo database lives, and the one rule that keeps it away from real records:
the demo writes only a file it made itself (its mark is inside it) or a path where no file
is yet. Light at import (sqlite3 only): `chc --demo` checks this before the app's first
paint."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path

# The setting a finished demo build writes last: a real database never has it, and a build
# killed half-way never has it either, so neither is ever taken for today's demo.
DEMO_MARK = "demo_database_built_on"


class DemoRefused(RuntimeError):
    """The demo was asked to write over a file it did not make."""


def default_demo_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("chc-tui", appauthor=False)) / "demo.db"


def demo_built_on(path: Path) -> date | None:
    """The day a finished demo build wrote this file; None for anything else (a real
    database, another program's file, a half-built demo, no file)."""
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        # immutable: no -wal or -shm made beside someone's real database just to look. The
        # mark is in the main file itself (the build folds its WAL in before moving it).
        with closing(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)) as conn:
            row = conn.execute("SELECT value FROM setting WHERE key = ?", (DEMO_MARK,)).fetchone()
    except sqlite3.Error:
        return None
    try:
        return date.fromisoformat(row[0].strip('"')) if row else None
    except (TypeError, ValueError):
        return None


def check_demo_target(path: Path, *, is_default: bool) -> None:
    """Refuse, with the reason, any existing file the demo did not make. The default demo
    path is the demo's own: a file there from before the mark existed may be rebuilt."""
    path = Path(path)
    if not path.exists() or is_default or demo_built_on(path) is not None:
        return
    raise DemoRefused(
        f"{path} is not a demo database, so the demo will not write over it "
        "(it may hold real complaints). Choose a new file name for the demo, or leave out --db."
    )
