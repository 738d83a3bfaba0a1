"""Sending every letter waiting to go by email (issue 21.3), for `chc email-run` and the
post run screen's `e` alike: what the server takes is recorded "emailed at", what it
refuses "bounced" with its words (the letter stays to email); a server that cannot be
reached or refuses the login stops the run, and the rest are not tried."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LetterEmailed:
    letter_id: int
    reference: str
    to: str
    subject: str = ""  # as sent; "" when not sent
    failure: str = ""  # why not; "" when sent

    @property
    def sent(self) -> bool:
        return not self.failure


@dataclass(frozen=True)
class EmailRun:
    letters: tuple[LetterEmailed, ...]
    not_tried: int  # left waiting after the server stopped the run

    @property
    def failed(self) -> int:
        return sum(not x.sent for x in self.letters)

    def summary(self) -> str:
        sent = len(self.letters) - self.failed
        said = f"{sent} letter{'s' if sent != 1 else ''} emailed"
        if self.failed:
            said += f"; {self.failed} not sent (still to email)"
        if self.not_tried:
            said += f"; {self.not_tried} not tried: the mail server stopped the run"
        return said


def email_waiting_letters(services, settings, password, only: set[int] | None = None) -> EmailRun:
    from chc_tui.mail.errors import ConnectionFailed, LoginRefused, MailError, TlsFailed
    from chc_tui.mail.letters import letter_email_for, send_letter_email
    from chc_tui.steps import delivery
    from chc_tui.steps.landlord import landlord_settings

    with services.db.read() as session:
        waiting = [w for w in delivery.waiting_to_email(session) if only is None or w.letter_id in only]
        landlord = landlord_settings(session)
    done: list[LetterEmailed] = []
    for n, letter in enumerate(waiting):
        if not letter.to:
            done.append(LetterEmailed(letter.letter_id, letter.reference, "", failure=(
                "there is no email address to send it to: record the resident's email, or send it by post")))
            continue
        try:
            sent = send_letter_email(settings, password, letter_email_for(services, letter.letter_id, letter.to), landlord)
        except MailError as error:
            services.run(delivery.record_bounced, letter.letter_id, error.message)
            done.append(LetterEmailed(letter.letter_id, letter.reference, letter.to, failure=error.message))
            if isinstance(error, (ConnectionFailed, LoginRefused, TlsFailed)):
                return EmailRun(tuple(done), len(waiting) - n - 1)
            continue
        services.run(delivery.record_emailed, letter.letter_id)
        done.append(LetterEmailed(letter.letter_id, letter.reference, letter.to, subject=sent.subject))
    return EmailRun(tuple(done), 0)
