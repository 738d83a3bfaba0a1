"""The landlord's own mail server (issue 21.3): host, port, security, login and the
complaints team's address, stored as landlord settings (key -> JSON). The password is
never stored here: chc_tui.mail.password reads it from CHC_SMTP_PASSWORD or from the file
named by `smtp-password-file`, which must be readable by its owner only.

Set with `chc settings set smtp-host mail.example.org` and the like; each change is
audited with what it held before.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path

from sqlmodel import Session

from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.steps.identity import acting_write
from chc_tui.steps.settings import get_setting, put_setting
from store.engine import Database
from store.models import AuditEntry

SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}


@dataclass(frozen=True)
class MailSettings:
    host: str = ""  # the landlord's SMTP server, mail.example.org
    port: int | None = None  # None: the usual port for `security` (587, 465 or 25)
    security: str = "starttls"  # starttls | ssl | none
    user: str = ""  # the login; "" sends without logging in
    from_address: str = ""  # the complaints team's address every message comes from
    password_file: str = ""  # a file holding the password, readable by its owner only

    @property
    def ready(self) -> bool:
        """Whether a message can be sent at all: a server and an address to send from."""
        return bool(self.host and self.from_address)

    @property
    def port_or_default(self) -> int:
        return self.port if self.port is not None else DEFAULT_PORTS[self.security]


# `chc settings set NAME VALUE`'s names (dashes or underscores) -> the dataclass field.
FIELD_NAMES: dict[str, str] = {
    "smtp_host": "host",
    "smtp_port": "port",
    "smtp_security": "security",
    "smtp_user": "user",
    "smtp_from": "from_address",
    "smtp_password_file": "password_file",
}
SETTING_KEYS: dict[str, str] = {f.name: f"smtp.{f.name}" for f in fields(MailSettings)}


def mail_settings(session: Session) -> MailSettings:
    def text(name: str) -> str:
        value = get_setting(session, SETTING_KEYS[name])
        return "" if value is None else str(value).strip()

    port = text("port")
    return MailSettings(host=text("host"), port=int(port) if port else None, security=text("security") or "starttls",
                        user=text("user"), from_address=text("from_address"), password_file=text("password_file"))


def _clean(name: str, value: str) -> str | int | None:
    """The value to store, or StepRefused naming what is wrong with it. "" clears a setting."""
    text = value.strip()
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        raise StepRefused(f"smtp {name} may not hold control characters", name)
    if not text:
        if name == "security":
            raise StepRefused(f"smtp-security is one of {', '.join(SECURITY)}", name)
        return None
    if name == "port":
        if not (text.isdigit() and 1 <= int(text) <= 65535):
            raise StepRefused(f"smtp-port is a port number, 1 to 65535, not {text!r}", name)
        return int(text)
    if name == "security":
        if text.lower() not in SECURITY:
            raise StepRefused(f"smtp-security is one of {', '.join(SECURITY)}, not {text!r}", name)
        return text.lower()
    if name == "from_address" and ("@" not in text or any(c.isspace() or c in "<>,;\"" for c in text)):
        raise StepRefused(f"smtp-from is the complaints team's email address, not {text!r}", name)
    if name == "host" and any(c.isspace() or c in "/@" for c in text):
        raise StepRefused(f"smtp-host is the mail server's name, such as mail.example.org, not {text!r}", name)
    if name == "password_file" and not Path(text).expanduser().is_absolute():
        raise StepRefused(f"smtp-password-file is a full path, such as /home/you/.chc-smtp-password, not {text!r}", name)
    return str(Path(text).expanduser()) if name == "password_file" else text


def set_mail_setting(db: Database, name: str, value: str, *, ctx: StepContext | None = None) -> MailSettings:
    """Change one SMTP setting (`name`: smtp-host, smtp-port, smtp-security, smtp-user,
    smtp-from, smtp-password-file; "" clears it); audited. Returns the settings now."""
    ctx = ctx or StepContext()
    key = name.strip().lower().replace("-", "_")
    if key in ("smtp_password", "smtp_pass"):
        raise StepRefused("the SMTP password is never kept in the database: set CHC_SMTP_PASSWORD in the "
                          "environment, or put it in a file only you can read (chmod 600) and "
                          "`chc settings set smtp-password-file /path/to/it`", "smtp_password")
    field = FIELD_NAMES.get(key)
    if field is None:
        raise StepRefused(f"there is no mail setting called {name!r}: choose one of "
                          f"{', '.join(n.replace('_', '-') for n in FIELD_NAMES)}", key)
    clean = _clean(field, value)
    with acting_write(db, ctx) as session:
        before = get_setting(session, SETTING_KEYS[field])
        if before != clean:
            put_setting(session, SETTING_KEYS[field], clean)
            session.add(AuditEntry(
                actor=ctx.actor, action="update mail settings", complaint_id=None,
                details_json=json.dumps({field: clean}), before_json=json.dumps({field: before}),
            ))
        return mail_settings(session)
