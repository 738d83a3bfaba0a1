"""Where the database lives. No SQLAlchemy here: `chc` resolves the path before the
app's first paint, and importing the ORM for it would cost half a second."""

from __future__ import annotations

import os
from pathlib import Path

from store.errors import DatabaseProblem

SQLITE_HEADER = b"SQLite format 3\x00"


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("chc-tui", appauthor=False)) / "complaints.db"


def is_url(target) -> bool:
    return isinstance(target, str) and "://" in target


def resolve_db_path(cli_path: str | os.PathLike | None) -> Path | str:
    """--db wins, then CHC_DATABASE_URL (a PostgreSQL server), then CHC_DB, then the
    user's data directory. A database URL is returned as the string it is."""
    if cli_path:
        return str(cli_path) if is_url(str(cli_path)) else Path(cli_path).expanduser()
    url = os.environ.get("CHC_DATABASE_URL")
    if url:
        return url
    env = os.environ.get("CHC_DB")
    if env:
        return Path(env).expanduser()
    return default_db_path()


def data_anchor_for_url(url: str) -> Path:
    """Where a server database keeps its files (attachments, letter templates): a path
    whose folder is CHC_DATA_DIR, or the user's data directory."""
    folder = os.environ.get("CHC_DATA_DIR")
    if folder:
        return Path(folder).expanduser() / "server.db"
    return default_db_path().with_name("server.db")


def check_database_file(path: Path, create: bool) -> None:
    """Refuse what is not a database before SQLite turns it into an empty one: a folder,
    an empty (0-byte) or foreign file, or, unless `create`, a path with nothing there
    (a mistyped --db or CHC_DB)."""
    path = Path(path)
    if path.is_dir():
        raise DatabaseProblem(f"{path} is a folder, not a database file; check --db or CHC_DB")
    if not path.exists():
        if create:
            return
        raise DatabaseProblem(
            f"there is no database at {path}; check --db or CHC_DB "
            "(start chc with that path to create a new one)"
        )
    try:
        with open(path, "rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise DatabaseProblem(f"cannot read {path}: {exc.strerror or exc}") from exc
    if not header:
        raise DatabaseProblem(
            f"{path} is an empty file, not a database (perhaps chc was stopped while creating it); "
            "if nothing should be in it, remove it and start chc again"
        )
    if header != SQLITE_HEADER:
        raise DatabaseProblem(f"{path} is not a chc database (it is not an SQLite file); check --db or CHC_DB")
