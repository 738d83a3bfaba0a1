"""`chc backup`, `chc restore` and `chc doctor` (issue 8): the database's safety net."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from chc_tui.cli.args import date_arg as _date_arg
from chc_tui.wording import counted


def add_backup_parsers(sub, with_db) -> None:
    backup = sub.add_parser("backup", parents=[with_db], help="copy the database safely while others work")
    backup.add_argument("file", nargs="?",
                        help="where to write the copy; or prune, to delete backups made before --before")
    backup.add_argument("--auto", action="store_true",
                        help="today's automatic backup in backups/ beside the database, keeping the last 14")
    backup.add_argument("--before", type=_date_arg, metavar="DATE",
                        help="with prune: delete the daily and before-restore backups made before DATE")
    restore = sub.add_parser("restore", parents=[with_db], help="replace the database's contents with a backup's")
    restore.add_argument("file", type=Path)
    restore.add_argument("--yes", action="store_true", help="do not ask")
    sub.add_parser("doctor", parents=[with_db], help="integrity, schema, permissions, free disk, backups")


PRUNE = "prune"  # `chc backup prune --before DATE`; a copy to a file of that name: ./prune


SERVER = "this is a PostgreSQL database: back it up with the server's own tools (pg_dump / pg_restore)"


def run_backup(args, path: Path) -> int:
    from store.backup import BackupError, backup, daily_backup

    if isinstance(path, str):
        print(f"chc backup: {SERVER}", file=sys.stderr)
        return 2
    if (args.file == PRUNE) != (args.before is not None):
        print("chc backup: prune needs --before DATE, and --before goes only with prune", file=sys.stderr)
        return 2
    try:
        if args.file == PRUNE:
            return _prune(path, args.before)
        if args.auto:
            made = daily_backup(path, date.today())
            print(f"backed up to {made}" if made else "today's backup was already made")
            return 0
        if args.file is None:
            print("chc backup: say where to write the copy (chc backup FILE), or use --auto", file=sys.stderr)
            return 2
        print(f"backed up to {backup(path, Path(args.file))}")
        return 0
    except (BackupError, OSError) as exc:
        print(f"chc backup: {exc}", file=sys.stderr)
        return 2


def _prune(path: Path, before: date) -> int:
    from store.backup import backups_dir, prune

    removed = prune(path, before)
    for old in removed:
        print(f"deleted {old}")
    print(f"{counted(len(removed), 'backup')} made before {before:%d/%m/%Y} deleted from {backups_dir(path)}")
    return 0


def run_restore(args, path: Path) -> int:
    from store.backup import BackupError, restore

    if isinstance(path, str):
        print(f"chc restore: {SERVER}", file=sys.stderr)
        return 2
    if not args.yes:
        if not sys.stdin.isatty():
            print("chc restore: add --yes to replace the database without being asked", file=sys.stderr)
            return 2
        answer = input(f"Replace everything in {path} with {args.file}? Type yes: ")
        if answer.strip().lower() != "yes":
            print("Nothing changed.")
            return 1
    try:
        saved = restore(args.file, path)
    except (BackupError, OSError) as exc:
        print(f"chc restore: {exc}", file=sys.stderr)
        return 2
    # A restored older backup is brought to this release's schema now, not at next start.
    from store.engine import open_database

    open_database(path).dispose()
    print(f"restored {path} from {args.file}; what it held before is in {saved}")
    return 0


def run_doctor(path: Path) -> int:
    from chc_tui.log import log_path
    from chc_tui.terminal import terminal_safe
    from store.health import doctor

    if isinstance(path, str):
        return _doctor_server(path)
    checks = doctor(path, date.today())
    for check in checks:
        print(f"{'ok  ' if check.ok else 'FAIL'}  {check.name:<24} {terminal_safe(check.detail)}")
    print(f"{'':<4}  {'log':<24} {log_path()} (send it with any report of a problem)")
    return 0 if all(c.ok for c in checks) else 1


def _doctor_server(url: str) -> int:
    from store.engine import open_database
    from store.migrate import HEAD, current_revision

    try:
        db = open_database(url)
        schema = current_revision(db.engine)
        db.dispose()
    except Exception as exc:
        print(f"FAIL  {'connection':<24} {exc}")
        return 1
    print(f"ok    {'connection':<24} {url.split('@')[-1]}")
    print(f"{'ok  ' if schema == HEAD else 'FAIL'}  {'schema':<24} {schema}")
    print(f"ok    {'backups':<24} {SERVER}")
    return 0 if schema == HEAD else 1
