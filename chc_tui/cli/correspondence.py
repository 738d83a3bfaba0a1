"""`chc note`: record a letter, call, email, meeting or note on a complaint (Code 5.12),
with any files that came with it.

    chc note CHC-2026-0001 --kind call --direction in --party resident \\
        --summary "Says the roofer did not come" [--on DATE] [--party-name N] [--file PATH ...]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chc_tui.cli.args import date_arg as _date_arg

# As chc_tui.steps.correspondence's, kept here so `chc --help` stays light.
KINDS = ("letter", "call", "email", "meeting", "note")
DIRECTIONS = ("in", "out", "internal")
PARTIES = ("resident", "representative", "contractor", "ombudsman", "other")

# use-case field -> the option that sets it, for problems the handler can act on
OPTION_FOR = {
    "happened_on": "--on",
    "kind": "--kind",
    "direction": "--direction",
    "party": "--party",
    "party_name": "--party-name",
    "summary": "--summary",
    "files": "--file",
}




def add_note_parser(sub, with_db: argparse.ArgumentParser) -> argparse.ArgumentParser:
    note = sub.add_parser(
        "note",
        parents=[with_db],
        help="record a letter, call, email, meeting or note on a complaint (Code 5.12)",
        description="Record a letter, call, email, meeting or internal note on a complaint (Code 5.12). "
        "Files given with --file are copied into the store next to the database, with a checksum.",
    )
    note.add_argument("reference", metavar="REF", help="the complaint's reference")
    note.add_argument("--kind", choices=KINDS, required=True)
    note.add_argument("--direction", choices=DIRECTIONS, help="default: internal for a note")
    note.add_argument("--party", choices=PARTIES, help="who it was with (not needed for a note)")
    note.add_argument("--party-name", default="", metavar="NAME", help="their name")
    note.add_argument("--summary", default="", help="what was said or done")
    note.add_argument("--on", type=_date_arg, metavar="DATE", help="when it happened (default: today)")
    note.add_argument(
        "--file", dest="files", action="extend", nargs="+", default=[], metavar="PATH",
        help="a file to attach; repeat or list several",
    )
    return note


def run_note(args, path: Path) -> int:
    if not path.exists():
        print(f"chc: no database at {path}", file=sys.stderr)
        return 2

    from chc_tui.rules.domain import StepRefused
    from chc_tui.services import Services

    services = Services.open(path)
    try:
        try:
            new_id = services.record_correspondence(
                args.reference,
                happened_on=args.on or services.today,
                kind=args.kind,
                direction=args.direction or "",
                party=args.party or "",
                party_name=args.party_name,
                summary=args.summary,
                files=[Path(f) for f in args.files],
            )
        except StepRefused as refused:
            for problem in refused.problems:
                option = OPTION_FOR.get(problem.field or "")
                print(f"chc: {option + ': ' if option else ''}{problem.message}", file=sys.stderr)
            return 2
        files = len(args.files)
        attached = f", {files} file{'s' if files != 1 else ''} attached" if files else ""
        print(f"{args.kind} recorded on {args.reference} (correspondence {new_id}{attached})")
        return 0
    finally:
        services.db.dispose()
