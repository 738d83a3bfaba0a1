"""`chc personal-data`: a subject access export, residents due for anonymisation, and
anonymising one (issue 8, UK GDPR)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from chc_tui.terminal import terminal_safe
from chc_tui.wording import counted


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
    from chc_tui.steps import personal_data
    from chc_tui.rules.domain import StepRefused
    from store.engine import open_database

    db = open_database(path)
    try:
        if args.personal_command == "find":
            with db.read() as session:
                found = personal_data.find_residents(session, args.text)
            for resident in found:
                print(terminal_safe(f"{resident.id:>6}  {resident.name}  {resident.address}"))
            return 0 if found else 1
        if args.personal_command == "export":
            return _export(db, args.resident, args.out)
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
        return _anonymise(db, args.resident)
    except StepRefused as refused:
        for problem in refused.problems:
            print(f"chc personal-data: {problem.message}", file=sys.stderr)
        return 2
    finally:
        db.dispose()


def _export(db, resident_id: int, out: Path) -> int:
    """The export is written even when attached files are missing; each missing one is
    named, and the exit status says the export is incomplete."""
    from chc_tui.steps import personal_data
    from chc_tui.steps.correspondence import attachments_dir

    made = personal_data.write_subject_access(db, resident_id, out, attachments_dir(db.path))
    print(f"everything held about resident {resident_id} is in {made.path}")
    for name in made.missing:
        print(f"chc personal-data: warning: the attached file {name!r} is missing from the attachments folder; "
              f"it is listed under missing_attachments in {made.path}", file=sys.stderr)
    return 1 if made.missing else 0


def _anonymise(db, resident_id: int) -> int:
    from chc_tui.steps import personal_data
    from chc_tui.steps.correspondence import attachments_dir
    from store.backup import KEEP_DAILY_BACKUPS
    from store.personal import RemovedValuesRemain

    try:
        deleted = personal_data.anonymise_resident(db, resident_id, attachments_dir=attachments_dir(db.path))
    except RemovedValuesRemain as exc:
        print(f"chc personal-data: resident {resident_id} is anonymised, but {exc}; "
              "run this command again when no one else has chc open", file=sys.stderr)
        return 1
    print(f"resident {resident_id} anonymised; {counted(deleted, 'attached file')} deleted")
    if not db.is_server:
        print(f"Earlier backups still hold their details: remove them with chc backup prune --before "
              f"{date.today().isoformat()}, or they go as the last {KEEP_DAILY_BACKUPS} daily backups roll over.")
    return 0
