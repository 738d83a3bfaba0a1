"""Backups and restores of the SQLite file, safe while others work (the health check is
store.health).

A backup is SQLite's online backup API: a consistent copy of the last committed state,
taken page by page while other sessions go on reading and writing. Every copy is checked
(`PRAGMA integrity_check`) before it replaces anything.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from datetime import date, datetime
from pathlib import Path

SHARED_FILE_MODE = 0o660  # owner and group read and write; never everyone (issue 8)
SHARED_DIR_MODE = 0o2770  # setgid: files made inside keep the folder's group
KEEP_DAILY_BACKUPS = 14


class BackupError(RuntimeError):
    pass


def backups_dir(db_path: Path) -> Path:
    return Path(db_path).parent / "backups"


def make_private(path: Path, mode: int = SHARED_FILE_MODE) -> None:
    """Owner and group only. Best effort: a file we do not own keeps its mode."""
    try:
        os.chmod(path, mode)
    except (PermissionError, FileNotFoundError, NotImplementedError):
        pass


def _integrity(conn: sqlite3.Connection) -> str:
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(r[0] for r in rows)


def _copy(source: Path, target: Path) -> None:
    """Copy `source` to `target` through the backup API, via a checked temporary file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.partial")
    temporary.unlink(missing_ok=True)
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=15)) as src, closing(
            sqlite3.connect(temporary)
        ) as dst:
            src.backup(dst)
            # A backup file stands alone: no WAL beside it.
            dst.execute("PRAGMA journal_mode = DELETE")
            verdict = _integrity(dst)
        if verdict != "ok":
            raise BackupError(f"the copy failed its integrity check: {verdict}")
        make_private(temporary)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def backup(db_path: Path, target: Path) -> Path:
    """A consistent copy of the database at `target`; safe while others are working."""
    db_path, target = Path(db_path), Path(target)
    if not db_path.exists():
        raise BackupError(f"there is no database at {db_path}")
    if target.resolve() == db_path.resolve():
        raise BackupError("the backup cannot be the database itself")
    _copy(db_path, target)
    return target


def daily_backup(db_path: Path, today: date, keep: int = KEEP_DAILY_BACKUPS) -> Path | None:
    """Today's automatic backup in `backups/` beside the database, if not yet made; the
    oldest beyond `keep` are removed. Returns the new file, or None if there was one."""
    db_path = Path(db_path)
    folder = backups_dir(db_path)
    target = folder / f"{db_path.stem}-{today.isoformat()}.db"
    if target.exists():
        return None
    fresh = not folder.exists()
    backup(db_path, target)
    if fresh:
        make_private(folder, SHARED_DIR_MODE)
    dailies = sorted(folder.glob(f"{db_path.stem}-[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9].db"))
    for old in dailies[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return target


def _schema_of(path: Path) -> str | None:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        verdict = _integrity(conn)
        if verdict != "ok":
            raise BackupError(f"{path} is damaged: {verdict}")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "complaint" not in tables or "alembic_version" not in tables:
            raise BackupError(f"{path} is not a chc database")
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]


def restore(source: Path, db_path: Path, now: datetime | None = None) -> Path:
    """Replace the database's contents with a backup's. The current contents are first
    saved beside it (returned), so a restore can itself be undone. Other sessions see
    the restored records on their next read."""
    from store.migrate import known_revisions

    source, db_path = Path(source), Path(db_path)
    if not source.exists():
        raise BackupError(f"there is no backup at {source}")
    schema = _schema_of(source)
    if schema not in known_revisions():
        raise BackupError(f"{source} was written by a newer chc (schema {schema}); upgrade chc first")
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    saved = backups_dir(db_path) / f"{db_path.stem}-before-restore-{stamp}.db"
    if db_path.exists():
        backup(db_path, saved)
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src, closing(
        sqlite3.connect(db_path, timeout=15)
    ) as dst:
        src.backup(dst)  # one write transaction on the live file: others wait, then see it
        dst.execute("PRAGMA journal_mode = WAL")
    make_private(db_path)
    return saved
