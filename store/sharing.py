"""The modes of the files and folders chc creates, so that handlers who share one database
through a group can all write it (README, "Several handlers on one server").

Every file chc makes is for its owner and group only: 0660, whatever the umask. A folder is
0770, and keeps the setgid bit of a setgid folder above it (2770), so what is made inside
still belongs to the shared group. SQLite gives `-wal` and `-shm` the database file's own
mode, so a 0660 database means 0660 journals whoever opens it first.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

FILE_MODE = 0o660  # owner and group read and write; never everyone
DIR_MODE = 0o770
GROUP_RW = stat.S_IRGRP | stat.S_IWGRP


def is_shared_folder(folder: Path) -> bool:
    """A folder handlers share through a group: setgid, or writable by its group (but not
    by everyone, as /tmp is)."""
    try:
        mode = Path(folder).stat().st_mode
    except OSError:
        return False
    return bool(mode & stat.S_ISGID or (mode & stat.S_IWGRP and not mode & stat.S_IWOTH))


def _mine(info: os.stat_result) -> bool:
    return not hasattr(os, "getuid") or info.st_uid == os.getuid() or os.getuid() == 0


def settle(path: Path, folder: bool = False) -> None:
    """Give `path`, which this user made, the shared modes; in a shared folder, also the
    folder's group. Best effort: a file someone else owns keeps its mode (doctor says how
    to fix it)."""
    path = Path(path)
    try:
        info = path.stat()
        parent = path.parent.stat()
    except OSError:
        return
    if not _mine(info):
        return
    mode = FILE_MODE
    if folder:
        mode = DIR_MODE | (stat.S_ISGID if parent.st_mode & stat.S_ISGID else 0)
    try:
        if is_shared_folder(path.parent) and info.st_gid != parent.st_gid and hasattr(os, "chown"):
            os.chown(path, -1, parent.st_gid)  # allowed: the owner is in that group
        if stat.S_IMODE(info.st_mode) != mode:
            os.chmod(path, mode)
    except (PermissionError, NotImplementedError):
        pass


def make_folder(path: Path) -> Path:
    """`path` and any missing folders above it, each with the shared modes."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:  # another handler made it a moment ago
            continue
        settle(folder, folder=True)
    return path


def create_file(path: Path) -> bool:
    """Create an empty `path` with the shared modes; False if it was already there."""
    path = Path(path)
    make_folder(path.parent)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE))
    except FileExistsError:
        return False
    settle(path)
    return True


def database_files(db_path: Path) -> list[Path]:
    """The database and the journals SQLite keeps beside it."""
    db_path = Path(db_path)
    return [db_path, db_path.with_name(db_path.name + "-wal"), db_path.with_name(db_path.name + "-shm")]


def settle_database(db_path: Path) -> None:
    """In a shared folder, give the database and its journals that this user owns but that
    their group cannot write (made by an older chc, or under a stricter umask) the shared
    modes, so that another handler opening it next is not locked out."""
    db_path = Path(db_path)
    if not is_shared_folder(db_path.parent):
        return
    for path in database_files(db_path):
        try:
            info = path.stat()
        except OSError:
            continue
        if stat.S_IMODE(info.st_mode) & GROUP_RW != GROUP_RW or info.st_gid != db_path.parent.stat().st_gid:
            settle(path)
