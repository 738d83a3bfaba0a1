"""`chc email-run [--letters IDS]` (issue 21.3): send every letter waiting to go by email
through the landlord's mail server, the letter as the body and as a .docx attachment, with
its reference in the subject. Each one the server takes is recorded "emailed at"; each it
refuses is recorded "bounced" with the server's words and stays to email, for the next run.
A server that cannot be reached, or refuses the login, stops the run: the rest wait."""

from __future__ import annotations

import sys
from pathlib import Path

from chc_tui.terminal import terminal_safe

PREFIX = "chc email-run"


def add_email_run_parser(sub, with_db) -> None:
    parser = sub.add_parser("email-run", parents=[with_db],
                            help="email every letter waiting to go by email (the letter and a .docx of it)")
    parser.add_argument("--letters", metavar="IDS", default="",
                        help="only these letters (comma-separated ids, as chc letters list shows them)")


def _err(text: str) -> None:
    print(terminal_safe(f"{PREFIX}: {text}"), file=sys.stderr)


def _chosen(text: str) -> set[int] | None:
    ids = {part.strip() for part in text.split(",") if part.strip()}
    if not ids:
        return None
    if not all(part.isdigit() for part in ids):
        raise ValueError(f"--letters takes letter ids separated by commas, such as 12,15: not {text!r}")
    return {int(part) for part in ids}


def run_email_run(args, path: Path | str) -> int:
    from chc_tui.cli.remind import open_mail
    from chc_tui.mail.errors import ConnectionFailed, LoginRefused, MailError, TlsFailed
    from chc_tui.mail.letters import letter_email_for, send_letter_email
    from chc_tui.rules.context import os_user
    from chc_tui.services import Services
    from chc_tui.steps import delivery
    from chc_tui.steps.landlord import landlord_settings

    try:
        chosen = _chosen(args.letters)
    except ValueError as wrong:
        _err(str(wrong))
        return 2
    services = Services.open(path, actor=os_user())
    try:
        ready = open_mail(services, _err)
        if ready is None:
            return 2
        settings, password = ready
        with services.db.read() as session:
            waiting = [w for w in delivery.waiting_to_email(session) if chosen is None or w.letter_id in chosen]
            landlord = landlord_settings(session)
        if not waiting:
            print("no letter is waiting to go by email")
            return 0
        failed = 0
        for n, letter in enumerate(waiting):
            if not letter.to:
                _err(f"letter {letter.letter_id} ({letter.reference}) has no email address to go to: record the "
                     "resident's email (or send it by post); it waits")
                failed += 1
                continue
            try:
                sent = send_letter_email(settings, password, letter_email_for(services, letter.letter_id, letter.to),
                                         landlord)
            except MailError as error:
                services.run(delivery.record_bounced, letter.letter_id, error.message)
                _err(f"letter {letter.letter_id} ({letter.reference}) not sent: {error.message}")
                failed += 1
                if isinstance(error, (ConnectionFailed, LoginRefused, TlsFailed)):
                    if len(waiting) - n - 1:
                        _err(f"{len(waiting) - n - 1} more letter(s) not tried; run chc email-run again once "
                             "this is mended")
                    break
                continue
            services.run(delivery.record_emailed, letter.letter_id)
            print(terminal_safe(f"letter {letter.letter_id} emailed to {letter.to}: {sent.subject}"))
        return 1 if failed else 0
    finally:
        services.db.dispose()
