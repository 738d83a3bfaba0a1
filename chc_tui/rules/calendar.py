"""Working days: Monday to Friday, less the region's bank holidays and the landlord's
own closure days.

"N working days after D" is the Nth working day strictly after D, whatever day D is:
a complaint received on a Saturday has Monday as working day 1.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Iterable, Mapping

REGIONS: dict[str, str] = {
    "england-and-wales": "ENG",
    "scotland": "SCT",
    "northern-ireland": "NIR",
}
DEFAULT_REGION = "england-and-wales"
# How a handler reads each region, wherever one is chosen or shown.
REGION_NAMES: dict[str, str] = {
    "england-and-wales": "England and Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
}


class UnknownRegion(ValueError):
    def __init__(self, region: str) -> None:
        super().__init__(
            f"unknown region {region!r}: choose one of {', '.join(REGIONS)}"
        )
        self.region = region


@dataclass(frozen=True)
class SkippedDay:
    """A day a count of working days stepped over, and why."""

    day: date
    reason: str  # "Saturday", "Sunday", a bank holiday's name, or a closure day's note

    def to_json(self) -> list[str]:
        return [self.day.isoformat(), self.reason]

    @classmethod
    def from_json(cls, item: list[str]) -> "SkippedDay":
        return cls(date.fromisoformat(item[0]), item[1])


@dataclass(frozen=True)
class DueDate:
    """A counted due date with the days it skipped, so it can explain itself."""

    start: date
    working_days: int
    due: date
    skipped: tuple[SkippedDay, ...]


@dataclass
class WorkingCalendar:
    region: str = DEFAULT_REGION
    closure_days: Mapping[date, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.region not in REGIONS:
            raise UnknownRegion(self.region)
        self.closure_days = dict(self.closure_days)

    known_holidays: Mapping[int, Mapping[date, str]] | None = None
    """Bank holidays by year, already worked out (see chc_tui.rules.holiday_cache): the first
    paint uses them to avoid loading `holidays`; any other year asks `holidays` itself."""

    @cached_property
    def _bank_holidays(self):  # holidays.HolidayBase, imported lazily: it is slow to load
        import holidays

        return holidays.country_holidays("GB", subdiv=REGIONS[self.region])

    def bank_holiday(self, day: date) -> str | None:
        if self.known_holidays is not None and day.year in self.known_holidays:
            return self.known_holidays[day.year].get(day)
        return self._bank_holidays.get(day)

    def bank_holidays_in(self, year: int) -> dict[date, str]:
        self._bank_holidays.get(date(year, 1, 1))  # makes `holidays` work that year out
        return {day: name for day, name in self._bank_holidays.items() if day.year == year}

    def non_working_reason(self, day: date) -> str | None:
        """Why `day` is not a working day, or None when it is one."""
        if day.weekday() == 5:
            return "Saturday"
        if day.weekday() == 6:
            return "Sunday"
        holiday = self.bank_holiday(day)
        if holiday:
            return f"bank holiday: {holiday}"
        note = self.closure_days.get(day)
        if note is not None:
            return f"closure day: {note}" if note else "closure day"
        return None

    def is_working_day(self, day: date) -> bool:
        return self.non_working_reason(day) is None

    def explain_add(self, start: date, n: int) -> DueDate:
        """The Nth working day strictly after `start`, with every day skipped on the way."""
        if n < 0:
            raise ValueError("the number of working days cannot be negative")
        day, counted, skipped = start, 0, []
        while counted < n:
            day += timedelta(days=1)
            reason = self.non_working_reason(day)
            if reason is None:
                counted += 1
            else:
                skipped.append(SkippedDay(day, reason))
        return DueDate(start=start, working_days=n, due=day, skipped=tuple(skipped))

    def add_working_days(self, start: date, n: int) -> date:
        return self.explain_add(start, n).due

    def working_days_between(self, a: date, b: date) -> int:
        """Working days after `a` up to and including `b`; negative when `b` is before `a`.

        Used for "working days left" (from today to a due date) and for "working days
        taken" (from receipt to response).
        """
        if b < a:
            return -self.working_days_between(b, a)
        return self._working_days_to(b) - self._working_days_to(a)

    def _working_days_to(self, day: date) -> int:
        """Working days from 1 January of `day`'s year up to and including `day`, plus
        every working day of the years between a fixed base year and that one: a running
        count, so a difference of two counts is a number of working days. Built one year
        at a time and kept, so the list and the panel never walk day by day; each day's count
        is kept too (a year's report asks for some 50,000, of a few thousand days)."""
        cache = self.__dict__.get("_days_to")
        if cache is None:
            cache = self.__dict__.setdefault("_days_to", {})
        count = cache.get(day)
        if count is None:
            count = cache[day] = self._year_offset(day.year) + self._year_counts(day.year)[day.timetuple().tm_yday - 1]
        return count

    def _year_counts(self, year: int) -> list[int]:
        cache = self.__dict__.get("_counts")
        if cache is None:
            cache = self.__dict__.setdefault("_counts", {})
        counts = cache.get(year)
        if counts is None:
            counts, running, day = [], 0, date(year, 1, 1)
            while day.year == year:
                running += self.is_working_day(day)
                counts.append(running)
                day += timedelta(days=1)
            cache[year] = counts
        return counts

    def _year_offset(self, year: int) -> int:
        """Working days in the years from a base year up to (not including) `year`; negative
        for years before it. The base is the first year this calendar was asked about: only
        differences of running counts are used, and starting there never counts the years
        between a fixed base and today (which would load `holidays` at the first paint)."""
        cache = self.__dict__.get("_offsets")
        if cache is not None and year in cache:  # the usual case: a year already counted
            return cache[year]
        cache = self.__dict__.setdefault("_offsets", {year: 0})
        base = self.__dict__.setdefault("_base_year", year)
        if year not in cache:
            step = 1 if year > base else -1
            known = next(y for y in range(year, base - step, -step) if y in cache)
            for y in range(known, year, step):  # walk out from the nearest year already known
                if step > 0:
                    cache[y + 1] = cache[y] + self._year_counts(y)[-1]
                else:
                    cache[y - 1] = cache[y] - self._year_counts(y - 1)[-1]
        return cache[year]


def closure_days_from(pairs: Iterable[tuple[date, str]]) -> dict[date, str]:
    return {day: note for day, note in pairs}
