"""Whether mail can go now: the server is set, the password can be read, and the login may
record what is sent (chc remind, chc email-run, the post run screen's `e`)."""

from __future__ import annotations


def ready_to_send(services, err, otherwise: str = ""):
    """(settings, password) for sending, once the login is known to be able to record what
    is sent; None after saying what is missing (through `err`)."""
    from chc_tui.mail.errors import MailError
    from chc_tui.mail.password import smtp_password
    from chc_tui.rules.domain import StepRefused
    from chc_tui.steps.mail_settings import mail_settings
    from chc_tui.steps.reminders import check_may_record

    with services.db.read() as session:
        settings = mail_settings(session)
    if not settings.ready:
        err("email is not set up: chc settings set smtp-host HOST, smtp-from ADDRESS (and smtp-user, "
            "smtp-security, smtp-port as the server needs; see README, Email and reminders)"
            + (f", {otherwise}" if otherwise else ""))
        return None
    try:
        password = smtp_password(settings)
        services.run(check_may_record)  # before anything is sent: what is sent must be recorded
    except MailError as error:
        err(error.message)
        return None
    except StepRefused as refused:
        err(f"cannot record what is sent, so nothing is sent: {refused}")
        return None
    return settings, password
