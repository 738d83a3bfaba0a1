"""`chc doctor`'s checks of an SQLite database: is it a sound chc database, can every
handler who shares it write it, is there room and a recent backup, and has a stopped
backup, restore or attachment copy left anything behind. Each check says how to fix what
it finds; none of them changes anything, and none of them fails on a damaged file.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import quote

from store.backup import backups_dir
from store.errors import CORRUPT, DatabaseProblem, explain
from store.paths import check_database_file
from store.sharing import database_files, is_shared_folder, settle
from chc_tui.wording import counted

LOW_DISK_BYTES = 500 * 1024 * 1024
RESTORE = "the file is damaged: restore the latest good backup with chc restore FILE"


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def doctor(db_path: Path, today: date) -> list[Check]:
    """Integrity, schema version, file permissions and shared access, crash leftovers,
    free disk and the latest backup."""
    db_path = Path(db_path).absolute()  # the fix lines name whole paths
    try:
        check_database_file(db_path, create=False)
    except DatabaseProblem as problem:
        return [Check("database", False, str(problem)), *leftovers(db_path)]
    checks = _inside(db_path)
    checks += permissions(db_path)
    checks += leftovers(db_path)
    checks.append(_free_disk(db_path))
    checks.append(_backups(db_path, today))
    return checks


# --- what is inside -------------------------------------------------------------------------


def read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{quote(str(path))}?mode=ro", uri=True, timeout=15)


def _inside(db_path: Path) -> list[Check]:
    """Integrity, schema and journal mode; a file SQLite cannot read is reported, not raised."""
    journals = [p for p in database_files(db_path)[1:] if not p.exists()]
    try:
        return _read_inside(db_path)
    finally:
        # SQLite made the journals with the database's mode; a read-only close leaves them,
        # and one the group cannot write would lock the others out (issue 15).
        for made in (p for p in journals if p.exists()):
            settle(made)


def _read_inside(db_path: Path) -> list[Check]:
    try:
        with closing(read_only(db_path)) as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            verdict = "; ".join(str(r[0]) for r in rows)
            schema = _schema(conn)
            journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
            register = _your_place_on_the_register(conn) if verdict == "ok" else []
    except sqlite3.Error as exc:
        if explain(exc) == CORRUPT:
            return [Check("integrity", False, f"SQLite cannot read it ({exc}); {RESTORE}")]
        return [Check("integrity", False, f"not checked: SQLite could not open it ({exc}); see the checks below")]
    if verdict != "ok":
        return [Check("integrity", False, f"{verdict[:300]}; {RESTORE}")]
    return [Check("integrity", True, "ok"), _schema_check(schema), Check("journal", journal == "wal", f"journal_mode={journal}"),
            *register]


def _your_place_on_the_register(conn: sqlite3.Connection) -> list[Check]:
    """Whether this login may save (issue 17): who it is on the staff register, or who to ask."""
    import getpass

    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'staff_login'").fetchone():
        return []  # an older schema: the register is made when chc next opens it
    login = getpass.getuser()
    row = conn.execute(
        "SELECT s.display_name, s.roles, s.active_to FROM staff s JOIN staff_login l ON l.staff_id = s.id WHERE l.login = ?",
        (login,),
    ).fetchone()
    if row is None:
        anyone = conn.execute("SELECT 1 FROM staff LIMIT 1").fetchone()
        if not anyone:
            return [Check("staff register", True, f"empty: {login}, the first to save, becomes its first admin")]
        return [Check("staff register", False, f"the login {login} is not on it, so can read but not save; an admin adds "
                                               f"it: chc staff add --name \"Your Name\" --login {login} --role handler")]
    name, roles, active_to = row
    if active_to is not None:
        return [Check("staff register", False, f"{login} is {name}, deactivated after {active_to}: ask an admin")]
    return [Check("staff register", True, f"{login} is {name} ({roles})")]


def _schema(conn: sqlite3.Connection) -> str | None:
    try:
        return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except (sqlite3.DatabaseError, TypeError):
        return None


def _schema_check(schema: str | None) -> Check:
    from store.migrate import HEAD, known_revisions

    if schema == HEAD:
        return Check("schema", True, f"{schema}, this release's")
    if schema in known_revisions():
        return Check("schema", True, f"{schema}; upgraded to {HEAD} when chc next opens it")
    if schema is None:
        return Check("schema", False, "no chc schema version: this is not a chc database")
    return Check("schema", False, f"{schema!r}: written by a newer chc; upgrade chc before using it")


# --- who can write ---------------------------------------------------------------------------


def attachments_folder(db_path: Path) -> Path:
    return db_path.parent / f"{db_path.stem}-attachments"


def _shared_paths(db_path: Path) -> list[tuple[str, Path]]:
    names = ("database", "WAL", "shared memory")
    found = [(name, path) for name, path in zip(names, database_files(db_path)) if path.exists()]
    found.append(("database folder", db_path.parent))
    for name, folder in (("attachments", attachments_folder(db_path)), ("backups", backups_dir(db_path))):
        if folder.exists():
            found.append((name, folder))
    return found


def permissions(db_path: Path) -> list[Check]:
    """Nothing open to everyone; and, in a folder shared through a group, every member of
    that group able to write the database, its journals, attachments and backups."""
    checks = [_not_everyone(path, name) for name, path in _shared_paths(db_path) if name != "database folder"]
    checks += [_you_can_write(path, name) for name, path in _shared_paths(db_path)]
    if is_shared_folder(db_path.parent) and hasattr(os, "getuid"):
        group = _Group(db_path.parent.stat().st_gid)
        checks += [_group_can_write(path, name, group) for name, path in _shared_paths(db_path)]
    return checks


def _not_everyone(path: Path, what: str) -> Check:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & stat.S_IRWXO:
        return Check(f"{what} permissions", False,
                     f"{path} is open to everyone ({oct(mode)}); run: chmod -R o-rwx '{path}'")
    return Check(f"{what} permissions", True, f"{oct(mode)}, owner and group only")


def _you_can_write(path: Path, what: str) -> Check:
    import getpass

    needs = os.R_OK | os.W_OK | (os.X_OK if path.is_dir() else 0)
    if os.access(path, needs):
        return Check(f"{what} writable", True, "you can write it")
    owner, you = _owner(path), getpass.getuser()
    who = "run" if owner == you else f"ask {owner} or root to run"
    return Check(f"{what} writable", False,
                 f"you ({you}) cannot write {path} (owner {owner}, {oct(stat.S_IMODE(path.stat().st_mode))}); "
                 f"{who}: chmod {'2770' if path.is_dir() else '660'} '{path}'")


def _owner(path: Path) -> str:
    try:
        import pwd

        return pwd.getpwuid(path.stat().st_uid).pw_name
    except (ImportError, KeyError):
        return str(path.stat().st_uid)


class _Group:
    """The shared folder's group and its members (named in /etc/group, or theirs by default)."""

    def __init__(self, gid: int) -> None:
        import grp
        import pwd

        self.gid = gid
        try:
            self.name = grp.getgrgid(gid).gr_name
        except KeyError:
            self.name = str(gid)
        users = {user.pw_name: user for user in pwd.getpwall()}
        members = {name for name, user in users.items() if user.pw_gid == gid} | set(self._named(gid))
        self.members = sorted(members)
        self._uid = {name: users[name].pw_uid if name in users else None for name in self.members}
        self._primary = {name: users[name].pw_gid if name in users else None for name in self.members}
        self._groups: dict[int, set[str]] = {}

    @staticmethod
    def _named(gid: int) -> list[str]:
        import grp

        try:
            return list(grp.getgrgid(gid).gr_mem)
        except KeyError:
            return []

    def can(self, info: os.stat_result, user: str, needs: int) -> bool:
        """Whether `user` has every permission in `needs` (an rwx triple) on the file."""
        mode = stat.S_IMODE(info.st_mode)
        if self._uid[user] == 0:
            return True
        if self._uid[user] == info.st_uid:
            return (mode >> 6) & needs == needs
        if info.st_gid not in self._groups:
            self._groups[info.st_gid] = set(self._named(info.st_gid))
        if self._primary[user] == info.st_gid or user in self._groups[info.st_gid]:
            return (mode >> 3) & needs == needs
        return mode & needs == needs

    def blocked(self, info: os.stat_result) -> list[str]:
        needs = 0o7 if stat.S_ISDIR(info.st_mode) else 0o6
        return [user for user in self.members if not self.can(info, user, needs)]


def _walk(path: Path):
    yield path
    if path.is_dir():
        for folder, dirs, files in os.walk(path):
            for name in dirs + files:
                yield Path(folder) / name


def _blocked(path: Path, group: _Group, whole: bool) -> tuple[list[str], Path | None]:
    """Who cannot write `path` (a folder, with everything in it when `whole`), and the
    first such file."""
    blocked: set[str] = set()
    example = None
    for item in _walk(path) if whole else [path]:
        try:
            cannot = group.blocked(item.lstat())
        except OSError:
            continue
        if cannot:
            blocked |= set(cannot)
            example = example or item
    return sorted(blocked), example


def _group_can_write(path: Path, what: str, group: _Group) -> Check:
    name = f"{what} shared"
    whole = what != "database folder"
    blocked, example = _blocked(path, group, whole)
    if example is not None:
        return Check(name, False, f"{', '.join(blocked)} cannot write {example} (it is not group-writable "
                                  f"for {group.name}); as root, run: {fix_line(path, group.name, whole)}")
    if path.is_dir() and not path.stat().st_mode & stat.S_ISGID:
        return Check(name, False, f"{path} is not setgid, so what other programs make in it will not keep "
                                  f"the group {group.name}; as root, run: chmod g+s '{path}'")
    return Check(name, True, f"every member of {group.name} ({', '.join(group.members)}) can write it")


def fix_line(path: Path, group: str, whole: bool = True) -> str:
    """The exact command that gives `path` (a folder: all of it, when `whole`) to the
    shared group."""
    if path.is_dir() and not whole:
        return f"chgrp {group} '{path}' && chmod 2770 '{path}'"
    if path.is_dir():
        return (f"chgrp -R {group} '{path}' && chmod -R g+rwX,o-rwx '{path}' && "
                f"find '{path}' -type d -exec chmod g+s {{}} +")
    return f"chgrp {group} '{path}' && chmod 660 '{path}'"


# --- what a stopped run left behind ----------------------------------------------------------


def leftovers(db_path: Path) -> list[Check]:
    """Hidden copies a killed backup, restore or attachment copy left: each as big as what
    it copied, and holding residents' personal data."""
    found: list[Path] = []
    for folder in (db_path.parent, backups_dir(db_path)):
        if folder.is_dir():
            found += sorted(folder.glob(".*.partial*"))
    attachments = attachments_folder(db_path)
    if attachments.is_dir():
        found += sorted(attachments.rglob(".incoming-*"))
    if not found:
        return [Check("leftovers", True, "no copy left by a stopped backup, restore or attachment")]
    paths = " ".join(f"'{p}'" for p in found)
    return [Check("leftovers", False,
                  f"{counted(len(found), 'file')} left by a backup, restore or attachment copy that was stopped, "
                  f"holding personal data; when no backup or restore is running, run: rm -f {paths}")]


# --- room and backups ------------------------------------------------------------------------


def _free_disk(db_path: Path) -> Check:
    free = shutil.disk_usage(db_path.parent).free
    return Check("free disk", free >= LOW_DISK_BYTES, f"{free // (1024 * 1024)} MB free")


def _backups(db_path: Path, today: date) -> Check:
    dailies = sorted(backups_dir(db_path).glob(f"{db_path.stem}-[0-9]*.db"))
    if not dailies:
        return Check("backups", False, f"no backup in {backups_dir(db_path)}; run: chc backup --auto")
    newest = max(dailies, key=lambda p: p.stat().st_mtime)
    age = (today - date.fromtimestamp(newest.stat().st_mtime)).days
    return Check("backups", age <= 1, f"newest {newest.name}, {counted(age, 'day')} old")
