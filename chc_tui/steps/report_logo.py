"""Setting or clearing the landlord's logo (issue 20.1): checked, stored and audited in one
transaction, from the CLI (`chc settings set logo FILE|none`) or any other path."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from chc_tui.documents.logo import Logo, LogoRefused, read_logo_file
from chc_tui.rules.context import StepContext
from chc_tui.rules.domain import StepRefused
from chc_tui.steps.identity import acting_write
from chc_tui.steps.settings import get_setting, put_setting
from chc_tui.steps.usecases import _audit
from store.engine import Database

LOGO_KEY = "report.logo"
NO_LOGO = ("none", "no", "off", "")


def stored_logo(session: Session) -> Logo | None:
    return Logo.from_setting(get_setting(session, LOGO_KEY))


def set_report_logo(db: Database, path: str | Path, *, ctx: StepContext | None = None) -> Logo | None:
    """The logo from the picture at `path` ("none" clears it). Returns what is now set."""
    ctx = ctx or StepContext()
    chosen: Logo | None = None
    if str(path).strip().lower() not in NO_LOGO:
        try:
            chosen = read_logo_file(Path(str(path).strip()))
        except LogoRefused as refused:
            raise StepRefused(str(refused), "logo") from None
    with acting_write(db, ctx) as session:
        before = stored_logo(session)
        put_setting(session, LOGO_KEY, chosen.to_setting() if chosen else None)
        _audit(session, ctx, "set report logo", None,
               {"logo": chosen.name if chosen else "", "sha256": chosen.sha256 if chosen else ""},
               {"logo": before.name if before else "", "sha256": before.sha256 if before else ""})
    return chosen
