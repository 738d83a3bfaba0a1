"""Who is acting, on what day, under which policy: passed to every use-case."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from datetime import date

from chc_tui.rules.policy import CODE_2024, CodePolicy


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): still record something honest
        return "unknown"


@dataclass(frozen=True)
class StepContext:
    actor: str = field(default_factory=os_user)
    today: date = field(default_factory=date.today)
    policy: CodePolicy = CODE_2024
    # Who did the step, by staff id, where that is not the login acting: only the importer
    # sets it, transcribing history its sheet says a named handler did.
    done_by: int | None = None
