"""The landlord's own details, entered once and used by every letter, export and report.

Stored as settings rows (key -> JSON). The Ombudsman's contact details start as the
Ombudsman's published ones and stay editable: since 13 January 2026 the Ombudsman no
longer takes new cases by email, so letters lead with the online form and telephone.
"""

from __future__ import annotations
from chc_tui.steps.identity import acting_write

import json
import re
from dataclasses import dataclass, fields, replace

from sqlmodel import Session

from chc_tui.steps.settings import LANDLORD_NAME_KEY, get_setting, read_settings

DEFAULT_LANDLORD_NAME = "Your housing association"


@dataclass(frozen=True)
class LandlordSettings:
    name: str = DEFAULT_LANDLORD_NAME
    address: str = ""
    complaints_officer: str = ""
    member_responsible: str = ""  # the Member Responsible for Complaints (Code 9.5, rules.provisions.MRC)
    signature: str = ""  # lines under the signer's name and contact details (registered office, ...)
    ombudsman_website: str = "www.housing-ombudsman.org.uk"
    ombudsman_form: str = "https://www.housing-ombudsman.org.uk/residents/make-a-complaint/"
    ombudsman_phone: str = "0300 111 3000"
    ombudsman_address: str = "Housing Ombudsman Service, PO Box 1484, Unit D, Preston, PR2 0ET"
    # The landlord's own target for completing a service request (Code 1.4), in working days.
    service_request_target_days: str = "10"
    # The landlord's financial year end, DD/MM: drives the submission deadline only (the report
    # year stays 1 April to 31 March, as the TSMs are counted); see chc_tui.rules.submission.
    financial_year_end: str = "31/03"


# Field -> settings key. The name keeps the key earlier releases used.
SETTING_KEYS: dict[str, str] = {
    f.name: (LANDLORD_NAME_KEY if f.name == "name" else f"landlord.{f.name}") for f in fields(LandlordSettings)
}

LABELS: dict[str, str] = {
    "name": "Landlord's name",
    "address": "Landlord's address",
    "complaints_officer": "Complaints officer",
    "member_responsible": "Member Responsible for Complaints",
    "signature": "Lines under the signature",
    "ombudsman_website": "Ombudsman website",
    "ombudsman_form": "Ombudsman online complaint form",
    "ombudsman_phone": "Ombudsman telephone",
    "ombudsman_address": "Ombudsman postal address",
    "service_request_target_days": "Service request target (working days)",
    "financial_year_end": "Financial year end (DD/MM, for the submission date)",
}

# A letter cannot be made without these (the Ombudsman route, Code 2.4, 6.5, 6.9, 6.19).
REQUIRED = ("name", "ombudsman_form", "ombudsman_phone")


def landlord_settings(session: Session) -> LandlordSettings:
    defaults = LandlordSettings()
    values = {}
    read_settings(session, SETTING_KEYS.values())  # one query, not one a field
    for name, key in SETTING_KEYS.items():
        value = get_setting(session, key)
        if value is not None and str(value).strip():
            values[name] = str(value)
    return replace(defaults, **values)


# --- the one way these settings change -------------------------------------------------------

_PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{6,19}$")


def update_landlord_settings(db, *, ctx=None, **values) -> dict[str, tuple[str, str]]:
    """Change any of the landlord's details; audited with what each held before.
    Returns {field: (before, after)} for the fields that changed."""
    from chc_tui.rules.context import StepContext
    from chc_tui.rules.domain import Problem, StepRefused
    from chc_tui.steps.settings import put_setting
    from store.models import AuditEntry

    ctx = ctx or StepContext()
    problems = [Problem(name, f"there is no landlord setting called {name!r}") for name in values if name not in SETTING_KEYS]
    clean = {name: str(value or "").strip() for name, value in values.items() if name in SETTING_KEYS}
    for name in REQUIRED:
        if name in clean and not clean[name]:
            problems.append(Problem(name, f"{LABELS[name]} is required: every letter gives it"))
    phone = clean.get("ombudsman_phone")
    if phone and not _PHONE.match(phone):
        problems.append(Problem("ombudsman_phone", f"{phone!r} does not look like a telephone number"))
    target = clean.get("service_request_target_days")
    if target is not None and not (target.isdigit() and 1 <= int(target) <= 250):
        problems.append(Problem("service_request_target_days", "a whole number of working days, 1 to 250"))
    if clean.get("financial_year_end") is not None:
        from chc_tui.rules.submission import parse_year_end

        try:
            clean["financial_year_end"] = parse_year_end(clean["financial_year_end"])
        except ValueError as bad:
            problems.append(Problem("financial_year_end", str(bad)))
    if problems:
        raise StepRefused(problems)
    with acting_write(db, ctx) as session:
        now = landlord_settings(session)
        changed = {n: (getattr(now, n), v) for n, v in clean.items() if getattr(now, n) != v}
        for name, (_, after) in changed.items():
            put_setting(session, SETTING_KEYS[name], after)
        if changed:
            session.add(AuditEntry(
                actor=ctx.actor, action="update landlord settings", complaint_id=None,
                details_json=json.dumps({n: a for n, (_, a) in changed.items()}, sort_keys=True),
                before_json=json.dumps({n: b for n, (b, _) in changed.items()}, sort_keys=True),
            ))
    return changed
