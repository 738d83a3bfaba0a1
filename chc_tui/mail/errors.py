"""What can go wrong sending mail, each with a message a handler can read and act on."""

from __future__ import annotations


class MailError(Exception):
    """A message was not sent; str() says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class MailNotSetUp(MailError):
    """No mail server or no address to send from (chc settings set smtp-host ...)."""


class PasswordFileUnsafe(MailError):
    """The password file is missing, not the user's own, or readable by others."""


class ConnectionFailed(MailError):
    """The mail server could not be reached: refused, unknown name, timed out, dropped."""


class LoginRefused(MailError):
    """The server refused the user and password (or offers no login at all)."""


class RecipientRejected(MailError):
    """The server would not take the message for this address."""

    def __init__(self, message: str, address: str = "", code: int | None = None):
        super().__init__(message)
        self.address = address
        self.code = code


class TlsFailed(MailError):
    """STARTTLS or SSL could not be set up: no STARTTLS offered, a bad certificate, a
    server that does not speak TLS on that port."""


class MessageRefused(MailError):
    """The server refused the sender or the message itself."""
