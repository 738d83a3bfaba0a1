"""The report screen's figures, kept per financial year until the data changes (issue 22.5).

F3 and [ ] recounted the year from the records on every visit: seconds at 100k complaints.
A year's figures depend only on the records, the settings and today, so they are kept
with a stamp of those and shown again while the stamp holds. The stamp is the database's
data_version (it moves with every commit, this session's or another's: store/engine.py)
and today. Each year holds every figure's list of complaints (tens of MB at 100k
complaints), so two years at most are kept while the screen is open, and only the year
F3 opens at once it is left.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any, Hashable

KEEP_YEARS = 2  # the year shown and the one beside it ([ or ]); more costs memory, not time


@dataclass(frozen=True)
class YearFigures:
    """One year's report and its figures per handler and team, as the screen shows them."""

    report: Any  # chc_tui.figures.report.AnnualReport
    people: Any  # chc_tui.figures.performance_by_person.PerformanceByPerson


def stamp(services) -> tuple[Hashable, date]:
    """What a year's figures were counted from: equal stamps, equal figures."""
    return services.db.data_version(), services.today


class ReportCache:
    """The figures of the last few years counted, each with the stamp it was counted at."""

    def __init__(self, keep: int = KEEP_YEARS) -> None:
        self.keep = keep
        self._years: OrderedDict[int, tuple[tuple, YearFigures]] = OrderedDict()
        # (year, stamp) being counted: a second visit waits for that count rather than
        # starting its own. Set on the app's thread, cleared by the counting thread.
        self._under_way: set[tuple[int, tuple]] = set()
        # (year, stamp) counted ahead of its key once already: not again while the stamp
        # holds, even after leaving the report let go of it (memory before a second count)
        self._ahead: set[tuple[int, tuple]] = set()

    def get(self, year: int, current: tuple) -> YearFigures | None:
        """The year's figures if counted at `current`; figures counted earlier are dropped."""
        self.drop_stale(current)
        kept = self._years.get(year)
        if kept is None:
            return None
        self._years.move_to_end(year)
        return kept[1]

    def put(self, year: int, counted_at: tuple, figures: YearFigures, current: tuple) -> bool:
        """Keep the year's figures if they were counted at `current` (a count that a commit
        overtook is not kept); True if kept."""
        self.drop_stale(current)
        if counted_at != current:
            return False
        self._years[year] = (counted_at, figures)
        self._years.move_to_end(year)
        while len(self._years) > self.keep:
            self._years.popitem(last=False)
        return True

    def under_way(self, year: int, current: tuple) -> bool:
        return (year, current) in self._under_way

    def counting(self, year: int, current: tuple) -> None:
        self._under_way.add((year, current))

    def first_ahead(self, year: int, current: tuple) -> bool:
        """True the first time the year is to be counted ahead at `current`."""
        self._ahead = {(y, at) for y, at in self._ahead if at == current}
        if (year, current) in self._ahead:
            return False
        self._ahead.add((year, current))
        return True

    def counted(self, year: int, counted_at: tuple) -> None:
        """The count has ended (with figures or an error): from the thread that counted."""
        self._under_way.discard((year, counted_at))

    def years(self) -> list[int]:
        return list(self._years)

    def keep_only(self, year: int) -> None:
        """On leaving the report: the year F3 opens at stays, the others' memory goes."""
        for other in [y for y in self._years if y != year]:
            del self._years[other]

    def drop_stale(self, current: tuple) -> None:
        """Let go of every year counted before the stamp moved."""
        for year in [y for y, (counted_at, _) in self._years.items() if counted_at != current]:
            del self._years[year]
