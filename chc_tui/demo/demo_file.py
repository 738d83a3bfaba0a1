"""Where the demo database lives, and the one rule that keeps it away from real records:
the demo writes only a file it made itself (its mark is inside it) or a path where no file
is yet. Light at import (sqlite3 only): `chc --demo` checks this before the app's first
paint."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Callable

# The setting a finished demo build writes last: a real database never has it, and a build
# killed half-way never has it either, so neither is ever taken for today's demo.
DEMO_MARK = "demo_database_built_on"


class DemoRefused(RuntimeError):
    """The demo was asked to write over a file it did not make."""


def default_demo_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("chc-tui", appauthor=False)) / "demo.db"


# Beside it, the release that built it (chc_tui.demo.prepared.release): a demo built today by
# the code before an upgrade is not today's demo of this code.
DEMO_RELEASE_MARK = "demo_database_built_by"


def _demo_marks(path: Path) -> dict[str, str]:
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        return {}
    try:
        # immutable: no -wal or -shm made beside someone's real database just to look. The
        # marks are in the main file itself (the build folds its WAL in before moving it).
        with closing(sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)) as conn:
            rows = conn.execute("SELECT key, value FROM setting WHERE key IN (?, ?)",
                                (DEMO_MARK, DEMO_RELEASE_MARK)).fetchall()
    except sqlite3.Error:
        return {}
    return {key: value.strip('"') for key, value in rows if isinstance(value, str)}


def demo_built_on(path: Path) -> date | None:
    """The day a finished demo build wrote this file; None for anything else (a real
    database, another program's file, a half-built demo, no file)."""
    try:
        return date.fromisoformat(_demo_marks(path)[DEMO_MARK])
    except (KeyError, ValueError):
        return None


def demo_is_current(path: Path, day: date, release: str) -> bool:
    """Whether this file is the demo for `day` built by `release` (a demo from before the
    release mark existed is not)."""
    marks = _demo_marks(path)
    return marks.get(DEMO_MARK) == day.isoformat() and marks.get(DEMO_RELEASE_MARK) == release


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


def put_demo_in_place(path: Path, make: Callable[[Path], None], *, is_default: bool) -> None:
    """Write a demo at `path` by `make`, which fills a file given its name: made beside `path`
    under a hidden name and moved into place only when finished, so a killed build never
    leaves a half-made demo where the next `chc --demo` would take it for today's. Refuses
    (DemoRefused) a file that is not a demo; `is_default` is for the demo's own path only."""
    path = Path(path)
    check_demo_target(path, is_default=is_default)
    for stale in path.parent.glob(f".{path.name}.building-*"):
        if not _still_running(stale):
            remove_database(stale)  # a build killed earlier: never reused, never left to fill the disk
    building = path.with_name(f".{path.name}.building-{os.getpid()}")
    try:
        make(building)
        remove_database(path)
        os.replace(building, path)
    finally:
        remove_database(building)


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _still_running(build: Path) -> bool:
    """Whether the process a hidden build file is named after is alive (two `chc --demo`
    started at once must not delete each other's build)."""
    try:
        os.kill(int(build.name.rsplit("-", 1)[1]), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:  # alive, someone else's
        return True
    return True
