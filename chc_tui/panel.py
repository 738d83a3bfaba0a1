"""The deadline panel's rows and counts (pure: no Textual, no SQL).

The panel shows the soonest running due dates of every kind (complaint deadlines, the
yearly submission, reviews, remedies, the Ombudsman's dates...) in one order, and counts
every one of them by state in its title. It is read a page at a time: of each kind only
the soonest page (store.queries.open_deadlines, store.other_deadlines.panel_deadlines),
which holds the soonest page of any mix of kinds the kind filter (k) shows, and of each
kind how many fall due on each day, counted by state here through the rules' one
`count_states`. The first paint (store/fastread.py) and the full load build the same
PanelRead, so the first panel is the panel the full load shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Mapping, Union

from chc_tui.rules.calendar import WorkingCalendar
from chc_tui.rules.deadlines import Due, OtherDue, YearlySubmission, count_states
from chc_tui.rules.domain import DeadlineState
from chc_tui.rules.policy import CodePolicy

COMPLAINT = "complaint"  # the kind of a complaint's own deadline; the others' are store.other_deadline_rows.KINDS
SUBMISSION = "submission"

PanelItem = Union[Due, YearlySubmission, OtherDue]


@dataclass(frozen=True)
class PanelRead:
    today: date
    complaints: list[Due]  # the soonest complaint deadlines (at least a page, or all), soonest first
    others: list[OtherDue]  # of each other kind its soonest page, soonest first
    submission: YearlySubmission | None
    counts: Mapping[str, Mapping[DeadlineState, int]]  # by kind, every running due date by state (not only those read)


@dataclass(frozen=True)
class PanelView:
    items: list[PanelItem]  # the first rows, in the panel's order
    counts: dict[DeadlineState, int]  # every due date of the kinds shown, by state
    total: int


def read_panel(today: date, complaints: list[Due], complaint_days: Mapping[date, int], others: list[OtherDue],
               other_days: Mapping[str, Mapping[date, int]], submission: YearlySubmission | None,
               calendar: WorkingCalendar, policy: CodePolicy) -> PanelRead:
    """`complaint_days` and `other_days`: how many due dates (of each kind) fall on each day."""
    known: dict[date, DeadlineState] = {}  # many kinds share a day: each day is counted in working days once
    counts = {COMPLAINT: count_states(complaint_days, calendar, today, policy, known)}
    counts.update((kind, count_states(days, calendar, today, policy, known)) for kind, days in other_days.items())
    return PanelRead(today, complaints, others, submission, counts)


def panel_view(read: PanelRead, wanted: Callable[[str], bool], rows: int) -> PanelView:
    """The first `rows` due dates of the kinds `wanted`, soonest first: on one day the
    complaints (in the list's order), then the submission, then the others (by kind and
    id); and the counts over every one of those kinds."""
    merged: list[tuple[date, int, PanelItem]] = [(due.row.due_on, 0, due) for due in read.complaints] if wanted(COMPLAINT) else []
    counts = dict.fromkeys(DeadlineState, 0)
    submission = read.submission
    if submission is not None and wanted(SUBMISSION):
        merged.append((submission.due_on, 1, submission))
        counts[submission.state] += 1
    merged += [(other.row.due_on, 2, other) for other in read.others if wanted(other.row.kind)]
    merged.sort(key=lambda r: (r[0], r[1]))
    for kind, by_state in read.counts.items():
        if wanted(kind):
            for state, count in by_state.items():
                counts[state] += count
    return PanelView([item for _due_on, _source, item in merged[:rows]], counts, sum(counts.values()))
