"""Send one message through the landlord's own SMTP server (issue 21.3).

`send_message` returns a `Sent` or raises one of chc_tui.mail.errors' typed errors, whose
message says what happened and what to do: the server refused the connection, the login,
the recipient, or TLS could not be set up. Nothing here writes to the database.
"""

from __future__ import annotations

import mimetypes
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import formataddr, formatdate, make_msgid

from chc_tui.mail.errors import (
    ConnectionFailed, LoginRefused, MailError, MailNotSetUp, MessageRefused, RecipientRejected, TlsFailed,
)
from chc_tui.steps.mail_settings import MailSettings

TIMEOUT_SECONDS = 30
# Headers unfolded up to RFC 5322's hard limit: Python folds a subject of 70-odd characters
# straight after "Subject:", which some readers show with a leading space.
POLICY = default_policy.clone(max_line_length=998)


@dataclass(frozen=True)
class Attachment:
    filename: str
    data: bytes


@dataclass(frozen=True)
class Sent:
    """A message the server accepted."""

    to: str
    subject: str
    message_id: str
    server: str  # host:port


def one_line(text: str) -> str:
    """A header's text on one line, without control characters (typed text reaching a
    header must not add headers of its own)."""
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def build_message(settings: MailSettings, *, to: str, subject: str, body: str,
                  attachment: Attachment | None = None, sender_name: str = "") -> EmailMessage:
    message = EmailMessage(policy=POLICY)
    message["From"] = formataddr((one_line(sender_name), settings.from_address)) if sender_name else settings.from_address
    message["To"] = one_line(to)
    message["Subject"] = one_line(subject)
    message["Date"] = formatdate(localtime=True)
    domain = settings.from_address.rpartition("@")[2] or None
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(body)
    if attachment is not None:
        kind = mimetypes.guess_type(attachment.filename)[0] or "application/octet-stream"
        maintype, subtype = kind.split("/", 1)
        message.add_attachment(attachment.data, maintype=maintype, subtype=subtype, filename=one_line(attachment.filename))
    return message


def _connect(settings: MailSettings, server: str) -> smtplib.SMTP:
    context = ssl.create_default_context()
    host, port = settings.host, settings.port_or_default
    try:
        if settings.security == "ssl":
            return smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS, context=context)
        client = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
    except ssl.SSLError as error:
        raise TlsFailed(f"could not set up SSL with the mail server {server} ({error.reason or error}): "
                        "check smtp-security (ssl for port 465, starttls for 587) and smtp-port") from None
    except ConnectionRefusedError:
        raise ConnectionFailed(f"the mail server {server} refused the connection: check smtp-host and smtp-port, "
                               "and that the server is running") from None
    except socket.gaierror:
        raise ConnectionFailed(f"the mail server's name {host!r} is not known: check smtp-host") from None
    except (TimeoutError, socket.timeout):
        raise ConnectionFailed(f"the mail server {server} did not answer within {TIMEOUT_SECONDS} seconds") from None
    except (OSError, smtplib.SMTPException) as error:
        raise ConnectionFailed(f"could not reach the mail server {server}: {error}") from None
    if settings.security == "starttls":
        try:
            client.starttls(context=context)
        except smtplib.SMTPNotSupportedError:
            client.close()
            raise TlsFailed(f"the mail server {server} does not offer STARTTLS: ask for its TLS port, or "
                            "set smtp-security ssl (port 465)") from None
        except (ssl.SSLError, ssl.CertificateError) as error:
            client.close()
            raise TlsFailed(f"STARTTLS with the mail server {server} failed ({getattr(error, 'reason', None) or error}): "
                            "its certificate is not trusted here or does not match smtp-host") from None
    return client


def _smtp_code_text(code: int, reply: bytes | str) -> str:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    return f"{code} {one_line(text)}"


def send_message(settings: MailSettings, password: str | None, *, to: str, subject: str, body: str,
                 attachment: Attachment | None = None, sender_name: str = "") -> Sent:
    """Send one message to one address; a Sent, or a MailError subclass saying why not."""
    if not settings.ready:
        raise MailNotSetUp("email is not set up: chc settings set smtp-host HOST and chc settings set smtp-from "
                           "ADDRESS (see README, Email and reminders)")
    if not to.strip() or "@" not in to:
        raise RecipientRejected(f"{to!r} is not an email address", to)
    server = f"{settings.host}:{settings.port_or_default}"
    message = build_message(settings, to=to, subject=subject, body=body, attachment=attachment, sender_name=sender_name)
    client = _connect(settings, server)
    try:
        if settings.user:
            try:
                client.login(settings.user, password or "")
            except smtplib.SMTPAuthenticationError as error:
                raise LoginRefused(f"the mail server {server} refused the login for {settings.user} "
                                   f"({_smtp_code_text(error.smtp_code, error.smtp_error)}): check smtp-user "
                                   "and the password") from None
            except smtplib.SMTPNotSupportedError:
                raise LoginRefused(f"the mail server {server} offers no login here: clear smtp-user, or use "
                                   "smtp-security starttls or ssl (many servers offer login only over TLS)") from None
        try:
            client.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            raise RecipientRejected(f"the mail server {server} would not take the message for {to} "
                                    f"({_smtp_code_text(code, reply)})", to, code) from None
        except smtplib.SMTPSenderRefused as error:
            raise MessageRefused(f"the mail server {server} would not send from {settings.from_address} "
                                 f"({_smtp_code_text(error.smtp_code, error.smtp_error)}): check smtp-from") from None
        except smtplib.SMTPDataError as error:
            raise MessageRefused(f"the mail server {server} refused the message "
                                 f"({_smtp_code_text(error.smtp_code, error.smtp_error)})") from None
    except MailError:
        raise
    except (OSError, smtplib.SMTPException) as error:
        raise ConnectionFailed(f"the connection to the mail server {server} failed while sending: {error}") from None
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()
    return Sent(to=to, subject=message["Subject"], message_id=message["Message-ID"], server=server)
