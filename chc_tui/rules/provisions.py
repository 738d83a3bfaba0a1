"""The Complaint Handling Code 2024's provisions 1.2 to 9.8, as shipped data.

`chc_tui/data/provisions.json` holds the 72 provisions the Ombudsman's self-assessment
form lists, in Code order, with their exact wording: lettered sub-items as lines
"a. ...", bullet lists as lines "• ...". Loaded once and cached.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

SECTION_COUNT = 9


@dataclass(frozen=True)
class Provision:
    provision: str  # "1.2" ... "9.8"
    section: int
    section_title: str
    text: str

    @property
    def number(self) -> tuple[int, int]:
        """Sort key: (6, 10) comes after (6, 9)."""
        major, minor = self.provision.split(".")
        return int(major), int(minor)

    @property
    def subheading(self) -> str:
        """Section 6 is in two parts on the Ombudsman's form: Stage 1 (6.1-6.9), Stage 2."""
        if self.section == 6:
            return "Stage 1" if self.number[1] <= 9 else "Stage 2"
        return ""

    @property
    def first_line(self) -> str:
        return self.text.split("\n", 1)[0]


@lru_cache(maxsize=1)
def provisions() -> tuple[Provision, ...]:
    """All 72 provisions, in Code order."""
    raw = resources.files("chc_tui").joinpath("data", "provisions.json").read_text(encoding="utf-8")
    return tuple(Provision(**row) for row in json.loads(raw))


@lru_cache(maxsize=1)
def by_number() -> dict[str, Provision]:
    return {p.provision: p for p in provisions()}


def get(provision: str) -> Provision:
    """The provision numbered `provision` ("6.2"); KeyError if the Code has none."""
    return by_number()[provision]


def is_provision(provision: str) -> bool:
    return provision in by_number()


def sections() -> list[tuple[int, str]]:
    """(number, title) of the nine sections, in order."""
    seen: dict[int, str] = {}
    for p in provisions():
        seen.setdefault(p.section, p.section_title)
    return list(seen.items())


# --- the provisions shown to users by name: one table ------------------------------------
# A number a screen, a letter check, the CLI or a report cites for a concept comes from here
# (or, when it depends on the stage, from the stage's `StageTimescales` in rules/policy.py).

OMBUDSMAN_DETAILS = "3.7"
"""Residents are told of their right to go to the Ombudsman and how to engage with it."""
REFUSAL_EXPLANATION = "2.4"
"""A refusal explains why, and the right to take the decision to the Ombudsman."""
DEFINITION = "5.6"
"""The complaint definition: the landlord's understanding and the outcomes sought."""
RESPONSIBLE_ASPECTS = "5.7"
"""Which aspects of the complaint the landlord is, and is not, responsible for."""
ADJUSTMENTS = "5.10"
"""Reasonable adjustments, recorded and kept under review."""
STAGE2_NO_REASON_NEEDED = "6.12"
"""A resident need not explain why they ask for stage 2."""
MRC = "9.5"
"""The Member Responsible for Complaints, on the governing body."""


def cite(provision: str) -> str:
    """"(Code 3.7)", or "" for an item no provision names (the reference)."""
    return f" (Code {provision})" if provision else ""
