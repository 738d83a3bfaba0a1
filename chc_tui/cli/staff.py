"""`chc staff list [--json]`, `chc staff add`, `chc staff edit ID`, `chc staff deactivate ID`
(issue 17): the staff register from a script. Every change is a use-case of
chc_tui.steps.staff, run as the login (admins only)."""

from __future__ import annotations

import json
import sys

from chc_tui.cli.args import date_arg
from chc_tui.terminal import terminal_safe

# The option a refusal's field belongs to, so that the one line says what to change.
OPTION_FOR = {"display_name": "--name", "job_title": "--title", "email": "--email", "phone": "--phone", "team": "--team",
              "logins": "--login", "roles": "--role", "last_day": "--last-day"}
ROLE_HELP = "handler, stage2-reviewer, complaints-lead, mrc or admin; repeat for more than one"


def add_staff_parser(sub, with_db) -> None:
    parser = sub.add_parser("staff", parents=[with_db], help="the staff register: who may act, with which roles")
    actions = parser.add_subparsers(dest="staff_command", required=True, metavar="ACTION")
    listing = actions.add_parser("list", parents=[with_db], help="everyone on the staff register")
    listing.add_argument("--json", action="store_true", help="as JSON with stable keys (see README)")
    add = actions.add_parser("add", parents=[with_db], help="put someone on the register; prints the new id")
    add.add_argument("--name", required=True, help='display name, as letters sign it ("Alice Smith")')
    _details(add)
    add.add_argument("--login", action="append", default=[], help="a login that is this person; repeat for more")
    add.add_argument("--role", action="append", default=None, help=f"{ROLE_HELP} (default: handler)")
    edit = actions.add_parser("edit", parents=[with_db], help="change a staff member's details, logins or roles")
    edit.add_argument("staff_id", type=int, metavar="ID")
    edit.add_argument("--name", help="display name")
    _details(edit)
    edit.add_argument("--login", action="append", help="replaces the logins: give every one")
    edit.add_argument("--role", action="append", help=f"replaces the roles: {ROLE_HELP}")
    off = actions.add_parser("deactivate", parents=[with_db], help="from the day after --last-day they cannot act")
    off.add_argument("staff_id", type=int, metavar="ID")
    off.add_argument("--last-day", type=date_arg, help="their last working day (default: today)")


def _details(parser) -> None:
    parser.add_argument("--title", help="job title, as letters give it")
    parser.add_argument("--email", help="contact email for letters")
    parser.add_argument("--phone", help="contact phone for letters")
    parser.add_argument("--team", help="the team they work in, for the figures per team (admins only)")


def staff_json(person) -> dict:
    return {
        "id": person.id, "display_name": person.display_name, "job_title": person.job_title,
        "email": person.email, "phone": person.phone, "team": person.team, "logins": list(person.logins),
        "roles": [r.value for r in person.roles], "active_from": person.active_from.isoformat(),
        "active_to": person.active_to.isoformat() if person.active_to else None,
    }


def _list(services, as_json: bool) -> None:
    people = services.staff()
    merged = services.staff_merged_from_records()
    today = services.today
    if as_json:
        out: dict = {"staff": [staff_json(p) | {"active": p.active_on(today)} for p in people]}
        if merged is not None:
            out["merged_from_records"] = merged
        print(json.dumps(out, indent=2, sort_keys=True))
        return
    if not people:
        print("Nobody is on the staff register yet (the first login to save becomes its admin).")
    for p in people:
        active = f"from {p.active_from.isoformat()}" + (f" to {p.active_to.isoformat()}" if p.active_to else "")
        print(terminal_safe(
            f"{p.id:>4}  {p.display_name}" + (f", {p.job_title}" if p.job_title else "")
            + f"  logins: {', '.join(p.logins) or '-'}  roles: {', '.join(r.value for r in p.roles)}"
            + (f"  email: {p.email}" if p.email else "") + (f"  phone: {p.phone}" if p.phone else "") + (f"  team: {p.team}" if p.team else "")
            + f"  active {active}" + ("" if p.active_on(today) else " (inactive)")
        ))
    if merged:
        _print_merged(merged)


def _print_merged(merged: list[dict]) -> None:
    """Migration 0008's report: who it made from the handler names in the records."""
    print()
    people = "1 person" if len(merged) == 1 else f"{len(merged)} people"
    print(f"Made from the names in the records ({people}; case and spaces ignored):")
    for person in merged:
        spellings = person.get("spellings") or []
        also = [s for s in spellings if s != person.get("display_name")]
        print(terminal_safe(
            f"{person.get('staff_id'):>4}  {person.get('display_name')}"
            + (f"  also written: {', '.join(also)}" if also else "")
            + (f"  logins: {', '.join(person.get('logins') or [])}" if person.get("logins") else "  no login yet")
        ))


def _add(services, args) -> None:
    from chc_tui.steps import staff

    staff_id = services.run(
        staff.add_staff, display_name=args.name, logins=args.login, roles=args.role or ["handler"],
        job_title=args.title or "", email=args.email or "", phone=args.phone or "", team=args.team or "",
    )
    print(staff_id)


def _edit(services, args) -> None:
    from chc_tui.steps import staff

    services.run(
        staff.edit_staff, args.staff_id, display_name=args.name, job_title=args.title, email=args.email,
        phone=args.phone, team=args.team, logins=args.login, roles=args.role,
    )
    print(f"staff member {args.staff_id} saved")


def _deactivate(services, args) -> None:
    from chc_tui.steps import staff

    services.run(staff.deactivate_staff, args.staff_id, last_day=args.last_day)
    print(f"staff member {args.staff_id} deactivated")


def run_staff(args, path) -> int:
    from chc_tui.cli.complaint import open_services
    from chc_tui.rules.domain import StepRefused

    services = open_services(path)
    prefix = f"chc staff {args.staff_command}"
    try:
        if args.staff_command == "list":
            _list(services, args.json)
        else:
            {"add": _add, "edit": _edit, "deactivate": _deactivate}[args.staff_command](services, args)
        return 0
    except StepRefused as refused:
        for problem in refused.problems:
            option = OPTION_FOR.get(problem.field or "")
            print(terminal_safe(f"{prefix}: {option + ': ' if option else ''}{problem.message}"), file=sys.stderr)
        return 2
    finally:
        services.db.dispose()
