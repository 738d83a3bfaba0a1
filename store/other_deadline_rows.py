"""The panel's other due dates as rows, assembled from the results of the queries in
store/other_deadlines.py. No SQLAlchemy here: the first paint (store/fastread.py) runs
the same queries with the standard library's sqlite3 and assembles them with this, so the
first panel is the panel the full load shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Mapping, Sequence

# kind -> the panel's words for it; the order is the order of the panel's kind filter
KINDS: dict[str, str] = {
    "adjustment": "review adjustment",
    "restriction": "review restriction",
    "service_request": "service request",
    "remedy": "remedy",
    "action": "action",
    "ombudsman_request": "Ombudsman request",
    "ombudsman_order": "Ombudsman order",
    "improvement": "improvement",
    "update": "update due",
}

# The kinds read from a table of their own, each with its due date stored (the updates
# agreed are counted from the stage's agreement and last contacts instead).
ITEM_KINDS = (
    "adjustment", "restriction", "service_request", "remedy", "action", "ombudsman_request", "ombudsman_order",
    "improvement",
)

# The queries' names, in the order their rows are assembled (see other_deadlines.statements).
QUERIES = (
    "adjustment", "restriction", "newest_complaint_of_reviewed", "service_request", "remedy", "action",
    "ombudsman_request", "ombudsman_order", "improvement", "updates_agreed", "updates_sent",
)


def day_counts_name(kind: str) -> str:
    return f"{kind}_days"


# The panel's read (other_deadlines.panel_statements): the same rows queries, each kind's
# soonest page only, and each item kind's count of due dates by day.
PANEL_QUERIES = QUERIES + tuple(day_counts_name(kind) for kind in ITEM_KINDS)


@dataclass(frozen=True)
class OtherDeadlineRow:
    kind: str  # a key of KINDS
    item_id: int
    reference: str  # the complaint's, or the service request's, or "" (a lesson)
    complaint_reference: str | None  # where Enter goes, when the item belongs to a complaint
    who: str  # the resident, or the lesson's theme
    what: str
    due_on: date
    resident_id: int | None = None  # for reviews: where Enter goes (the resident's needs)

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


def _day(value) -> date | None:
    """A date as SQLAlchemy gives it, or as SQLite stores it (ISO text, for sqlite3)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _due(value) -> date:
    """A due date the queries select only where it is set (NOT NULL or filtered)."""
    day = _day(value)
    if day is None:
        raise ValueError("a running due date without a date")
    return day


def _due_reader():
    """`_due`, each distinct date parsed once: 12,451 rows at 300k share a few hundred
    due dates, and parsing each was a third of assembling them."""
    days: dict = {}

    def due(value) -> date:
        known = days.get(value)
        if known is None:
            known = days[value] = _due(value)
        return known

    return due


def assemble(results: Mapping[str, Iterable[Sequence]], calendar=None) -> list[OtherDeadlineRow]:
    """Every other running due date, soonest first. `calendar` (the working calendar)
    counts the updates agreed with residents (5.9); without one they are left out."""
    due = _due_reader()
    rows: list[OtherDeadlineRow] = []
    newest = {resident_id: ref for resident_id, ref in results["newest_complaint_of_reviewed"]}
    for kind in ("adjustment", "restriction"):
        for item_id, resident_id, name, what, due_on in results[kind]:
            ref = newest.get(resident_id)
            rows.append(OtherDeadlineRow(kind, item_id, ref or "", ref, name, what, due(due_on), resident_id))
    for item_id, ref, name, what, due_on, complaint_ref in results["service_request"]:
        rows.append(OtherDeadlineRow("service_request", item_id, ref, complaint_ref, name, what, due(due_on)))
    for kind in ("remedy", "action", "ombudsman_request", "ombudsman_order"):
        for item_id, ref, name, what, due_on in results[kind]:
            rows.append(OtherDeadlineRow(kind, item_id, ref, ref, name, what, due(due_on)))
    for item_id, theme, what, due_on in results["improvement"]:
        rows.append(OtherDeadlineRow("improvement", item_id, f"L{item_id}", None, theme, what, due(due_on)))
    if calendar is not None:
        rows += _updates_due(results, calendar)
    rows.sort(key=lambda r: (r.due_on, r.kind, r.item_id))
    return rows


def _updates_due(results: Mapping[str, Iterable[Sequence]], calendar) -> list[OtherDeadlineRow]:
    """The next update agreed with the resident on each open stage (Code 5.9): the interval
    counted from the last outgoing letter, call, email or meeting, or from the agreement."""
    from chc_tui.rules.keeping_informed import update_due

    sent: dict[int, list[date]] = {}
    for complaint_id, last in results["updates_sent"]:
        sent.setdefault(complaint_id, []).append(_due(last))
    return [
        OtherDeadlineRow("update", stage_id, ref, ref, name, f"stage {stage}: update the resident (every {every} working days, agreed)",
                         update_due(_due(agreed_on), every, sent.get(complaint_id, []), calendar))
        for stage_id, complaint_id, ref, name, stage, every, agreed_on in results["updates_agreed"]
    ]


def day_counts(results: Mapping[str, Iterable[Sequence]], rows: Iterable[OtherDeadlineRow]) -> dict[str, dict[date, int]]:
    """How many running due dates of each kind fall on each day: the item kinds from the
    panel read's counts (every one, not only the page read), the updates agreed from their
    rows (all of them are read)."""
    due = _due_reader()
    counts: dict[str, dict[date, int]] = {}
    for kind in ITEM_KINDS:
        days = counts[kind] = {}
        for due_on, count in results[day_counts_name(kind)]:
            day = due(due_on)
            days[day] = days.get(day, 0) + count  # a date stored as text and as a date-time is one day
    updates = counts["update"] = {}
    for row in rows:
        if row.kind == "update":
            updates[row.due_on] = updates.get(row.due_on, 0) + 1
    return counts
