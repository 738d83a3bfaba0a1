"""`chc personal-data`: a subject access export, residents due for anonymisation, and
anonymising one (issue 8, UK GDPR)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from chc_tui.terminal import terminal_safe


def add_personal_data_parser(sub, with_db) -> None:
    parser = sub.add_parser("personal-data", parents=[with_db], help="subject access export and anonymisation (UK GDPR)")
    actions = parser.add_subparsers(dest="personal_command", required=True)
    find = actions.add_parser("find", parents=[with_db], help="residents whose name contains TEXT, with their ids")
    find.add_argument("text")
    export = actions.add_parser("export", parents=[with_db], help="everything held about one resident, as JSON")
    export.add_argument("resident", type=int, help="the resident's id (see find)")
    export.add_argument("--out", type=Path, required=True)
    actions.add_parser("due", parents=[with_db], help="residents past the retention period")
    anonymise = actions.add_parser("anonymise", parents=[with_db], help="anonymise one resident past the retention period")
    anonymise.add_argument("resident", type=int)
    anonymise.add_argument("--yes", action="store_true", help="do not ask")


def run_personal_data(args, path) -> int:
    from chc_tui import personal_data
    from chc_tui.domain import StepRefused
    from store.engine import open_database

    db = open_database(path)
    try:
        if args.personal_command == "find":
            from sqlmodel import select

            from store.models import Resident

            with db.read() as session:
                found = session.exec(select(Resident).where(Resident.name.contains(args.text))).all()  # type: ignore[attr-defined]
            for resident in found:
                print(terminal_safe(f"{resident.id:>6}  {resident.name}  {resident.address}"))
            return 0 if found else 1
        if args.personal_command == "export":
            attachments = None
            if db.path is not None:
                from chc_tui.correspondence import attachments_dir

                attachments = attachments_dir(db.path)
            out = personal_data.write_subject_access(db, args.resident, args.out, attachments)
            print(f"everything held about resident {args.resident} is in {out}")
            return 0
        if args.personal_command == "due":
            with db.read() as session:
                due = personal_data.due_for_anonymisation(session, date.today())
            for item in due:
                print(terminal_safe(f"{item.resident_id:>6}  {item.name}  last complaint closed {item.last_closed_on:%d/%m/%Y}"))
            if not due:
                print("No resident is past the retention period.")
            return 0
        if not args.yes:
            if not sys.stdin.isatty():
                print("chc personal-data anonymise: add --yes to anonymise without being asked", file=sys.stderr)
                return 2
            if input(f"Anonymise resident {args.resident}? This cannot be undone. Type yes: ").strip().lower() != "yes":
                print("Nothing changed.")
                return 1
        from chc_tui.correspondence import attachments_dir

        deleted = personal_data.anonymise_resident(db, args.resident, attachments_dir=attachments_dir(db.path))
        print(f"resident {args.resident} anonymised; {deleted} attached file(s) deleted")
        return 0
    except StepRefused as refused:
        for problem in refused.problems:
            print(f"chc personal-data: {problem.message}", file=sys.stderr)
        return 2
    finally:
        db.dispose()
