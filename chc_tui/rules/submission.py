"""When a year's self-assessment and annual complaints performance and service improvement
report are due at the Ombudsman (Code 8.1-8.4), and the rule that says so, in words.

The one home of the submission deadline:

- more than 1,000 homes: by 30 September after the report year ends;
- fewer than 1,000 homes: within six months of the end of the landlord's financial year,
  read as on or before the date six calendar months after the year end, a month-end year
  end giving the later month's end (31 March -> 30 September);
- homes owned not set: the earlier of the two dates, until they are;
- exactly 1,000 homes is neither "more than" nor "fewer than" 1,000: the landlord must
  decide which rule applies. Until it does the earlier of the two dates is shown, so the
  deadline panel never shows a date later than the submission may be due;
- a dated exception (EXCEPTIONS): the 2023/24 year, the first under the 2024 Code, was
  due on 30 June 2024 whatever the landlord's size or year end.

The report year itself stays 1 April to 31 March (chc_tui.rules.financial_year: the
Regulator's TSMs are counted April to March); the landlord's financial year end
(FINANCIAL_YEAR_END, "DD/MM", default 31/03) drives the submission deadline only. For the
report year `year` (1 April `year` to 31 March `year + 1`) the landlord's year end is the
day and month falling within it: 31/03 -> 31 March `year + 1`, 31/12 -> 31 December `year`.

No Textual, no database: plain dates in, a date and a sentence out.
"""

from __future__ import annotations

import calendar as _calendar
from dataclasses import dataclass
from datetime import date

from chc_tui.rules import financial_year

LARGE_LANDLORD_HOMES = 1000
DEFAULT_YEAR_END = "31/03"


@dataclass(frozen=True)
class DatedException:
    """A year whose submission date was set apart from the rule, with where that is written."""

    year: int
    due_on: date
    source: str


EXCEPTIONS: dict[int, DatedException] = {
    2023: DatedException(
        2023, date(2024, 6, 30),
        "the first year under the 2024 Code: landlords reported their 2023/24 performance by 30 June 2024 "
        "(a landlord's 2023/24 annual complaints report, section 5.14: \"Performance will be reported to the "
        "RSH by 30 June 2024\"; the Ombudsman asked for self-assessments against the 2024 Code by the same date)",
    ),
}


def parse_year_end(text: str) -> str:
    """'31/3', '31/03' or ' 31/03 ' -> '31/03'. Raises ValueError with a sentence for a
    handler when it is not a day and month every year has (29/02 is not)."""
    raw = str(text or "").strip()
    parts = raw.split("/")
    if len(parts) != 2 or not all(p.strip().isdigit() for p in parts):
        raise ValueError(f"give the financial year end as a day and month, DD/MM, such as 31/03, not {raw!r}")
    day, month = (int(p) for p in parts)
    if not 1 <= month <= 12:
        raise ValueError(f"{raw} is not a day and month: the month must be 1 to 12")
    if day == 29 and month == 2:
        raise ValueError("29/02 is not in every year: give 28/02 for a year ending at the end of February")
    if not 1 <= day <= _calendar.monthrange(2023, month)[1]:  # a year with no 29 February
        raise ValueError(f"{raw} is not a day and month: {_calendar.month_name[month]} has no day {day}")
    return f"{day:02d}/{month:02d}"


def year_end_in(year: int, year_end: str = DEFAULT_YEAR_END) -> date:
    """The landlord's financial year end ("DD/MM") that falls within the report year `year`
    (1 April `year` to 31 March `year + 1`)."""
    day, month = (int(p) for p in parse_year_end(year_end).split("/"))
    start, _end = financial_year.bounds(year)
    return date(year if month >= start.month else year + 1, month, day)


def add_months(day: date, months: int) -> date:
    """`months` calendar months after `day`; a day at its month's end gives the later
    month's end (31 March + 6 -> 30 September, 28 February 2025 + 6 -> 31 August)."""
    month_index = day.month - 1 + months
    y, m = day.year + month_index // 12, month_index % 12 + 1
    last = _calendar.monthrange(y, m)[1]
    at_month_end = day.day == _calendar.monthrange(day.year, day.month)[1]
    return date(y, m, last if at_month_end else min(day.day, last))


def needs_decision(homes: int | None) -> bool:
    """Exactly 1,000 homes: neither rule plainly applies; the landlord must decide which."""
    return homes == LARGE_LANDLORD_HOMES


def submission_due(
    year: int,
    homes: int | None,
    *,
    financial_year_end: date | None = None,
    board_approved_on: date | None = None,
) -> tuple[date, str]:
    """When the report year `year`'s self-assessment and annual complaints report are due
    at the Ombudsman, and the rule that says so, in words. `financial_year_end` is the
    landlord's year end as a date (see year_end_in); None is 31 March `year + 1`."""
    label = financial_year.label(year)
    end = financial_year_end or financial_year.last_day(year)
    large_due = date(financial_year.last_day(year).year, 9, 30)
    small_due = add_months(end, 6)
    who = f"{homes:,} homes" if homes is not None else "homes owned not set"
    what = f"submit the {label} self-assessment and annual complaints report"
    exception = EXCEPTIONS.get(year)
    if exception is not None:
        due = exception.due_on
        rule = f"{who}: {what} to the Ombudsman by {due:%d %B %Y}, {exception.source}"
    elif needs_decision(homes):
        due = min(large_due, small_due)
        rule = (
            f"exactly {LARGE_LANDLORD_HOMES:,} homes: decide which rule applies (more than {LARGE_LANDLORD_HOMES:,} "
            f"homes: by {large_due:%d %B %Y}; fewer: within six months of the financial year end "
            f"({end:%d %B %Y}), by {small_due:%d %B %Y}); until you do, {what} by the earlier, {due:%d %B %Y}"
        )
    elif homes is None:
        due = min(large_due, small_due)
        rule = (
            f"homes owned not set (F4, or chc settings set homes-owned {year} N): until they are, {what} by the "
            f"earlier of the two rules' dates, {due:%d %B %Y}"
        )
    elif homes > LARGE_LANDLORD_HOMES:
        due = large_due
        rule = f"{who} (more than {LARGE_LANDLORD_HOMES:,}): {what} to the Ombudsman by {due:%d %B %Y}"
    else:
        due = small_due
        rule = (
            f"{who} (fewer than {LARGE_LANDLORD_HOMES:,}): {what} within six months of the financial year end "
            f"({end:%d %B %Y}), by {due:%d %B %Y}"
        )
    if board_approved_on is not None:
        rule += f"; board approved it on {board_approved_on:%d/%m/%Y}"
    else:
        rule += "; board approval not yet recorded (Code 8.2)"
    return due, rule


# The settings the next submission is counted from (read through the ORM by
# chc_tui.services, and by the first paint's stdlib read: the same keys, the same rule).
BOARD_APPROVED_KEY = "self_assessment_board_approved_on"  # {"2025": "2026-06-20", ...}
YEAR_END_KEY = "landlord.financial_year_end"  # "DD/MM"


def homes_owned_key(year: int) -> str:
    return f"homes_owned:{year}"


def submission_setting_keys(today: date) -> list[str]:
    """Every setting next_submission may read on `today`."""
    year = financial_year.year_of(today) - 1
    return [BOARD_APPROVED_KEY, YEAR_END_KEY, homes_owned_key(year), homes_owned_key(year + 1)]


def next_submission(today: date, settings: dict) -> tuple[int, date, str]:
    """The next self-assessment and annual report submission (8.1-8.4): the year just
    ended until its board approval is recorded and its date has passed, then the current
    year. `settings` holds the decoded values of submission_setting_keys(today)."""
    year_end = str(settings.get(YEAR_END_KEY) or "").strip() or DEFAULT_YEAR_END
    approvals = settings.get(BOARD_APPROVED_KEY) or {}

    def approved_on(year: int) -> date | None:
        value = approvals.get(str(year))
        return date.fromisoformat(value) if value else None

    def due_for(year: int, approved: date | None = None) -> tuple[date, str]:
        homes = settings.get(homes_owned_key(year))
        return submission_due(year, int(homes) if homes else None,
                              financial_year_end=year_end_in(year, year_end), board_approved_on=approved)

    year = financial_year.year_of(today) - 1
    approved = approved_on(year)
    due, _ = due_for(year)
    if approved is not None and due < today:
        year += 1
        approved = approved_on(year)
    due, rule = due_for(year, approved)
    return year, due, rule
