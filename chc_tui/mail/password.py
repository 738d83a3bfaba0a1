"""The SMTP password: never in the database. From the environment variable
CHC_SMTP_PASSWORD, else from the file named by the `smtp-password-file` setting, which
must be the current user's own and readable by nobody else (a shared server's other
logins must not read the landlord's mail password)."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Mapping

from chc_tui.mail.errors import MailNotSetUp, PasswordFileUnsafe
from chc_tui.steps.mail_settings import MailSettings

PASSWORD_ENV = "CHC_SMTP_PASSWORD"


def read_password_file(path: Path) -> str:
    """The first line of the file, refused (PasswordFileUnsafe, naming the file and the
    fix) unless it is a regular file owned by this user with no access for group or others.
    The checks are made on the file as opened, so it cannot be swapped in between."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise PasswordFileUnsafe(f"the SMTP password file {path} does not exist") from None
    except OSError as error:
        raise PasswordFileUnsafe(f"cannot open the SMTP password file {path}: {error.strerror} "
                                 "(a symbolic link is refused: name the file itself)") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise PasswordFileUnsafe(f"the SMTP password file {path} is not a plain file")
        if hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise PasswordFileUnsafe(f"the SMTP password file {path} belongs to another user (uid {info.st_uid}): "
                                     f"it must be your own file; copy it and run chmod 600 on your copy")
        if info.st_mode & 0o077:
            raise PasswordFileUnsafe(f"the SMTP password file {path} can be read or changed by others "
                                     f"(mode {stat.S_IMODE(info.st_mode):o}): run chmod 600 {path}")
        text = handle.read(64 * 1024).decode("utf-8", errors="strict")
    lines = text.splitlines()
    return lines[0] if lines else ""


def smtp_password(settings: MailSettings, environ: Mapping[str, str] | None = None) -> str | None:
    """The password to log in with; None when the settings name no login user.
    MailNotSetUp when a user is set but no password is given either way."""
    if not settings.user:
        return None
    environ = os.environ if environ is None else environ
    if environ.get(PASSWORD_ENV):
        return environ[PASSWORD_ENV]
    if settings.password_file:
        return read_password_file(Path(settings.password_file))
    raise MailNotSetUp(f"no SMTP password for {settings.user}: set {PASSWORD_ENV} in the environment, or "
                       "`chc settings set smtp-password-file /path/to/file` (a file only you can read: chmod 600)")
