"""`chc settings show` and `chc settings set FIELD VALUE` (issue 6)."""

from __future__ import annotations

import sys

from chc_tui.terminal import terminal_safe


def add_settings_parser(sub, with_db) -> None:
    parser = sub.add_parser("settings", parents=[with_db], help="the landlord's details, region and closure days")
    actions = parser.add_subparsers(dest="settings_command", required=True)
    actions.add_parser("show", parents=[with_db], help="every setting, one per line")
    change = actions.add_parser("set", parents=[with_db], help="change one landlord detail, or the region")
    change.add_argument("field", help="name, address, complaints_officer, member_responsible, signature, "
                        "ombudsman_website, ombudsman_form, ombudsman_phone, ombudsman_address, or region")
    change.add_argument("value")


def run_settings(args, path) -> int:
    from chc_tui.domain import StepRefused
    from chc_tui.services import Services

    services = Services.open(path)
    try:
        if args.settings_command == "show":
            overview = services.settings_overview()
            landlord = overview["landlord"]
            for name in landlord.__dataclass_fields__:
                print(terminal_safe(f"{name}: {getattr(landlord, name)}"))
            print(f"region: {overview['region']}")
            print(terminal_safe("closure_days: " + ", ".join(f"{day.isoformat()} {note}".strip() for day, note in overview["closure_days"])))
            for year, homes in overview["homes"].items():
                print(f"homes_owned {year}: {homes if homes else ''}")
            return 0
        if args.field == "region":
            services.do("set_region", args.value)
        else:
            services.update_landlord(**{args.field: args.value})
        print(f"{args.field} saved")
        return 0
    except StepRefused as refused:
        for problem in refused.problems:
            print(f"chc settings: {problem.message}", file=sys.stderr)
        return 2
    finally:
        services.db.dispose()
