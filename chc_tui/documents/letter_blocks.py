"""A letter as the Code's required blocks, found again after the handler edits it.

Each item the Code requires a letter to tell the resident (5.6 in an acknowledgement,
6.4-6.5 / 6.15-6.16 in an extension, 6.9 a-g / 6.19 a-g in a response, 2.4 in a refusal)
is a block: a heading line, printed in the letter as an ordinary section heading, and the
text under it up to the next heading or the sign-off. A heading may carry its text on the
same line after a colon ("Our reference: C2026-0001").

The handler may reword the letter around and inside a block; the final text is checked
block by block: the heading is there, the block says something, and the facts it states
agree with the record (the decision read as a decision: "not upheld" is never "upheld";
the dates, the reference, the amounts, the Ombudsman's telephone). This module only reads
text: which blocks a letter needs, and what each must say, is in letters.required_items.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from chc_tui.rules.domain import Decision

# The heading of each block, as the templates print it and the checker finds it: one table,
# passed to every template as `h` (a landlord's own template uses the same names).
HEADINGS: dict[str, str] = {  # none with a colon: a colon ends a heading (find_blocks)
    "reference": "Our reference",
    "handler": "Who is handling your complaint",
    "understanding": "Our understanding of your complaint",
    "outcomes": "What you would like to happen",
    "responsible": "What we are responsible for and will look into",
    "not_responsible": "What we are not responsible for",
    "response_due": "When we will respond",
    "adjustments": "Reasonable adjustments",
    "ombudsman": "The Housing Ombudsman",
    "extension_reason": "Why we need more time",
    "stage": "The stage of your complaint",
    "decision": "Our decision",
    "reasons": "Why we reached this decision",
    "remedy": "What we will do to put things right",
    "actions": "Actions still to be completed",
    "escalate": "If you are not satisfied",
    "final": "If you are still not satisfied",
    "refusal_reasons": "Why we cannot take on your complaint",
    "refusal_ombudsman": "If you disagree with this decision",
    "withdrawal": "Your withdrawal",
}

_SIGN_OFF = re.compile(r"^\s*yours\s+(sincerely|faithfully)\b", re.IGNORECASE)


def _squash(text: str) -> str:
    # str.split() splits on the whitespace that re's \s matches (both str.isspace), and
    # strips: a letter's every line is squashed, and the regular expression took longer
    return " ".join(text.split()).casefold()


def find_blocks(text: str) -> dict[str, str]:
    """Each heading found in `text` (its first occurrence), with the text under it: from
    after the heading to the next heading or the sign-off."""
    # A line is a heading alone, or a heading and a colon and perhaps its text: the part
    # before its first colon is looked up (no heading has a colon in it).
    headings = {_squash(h): key for key, h in HEADINGS.items()}
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        head, colon, _ = _squash(line).partition(":")
        key = headings.get(head)
        rest = line.split(":", 1)[1] if key is not None and colon else ""
        if key is not None:
            current = None if key in found else found.setdefault(key, [])
            if current is not None and rest.strip():
                current.append(rest)
            continue
        if _SIGN_OFF.match(line):
            current = None
        elif current is not None:
            current.append(line)
    return {key: "\n".join(lines).strip() for key, lines in found.items()}


# --- what a block must say: each check returns None, or ("missing"|"contradicts", detail) --

Finding = tuple[str, str] | None
Check = Callable[[str], Finding]

MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september",
          "october", "november", "december")
_LONG_DATE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+(" + "|".join(MONTHS) + r")\s+(\d{4})\b", re.IGNORECASE)
_SHORT_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b")
_MONEY = re.compile(r"£\s?(\d[\d,]*(?:\.\d{2})?)")
# Longest first, so "not upheld" and "partly upheld" are read whole and never as "upheld".
_DECISION = re.compile(r"\b(not\s+upheld|partly\s+upheld|partially\s+upheld|upheld)\b", re.IGNORECASE)
_STAGE = re.compile(r"\bstage\s+(\d|one|two)\b", re.IGNORECASE)


def _long(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def dates_in(text: str) -> set[date]:
    """The dates a block states, written "7 December 2026" or "07/12/2026"."""
    found: set[date] = set()
    for d, month, y in _LONG_DATE.findall(text):
        try:
            found.add(date(int(y), MONTHS.index(month.casefold()) + 1, int(d)))
        except ValueError:
            pass
    for d, m, y in _SHORT_DATE.findall(text):
        try:
            found.add(date(int(y), int(m), int(d)))
        except ValueError:
            pass
    return found


def amounts_in(text: str) -> set[str]:
    """Sums of money, "£75", "£1,250.00" -> {"75", "1250"}."""
    out = set()
    for raw in _MONEY.findall(text):
        value = raw.replace(",", "")
        out.add(value[:-3] if value.endswith(".00") else value)
    return out


def decisions_in(text: str) -> set[Decision]:
    read = {"not upheld": Decision.NOT_UPHELD, "partly upheld": Decision.PARTLY_UPHELD,
            "partially upheld": Decision.PARTLY_UPHELD, "upheld": Decision.UPHELD}
    return {read[_squash(m)] for m in _DECISION.findall(text)}


def says_something(block: str) -> Finding:
    return None if re.search(r"\w", block) else ("missing", "the block is empty")


def states(needle: str) -> Check:
    def check(block: str) -> Finding:
        return None if _squash(needle) in _squash(block) else ("missing", f"it should say \u201c{needle}\u201d")
    return check


def states_date(day: date) -> Check:
    def check(block: str) -> Finding:
        found = dates_in(block)
        others = sorted(found - {day})
        if others:
            return ("contradicts", f"it says {', '.join(_long(d) for d in others)}; the record says {_long(day)}")
        return None if day in found else ("missing", f"it should say \u201c{_long(day)}\u201d")
    return check


def states_decision(decision: Decision) -> Check:
    def check(block: str) -> Finding:
        found = decisions_in(block)
        others = sorted(d.label for d in found - {decision})
        if others:
            return ("contradicts", f"it says \u201c{', '.join(others)}\u201d; the decision recorded is "
                                   f"\u201c{decision.label}\u201d")
        return None if decision in found else ("missing", f"it should say \u201c{decision.label}\u201d")
    return check


def states_stage(stage: int) -> Check:
    words = {"one": 1, "two": 2}

    def check(block: str) -> Finding:
        found = {int(s) if s.isdigit() else words[s.casefold()] for s in _STAGE.findall(block)}
        if found - {stage}:
            return ("contradicts", f"it says stage {', '.join(str(s) for s in sorted(found - {stage}))}; "
                                   f"this is stage {stage}")
        return None if stage in found else ("missing", f"it should say \u201cstage {stage}\u201d")
    return check


def states_telephone(phone: str) -> Check:
    digits = re.sub(r"\D", "", phone)

    def check(block: str) -> Finding:
        return None if digits and digits in re.sub(r"\D", "", block) else (
            "missing", f"it should give the Ombudsman's telephone \u201c{phone}\u201d")
    return check


def states_facts_of(lines: tuple[str, ...]) -> Check:
    """A remedy or actions block: every sum of money and date the records give, and no sum
    of money the records do not (the handler may reword the rest)."""
    recorded = "\n".join(lines)
    money, days = amounts_in(recorded), dates_in(recorded)

    def check(block: str) -> Finding:
        extra = sorted(amounts_in(block) - money)
        if extra:
            return ("contradicts", f"it says £{', £'.join(extra)}, which the record does not"
                                   + (f" (it records £{', £'.join(sorted(money))})" if money else ""))
        lost = [f"£{m}" for m in sorted(money - amounts_in(block))] + [_long(d) for d in sorted(days - dates_in(block))]
        joined = "\u201d, \u201c".join(lost)
        return ("missing", f"it should say \u201c{joined}\u201d") if lost else None
    return check


def all_of(*checks: Check) -> Check:
    def check(block: str) -> Finding:
        for one in checks:
            finding = one(block)
            if finding:
                return finding
        return None
    return check
