"""Where the database lives. No SQLAlchemy here: `chc` resolves the path before the
app's first paint, and importing the ORM for it would cost half a second."""

from __future__ import annotations

import os
from pathlib import Path


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
