"""The landlord's own details, entered once and used by every letter, export and report.

Stored as settings rows (key -> JSON). The Ombudsman's contact details start as the
Ombudsman's published ones and stay editable: since 13 January 2026 the Ombudsman no
longer takes new cases by email, so letters lead with the online form and telephone.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace

from sqlmodel import Session

from chc_tui.settings import LANDLORD_NAME_KEY, get_setting

DEFAULT_LANDLORD_NAME = "Your housing association"


@dataclass(frozen=True)
class LandlordSettings:
    name: str = DEFAULT_LANDLORD_NAME
    address: str = ""
    complaints_officer: str = ""
    member_responsible: str = ""  # the Member Responsible for Complaints (Code 7.6)
    signature: str = ""  # the signature block under each letter
    ombudsman_website: str = "www.housing-ombudsman.org.uk"
    ombudsman_form: str = "https://www.housing-ombudsman.org.uk/residents/make-a-complaint/"
    ombudsman_phone: str = "0300 111 3000"
    ombudsman_address: str = "Housing Ombudsman Service, PO Box 1484, Unit D, Preston, PR2 0ET"


# Field -> settings key. The name keeps the key earlier releases used.
SETTING_KEYS: dict[str, str] = {
    f.name: (LANDLORD_NAME_KEY if f.name == "name" else f"landlord.{f.name}") for f in fields(LandlordSettings)
}

LABELS: dict[str, str] = {
    "name": "Landlord's name",
    "address": "Landlord's address",
    "complaints_officer": "Complaints officer",
    "member_responsible": "Member Responsible for Complaints",
    "signature": "Signature block",
    "ombudsman_website": "Ombudsman website",
    "ombudsman_form": "Ombudsman online complaint form",
    "ombudsman_phone": "Ombudsman telephone",
    "ombudsman_address": "Ombudsman postal address",
}

# A letter cannot be made without these (the Ombudsman route, Code 2.4, 6.5, 6.9, 6.19).
REQUIRED = ("name", "ombudsman_form", "ombudsman_phone")


def landlord_settings(session: Session) -> LandlordSettings:
    defaults = LandlordSettings()
    values = {}
    for name, key in SETTING_KEYS.items():
        value = get_setting(session, key)
        if value is not None and str(value).strip():
            values[name] = str(value)
    return replace(defaults, **values)
