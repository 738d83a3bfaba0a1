"""`chc evidence` and `chc letter`: a complaint's evidence pack for the Ombudsman, and the
letters sent on it, exactly as sent.

    chc evidence CHC-2026-0001 --out pack.docx      (.docx, .md or .txt)
    chc letter list CHC-2026-0001
    chc letter export 12 --out letter.docx           (.docx, .txt or .md)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chc_tui.terminal import terminal_safe


def add_evidence_parsers(sub, with_db: argparse.ArgumentParser) -> None:
    evidence = sub.add_parser(
        "evidence",
        parents=[with_db],
        help="write a complaint's evidence pack for the Ombudsman (.docx, .md or .txt)",
        description="Write one document with everything recorded on a complaint, beginning with every breach "
        "of the Code the records show (the pre-flight): definitions, every due "
        "date with the days it skipped, extensions, responses, correspondence, each letter as sent "
        "with its checksum, and the full timeline. The format follows the file's suffix.",
    )
    evidence.add_argument("reference", metavar="REF", help="the complaint's reference")
    evidence.add_argument("--out", type=Path, required=True, metavar="FILE", help="FILE.docx, FILE.md or FILE.txt")

    letter = sub.add_parser("letter", parents=[with_db], help="list or export the letters sent on a complaint")
    actions = letter.add_subparsers(dest="letter_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", parents=[with_db], help="the letters sent on a complaint, with their ids")
    listing.add_argument("reference", metavar="REF", help="the complaint's reference")
    export = actions.add_parser(
        "export", parents=[with_db], help="one letter as sent, under the landlord's letterhead"
    )
    export.add_argument("letter_id", type=int, metavar="ID", help="the letter's id (see chc letter list)")
    export.add_argument("--out", type=Path, required=True, metavar="FILE", help="FILE.docx, FILE.txt or FILE.md")


def _fail(message: str) -> int:
    print(f"chc: {message}", file=sys.stderr)
    return 2


def run_evidence(args, path: Path | str) -> int:
    if isinstance(path, Path) and not path.exists():
        return _fail(f"no database at {path}")

    from chc_tui.rules.domain import StepRefused
    from chc_tui.documents.letter_export import UnknownFormat
    from chc_tui.services import Services

    services = Services.open(path)
    try:
        try:
            if args.command == "evidence":
                out = services.evidence_pack(args.reference, args.out)
                print(f"evidence pack for {args.reference} written to {out}")
            elif args.letter_command == "list":
                return _list_letters(services, args.reference)
            else:
                out = services.export_letter(args.letter_id, args.out)
                print(f"letter {args.letter_id} written to {out}")
        except (StepRefused, UnknownFormat) as problem:
            return _fail(str(problem))
        except OSError as exc:
            return _fail(f"could not write {args.out}: {exc.strerror or exc}")
        return 0
    finally:
        services.db.dispose()


def _list_letters(services, reference: str) -> int:
    detail = services.complaint(reference)
    if detail is None:
        return _fail(f"no complaint with reference {reference!r}")
    if not detail.letters:
        print(f"No letters sent on {reference}.")
        return 0
    print(f"{'ID':>5}  {'Sent':<10}  {'Kind':<24}  Stage  SHA-256")
    for letter in detail.letters:
        print(terminal_safe(f"{letter.id:>5}  {letter.sent_on.isoformat():<10}  {letter.kind:<24}  {letter.stage:>5}  {letter.sha256[:12]}"))
    return 0
