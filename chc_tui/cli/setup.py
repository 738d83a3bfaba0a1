"""`chc setup`: a new landlord's first settings from a script, in one transaction (the same
use-case as the TUI's setup screen, chc_tui.steps.setup)."""

from __future__ import annotations

import argparse
import sys

from chc_tui.cli.args import date_arg
from chc_tui.rules import provisions
from chc_tui.terminal import terminal_safe


def _homes(text: str) -> tuple[int, str]:
    year, sep, homes = text.partition(":")
    if not sep or not year.strip().isdigit():
        raise argparse.ArgumentTypeError(f"give YEAR:N, such as 2025:5035 (2025 is April 2025 - March 2026), not {text!r}")
    return int(year), homes.strip()


def _closure(text: str):
    first, _sep, last = text.partition(":")
    return date_arg(first), (date_arg(last) if last.strip() else None)


def add_setup_parser(sub, with_db) -> None:
    setup = sub.add_parser("setup", parents=[with_db], help="a new database's landlord details, calendar, officer and MRC")
    setup.add_argument("--name", required=True, help="the landlord's name, as letters give it")
    setup.add_argument("--address", required=True, help="the landlord's address, as letters give it")
    setup.add_argument("--region", required=True, help="whose bank holidays: england-and-wales, scotland, northern-ireland")
    setup.add_argument("--homes-owned", type=_homes, action="append", default=[], metavar="YEAR:N",
                       help="homes owned in the financial year starting April YEAR (repeatable)")
    setup.add_argument("--closure", type=_closure, action="append", default=[], metavar="FROM[:TO]",
                       help="a day, or the working days of a range, the office is shut (repeatable)")
    setup.add_argument("--officer-name", default="", help="the complaints officer residents contact (a staff member)")
    setup.add_argument("--officer-title", default="")
    setup.add_argument("--officer-email", default="")
    setup.add_argument("--officer-phone", default="")
    setup.add_argument("--mrc", default="", metavar="NAME", help=f"the Member Responsible for Complaints (Code {provisions.MRC})")


def run_setup(args, path) -> int:
    from chc_tui.cli.complaint import open_services
    from chc_tui.rules.domain import StepRefused
    from chc_tui.steps.setup import Person, set_up

    officer = None
    if args.officer_name or args.officer_title or args.officer_email or args.officer_phone:
        officer = Person(args.officer_name, args.officer_title, args.officer_email, args.officer_phone)
    services = open_services(path)
    try:
        done = services.run(
            set_up, name=args.name, address=args.address, region=args.region,
            homes_owned=dict(args.homes_owned), closures=args.closure, officer=officer, mrc=args.mrc,
        )
    except StepRefused as refused:
        print(terminal_safe(f"chc setup: {refused}"), file=sys.stderr)
        return 2
    finally:
        services.db.dispose()
    for line in done:
        print(terminal_safe(line))
    return 0
