"""Where the database lives. No SQLAlchemy here: `chc` resolves the path before the
app's first paint, and importing the ORM for it would cost half a second."""

from __future__ import annotations

import os
from pathlib import Path


def default_db_path() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("chc-tui", appauthor=False)) / "complaints.db"


def resolve_db_path(cli_path: str | os.PathLike | None) -> Path:
    """--db wins, then CHC_DB, then the user's data directory."""
    if cli_path:
        return Path(cli_path).expanduser()
    env = os.environ.get("CHC_DB")
    if env:
        return Path(env).expanduser()
    return default_db_path()
