"""A resident's format needs, read from the reasonable adjustments agreed with them (Code
5.10): which change how a letter is printed, and which a printed letter cannot meet.

One home for the words that mean "large print" and for the needs the post run must meet
by hand; the letter export (chc_tui.documents.letter_export) and the screens ask here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

# How long a reasonable adjustment typed when logging (or on the complaint) stands before
# its first review: the Code asks for active review (5.10) without a timescale, so this is
# the landlord's usual, also the default on the adjustment form.
ADJUSTMENT_REVIEW_MONTHS = 6

# The print size of a large-print letter (RNIB: 16 to 18 point) and of an ordinary one.
LARGE_PRINT_PT = 16.0
STANDARD_PT = 11.0

_LARGE_PRINT = re.compile(r"\b(large|larger|big|bigger)[\s-]+(print|font|type|text)\b|\blarge[\s-]?print\b|\b1[6-9]\s*pt\b",
                          re.IGNORECASE)
# Needs a printed letter cannot meet: someone must act on them when it is posted.
_NOT_IN_PRINT = {
    "Braille": re.compile(r"\bbraille\b", re.IGNORECASE),
    "audio": re.compile(r"\baudio\b|\bcd\b|\bcassette\b|\btape\b|\bread (it )?(aloud|out)\b", re.IGNORECASE),
    "easy read": re.compile(r"\beasy[\s-]?read\b", re.IGNORECASE),
    "translation": re.compile(r"\btranslat\w*|\binterpret\w*|\bin (polish|arabic|urdu|punjabi|bengali|somali|romanian|"
                              r"portuguese|spanish|french|welsh|lithuanian|turkish|farsi|kurdish|tigrinya)\b", re.IGNORECASE),
    "British Sign Language": re.compile(r"\bbsl\b|\bsign language\b", re.IGNORECASE),
}


def is_large_print(text: str) -> bool:
    """The adjustment asks for large print ("Large print letters", "bigger font", "16pt")."""
    return bool(_LARGE_PRINT.search(text or ""))


def needs_not_in_print(text: str) -> list[str]:
    """The needs in `text` an ordinary printed letter cannot meet (Braille, audio...)."""
    return [name for name, pattern in _NOT_IN_PRINT.items() if pattern.search(text or "")]


@dataclass(frozen=True)
class LetterFormat:
    """How a letter to this resident is to be printed, from their current adjustments."""

    large_print: bool = False
    not_in_print: tuple[str, ...] = ()  # needs the post run must meet (a Braille copy...)
    adjustments: tuple[str, ...] = ()  # what the needs come from, as agreed

    @property
    def size_pt(self) -> float:
        return LARGE_PRINT_PT if self.large_print else STANDARD_PT

    def export_hint(self) -> str:
        """What the handler is told above the letter about how it will be exported."""
        said = ["Exported letters print in large print (16pt)."] if self.large_print else []
        if self.not_in_print:
            said.append(f"Export it for the post run: it needs {', '.join(self.not_in_print)}, which print cannot give.")
        return " ".join(said) or "Make and send the letter to suit."

    def post_run_note(self) -> str:
        """The note at the top of the export for whoever posts it; "" when none is needed."""
        if not self.not_in_print:
            return ""
        return (f"FOR THE POST RUN: this resident needs {', '.join(self.not_in_print)} (reasonable adjustment, "
                f"Code 5.10: {'; '.join(self.adjustments)}). This printed letter does not meet it on its own: "
                "arrange it before sending, and remove this note.")


def letter_format(adjustments: Iterable[str]) -> LetterFormat:
    """The letter format the resident's current adjustments call for."""
    texts = tuple(a for a in adjustments if (a or "").strip())
    large = any(is_large_print(a) for a in texts)
    unmet: list[str] = []
    for text in texts:
        unmet += [n for n in needs_not_in_print(text) if n not in unmet]
    return LetterFormat(large, tuple(unmet), tuple(a for a in texts if is_large_print(a) or needs_not_in_print(a)))
