"""Backups and restores of the SQLite file, safe while others work (the health check is
store.health).

A backup is SQLite's online backup API: a consistent copy of the last committed state,
taken page by page while other sessions go on reading and writing. Every copy is checked
(`PRAGMA integrity_check`) before it replaces anything, and a restore is refused unless
the file is exactly the schema its revision's migrations make: no triggers, no views, no
table, index or column chc does not know.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import tempfile
import time
from contextlib import closing, contextmanager
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Iterator

try:
    import fcntl
except ImportError:  # Windows: partials are judged stale by age instead
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

SHARED_FILE_MODE = 0o660  # owner and group read and write; never everyone (issue 8)
SHARED_DIR_MODE = 0o2770  # setgid: files made inside keep the folder's group
KEEP_DAILY_BACKUPS = 14
STALE_WITHOUT_LOCKS_SECONDS = 24 * 3600  # where there is no flock to ask
JUST_CREATED_SECONDS = 60


class BackupError(RuntimeError):
    pass


class CopyUnderWay(BackupError):
    """Another session is writing the same copy right now."""


def backups_dir(db_path: Path) -> Path:
    return Path(db_path).parent / "backups"


def _backups_folder(db_path: Path) -> Path:
    """`backups/` beside the database, made owner-and-group-only (setgid) when new."""
    folder = backups_dir(db_path)
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True)
        make_private(folder, SHARED_DIR_MODE)
    return folder


def make_private(path: Path, mode: int = SHARED_FILE_MODE) -> None:
    """Owner and group only. Best effort: a file we do not own keeps its mode."""
    try:
        os.chmod(path, mode)
    except (PermissionError, FileNotFoundError, NotImplementedError):
        pass


def _integrity(conn: sqlite3.Connection) -> str:
    rows = conn.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(r[0] for r in rows)


# --- partial copies --------------------------------------------------------------------------
#
# Every copy is written to a hidden `.NAME.partial` beside its target and renamed into place
# only once checked. The writer holds an flock on the partial for as long as it writes, so
# the next backup or restore can tell a partial left by a killed run (no lock: deleted) from
# one still being written by someone else (locked: left alone).

PARTIAL_SUFFIX = ".partial"


def _partial_for(target: Path) -> Path:
    return target.with_name(f".{target.name}{PARTIAL_SUFFIX}")


@contextmanager
def _partial(target: Path) -> Iterator[Path]:
    """A fresh, locked, owner-and-group-only partial for `target`; removed on the way out
    unless it was renamed into place."""
    temporary = _partial_for(target)
    _remove_if_stale(temporary)
    try:
        fd = os.open(temporary, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CopyUnderWay(f"another session is writing {target} now; try again when it has finished") from None
    try:
        make_private(temporary)  # before a single page of personal data is in it
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        yield temporary
    finally:
        for leftover in (temporary, temporary.with_name(temporary.name + "-journal")):
            leftover.unlink(missing_ok=True)
        os.close(fd)  # after SQLite has closed it: closing a file drops every POSIX lock on it


def _remove_if_stale(partial: Path) -> bool:
    """Delete a partial (and its journal) that no running copy holds; True if removed."""
    try:
        fd = os.open(partial, os.O_RDONLY)
    except FileNotFoundError:
        return False
    except OSError as exc:  # another user's partial we cannot even read: leave it to them
        log.warning("could not check %s: %s", partial, exc)
        return False
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False  # still being written
            info = os.fstat(fd)
            journal = partial.with_name(partial.name + "-journal")
            if info.st_size == 0 and not journal.exists() and time.time() - info.st_mtime < JUST_CREATED_SECONDS:
                return False  # made this instant, its writer not yet holding the lock; empty
        elif time.time() - os.fstat(fd).st_mtime < STALE_WITHOUT_LOCKS_SECONDS:
            return False
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            leftover.unlink(missing_ok=True)
        log.info("removed %s, left by a backup or restore that did not finish", partial)
        return True
    finally:
        os.close(fd)


def clear_stale_partials(*folders: Path) -> list[Path]:
    """Remove the partial copies crashed or killed runs left in these folders."""
    removed = []
    for folder in dict.fromkeys(Path(f) for f in folders):
        if folder.is_dir():
            removed += [p for p in sorted(folder.glob(f".*{PARTIAL_SUFFIX}")) if _remove_if_stale(p)]
    return removed


def _copy(source: Path, target: Path) -> None:
    """Copy `source` to `target` through the backup API, via a checked temporary file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with _partial(target) as temporary:
        _copy_pages(source, temporary)
        make_private(temporary)
        os.replace(temporary, target)


def _copy_pages(source: Path, target: Path) -> None:
    """The backup API from `source` (read only) into `target`, which then stands alone
    (no WAL beside it) and must pass the integrity check."""
    try:
        with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=15)) as src, closing(
            sqlite3.connect(target)
        ) as dst:
            src.backup(dst)
            dst.execute("PRAGMA journal_mode = DELETE")
            verdict = _integrity(dst)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} could not be copied: {exc}") from exc
    if verdict != "ok":
        raise BackupError(f"the copy of {source} failed its integrity check: {verdict}")


def backup(db_path: Path, target: Path) -> Path:
    """A consistent copy of the database at `target`; safe while others are working."""
    db_path, target = Path(db_path), Path(target)
    if not db_path.exists():
        raise BackupError(f"there is no database at {db_path}")
    if target.resolve() == db_path.resolve():
        raise BackupError("the backup cannot be the database itself")
    clear_stale_partials(backups_dir(db_path), db_path.parent, target.parent)
    _copy(db_path, target)
    return target


def _daily_name(db_path: Path, day: date) -> str:
    return f"{db_path.stem}-{day.isoformat()}.db"


def daily_backup(db_path: Path, today: date, keep: int = KEEP_DAILY_BACKUPS) -> Path | None:
    """Today's automatic backup in `backups/` beside the database, if not yet made; the
    oldest beyond `keep` are removed. Returns the new file, or None if there was one."""
    db_path = Path(db_path)
    target = backups_dir(db_path) / _daily_name(db_path, today)
    if target.exists():
        return None
    if not db_path.exists():
        raise BackupError(f"there is no database at {db_path}")
    _backups_folder(db_path)
    try:
        backup(db_path, target)
    except CopyUnderWay:
        return None  # another handler's session, starting at the same moment, is making it
    dailies = sorted(path for _, path, daily in _dated_backups(db_path) if daily)
    for old in dailies[:-keep] if keep > 0 else []:
        old.unlink(missing_ok=True)
    return target


def _dated_backups(db_path: Path) -> list[tuple[date, Path, bool]]:
    """The daily and before-restore backups of this database, with the day each was made
    (read from its name, which a copy or a touch does not change) and whether it is a
    daily one."""
    stem = re.escape(db_path.stem)
    named = re.compile(rf"{stem}-(?:(\d{{4}}-\d{{2}}-\d{{2}})|before-restore-(\d{{8}})-\d{{6}})\.db")
    found = []
    for path in backups_dir(db_path).glob(f"{db_path.stem}-*.db"):
        match = named.fullmatch(path.name)
        if match is None:
            continue
        daily, restored = match.groups()
        try:
            day = date.fromisoformat(daily) if daily else datetime.strptime(restored, "%Y%m%d").date()
        except ValueError:
            continue
        found.append((day, path, daily is not None))
    return found


def prune(db_path: Path, before: date) -> list[Path]:
    """Delete the daily and before-restore backups made before `before` (after an
    anonymisation, so the removed details are not kept in old copies)."""
    db_path = Path(db_path)
    old = sorted(path for day, path, _ in _dated_backups(db_path) if day < before)
    for path in old:
        path.unlink(missing_ok=True)
    clear_stale_partials(backups_dir(db_path))
    return old


# --- restore ---------------------------------------------------------------------------------


def _schema_version(conn: sqlite3.Connection, path: Path) -> str:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "complaint" not in tables or "alembic_version" not in tables:
        raise BackupError(f"{path} is not a chc database")
    versions = [r[0] for r in conn.execute("SELECT version_num FROM alembic_version")]
    if len(versions) != 1:
        raise BackupError(f"{path} is refused: its alembic_version holds {len(versions)} rows, not 1")
    return versions[0]


def _schema_of(path: Path) -> str:
    """The schema revision of a chc database that passes the integrity check."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            verdict = _integrity(conn)
            if verdict != "ok":
                raise BackupError(f"{path} is damaged: {verdict}")
            return _schema_version(conn, path)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a chc database ({exc})") from exc


def restore(source: Path, db_path: Path, now: datetime | None = None) -> Path:
    """Replace the database's contents with a backup's. The current contents are first
    saved beside it (returned), so a restore can itself be undone. Other sessions see
    the restored records on their next read.

    The backup is first copied to a private partial and that copy is checked (integrity,
    and every table, index and column against the schema its revision's migrations make),
    so what is checked is what is restored. The live file is then replaced in one write
    transaction: a restore killed at any moment leaves the database as it was or as the
    backup, never a mixture."""
    source, db_path = Path(source), Path(db_path)
    if not source.exists():
        raise BackupError(f"there is no backup at {source}")
    folder = _backups_folder(db_path)
    clear_stale_partials(folder, db_path.parent)
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    with _partial(folder / f"{db_path.stem}-restoring-{stamp}.db") as staged:
        _copy_pages(source, staged)
        _check_restorable(staged, source)
        saved = folder / f"{db_path.stem}-before-restore-{stamp}.db"
        if db_path.exists():
            backup(db_path, saved)
        _replace_contents(staged, db_path)
    make_private(db_path)
    return saved


def _check_restorable(copy: Path, named: Path) -> None:
    from store.migrate import known_revisions

    schema = _schema_of(copy)
    if schema not in known_revisions():
        raise BackupError(f"{named} was written by a newer chc (schema {schema}); upgrade chc first")
    with closing(sqlite3.connect(f"file:{copy}?mode=ro", uri=True)) as conn:
        problems = schema_problems(_schema_objects(conn), reference_schema(schema), schema)
    if problems:
        shown = "; ".join(problems[:3]) + (f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
        raise BackupError(f"{named} is refused: {shown}")


def _replace_contents(staged: Path, db_path: Path) -> None:
    try:
        with closing(sqlite3.connect(f"file:{staged}?mode=ro", uri=True)) as src, closing(
            sqlite3.connect(db_path, timeout=15)
        ) as dst:
            src.backup(dst)  # one write transaction on the live file: others wait, then see it
            dst.execute("PRAGMA journal_mode = WAL")
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{db_path} was not changed: {exc}") from exc


# --- the schema a revision's migrations make ----------------------------------------------------

SchemaObjects = dict[tuple[str, str], tuple[str, str]]  # (type, name) -> (table, normalised SQL)


def _normalised(sql: str | None) -> str:
    """SQL with the differences that mean nothing (case, quoting, spacing) taken out."""
    if sql is None:
        return ""  # an index SQLite made itself for a UNIQUE or PRIMARY KEY
    text = re.sub(r"[\"`\[\]]", "", sql.lower())
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"\s*([(),])\s*", r"\1", text).strip()


def _search_index_object(kind: str, name: str) -> bool:
    from store import search_index

    return (kind == "table" and name in search_index.index_tables()) or (
        kind == "trigger" and name in search_index.trigger_names())


def _search_index_made_elsewhere(kind: str, name: str, sql: str) -> bool:
    """The search's index, in a file made where SQLite has the trigram tokenizer, restored
    where it has not (so the reference schema has none): its triggers exactly as chc makes
    them (opening the file drops them, store.search_index.keep); its tables hold only the
    index."""
    from store import search_index

    if kind == "table":
        return name in search_index.index_tables()
    if kind != "trigger" or name not in search_index.trigger_names():
        return False
    made = {made_name: made_sql for index in search_index.INDEXED
            for made_name, made_sql in search_index.trigger_sql(index).items()}
    return sql == _normalised(made[name])


def _schema_objects(conn: sqlite3.Connection) -> SchemaObjects:
    rows = conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
    # sqlite_sequence and ANALYZE's sqlite_stat tables are SQLite's own; no one else may
    # name a table sqlite_...
    return {(kind, name): (table, _normalised(sql)) for kind, name, table, sql in rows
            if not (kind == "table" and name.startswith("sqlite_"))}


@lru_cache(maxsize=None)
def reference_schema(revision: str) -> SchemaObjects:
    """What Alembic's migrations make at `revision`, from an empty file (once per revision
    per process)."""
    from store.engine import make_engine
    from store.migrate import upgrade

    with tempfile.TemporaryDirectory(prefix="chc-schema-") as folder:
        path = Path(folder) / "reference.db"
        engine = make_engine(path)
        try:
            upgrade(engine, revision)
        finally:
            engine.dispose()
        with closing(sqlite3.connect(path)) as conn:
            return _schema_objects(conn)


def schema_problems(found: SchemaObjects, expected: SchemaObjects, revision: str) -> list[str]:
    """Each way `found` differs from schema `revision`, one short phrase each: what is
    there that should not be, the tables that are missing, then what is defined otherwise."""
    problems = []
    for (kind, name), (table, sql) in sorted(found.items()):
        if (kind, name) in expected:
            continue  # compared below
        if _search_index_made_elsewhere(kind, name, sql):
            continue
        if kind in ("trigger", "view"):  # chc's only triggers keep the search's index (0023)
            problems.append(f"it has a {kind} {name!r} on {table!r} that chc does not make")
        else:
            problems.append(f"it has a {kind} {name!r} that chc does not know")
    # The search's index may be absent (made by a SQLite without the trigram tokenizer):
    # opening the file builds it (store.search_index.keep).
    expected = {key: value for key, value in expected.items() if key in found or not _search_index_object(*key)}
    missing = sorted(name for kind, name in expected if kind == "table" and (kind, name) not in found)
    if missing:
        problems.append(f"it has no table {', '.join(map(repr, missing))}, which schema {revision} has")
    for (kind, name), (table, sql) in sorted(expected.items(), key=lambda item: item[0][0] != "table"):
        if table in missing:
            continue  # said above
        if (kind, name) not in found:
            problems.append(f"it has no {kind} {name!r}, which schema {revision} has")
        elif found[(kind, name)] != (table, sql):
            problems.append(f"its {kind} {name!r} is not defined as schema {revision} defines it")
    return problems
