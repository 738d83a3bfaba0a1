"""`chc staff list|add|edit|deactivate`: the staff register from the command line, through
the same use-cases as the staff screen (chc_tui.steps.staff). Admins only change it."""

from __future__ import annotations

import json
import sys

from chc_tui.rules.staff_roles import ROLE_NAMES
from chc_tui.terminal import terminal_safe


def add_staff_parser(sub, with_db, date_arg) -> None:
    parser = sub.add_parser("staff", parents=[with_db], help="the staff register: list, add, edit, deactivate")
    actions = parser.add_subparsers(dest="staff_command", required=True)
    listing = actions.add_parser("list", parents=[with_db], help="everyone on the register")
    listing.add_argument("--json", action="store_true")

    def details(p, required_name: bool) -> None:
        p.add_argument("--name", required=required_name, metavar="NAME", help="the display name letters are signed with")
        p.add_argument("--login", action="append", metavar="LOGIN", help="a login that is this person (repeat for more)")
        p.add_argument("--role", action="append", choices=ROLE_NAMES, metavar="ROLE",
                       help=f"repeat for more: {', '.join(ROLE_NAMES)}")
        p.add_argument("--title", metavar="T", help="job title")
        p.add_argument("--email", metavar="E")
        p.add_argument("--phone", metavar="P")

    details(actions.add_parser("add", parents=[with_db], help="put someone on the register; prints their id"), True)
    edit = actions.add_parser("edit", parents=[with_db], help="change someone's details (--login/--role replace the lists)")
    edit.add_argument("staff_id", type=int, metavar="ID")
    details(edit, False)
    off = actions.add_parser("deactivate", parents=[with_db], help="from the day after --last-day they cannot save")
    off.add_argument("staff_id", type=int, metavar="ID")
    off.add_argument("--last-day", type=date_arg, metavar="DATE", help="default: today")


def _as_json(member, today) -> dict:
    return {
        "id": member.id, "display_name": member.display_name, "job_title": member.job_title, "email": member.email,
        "phone": member.phone, "logins": list(member.logins), "roles": [r.value for r in member.roles],
        "active_from": member.active_from.isoformat(),
        "active_to": member.active_to.isoformat() if member.active_to else None,
        "active": member.active_on(today),
    }


def _list(services, as_json: bool) -> int:
    people, merged = services.staff_register()
    if as_json:
        print(json.dumps({"staff": [_as_json(p, services.today) for p in people], "merged_from_records": merged}, indent=2))
        return 0
    for p in people:
        state = f"until {p.active_to.isoformat()}" if p.active_to else "active"
        print(terminal_safe(f"{p.id:>4}  {p.display_name}  {p.job_title or '-'}  logins: {', '.join(p.logins) or '-'}  "
                            f"roles: {', '.join(r.value for r in p.roles)}  {state}"))
    if merged:
        print("Made from the names in the records when this database was upgraded (chc staff edit ID to complete):")
        for m in merged:
            print(terminal_safe(f"{m['staff_id']:>4}  {m['display_name']}  from: {', '.join(m['spellings'])}"
                                f"  logins: {', '.join(m['logins']) or '-'}"))
    return 0


# A step's field -> the option it was typed in.
_OPTION = {"display_name": "--name", "logins": "--login", "roles": "--role", "job_title": "--title"}


def run_staff(args, path) -> int:
    from chc_tui.cli.complaint import open_services
    from chc_tui.rules.domain import StepRefused
    from chc_tui.steps import staff

    services = open_services(path)
    try:
        if args.staff_command == "list":
            return _list(services, args.json)
        if args.staff_command == "deactivate":
            services.run(staff.deactivate_staff, args.staff_id, last_day=args.last_day)
            print(f"staff {args.staff_id} deactivated")
            return 0
        given = {k: v for k, v in (("job_title", args.title), ("email", args.email), ("phone", args.phone)) if v is not None}
        if args.staff_command == "add":
            new_id = services.run(staff.add_staff, display_name=args.name, logins=args.login or [],
                                  roles=args.role or ["handler"], **given)
            print(new_id)
        else:
            services.run(staff.edit_staff, args.staff_id, display_name=args.name, logins=args.login,
                         roles=args.role, **given)
            print(f"staff {args.staff_id} saved")
        return 0
    except StepRefused as refused:
        for problem in refused.problems:
            where = f"{_OPTION.get(problem.field, '--' + problem.field.replace('_', '-'))}: " if problem.field else ""
            print(terminal_safe(f"chc staff {args.staff_command}: {where}{problem.message}"), file=sys.stderr)
        return 2
    finally:
        services.db.dispose()
