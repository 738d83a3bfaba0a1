"""`chc correct REF ...`: put right a typo in a resident's details or in a date that started a
clock, with the reason, through chc_tui.steps.corrections (the app's use-cases).

    chc correct REF --received DATE --reason T [--yes] [--will-write-to-resident] [--json]
    chc correct REF --stage2-requested DATE --reason T [--yes] [--will-write-to-resident] [--json]
    chc correct REF [--resident-name N] [--phone P] [--email E] [--address A] --reason T [--yes] [--json]

Without --yes it prints what the correction would do (for a date: the old and new due date
of every deadline it drives, and any letter that already told the resident a date that
moves) and writes nothing. With --yes it saves; a date a letter already gave the resident
is saved only with --will-write-to-resident. A refusal names each problem on stderr and
exits 2 having written nothing.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

from chc_tui.cli.args import date_arg
from chc_tui.terminal import terminal_safe

PREFIX = "chc correct"
RESIDENT_OPTIONS = {"name": "--resident-name", "address": "--address", "phone": "--phone", "email": "--email"}
OPTION_FOR = {
    "received_on": "--received",
    "requested_on": "--stage2-requested",
    "reason": "--reason",
    "confirm_told": "--will-write-to-resident",
    **RESIDENT_OPTIONS,
}


def add_correct_parser(sub, with_db: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "correct", parents=[with_db],
        help="correct a resident's details, or a received or stage 2 requested date, with the reason",
        description="Correct a typo, audited with the reason. Without --yes, print what would change "
        "(old and new due dates, letters that told the resident a date that moves) and write nothing.",
    )
    parser.add_argument("reference", metavar="REF", help="the complaint's reference")
    dates = parser.add_mutually_exclusive_group()
    dates.add_argument("--received", type=date_arg, metavar="DATE", help="the date the complaint was really received")
    dates.add_argument("--stage2-requested", type=date_arg, metavar="DATE",
                       help="the date the resident really asked for stage 2")
    parser.add_argument("--resident-name", metavar="NAME")
    parser.add_argument("--phone", metavar="P")
    parser.add_argument("--email", metavar="E")
    parser.add_argument("--address", metavar="A")
    parser.add_argument("--reason", default="", metavar="T", help="why the record was wrong (required to save)")
    parser.add_argument("--yes", action="store_true", help="save the correction (without it: only show it)")
    parser.add_argument("--will-write-to-resident", action="store_true",
                        help="you will write to the resident: needed when a letter already told them a date that moves")
    parser.add_argument("--json", action="store_true", help="print the correction as JSON")


def _resident_values(args) -> dict[str, str]:
    return {key: getattr(args, option[2:].replace("-", "_")) for key, option in RESIDENT_OPTIONS.items()
            if getattr(args, option[2:].replace("-", "_")) is not None}


def _refused(problems) -> int:
    for problem in problems:
        option = OPTION_FOR.get(problem.field or "")
        print(terminal_safe(f"{PREFIX}: refused: {option + ': ' if option else ''}{problem.message}"), file=sys.stderr)
    return 2


def _print(plan, saved: bool, as_json: bool, lines: list[str]) -> None:
    from chc_tui.cli.complaint import _json_text

    if as_json:
        print(_json_text({**plan.to_json(), "saved": saved}))
        return
    for line in lines:
        print(terminal_safe(line))
    print("Saved." if saved else "Nothing written: add --yes (and --reason) to save this correction.")


def _steps(args) -> tuple[Any, Any, dict[str, Any]] | None:
    """(preview, save, their arguments) for the correction asked for; None when none is."""
    from chc_tui.steps import corrections

    if args.received is not None:
        return corrections.preview_received_date, corrections.correct_received_date, {"received_on": args.received}
    if args.stage2_requested is not None:
        return (corrections.preview_requested_date, corrections.correct_requested_date,
                {"requested_on": args.stage2_requested})
    values = _resident_values(args)
    if values:
        return corrections.preview_resident, corrections.correct_resident, values
    return None


def run_correct(args, path: Path | str) -> int:
    from chc_tui.cli.complaint import _find, open_services
    from chc_tui.rules.domain import StepRefused

    is_date = args.received is not None or args.stage2_requested is not None
    if is_date and _resident_values(args):
        print(f"{PREFIX}: correct a date or the resident's details, not both at once", file=sys.stderr)
        return 2
    steps = _steps(args)
    if steps is None:
        print(f"{PREFIX}: say what to correct: --received, --stage2-requested, or the resident's "
              "--resident-name, --phone, --email, --address", file=sys.stderr)
        return 2
    preview, save, values = steps
    services = open_services(path)
    try:
        ref = _find(services, args.reference)
        plan = services.run(preview, ref, **values)
        if not args.yes:
            _print(plan, False, args.json, plan.lines(date.isoformat, problems=False))
            return _refused(plan.problems) if plan.problems else 0
        extra: dict[str, Any] = {"confirm_told": args.will_write_to_resident} if is_date else {}
        saved = services.run(save, ref, reason=args.reason, **values, **extra)
        _print(saved, True, args.json, saved.lines(date.isoformat))
        return 0
    except StepRefused as refused:
        return _refused(refused.problems)
    finally:
        services.db.dispose()
