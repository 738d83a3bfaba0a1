"""`chc email-run [--letters IDS]` (issue 21.3): send every letter waiting to go by email
through the landlord's mail server, the letter as the body and as a .docx attachment, with
its reference in the subject. Each one the server takes is recorded "emailed at"; each it
refuses is recorded "bounced" with the server's words and stays to email, for the next run.
A server that cannot be reached, or refuses the login, stops the run: the rest wait."""

from __future__ import annotations

import sys
from pathlib import Path

from chc_tui.terminal import terminal_safe
from chc_tui.wording import counted

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
    from chc_tui.mail.ready import ready_to_send
    from chc_tui.mail.letter_run import email_waiting_letters
    from chc_tui.rules.context import os_user
    from chc_tui.services import Services

    try:
        chosen = _chosen(args.letters)
    except ValueError as wrong:
        _err(str(wrong))
        return 2
    services = Services.open(path, actor=os_user())
    try:
        ready = ready_to_send(services, _err)
        if ready is None:
            return 2
        run = email_waiting_letters(services, *ready, only=chosen)
        if not run.letters:
            print("no letter is waiting to go by email")
            return 0
        for letter in run.letters:
            if letter.sent:
                print(terminal_safe(f"letter {letter.letter_id} emailed to {letter.to}: {letter.subject}"))
            else:
                _err(f"letter {letter.letter_id} ({letter.reference}) not sent: {letter.failure}")
        if run.not_tried:
            _err(f"{counted(run.not_tried, 'more letter')} not tried; run chc email-run again once this is mended")
        return 1 if run.failed else 0
    finally:
        services.db.dispose()
