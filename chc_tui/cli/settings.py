"""`chc settings show`, `chc settings set FIELD VALUE`, `chc settings set homes-owned YEAR N
[--type LCRA|LCHO]`, `chc settings set stock-types LCRA[,LCHO]` and `chc settings closure add|remove DATE [TO_DATE]` / `list` (issues 6, 16): every field
`show` prints can be set from here."""

from __future__ import annotations

import sys
from datetime import date

from chc_tui.cli.args import date_arg as _date_arg
from chc_tui.terminal import terminal_safe





def add_settings_parser(sub, with_db) -> None:
    parser = sub.add_parser("settings", parents=[with_db], help="the landlord's details, region and closure days")
    actions = parser.add_subparsers(dest="settings_command", required=True)
    actions.add_parser("show", parents=[with_db], help="every setting, one per line")
    change = actions.add_parser("set", parents=[with_db], help="change one landlord detail, the region, or the homes owned")
    change.add_argument("field", help="name, address, complaints_officer, member_responsible, signature, "
                        "ombudsman_website, ombudsman_form, ombudsman_phone, ombudsman_address, "
                        "service_request_target_days, financial-year-end (DD/MM, default 31/03: the "
                        "submission deadline only), region, stock-types (LCRA, LCHO or LCRA,LCHO), "
                        "show-staff-figures (yes|no: the report's appendix per handler and team), "
                        "logo (a PNG or JPEG file for the report's cover and page headers, or none), "
                        "homes-owned (then YEAR N), or the mail server (issue 21): smtp-host, smtp-port, "
                        "smtp-security (starttls|ssl|none), smtp-user, smtp-from (the complaints team's "
                        "address), smtp-password-file (the password is never stored; see README)")
    change.add_argument("value", nargs="+", help="the value; for homes-owned: YEAR N (2025 is 1 April 2025 - 31 March 2026)")
    change.add_argument("--type", dest="stock_type", metavar="STOCK_TYPE",
                        help="homes-owned only: the homes of one stock type (LCRA or LCHO, one set with "
                        "stock-types); without it, the landlord's total")
    closure = actions.add_parser("closure", parents=[with_db], help="days the office is shut: add, remove, list")
    closure_actions = closure.add_subparsers(dest="closure_command", required=True)
    add = closure_actions.add_parser("add", parents=[with_db],
                                     help="a closure day, or every working day from DATE to TO_DATE")
    add.add_argument("day", type=_date_arg, metavar="DATE")
    add.add_argument("to_day", type=_date_arg, nargs="?", metavar="TO_DATE")
    add.add_argument("--note", default="", help="why the office is shut")
    remove = closure_actions.add_parser("remove", parents=[with_db],
                                        help="a closure day, or every closure day from DATE to TO_DATE")
    remove.add_argument("day", type=_date_arg, metavar="DATE")
    remove.add_argument("to_day", type=_date_arg, nargs="?", metavar="TO_DATE")
    closure_actions.add_parser("list", parents=[with_db], help="every closure day, one per line")


def _field(name: str) -> str:
    """complaints-officer and complaints_officer alike."""
    return name.strip().lower().replace("-", "_")


def _days(first: date, last: date | None) -> list[date]:
    from chc_tui.steps.setup import closure_range

    return closure_range(first, last)


def _add_closures(services, args) -> str:
    """One day as given; a range, every working day in it (the region's bank holidays,
    weekends and the days already shut are not): all of them or none."""
    from chc_tui.steps import usecases
    from chc_tui.rules.domain import StepRefused

    days = _days(args.day, args.to_day)
    if args.to_day is not None:
        calendar = services.calendar()
        days = [day for day in days if calendar.is_working_day(day)]
        if not days:
            raise StepRefused(f"there is no working day from {args.day:%d/%m/%Y} to {args.to_day:%d/%m/%Y} "
                              "to add: weekends, bank holidays and closure days are not working days", "day")
    ctx = services.ctx()
    with services.db.write():  # one transaction: each day's step joins it
        for day in days:
            usecases.add_closure_day(services.db, day, note=args.note, ctx=ctx)
    return _saying("closure day", days, "added")


def _remove_closures(services, args) -> str:
    from chc_tui.steps import usecases
    from chc_tui.rules.domain import StepRefused

    days = _days(args.day, args.to_day)
    if args.to_day is not None:
        shut = {day for day, _note in services.settings_overview()["closure_days"]}
        days = [day for day in days if day in shut]
        if not days:
            raise StepRefused(f"there is no closure day from {args.day:%d/%m/%Y} to {args.to_day:%d/%m/%Y}", "day")
    ctx = services.ctx()
    with services.db.write():
        for day in days:
            usecases.remove_closure_day(services.db, day, ctx=ctx)
    return _saying("closure day", days, "removed")


def _saying(what: str, days: list[date], done: str) -> str:
    if len(days) == 1:
        return f"{what} {days[0].isoformat()} {done}"
    return f"{len(days)} {what}s {done}: " + ", ".join(day.isoformat() for day in days)


def _set(services, args) -> str:
    from chc_tui.rules.domain import StepRefused
    from chc_tui.figures.report_texts import set_homes_owned

    field = _field(args.field)
    if args.stock_type is not None and field != "homes_owned":
        raise StepRefused("--type goes with homes-owned only", "stock_type")
    if field == "homes_owned":
        if len(args.value) != 2:
            raise StepRefused("give the financial year and the number: chc settings set homes-owned 2025 5035", "homes")
        year_text, homes = args.value
        if not year_text.strip().isdigit():
            raise StepRefused(f"the year must be a financial year's first year, such as 2025, not {year_text!r}", "year")
        services.run(set_homes_owned, year=int(year_text), homes=homes, stock_type=args.stock_type)
        of_type = f" {args.stock_type.strip().upper()}" if args.stock_type else ""
        return f"homes_owned {int(year_text)}{of_type} saved"
    if field == "stock_types":
        from chc_tui.figures.report_texts import set_stock_types

        chosen = services.run(set_stock_types, ",".join(args.value))
        return f"stock_types {','.join(chosen)} saved"
    if len(args.value) != 1:
        raise StepRefused(f"give {args.field} one value (put quotes round a value with spaces)", field)
    value = args.value[0]
    if field.startswith("smtp_"):  # issue 21.3: the landlord's mail server
        from chc_tui.steps.mail_settings import set_mail_setting

        services.run(set_mail_setting, field, value)
        return f"{field.replace('_', '-')} saved"
    if field == "region":
        from chc_tui.steps import usecases

        services.run(usecases.set_region, value)
    elif field == "logo":
        from chc_tui.steps.report_logo import set_report_logo

        logo = services.run(set_report_logo, value)
        return f"logo {logo.name} saved ({len(logo.data) // 1000 or 1} kB)" if logo else "logo removed"
    elif field == "show_staff_figures":
        from chc_tui.figures.report_texts import set_show_staff_figures

        shown = services.run(set_show_staff_figures, value)
        return f"show_staff_figures {'yes' if shown else 'no'} saved"
    else:
        services.update_landlord(**{field: value})
    return f"{field} saved"


def _show_mail(services) -> None:
    """The mail server's settings (issue 21.3); the password is never stored, so never shown."""
    from chc_tui.steps.mail_settings import FIELD_NAMES, mail_settings

    with services.db.read() as session:
        mail = mail_settings(session)
    for name, field in FIELD_NAMES.items():
        value = getattr(mail, field)
        if field == "port" and value is None:
            value = f"{mail.port_or_default} (the usual port for {mail.security})"
        print(terminal_safe(f"{name.replace('_', '-')}: {value}"))


def run_settings(args, path) -> int:
    from chc_tui.cli.complaint import open_services
    from chc_tui.rules.domain import StepRefused

    services = open_services(path)
    try:
        if args.settings_command == "show":
            overview = services.settings_overview()
            landlord = overview["landlord"]
            for name in landlord.__dataclass_fields__:
                print(terminal_safe(f"{name}: {getattr(landlord, name)}"))
            print(f"region: {overview['region']}")
            print(terminal_safe("closure_days: " + ", ".join(f"{day.isoformat()} {note}".strip() for day, note in overview["closure_days"])))
            print(f"stock_types: {','.join(overview['stock_types'])}")
            logo = overview.get("logo")
            print(terminal_safe(f"logo: {logo.name} ({len(logo.data) // 1000 or 1} kB)" if logo else "logo: "))
            _show_mail(services)
            for year, homes in overview["homes"].items():
                print(f"homes_owned {year}: {homes if homes else ''}")
                for stock_type, of_type in overview["homes_by_type"][year].items():
                    print(f"homes_owned {year} {stock_type}: {of_type if of_type else ''}")
            return 0
        if args.settings_command == "closure" and args.closure_command == "list":
            for day, note in services.settings_overview()["closure_days"]:
                print(terminal_safe(f"{day.isoformat()} {day:%a} {note}".rstrip()))
            return 0
        if args.settings_command == "closure":
            done = _add_closures(services, args) if args.closure_command == "add" else _remove_closures(services, args)
        else:
            done = _set(services, args)
        print(done)
        return 0
    except StepRefused as refused:
        for problem in refused.problems:
            print(terminal_safe(f"chc settings: {problem.message}"), file=sys.stderr)
        return 2
    finally:
        services.db.dispose()
