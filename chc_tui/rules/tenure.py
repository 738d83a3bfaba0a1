"""The Regulator's stock types for the Tenant Satisfaction Measures (issue 18.6).

TSMs CH01 and CH02 are reported per relevant stock type ("each 1,000 homes of the
relevant stock type"): low cost rental accommodation (LCRA: general needs, supported and
housing for older people, affordable and social rent) and low cost home ownership (LCHO:
shared ownership and similar). A landlord may have both. A resident's tenure says which
one their home is counted in; "" is "not known", counted in the total only.

One home for the words: the settings, the resident's steps, the importer and the report
all read them from here.
"""

from __future__ import annotations

import re

LCRA = "LCRA"
LCHO = "LCHO"
STOCK_TYPES: tuple[str, ...] = (LCRA, LCHO)
DEFAULT_STOCK_TYPES: tuple[str, ...] = (LCRA,)
NOT_KNOWN = ""

STOCK_TYPE_LABELS = {
    LCRA: "low cost rental accommodation",
    LCHO: "low cost home ownership",
}
NOT_KNOWN_LABEL = "tenure not known"
NOT_KNOWN_KEY = "tenure_not_known"  # its place in the report's JSON, beside LCRA and LCHO

# Words a spreadsheet's "Tenure" column uses, read as a stock type. Anything else (blank,
# "leasehold", "other", "market rent", a typo) is not known: never guessed.
_WORDS = {
    LCRA: ("lcra", "low cost rental", "low-cost rental", "general needs", "social rent", "affordable rent",
           "supported housing", "housing for older people", "sheltered housing"),
    LCHO: ("lcho", "low cost home ownership", "low-cost home ownership", "shared ownership", "shared owner"),
}


def label(tenure: str) -> str:
    return STOCK_TYPE_LABELS.get(tenure, NOT_KNOWN_LABEL)


def short_label(tenure: str) -> str:
    """LCRA, LCHO, or "not known"."""
    return tenure if tenure in STOCK_TYPES else "not known"


def tenure_from_words(text: str | None) -> str:
    """A spreadsheet's tenure as a stock type: LCRA, LCHO, or "" when unclear. Words of
    both kinds ("rental or shared ownership") are unclear too."""
    clean = " ".join(re.sub(r"[^a-z0-9-]+", " ", (text or "").casefold()).split())
    if not clean:
        return NOT_KNOWN
    found = {kind for kind, words in _WORDS.items()
             if any(re.search(rf"(^| ){re.escape(word)}($| )", clean) for word in words)}
    return found.pop() if len(found) == 1 else NOT_KNOWN


def parse_stock_types(value) -> tuple[tuple[str, ...], list[str]]:
    """"LCRA,LCHO" (or a list) -> the stock types in the Regulator's order, and the names
    that are not stock types."""
    parts = value.replace(";", ",").split(",") if isinstance(value, str) else list(value or ())
    names = [str(p).strip().upper() for p in parts if str(p).strip()]
    unknown = [n for n in names if n not in STOCK_TYPES]
    return tuple(t for t in STOCK_TYPES if t in names), unknown
