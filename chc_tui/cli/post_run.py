"""`chc post-run`: every letter waiting to be posted, in one print-ready Word and PDF
document, and, once printed and posted, the record that they were (issue 21.2).

    chc post-run [--date D] --out FILE          writes FILE.docx and FILE.pdf
    chc post-run [--date D] --mark-posted [--letters 4,7,9]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from chc_tui.cli.args import date_arg
from chc_tui.terminal import terminal_safe
from chc_tui.wording import counted


def _ids(text: str) -> list[int]:
    try:
        ids = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of letter ids such as 4,7,9") from None
    if not ids:
        raise argparse.ArgumentTypeError("give at least one letter id")
    return ids


def add_post_run_parser(sub, with_db: argparse.ArgumentParser) -> argparse.ArgumentParser:
    run = sub.add_parser(
        "post-run", parents=[with_db],
        help="print every letter waiting to be posted (.docx and .pdf), or mark the run posted",
        description="Write one print-ready document of every letter waiting to be posted: for each, an address "
        "page for a DL window envelope, then the letter on the landlord's letterhead, in large print where the "
        "resident needs it. Both FILE.docx and FILE.pdf are written. Once printed and posted, "
        "--mark-posted records \"posted on D\" for each letter in the run.",
    )
    run.add_argument("--date", type=date_arg, metavar="D", help="the run's date, DD/MM/YYYY (default: today)")
    what = run.add_mutually_exclusive_group(required=True)
    what.add_argument("--out", type=Path, metavar="FILE", help="FILE.docx or FILE.pdf: both are written")
    what.add_argument("--mark-posted", action="store_true", help="record the run dated D as posted on D")
    run.add_argument("--letters", type=_ids, metavar="IDS",
                     help="with --mark-posted: only these letters (the ids the run printed), e.g. 4,7,9")
    return run


def _fail(message: str) -> int:
    print(f"chc: {terminal_safe(message)}", file=sys.stderr)
    return 2


def run_post_run(args, path: Path | str) -> int:
    if isinstance(path, Path) and not path.exists():
        return _fail(f"no database at {path}")
    if args.letters is not None and not args.mark_posted:
        return _fail("--letters goes with --mark-posted")
    from chc_tui.cli.complaint import open_services
    from chc_tui.rules.domain import StepRefused

    services = open_services(path)  # the login acting, on the CLI's day
    try:
        on = args.date or services.today
        if args.mark_posted:
            try:
                posted = services.mark_posted(on, args.letters)
            except StepRefused as refused:
                for problem in refused.problems:
                    print(f"chc: {terminal_safe(problem.message)}", file=sys.stderr)
                print("chc: nothing was marked posted", file=sys.stderr)
                return 2
            ids = ", ".join(str(i) for i in posted.letter_ids)
            print(f"{counted(len(posted.letter_ids), 'letter')} marked posted on {on:%d/%m/%Y}: {ids}")
            return 0
        try:
            run = services.write_post_run(args.out, on)
        except OSError as exc:
            return _fail(f"could not write {args.out}: {exc.strerror or exc}")
        for waiting in run.no_address:
            print(terminal_safe(f"chc: letter {waiting.letter.id} on {waiting.reference} is not in the run: "
                                f"{waiting.resident_name} has no address recorded"), file=sys.stderr)
        if not run.letters:
            print(f"No letters waiting to be posted on {on:%d/%m/%Y}; nothing written.")
            return 0
        ids = ",".join(str(i) for i in run.letter_ids)
        count = len(run.letters)
        print(f"Post run of {on:%d/%m/%Y}: {count} letter{'s' if count != 1 else ''} (ids {ids})")
        for written in run.paths:
            print(f"written {terminal_safe(written)}")
        print(f"Once printed and posted: chc post-run --date {on:%d/%m/%Y} --mark-posted --letters {ids}")
        return 0
    finally:
        services.db.dispose()
