"""`chc self-assessment ...`: the yearly self-assessment from the command line.

    chc self-assessment export --year 2024 --format csv|md|docx|xlsx --out FILE [--db PATH]

2024 means the financial year 1 April 2024 to 31 March 2025. Kept light at import, like
chc_tui.cli.main: the database and the writers load only when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

FORMATS = ("csv", "md", "docx", "xlsx")  # as chc_tui.documents.assessment_export.FORMATS, without importing it


def add_self_assessment_parser(sub, with_db: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add `self-assessment` and its actions to the `chc` sub-parsers."""
    parser = sub.add_parser("self-assessment", help="the yearly self-assessment against the Code (8.1-8.4)")
    actions = parser.add_subparsers(dest="assessment_command", metavar="ACTION", required=True)
    export = actions.add_parser(
        "export",
        parents=[with_db],
        help="write the year's self-assessment in the Ombudsman's layout",
        description="Write the self-assessment in the Ombudsman's layout: Code provision | Code requirement | "
        "Comply: Yes/No | Evidence | Commentary/explanation, with the evidence the records show.",
    )
    export.add_argument("--year", type=int, required=True, help="the financial year's start: 2024 means 1 April 2024 to 31 March 2025")
    export.add_argument("--format", dest="fmt", choices=FORMATS, help="default: from the extension of --out")
    export.add_argument("--out", required=True, metavar="FILE", help="the file to write")
    return parser


def run_self_assessment(args, path: Path) -> int:
    """Run `chc self-assessment ACTION` on the database at `path`."""
    if args.assessment_command == "export":
        return _export(args, path)
    return 2  # argparse makes ACTION required; nothing else reaches here


def _export(args, path: Path) -> int:
    from chc_tui.steps.assessment import FIRST_YEAR, last_year_allowed, year_label
    from chc_tui.documents.assessment_export import export, format_for

    today = date.today()
    last = last_year_allowed(today)
    if not FIRST_YEAR <= args.year <= last:
        print(f"chc: --year must be {FIRST_YEAR} to {last} (2024 means 1 April 2024 to 31 March 2025)", file=sys.stderr)
        return 2
    try:
        fmt = format_for(Path(args.out), args.fmt)
    except ValueError as exc:
        print(f"chc: {exc}; give --format", file=sys.stderr)
        return 2
    if not path.exists():
        print(f"chc: no database at {path}", file=sys.stderr)
        return 1
    from store.engine import open_database

    db = open_database(path)
    try:
        written = export(db, args.year, Path(args.out), fmt, today=today)
    except OSError as exc:
        print(f"chc: could not write {args.out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        db.dispose()
    print(f"self-assessment {year_label(args.year)} written to {written} ({fmt})")
    return 0
