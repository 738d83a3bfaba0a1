"""Every choice the product makes where the Code or the Regulator leaves room, stated once.

The annual report's "How the figures were counted" prints these, and README.md carries the
same text (tests/test_interpretations.py checks it word for word), so a board, an auditor
and the Ombudsman read one account of how every figure was counted.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Interpretation:
    provision: str  # what it rests on
    text: str


INTERPRETATIONS: tuple[Interpretation, ...] = (
    Interpretation(
        "Code 6.2, 6.3, 6.11, 6.14",
        "N working days after a day D means N working days strictly after D: a complaint received on "
        "Monday is acknowledged on time up to the following Monday.",
    ),
    Interpretation(
        "Code 6.2, 6.3 (working days)",
        "Working days leave out weekends, the bank holidays of the landlord's region and the closure "
        "days the landlord records: a clock counted across a closure day is a day longer (a closure "
        "day added later moves no deadline already fixed).",
    ),
    Interpretation(
        "Code 6.3, 6.14",
        "The response clock runs from the acknowledgement, so a late acknowledgement gives a later "
        "response target; the report shows beside CH02 how many responses within target followed a "
        "late acknowledgement.",
    ),
    Interpretation(
        "Code 6.2, 6.11",
        "The acknowledgement measure counts every stage received in the year against the deadline "
        "stored when it opened; one never acknowledged and past that deadline counts as late. Stages "
        "refused or withdrawn before acknowledgement, and those not yet due, are not counted. The "
        "report and the self-assessment count it the same way.",
    ),
    Interpretation(
        "Code 6.4, 6.5, 6.15, 6.16",
        "An extension counts only when it was agreed in line with the Code: decided, and the resident "
        "told of the new date, on or before the deadline it replaces; within the limit (10 working days "
        "at stage 1, 20 at stage 2) or with a good reason recorded; and with the Ombudsman's contact "
        "details given. A response sent within an extension that falls short of any of these is "
        "\"late: extension not in line with the Code\", not within timescale.",
    ),
    Interpretation(
        "Code 6.4, 6.15",
        "Extensions are counted cumulatively from the response deadline fixed at acknowledgement: two "
        "extensions of 6 working days each are 12 working days beyond the target, past the stage 1 "
        "limit.",
    ),
    Interpretation(
        "TSM CH01",
        "CH01 counts every complaint received in the year, including those later refused or withdrawn, "
        "per 1,000 homes owned, to two decimal places rounded half up.",
    ),
    Interpretation(
        "TSM CH02",
        "CH02 counts the responses sent in the year; complaints refused or withdrawn before a response, "
        "and those still awaiting one, are left out and listed beside it.",
    ),
    Interpretation(
        "TSM CH01, CH02 (stock types)",
        "CH01 and CH02 are given in total and for each stock type the landlord has (low cost rental, "
        "low cost home ownership), by the resident's tenure. A landlord with one stock type has every "
        "complaint in it; with both, a complaint whose resident's tenure is not recorded counts in the "
        "total only and is listed as tenure not known.",
    ),
    Interpretation(
        "Imported records",
        "A fact a spreadsheet did not hold (the date an extension was decided or the resident told, a "
        "good reason, whether the Ombudsman's details or route were given) is stored as not known and "
        "never counted as kept; records moved in this way are marked \"imported, not verified\" until a "
        "handler verifies them.",
    ),
)


def readme_lines() -> list[str]:
    """The README's list, one line per interpretation."""
    return [f"- {i.text} ({i.provision})" for i in INTERPRETATIONS]
