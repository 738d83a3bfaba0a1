"""`chc import` and `chc export`: moving in from a spreadsheet, and out to one.

    chc import complaints.xlsx --dry-run     list every problem and, per column, what would be
                                             stored as not known; write nothing
    chc import complaints.xlsx               import all rows, or none if any has a problem
    chc export --format xlsx --out all.xlsx  the same columns back

Exit status: 0 done, 2 problems (nothing imported) or a file that cannot be read.
While it runs, a progress line ("checked 12,000 rows") goes to stderr every few seconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from chc_tui.terminal import terminal_safe

FORMATS = ("csv", "xlsx")  # as chc_tui.spreadsheets.exporter's, kept here so `chc --help` stays light
PROGRESS_EVERY = 2.0  # seconds between progress lines


def add_import_parser(sub, with_db: argparse.ArgumentParser) -> argparse.ArgumentParser:
    command = sub.add_parser(
        "import",
        parents=[with_db],
        help="import complaints from a .csv or .xlsx spreadsheet (all rows or none)",
        description="Import the complaints kept in a spreadsheet: each row is replayed through the same "
        "steps a handler takes. All rows or none: any problem and nothing is written. Rows already "
        "imported are skipped, so importing the same file twice changes nothing. "
        "See 'Moving in from a spreadsheet' in the README for the columns.",
    )
    command.add_argument("file", metavar="FILE", help="a .csv or .xlsx file; the first row names the columns")
    command.add_argument("--dry-run", action="store_true", help="check every row and list the problems; write nothing")
    return command


def add_export_parser(sub, with_db: argparse.ArgumentParser) -> argparse.ArgumentParser:
    command = sub.add_parser(
        "export",
        parents=[with_db],
        help="write every complaint to a .csv or .xlsx in the columns chc import reads",
    )
    command.add_argument("--format", choices=FORMATS, help="default: from the --out file's suffix")
    command.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    return command


def run_import(args, path: Path | str) -> int:
    from chc_tui.spreadsheets.importer import SheetUnreadable, import_file
    from chc_tui.services import Services

    services = Services.open(path)
    try:
        try:
            report = import_file(
                services.db, Path(args.file), dry_run=args.dry_run, actor=services.actor, progress=_progress_lines()
            )
        except SheetUnreadable as exc:
            print(f"chc: {exc}", file=sys.stderr)
            return 2
        for note in report.notes:
            print(terminal_safe(note))
        if report.ignored_columns:
            print(terminal_safe(f"Columns left out (chc does not know them): {', '.join(report.ignored_columns)}"))
        for problem in report.problems:
            print(terminal_safe(f"chc: {problem}"), file=sys.stderr)
        for skipped in report.already:
            print(terminal_safe(skipped))
        if not report.problems:
            verb = "would be imported" if report.dry_run else "imported"
            for done in report.imported:
                print(terminal_safe(done.line(verb)))
            unknown = report.unknown_lines()
            if unknown:
                print("Not known (the sheet does not hold it), stored as not known, never filled in:"
                      if report.dry_run else "Stored as not known (the sheet did not hold it):")
                for line in unknown:
                    print(terminal_safe(f"  {line}"))
        print(report.summary(), file=sys.stderr if report.problems else sys.stdout)
        return 2 if report.problems else 0
    finally:
        services.db.dispose()


def _progress_lines():
    """A progress callback printing "checked 12,000 rows" to stderr, at most every PROGRESS_EVERY s."""
    last = time.monotonic()

    def show(progress) -> None:
        nonlocal last
        if time.monotonic() - last >= PROGRESS_EVERY:
            last = time.monotonic()
            print(f"chc: {progress}", file=sys.stderr, flush=True)

    return show


def run_export(args, path: Path | str) -> int:
    if isinstance(path, Path) and not path.exists():
        print(f"chc: no database at {path}", file=sys.stderr)
        return 2
    out = Path(args.out).expanduser()
    fmt = args.format or out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        print("chc: say --format csv or --format xlsx (or end --out with .csv or .xlsx)", file=sys.stderr)
        return 2
    if not out.parent.is_dir():
        print(f"chc: there is no folder {out.parent}", file=sys.stderr)
        return 2
    from chc_tui.spreadsheets.exporter import export
    from store.engine import open_database

    db = open_database(path)
    try:
        count = export(db, fmt, out)
    except OSError as exc:
        print(f"chc: could not write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
    print(f"{count} complaint{'s' if count != 1 else ''} written to {out}")
    return 0
