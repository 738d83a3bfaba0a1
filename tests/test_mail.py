"""Email through the landlord's own mail server (issue 21.3), against a real SMTP server on
loopback: a letter arrives with its reference in the subject and a .docx python-docx opens;
a refused connection, a rejected recipient, a refused login and a TLS failure each give a
message that says what to do. The password is never in the database."""

from __future__ import annotations

import io
import json
import os
import shutil
from contextlib import contextmanager
from datetime import date

import pytest
from docx import Document as WordDocument
from sqlmodel import select

from chc_tui.cli.main import main as chc
from chc_tui.documents import letters
from chc_tui.mail.errors import ConnectionFailed, LoginRefused, MailNotSetUp, PasswordFileUnsafe, RecipientRejected, TlsFailed
from chc_tui.mail.letters import letter_email_for, send_letter_email
from chc_tui.mail.password import PASSWORD_ENV, smtp_password
from chc_tui.mail.send import Attachment, send_message
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.services import Services
from chc_tui.steps import usecases
from chc_tui.steps.landlord import landlord_settings
from chc_tui.steps.mail_settings import MailSettings, mail_settings, set_mail_setting
from letter_helpers import ready_to_sign
from mail_helpers import PASSWORD, USER, free_port, smtp_server  # noqa: F401  (the fixture)
from store.models import AuditEntry, Letter, Setting

MON = date(2026, 11, 23)
ALICE = StepContext(actor="alice", today=MON)
TO = "ada.brown@example.org"


def acknowledged_letter(db) -> tuple[str, int]:
    """A stage 1 complaint acknowledged with the letter as drafted: (reference, letter id)."""
    ready_to_sign(db)
    ref = usecases.log_complaint(
        db, received_on=date(2026, 11, 16), channel="phone", resident_name="Mrs Ada Brown",
        resident_address="4 Mill Lane, Exeter", category="Repairs",
        resident_words="The bathroom ceiling leaks.", handler="alice", ctx=ALICE,
    ).reference
    usecases.define(db, ref, understanding="The bathroom ceiling leak has not been repaired",
                    outcomes_sought="Repair the leak", responsible_aspects="Repairs to the roof", ctx=ALICE)
    usecases.acknowledge(db, ref, acknowledged_on=MON, letter=letters.AS_DRAFTED, ctx=ALICE)
    with db.read() as session:
        letter = session.exec(select(Letter)).one()
    assert letter.id is not None
    return ref, letter.id


def test_an_acknowledgement_arrives_by_email_with_the_reference_and_a_docx(db, smtp_server):
    ref, letter_id = acknowledged_letter(db)
    services = Services(db, actor="alice", today_fn=lambda: MON)
    mail = letter_email_for(services, letter_id, TO)
    with db.read() as session:
        landlord = landlord_settings(session)
    sent = send_letter_email(smtp_server.settings(), None, mail, landlord)

    (got,) = smtp_server.handler.messages
    assert smtp_server.handler.envelopes[0].rcpt_tos == [TO]
    assert got["Subject"] == f"{ref}: Stage 1 acknowledgement" == sent.subject
    assert got["From"].addresses[0].addr_spec == "complaints@riverside.example"
    assert got["From"].addresses[0].display_name == "Riverside Homes"
    with db.read() as session:
        body = session.get(Letter, letter_id).body
    assert got.get_body(("plain",)).get_content().replace("\r\n", "\n").rstrip("\n") == body.rstrip("\n")
    (attached,) = list(got.iter_attachments())
    assert attached.get_filename() == f"{ref} Stage 1 acknowledgement.docx"
    word = WordDocument(io.BytesIO(attached.get_content()))
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Riverside Homes" in text and ref in text


def test_a_refused_connection_says_which_server_and_what_to_check():
    port = free_port()  # nothing listens there
    with pytest.raises(ConnectionFailed) as failed:
        send_message(MailSettings(host="127.0.0.1", port=port, security="none", from_address="c@example.org"),
                     None, to=TO, subject="s", body="b")
    assert failed.value.message == (f"the mail server 127.0.0.1:{port} refused the connection: check smtp-host and "
                                    "smtp-port, and that the server is running")


def test_a_rejected_recipient_names_the_address_and_the_servers_answer(smtp_server):
    smtp_server.handler.refuse.add("nobody@example.org")
    with pytest.raises(RecipientRejected) as rejected:
        send_message(smtp_server.settings(), None, to="nobody@example.org", subject="s", body="b")
    assert rejected.value.code == 550 and rejected.value.address == "nobody@example.org"
    assert rejected.value.message == (f"the mail server 127.0.0.1:{smtp_server.port} would not take the message for "
                                      "nobody@example.org (550 5.1.1 no such mailbox here)")
    assert smtp_server.handler.envelopes == []


def test_a_refused_login_says_so(smtp_server):
    with pytest.raises(LoginRefused) as refused:
        send_message(smtp_server.settings(user=USER), "wrong", to=TO, subject="s", body="b")
    assert refused.value.message.startswith(f"the mail server 127.0.0.1:{smtp_server.port} refused the login for user (535")
    assert refused.value.message.endswith("check smtp-user and the password")
    assert smtp_server.handler.envelopes == []
    send_message(smtp_server.settings(user=USER), PASSWORD, to=TO, subject="s", body="b")
    assert len(smtp_server.handler.envelopes) == 1


def test_tls_that_cannot_be_set_up_is_a_tls_failure(smtp_server):
    with pytest.raises(TlsFailed, match="does not offer STARTTLS"):
        send_message(smtp_server.settings(security="starttls"), None, to=TO, subject="s", body="b")
    with pytest.raises(TlsFailed, match="could not set up SSL with the mail server"):
        send_message(smtp_server.settings(security="ssl"), None, to=TO, subject="s", body="b")
    assert smtp_server.handler.envelopes == []


def test_typed_text_cannot_add_headers(smtp_server):
    send_message(smtp_server.settings(), None, to=TO, subject="C2026-0001\r\nBcc: spy@example.org", body="b",
                 attachment=Attachment("a\r\nb.docx", b"x"))
    (got,) = smtp_server.handler.messages
    assert got["Bcc"] is None and got["Subject"] == "C2026-0001 Bcc: spy@example.org"
    assert smtp_server.handler.envelopes[0].rcpt_tos == [TO]


def test_without_a_server_or_an_address_nothing_is_tried():
    with pytest.raises(MailNotSetUp, match="chc settings set smtp-host"):
        send_message(MailSettings(host="127.0.0.1"), None, to=TO, subject="s", body="b")


# --- the settings and the password ------------------------------------------------------------


def test_the_settings_are_set_from_the_command_line_and_audited(db, capsys):
    for name, value in [("smtp-host", "mail.riverside.example"), ("smtp-port", "2525"), ("smtp-security", "SSL"),
                        ("smtp-user", "complaints"), ("smtp-from", "complaints@riverside.example")]:
        assert chc(["--db", str(db.path), "settings", "set", name, value]) == 0
    with db.read() as session:
        assert mail_settings(session) == MailSettings(host="mail.riverside.example", port=2525, security="ssl",
                                                      user="complaints", from_address="complaints@riverside.example")
        audited = session.exec(select(AuditEntry).where(AuditEntry.action == "update mail settings")).all()
    assert [json.loads(a.details_json) for a in audited][-1] == {"from_address": "complaints@riverside.example"}
    capsys.readouterr()
    assert chc(["--db", str(db.path), "settings", "show"]) == 0
    shown = capsys.readouterr().out
    assert "smtp-host: mail.riverside.example\nsmtp-port: 2525\nsmtp-security: ssl\n" in shown


@pytest.mark.parametrize("name, value, said", [
    ("smtp-password", "hunter2", "the SMTP password is never kept in the database"),
    ("smtp-port", "99999", "smtp-port is a port number, 1 to 65535, not '99999'"),
    ("smtp-security", "tls", "smtp-security is one of starttls, ssl, none, not 'tls'"),
    ("smtp-from", "complaints team", "smtp-from is the complaints team's email address"),
    ("smtp-password-file", "secret.txt", "smtp-password-file is a full path"),
])
def test_a_bad_setting_is_refused_and_nothing_is_stored(db, capsys, name, value, said):
    with db.read() as session:
        before = session.exec(select(Setting)).all()
    assert chc(["--db", str(db.path), "settings", "set", name, value]) == 2
    assert said in capsys.readouterr().err
    with db.read() as session:
        after = session.exec(select(Setting)).all()
    assert after == before
    assert all(value not in row.value for row in after)


def test_clearing_a_setting_goes_back_to_the_default(db):
    set_mail_setting(db, "smtp-port", "2525", ctx=ALICE)
    assert set_mail_setting(db, "smtp-port", "", ctx=ALICE).port_or_default == 587
    with pytest.raises(StepRefused, match="smtp-security is one of"):
        set_mail_setting(db, "smtp-security", "", ctx=ALICE)


def test_the_password_comes_from_the_environment_first(tmp_path):
    secret = tmp_path / "password"
    secret.write_text("from-the-file\n")
    secret.chmod(0o600)
    settings = MailSettings(host="h", user="complaints", password_file=str(secret))
    assert smtp_password(settings, {PASSWORD_ENV: "from-the-env"}) == "from-the-env"
    assert smtp_password(settings, {}) == "from-the-file"
    assert smtp_password(MailSettings(host="h"), {}) is None  # no login, no password
    with pytest.raises(MailNotSetUp, match=PASSWORD_ENV):
        smtp_password(MailSettings(host="h", user="complaints"), {})


def test_a_password_file_others_can_read_is_refused_with_the_fix(tmp_path):
    secret = tmp_path / "password"
    secret.write_text("hunter2\n")
    secret.chmod(0o640)
    settings = MailSettings(host="h", user="complaints", password_file=str(secret))
    with pytest.raises(PasswordFileUnsafe) as unsafe:
        smtp_password(settings, {})
    assert unsafe.value.message == (f"the SMTP password file {secret} can be read or changed by others (mode 640): "
                                    f"run chmod 600 {secret}")
    assert "hunter2" not in unsafe.value.message


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_password_file_of_another_user_is_refused(tmp_path):
    secret = tmp_path / "password"
    secret.write_text("hunter2\n")
    secret.chmod(0o600)
    os.chown(secret, 65534, 65534)
    with pytest.raises(PasswordFileUnsafe, match="belongs to another user"):
        smtp_password(MailSettings(host="h", user="complaints", password_file=str(secret)), {})


def test_a_password_file_that_is_a_link_is_refused(tmp_path):
    secret = tmp_path / "password"
    secret.write_text("hunter2\n")
    secret.chmod(0o600)
    link = tmp_path / "link"
    link.symlink_to(secret)
    with pytest.raises(PasswordFileUnsafe, match="a symbolic link is refused"):
        smtp_password(MailSettings(host="h", user="complaints", password_file=str(link)), {})


def self_signed(tmp_path):
    """A certificate for 127.0.0.1 and a server context holding it: (context, cert path)."""
    import ssl
    import subprocess

    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert


needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="makes its certificate with openssl")


@contextmanager
def tls_server(handler, context, security: str):
    from aiosmtpd.controller import Controller

    from mail_helpers import _login

    # STARTTLS: login only once TLS is up (aiosmtpd's default). SSL: aiosmtpd 1.4 does not count
    # its own implicit TLS as TLS for that check, so login is allowed on it.
    tls = {"tls_context": context} if security == "starttls" else {"ssl_context": context, "auth_require_tls": False}
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), authenticator=_login, **tls)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()


@needs_openssl
def test_a_certificate_that_is_not_trusted_is_a_tls_failure(tmp_path):
    from mail_helpers import Collecting

    context, _cert = self_signed(tmp_path)
    handler = Collecting()
    with tls_server(handler, context, "starttls") as port:
        settings = MailSettings(host="127.0.0.1", port=port, security="starttls", from_address="c@example.org")
        with pytest.raises(TlsFailed, match=r"STARTTLS with the mail server 127\.0\.0\.1:\d+ failed \(CERTIFICATE_VERIFY_FAILED\)"):
            send_message(settings, None, to=TO, subject="s", body="b")
    assert handler.envelopes == []


@needs_openssl
@pytest.mark.parametrize("security", ["starttls", "ssl"])
def test_over_tls_with_a_trusted_certificate_the_login_and_the_message_go(tmp_path, monkeypatch, security):
    from mail_helpers import Collecting

    context, cert = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # ssl.create_default_context() trusts it, as it would the landlord's CA
    handler = Collecting()
    with tls_server(handler, context, security) as port:
        settings = MailSettings(host="127.0.0.1", port=port, security=security, user=USER,
                                from_address="c@example.org")
        send_message(settings, PASSWORD, to=TO, subject="over TLS", body="b")
    assert [m["Subject"] for m in handler.messages] == ["over TLS"]
