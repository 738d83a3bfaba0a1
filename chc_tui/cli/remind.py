"""`chc remind [--date D] [--stdout]` (issue 21.4): for cron, daily. Emails each member of
staff their own deadlines that are overdue, due today or due soon, and the complaints lead
a summary of all; none twice to one person on one day. --stdout prints the same digests
instead (no mail settings needed, nothing recorded as sent)."""

from __future__ import annotations

import sys
from pathlib import Path

from chc_tui.cli.args import date_arg
from chc_tui.terminal import terminal_safe
from chc_tui.wording import counted

PREFIX = "chc remind"


def add_remind_parser(sub, with_db) -> None:
    parser = sub.add_parser("remind", parents=[with_db],
                            help="email each member of staff their deadlines due soon, today or overdue (for cron, daily)")
    parser.add_argument("--date", type=date_arg, metavar="D", help="the day to remind for, DD/MM/YYYY (default: today)")
    parser.add_argument("--stdout", action="store_true",
                        help="print the digests instead of sending them (needs no mail settings; records nothing)")


def _err(text: str) -> None:
    print(terminal_safe(f"{PREFIX}: {text}"), file=sys.stderr)


def _print(digests) -> None:
    for n, digest in enumerate(digests):
        if n:
            print("-" * 72)
        print(terminal_safe(f"To: {digest.name} <{digest.to or 'no email on the staff register'}>"))
        print(terminal_safe(f"Subject: {digest.subject}"))
        print()
        print(terminal_safe(digest.body), end="")


def _send(services, digests, settings, password) -> int:
    from chc_tui.mail.errors import ConnectionFailed, LoginRefused, MailError, MessageRefused, TlsFailed
    from chc_tui.mail.send import send_message
    from chc_tui.steps.reminders import record_reminders_sent

    failed = False
    for n, digest in enumerate(digests):
        if not digest.to:
            _err(f"{digest.name} has {counted(len(digest.item_keys), 'deadline')} to be reminded of but no email on the "
                 f"staff register: chc staff edit {digest.staff_id} --email ADDRESS")
            failed = True
            continue
        try:
            send_message(settings, password, to=digest.to, subject=digest.subject, body=digest.body)
        except MailError as error:
            _err(f"not sent to {digest.name}: {error.message}")
            failed = True
            if isinstance(error, (ConnectionFailed, LoginRefused, TlsFailed, MessageRefused)):
                left = len(digests) - n - 1
                if left:
                    _err(f"{counted(left, 'more digest')} not sent either; run chc remind again once this is mended")
                break
            continue
        services.run(record_reminders_sent, digest.staff_id, list(digest.item_keys), sent_on=services.today)
        print(terminal_safe(f"sent to {digest.name} <{digest.to}>: {digest.subject}"))
    return 1 if failed else 0


def run_remind(args, path: Path | str) -> int:
    from chc_tui.cli import args as cli_args
    from chc_tui.mail.ready import ready_to_send
    from chc_tui.mail.reminders import todays_digests
    from chc_tui.rules.context import os_user
    from chc_tui.services import Services

    day = args.date or cli_args.today()
    services = Services.open(path, actor=os_user(), today_fn=lambda: day)
    try:
        settings = password = None
        if not args.stdout:
            ready = ready_to_send(services, _err, "or print the digests with chc remind --stdout")
            if ready is None:
                return 2
            settings, password = ready
        digests = todays_digests(services)
        if not digests:
            print(f"nothing to remind anyone of on {day:%d/%m/%Y}")
            return 0
        if args.stdout:
            _print(digests)
            return 0
        return _send(services, digests, settings, password)
    finally:
        services.db.dispose()
