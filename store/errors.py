"""What went wrong with the database, in plain English, in one place.

Commands print `chc: <message>` and screens show the same message: a handler is told what
happened and what to do, never shown a traceback (issue 15, item 8). No SQLAlchemy or
Textual import here, so both the CLI and the screens can use it cheaply.
"""

from __future__ import annotations

import errno
import sqlite3
from typing import Iterator

BUSY = "the database is busy (another handler or an import is saving); try again in a moment"
READ_ONLY = (
    "the database is read-only for you (SQLite must write the file and its folder, even to read); "
    "run chc doctor to see which file or folder you cannot write and how to fix it"
)
DISK_FULL = "the disk holding the database is full, so nothing was saved; free some space and try again"
DISK_IO = (
    "the database file could not be read or written (disk I/O error); "
    "check the disk, then run chc doctor"
)
DAMAGED_FIX = "Run chc doctor, and restore the latest good backup with chc restore FILE"
CORRUPT = f"the database file is damaged or is not a chc database; {DAMAGED_FIX[0].lower()}{DAMAGED_FIX[1:]}"
CANNOT_OPEN = (
    "the database file cannot be opened (its folder is missing or you may not use it); "
    "check the path given with --db or CHC_DB"
)


class DatabaseProblem(Exception):
    """A database problem a handler can act on. str(exc) is the one-line message."""


# SQLite's primary result codes (the low byte of an extended code), as Python 3.11 reports
# them on sqlite3 errors; the message text is the fall-back for older drivers.
_BY_CODE = {
    5: BUSY,  # SQLITE_BUSY
    6: BUSY,  # SQLITE_LOCKED
    8: READ_ONLY,  # SQLITE_READONLY
    10: DISK_IO,  # SQLITE_IOERR
    11: CORRUPT,  # SQLITE_CORRUPT
    13: DISK_FULL,  # SQLITE_FULL
    14: CANNOT_OPEN,  # SQLITE_CANTOPEN
    26: CORRUPT,  # SQLITE_NOTADB
}
_BY_TEXT = (
    ("database is locked", BUSY),
    ("database table is locked", BUSY),
    ("database is busy", BUSY),
    ("readonly database", READ_ONLY),
    ("read-only", READ_ONLY),
    ("database or disk is full", DISK_FULL),
    ("disk i/o error", DISK_IO),
    ("file is not a database", CORRUPT),
    ("database disk image is malformed", CORRUPT),
    ("unable to open database file", CANNOT_OPEN),
)
_BY_ERRNO = {
    errno.ENOSPC: DISK_FULL,
    errno.EDQUOT: DISK_FULL,
    errno.EROFS: READ_ONLY,
    errno.EIO: DISK_IO,
}


def _causes(exc: BaseException | None) -> Iterator[BaseException]:
    """The exception, what it wraps (SQLAlchemy's .orig) and what caused it."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        orig = getattr(exc, "orig", None)
        if isinstance(orig, BaseException) and id(orig) not in seen:
            yield orig
            seen.add(id(orig))
        exc = exc.__cause__ or exc.__context__


def _explain_one(exc: BaseException) -> str | None:
    if isinstance(exc, DatabaseProblem):
        return str(exc)
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", None)
        if code is not None and (code & 0xFF) in _BY_CODE:
            return _BY_CODE[code & 0xFF]
        text = str(exc).lower()
        for fragment, message in _BY_TEXT:
            if fragment in text:
                return message
        return None
    if isinstance(exc, OSError) and exc.errno in _BY_ERRNO:
        return _BY_ERRNO[exc.errno]
    return None


def explain(exc: BaseException) -> str | None:
    """The plain-English message for a database problem, or None for anything else
    (a bug, which the caller logs with its traceback)."""
    for link in _causes(exc):
        message = _explain_one(link)
        if message is not None:
            return message
    return None
