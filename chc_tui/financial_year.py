"""The financial year, 1 April to 31 March, named by the year it starts: 2024 is
1 April 2024 to 31 March 2025 ("2024/25"). The annual report (Code 8.1), the
self-assessment (8.2-8.4), TSM CH01/CH02 and the yearly submission all count in it.

The one place that knows where a year begins and ends: 31 March 2025 is in 2024,
1 April 2025 in 2025.
"""

from __future__ import annotations

from datetime import date, timedelta

FIRST_MONTH = 4  # April
MONTHS = ("apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "jan", "feb", "mar")


def year_of(day: date) -> int:
    """The financial year a day falls in: 31/03/2025 -> 2024, 01/04/2025 -> 2025."""
    return day.year if day.month >= FIRST_MONTH else day.year - 1


def first_day(year: int) -> date:
    """1 April `year`."""
    return date(year, FIRST_MONTH, 1)


def last_day(year: int) -> date:
    """31 March `year + 1`."""
    return first_day(year + 1) - timedelta(days=1)


def bounds(year: int) -> tuple[date, date]:
    """1 April `year` to 31 March `year + 1`, both included."""
    return first_day(year), last_day(year)


def label(year: int) -> str:
    """2024 -> '2024/25'."""
    return f"{year}/{(year + 1) % 100:02d}"


def span(year: int) -> str:
    """2024 -> '1 April 2024 to 31 March 2025'."""
    return f"1 April {year} to 31 March {year + 1}"


def month_index(day: date) -> int:
    """0 for April ... 11 for March."""
    return (day.month - FIRST_MONTH) % 12


def _month(year: int, index: int) -> date:
    """The first day of month `index` (0 = April) of financial year `year`."""
    month = (index + FIRST_MONTH - 1) % 12 + 1
    return date(year if month >= FIRST_MONTH else year + 1, month, 1)


def month_bounds(year: int, index: int) -> tuple[date, date]:
    """First and last day of month `index` (0 = April) of financial year `year`."""
    first = _month(year, index)
    following = date(first.year + first.month // 12, first.month % 12 + 1, 1)
    return first, following - timedelta(days=1)


def month_label(year: int, index: int) -> str:
    """'Apr 2024' ... 'Mar 2025' for financial year 2024."""
    return f"{MONTHS[index].title()} {_month(year, index).year}"
