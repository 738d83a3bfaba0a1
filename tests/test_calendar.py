"""Working-day arithmetic in England and Wales, Scotland and Northern Ireland.

Every expected date below was worked out by hand from the published UK bank holidays
(gov.uk/bank-holidays), not copied from the code's output. Reminders used throughout:

England and Wales: New Year, Good Friday, Easter Monday, early May (first Monday), spring
(last Monday of May), late summer (last Monday of August), Christmas, Boxing Day.
Scotland: no Easter Monday; 2 January; summer holiday on the FIRST Monday of August
(instead of the last); St Andrew's Day 30 November (substitute Monday at a weekend).
Northern Ireland: England's days plus St Patrick's Day 17 March and the Battle of the
Boyne 12 July (both with substitute Mondays).
All three: the coronation of King Charles III on Monday 8 May 2023.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from chc_tui.rules.calendar import (
    DEFAULT_REGION,
    REGIONS,
    DueDate,
    SkippedDay,
    UnknownRegion,
    WorkingCalendar,
    closure_days_from,
)

ENG = "england-and-wales"
SCT = "scotland"
NIR = "northern-ireland"
ALL = (ENG, SCT, NIR)

D = date.fromisoformat

# One calendar per region for the whole module: the holidays lookup is cached per instance.
_CALENDARS = {region: WorkingCalendar(region=region) for region in ALL}


def cal(region: str) -> WorkingCalendar:
    return _CALENDARS[region]


def each(regions, start, n, expected, why):
    """Expand one case to several regions with the same answer."""
    return [pytest.param(r, start, n, expected, id=f"{r}-{start}+{n}-{why}") for r in regions]


# ---------------------------------------------------------------------------------------
# add_working_days: (region, start, n, expected)
# ---------------------------------------------------------------------------------------

ADD_CASES = [
    # --- the basic rule -------------------------------------------------------------------
    # n = 0 is the start date itself, even when the start is not a working day.
    *each(ALL, "2026-11-23", 0, "2026-11-23", "n0-monday"),
    *each(ALL, "2026-11-21", 0, "2026-11-21", "n0-saturday"),
    *each(ALL, "2026-12-25", 0, "2026-12-25", "n0-christmas"),
    # Received Saturday 21 Nov 2026: Monday 23 is working day 1.
    *each(ALL, "2026-11-21", 1, "2026-11-23", "saturday-receipt"),
    # Received Sunday 22 Nov 2026: Monday 23 is working day 1.
    *each(ALL, "2026-11-22", 1, "2026-11-23", "sunday-receipt"),
    # Saturday receipt, 5 days: Mon 23 .. Fri 27.
    *each(ALL, "2026-11-21", 5, "2026-11-27", "saturday-receipt-5"),
    # Friday receipt: the weekend is stepped over, Monday is day 1.
    *each(ALL, "2026-11-20", 1, "2026-11-23", "friday-receipt"),
    # Wednesday + 5 = next Wednesday when no holiday is in the way.
    *each(ALL, "2026-11-18", 5, "2026-11-25", "plain-week"),
    # Stage 1 (10 working days) from Monday 23 Nov 2026, England/NI: Mon 7 Dec.
    *each((ENG, NIR), "2026-11-23", 10, "2026-12-07", "stage1-10"),
    # Scotland: St Andrew's Day Mon 30 Nov 2026 pushes the same count to Tue 8 Dec.
    *each((SCT,), "2026-11-23", 10, "2026-12-08", "stage1-10-st-andrew"),
    # --- Easter -----------------------------------------------------------------------------
    # 2023: Good Friday 7 Apr, Easter Monday 10 Apr (not Scotland).
    *each((ENG, NIR), "2023-04-06", 1, "2023-04-11", "easter-2023"),
    *each((SCT,), "2023-04-06", 1, "2023-04-10", "easter-2023-no-easter-monday"),
    # 2024: Good Friday 29 Mar and Easter Monday 1 Apr skipped in England; Scotland has no
    # Easter Monday.
    *each((ENG, NIR), "2024-03-28", 1, "2024-04-02", "easter-2024"),
    *each((SCT,), "2024-03-28", 1, "2024-04-01", "easter-2024-no-easter-monday"),
    # 2025: Good Friday 18 Apr, Easter Monday 21 Apr. From Thu 17 Apr, 5 days:
    # England 22,23,24,25,28 -> Mon 28; Scotland 21,22,23,24,25 -> Fri 25.
    *each((ENG, NIR), "2025-04-17", 5, "2025-04-28", "easter-2025"),
    *each((SCT,), "2025-04-17", 5, "2025-04-25", "easter-2025-no-easter-monday"),
    # 2026: Good Friday 3 Apr, Easter Monday 6 Apr.
    *each((ENG, NIR), "2026-04-02", 1, "2026-04-07", "easter-2026"),
    *each((SCT,), "2026-04-02", 1, "2026-04-06", "easter-2026-no-easter-monday"),
    # 2027: Good Friday 26 Mar, Easter Monday 29 Mar.
    *each((ENG, NIR), "2027-03-25", 1, "2027-03-30", "easter-2027"),
    *each((SCT,), "2027-03-25", 1, "2027-03-29", "easter-2027-no-easter-monday"),
    # Easter 2026 across a stage 1 count: from Mon 30 Mar, 10 days.
    # England: 31,1,2 (3), [3 GF, 4, 5, 6 EM], 7,8,9,10 (7), 13,14,15 (10) -> Wed 15 Apr.
    # Scotland: Easter Monday is a working day, one day sooner -> Tue 14 Apr.
    *each((ENG, NIR), "2026-03-30", 10, "2026-04-15", "easter-2026-stage1"),
    *each((SCT,), "2026-03-30", 10, "2026-04-14", "easter-2026-stage1"),
    # --- Christmas and New Year -------------------------------------------------------------
    # 2023: Christmas Mon 25, Boxing Tue 26 -> from Fri 22 Dec, day 1 is Wed 27.
    *each(ALL, "2023-12-22", 1, "2023-12-27", "christmas-2023"),
    # ...5 days: 27,28,29, [Mon 1 Jan 2024], 2,3 -> Wed 3 Jan; Scotland also 2 Jan -> Thu 4.
    *each((ENG, NIR), "2023-12-22", 5, "2024-01-03", "christmas-2023-new-year"),
    *each((SCT,), "2023-12-22", 5, "2024-01-04", "christmas-2023-2-january"),
    # 2024: Christmas Wed 25, Boxing Thu 26 -> from Tue 24 Dec, day 1 is Fri 27.
    *each(ALL, "2024-12-24", 1, "2024-12-27", "christmas-2024"),
    # ...5 days: 27,30,31, [Wed 1 Jan 2025], 2,3 -> Fri 3 Jan; Scotland also Thu 2 Jan ->
    # 3 Jan is day 4 and Mon 6 Jan day 5.
    *each((ENG, NIR), "2024-12-24", 5, "2025-01-03", "christmas-2024-new-year"),
    *each((SCT,), "2024-12-24", 5, "2025-01-06", "christmas-2024-2-january"),
    # 2025: Christmas Thu 25, Boxing Fri 26 -> from Wed 24 Dec, day 1 is Mon 29.
    *each(ALL, "2025-12-24", 1, "2025-12-29", "christmas-2025"),
    # ...5 days: 29,30,31, [Thu 1 Jan 2026], Fri 2, Mon 5 -> 5 Jan; Scotland also Fri 2 Jan
    # -> Tue 6 Jan.
    *each((ENG, NIR), "2025-12-24", 5, "2026-01-05", "christmas-2025-new-year"),
    *each((SCT,), "2025-12-24", 5, "2026-01-06", "christmas-2025-2-january"),
    # 2026: Christmas Fri 25, Boxing Day Sat 26 observed Mon 28 -> from Thu 24, day 1 is
    # Tue 29 in every region.
    *each(ALL, "2026-12-24", 1, "2026-12-29", "christmas-2026-boxing-observed"),
    # ...5 days: 29,30,31, [Fri 1 Jan 2027], Mon 4, Tue 5 -> 5 Jan. Scotland: 2 Jan 2027 is a
    # Saturday, so its substitute Mon 4 Jan is also a holiday -> Wed 6 Jan.
    *each((ENG, NIR), "2026-12-24", 5, "2027-01-05", "christmas-2026-new-year"),
    *each((SCT,), "2026-12-24", 5, "2027-01-06", "christmas-2026-2-january-substitute"),
    # Boxing Day observed Mon 28 Dec 2026: from Fri 25 (a holiday itself), day 1 is Tue 29.
    *each(ALL, "2026-12-25", 1, "2026-12-29", "from-christmas-day-2026"),
    # 2027: Christmas Sat 25 and Boxing Sun 26 -> both observed, Mon 27 and Tue 28.
    # From Fri 24 Dec 2027, day 1 is Wed 29.
    *each(ALL, "2027-12-24", 1, "2027-12-29", "christmas-2027-both-observed"),
    # ...5 days: 29,30,31, [1 Jan 2028 Sat, observed Mon 3], 4, 5 -> Wed 5 Jan 2028.
    # Scotland: 2 Jan 2028 is a Sunday, observed Tue 4 Jan -> Thu 6 Jan.
    *each((ENG, NIR), "2027-12-24", 5, "2028-01-05", "christmas-2027-new-year-observed"),
    *each((SCT,), "2027-12-24", 5, "2028-01-06", "christmas-2027-2-january-observed"),
    # New Year 2023: 1 Jan is a Sunday, observed Mon 2 Jan; Scotland's 2 January moves to
    # Tue 3 Jan. From Fri 30 Dec 2022: England Tue 3 Jan, Scotland Wed 4 Jan.
    *each((ENG, NIR), "2022-12-30", 1, "2023-01-03", "new-year-2023-observed"),
    *each((SCT,), "2022-12-30", 1, "2023-01-04", "new-year-2023-scotland-observed"),
    # Year-end crossing: Wed 31 Dec 2025 + 1 -> Fri 2 Jan 2026 (England), Mon 5 Jan (Scotland).
    *each((ENG, NIR), "2025-12-31", 1, "2026-01-02", "year-end"),
    *each((SCT,), "2025-12-31", 1, "2026-01-05", "year-end-2-january"),
    # Stage 2 (20 working days) from Mon 14 Dec 2026 across Christmas:
    # 15-18 (4), 21-24 (8), [25, 26, 27, 28], 29-31 (11), [1, 2, 3], 4-8 (16), 11-14 (20)
    # -> Thu 14 Jan 2027. Scotland also loses Mon 4 Jan -> Fri 15 Jan.
    *each((ENG, NIR), "2026-12-14", 20, "2027-01-14", "stage2-over-christmas"),
    *each((SCT,), "2026-12-14", 20, "2027-01-15", "stage2-over-christmas"),
    # --- May 2023 and the coronation ------------------------------------------------------
    # Coronation of Charles III Mon 8 May 2023, a bank holiday in all three regions.
    *each(ALL, "2023-05-05", 1, "2023-05-09", "coronation-2023"),
    # Early May Mon 1 May and the coronation Mon 8 May in one count from Fri 28 Apr:
    # [1], 2,3,4,5 (4), [6,7,8], 9 (5) -> Tue 9 May.
    *each(ALL, "2023-04-28", 5, "2023-05-09", "may-day-and-coronation-2023"),
    # Spring bank holiday Mon 29 May 2023 (all regions).
    *each(ALL, "2023-05-26", 1, "2023-05-30", "spring-2023"),
    # --- Scotland ---------------------------------------------------------------------------
    # 2 January: from Tue 31 Dec 2024, England day 1 is Thu 2 Jan, Scotland Fri 3 Jan.
    *each((ENG, NIR), "2024-12-31", 1, "2025-01-02", "2-january-is-working-in-england"),
    *each((SCT,), "2024-12-31", 1, "2025-01-03", "2-january-2025"),
    # St Andrew's Day 2023 is Thu 30 Nov.
    *each((ENG, NIR), "2023-11-29", 1, "2023-11-30", "st-andrew-2023-england"),
    *each((SCT,), "2023-11-29", 1, "2023-12-01", "st-andrew-2023"),
    # St Andrew's Day 2024 is a Saturday -> substitute Mon 2 Dec in Scotland only.
    *each((ENG, NIR), "2024-11-29", 1, "2024-12-02", "st-andrew-2024-england"),
    *each((SCT,), "2024-11-29", 1, "2024-12-03", "st-andrew-2024-substitute"),
    # St Andrew's Day 2025 is a Sunday -> substitute Mon 1 Dec.
    *each((ENG, NIR), "2025-11-28", 1, "2025-12-01", "st-andrew-2025-england"),
    *each((SCT,), "2025-11-28", 1, "2025-12-02", "st-andrew-2025-substitute"),
    # St Andrew's Day 2026 is Mon 30 Nov itself.
    *each((ENG, NIR), "2026-11-27", 1, "2026-11-30", "st-andrew-2026-england"),
    *each((SCT,), "2026-11-27", 1, "2026-12-01", "st-andrew-2026"),
    # St Andrew's Day 2027 is Tue 30 Nov.
    *each((SCT,), "2027-11-29", 1, "2027-12-01", "st-andrew-2027"),
    # Summer bank holiday: Scotland the first Monday of August, England/NI the last.
    # 2023: Scotland Mon 7 Aug, England Mon 28 Aug.
    *each((SCT,), "2023-08-04", 1, "2023-08-08", "scottish-summer-2023"),
    *each((ENG, NIR), "2023-08-04", 1, "2023-08-07", "first-monday-august-working-2023"),
    *each((ENG, NIR), "2023-08-25", 1, "2023-08-29", "late-summer-2023"),
    *each((SCT,), "2023-08-25", 1, "2023-08-28", "last-monday-august-working-scotland-2023"),
    # 2025: Scotland Mon 4 Aug, England Mon 25 Aug.
    *each((SCT,), "2025-08-01", 1, "2025-08-05", "scottish-summer-2025"),
    *each((ENG, NIR), "2025-08-22", 1, "2025-08-26", "late-summer-2025"),
    *each((SCT,), "2025-08-22", 1, "2025-08-25", "last-monday-august-working-scotland-2025"),
    # 2026: Scotland Mon 3 Aug, England Mon 31 Aug.
    *each((SCT,), "2026-07-31", 1, "2026-08-04", "scottish-summer-2026"),
    *each((ENG, NIR), "2026-07-31", 1, "2026-08-03", "first-monday-august-working-2026"),
    *each((ENG, NIR), "2026-08-28", 1, "2026-09-01", "late-summer-2026"),
    *each((SCT,), "2026-08-28", 1, "2026-08-31", "last-monday-august-working-scotland-2026"),
    # One-off Scottish bank holiday Mon 15 June 2026 (Scotland at the FIFA World Cup).
    *each((SCT,), "2026-06-12", 1, "2026-06-16", "scotland-world-cup-2026"),
    *each((ENG, NIR), "2026-06-12", 1, "2026-06-15", "no-world-cup-day-outside-scotland"),
    # --- Northern Ireland -------------------------------------------------------------------
    # St Patrick's Day 2023 is Fri 17 Mar: from Thu 16, NI day 1 is Mon 20.
    *each((NIR,), "2023-03-16", 1, "2023-03-20", "st-patrick-2023"),
    *each((ENG, SCT), "2023-03-16", 1, "2023-03-17", "st-patrick-2023-not-a-holiday"),
    # St Patrick's Day 2024 is a Sunday -> substitute Mon 18 Mar.
    *each((NIR,), "2024-03-15", 1, "2024-03-19", "st-patrick-2024-substitute"),
    *each((ENG, SCT), "2024-03-15", 1, "2024-03-18", "st-patrick-2024-not-a-holiday"),
    # St Patrick's Day 2026 is Tue 17 Mar.
    *each((NIR,), "2026-03-16", 1, "2026-03-18", "st-patrick-2026"),
    *each((ENG, SCT), "2026-03-16", 1, "2026-03-17", "st-patrick-2026-not-a-holiday"),
    # 2027: St Patrick's Wed 17 Mar then Easter 26/29 Mar. From Mon 15 Mar, 10 days:
    # NI: 16, [17], 18,19 (3), 22-25 (7), [26 .. 29], 30,31,1 (10) -> Thu 1 Apr.
    # England: 16,17,18,19 (4), 22-25 (8), [26 .. 29], 30,31 (10) -> Wed 31 Mar.
    # Scotland: no Easter Monday: 16-19 (4), 22-25 (8), [26,27,28], 29,30 (10) -> Tue 30 Mar.
    *each((NIR,), "2027-03-15", 10, "2027-04-01", "st-patrick-and-easter-2027"),
    *each((ENG,), "2027-03-15", 10, "2027-03-31", "easter-2027-stage1"),
    *each((SCT,), "2027-03-15", 10, "2027-03-30", "easter-2027-stage1"),
    # Battle of the Boyne 2023 is Wed 12 Jul.
    *each((NIR,), "2023-07-11", 1, "2023-07-13", "boyne-2023"),
    # Battle of the Boyne 2024 is Fri 12 Jul: from Thu 11, NI day 1 is Mon 15.
    *each((NIR,), "2024-07-11", 1, "2024-07-15", "boyne-2024"),
    *each((ENG, SCT), "2024-07-11", 1, "2024-07-12", "boyne-2024-not-a-holiday"),
    # Battle of the Boyne 2025 is a Saturday -> substitute Mon 14 Jul.
    *each((NIR,), "2025-07-11", 1, "2025-07-15", "boyne-2025-substitute"),
    *each((ENG, SCT), "2025-07-11", 1, "2025-07-14", "boyne-2025-not-a-holiday"),
    # Battle of the Boyne 2026 is a Sunday -> substitute Mon 13 Jul.
    *each((NIR,), "2026-07-10", 1, "2026-07-14", "boyne-2026-substitute"),
    *each((ENG, SCT), "2026-07-10", 1, "2026-07-13", "boyne-2026-not-a-holiday"),
    # Battle of the Boyne 2027 is Mon 12 Jul itself.
    *each((NIR,), "2027-07-09", 1, "2027-07-13", "boyne-2027"),
    # --- Leap years -------------------------------------------------------------------------
    # 29 Feb 2024 is a Thursday and an ordinary working day.
    *each(ALL, "2024-02-28", 1, "2024-02-29", "leap-day-2024-is-day-1"),
    *each(ALL, "2024-02-29", 1, "2024-03-01", "from-leap-day-2024"),
    # Mon 26 Feb 2024 + 5: 27, 28, 29, 1 Mar, Mon 4 Mar.
    *each(ALL, "2024-02-26", 5, "2024-03-04", "across-leap-day-2024"),
    # Mon 26 Feb 2024 + 10: 27,28,29,1 (4), 4-8 (9), 11 (10) -> Mon 11 Mar.
    *each(ALL, "2024-02-26", 10, "2024-03-11", "across-leap-day-2024-10"),
    # Non-leap 2023 for contrast: Mon 27 Feb + 5: 28, 1, 2, 3 Mar, Mon 6 Mar.
    *each(ALL, "2023-02-27", 5, "2023-03-06", "no-leap-day-2023"),
    # 29 Feb 2028 is a Tuesday.
    *each(ALL, "2028-02-28", 1, "2028-02-29", "leap-day-2028-is-day-1"),
    # Fri 25 Feb 2028 + 3: Mon 28, Tue 29, Wed 1 Mar.
    *each(ALL, "2028-02-25", 3, "2028-03-01", "across-leap-day-2028"),
    # Received on the leap day, Tue 29 Feb 2028, + 5: 1, 2, 3 Mar, Mon 6, Tue 7 Mar.
    *each(ALL, "2028-02-29", 5, "2028-03-07", "from-leap-day-2028"),
]


@pytest.mark.parametrize(("region", "start", "n", "expected"), ADD_CASES)
def test_add_working_days(region, start, n, expected):
    calendar = cal(region)
    assert calendar.add_working_days(D(start), n) == D(expected)
    # explain_add agrees and accounts for every day between start and due.
    counted = calendar.explain_add(D(start), n)
    assert isinstance(counted, DueDate)
    assert counted.start == D(start)
    assert counted.working_days == n
    assert counted.due == D(expected)
    # Every day strictly after start up to due is either counted or skipped, exactly once.
    span = (counted.due - counted.start).days
    assert len(counted.skipped) + n == span
    days = [s.day for s in counted.skipped]
    assert days == sorted(set(days))
    assert all(counted.start < d < counted.due for d in days)
    for s in counted.skipped:
        assert s.reason == calendar.non_working_reason(s.day)
    if n:
        assert calendar.is_working_day(counted.due)
    # ...and the count goes back the other way.
    assert calendar.working_days_between(counted.start, counted.due) == n


# ---------------------------------------------------------------------------------------
# Individual days
# ---------------------------------------------------------------------------------------

DAY_CASES = [
    # (region, day, is working day, reason fragment or None)
    (ENG, "2026-11-23", True, None),  # an ordinary Monday
    (ENG, "2026-11-21", False, "Saturday"),
    (ENG, "2026-11-22", False, "Sunday"),
    # A bank holiday falling on a weekend is reported as the weekend day.
    (ENG, "2026-12-26", False, "Saturday"),
    (ENG, "2026-12-25", False, "Christmas"),
    (ENG, "2026-12-28", False, "Boxing"),  # substitute for Sat 26
    (ENG, "2027-12-27", False, "Christmas"),  # substitute for Sat 25
    (ENG, "2027-12-28", False, "Boxing"),  # substitute for Sun 26
    (ENG, "2028-01-03", False, "New Year"),  # substitute for Sat 1 Jan 2028
    (ENG, "2023-01-02", False, "New Year"),  # substitute for Sun 1 Jan 2023
    (ENG, "2024-04-01", False, "Easter Monday"),
    (SCT, "2024-04-01", True, None),  # no Easter Monday in Scotland
    (SCT, "2024-03-29", False, "Good Friday"),
    (ENG, "2023-05-08", False, "Coronation"),
    (SCT, "2023-05-08", False, "Coronation"),
    (NIR, "2023-05-08", False, "Coronation"),
    (ENG, "2025-01-02", True, None),
    (SCT, "2025-01-02", False, "New Year"),  # Scotland's 2 January
    (SCT, "2027-01-04", False, "New Year"),  # 2 Jan 2027 is a Saturday
    (ENG, "2027-01-04", True, None),
    (SCT, "2026-11-30", False, "Andrew"),
    (SCT, "2024-12-02", False, "Andrew"),  # 30 Nov 2024 a Saturday
    (SCT, "2025-12-01", False, "Andrew"),  # 30 Nov 2025 a Sunday
    (ENG, "2026-11-30", True, None),
    (SCT, "2026-08-03", False, "Summer"),  # first Monday of August
    (SCT, "2026-08-31", True, None),  # England's late summer day: working in Scotland
    (ENG, "2026-08-31", False, "Summer"),
    (ENG, "2026-08-03", True, None),
    (NIR, "2026-08-31", False, "Summer"),
    (SCT, "2026-06-15", False, "World Cup"),  # one-off day
    (ENG, "2026-06-15", True, None),
    (NIR, "2026-06-15", True, None),
    (NIR, "2026-03-17", False, "Patrick"),
    (ENG, "2026-03-17", True, None),
    (SCT, "2026-03-17", True, None),
    (NIR, "2024-03-18", False, "Patrick"),  # 17 Mar 2024 a Sunday
    (NIR, "2026-07-13", False, "Boyne"),  # 12 Jul 2026 a Sunday
    (NIR, "2025-07-14", False, "Boyne"),  # 12 Jul 2025 a Saturday
    (NIR, "2027-07-12", False, "Boyne"),
    (ENG, "2026-07-13", True, None),
    (SCT, "2026-07-13", True, None),
    (ENG, "2024-02-29", True, None),  # leap day, a Thursday
    (SCT, "2024-02-29", True, None),
    (NIR, "2024-02-29", True, None),
    (ENG, "2028-02-29", True, None),  # leap day, a Tuesday
]


@pytest.mark.parametrize(("region", "day", "working", "fragment"), DAY_CASES)
def test_is_working_day_and_reason(region, day, working, fragment):
    calendar = cal(region)
    assert calendar.is_working_day(D(day)) is working
    reason = calendar.non_working_reason(D(day))
    if working:
        assert reason is None
    else:
        assert fragment in reason
        if fragment not in ("Saturday", "Sunday"):
            assert reason.startswith("bank holiday: ")


# ---------------------------------------------------------------------------------------
# Exact skipped lists
# ---------------------------------------------------------------------------------------


def test_explain_christmas_2026_england_exact_skipped_list():
    counted = cal(ENG).explain_add(D("2026-12-24"), 5)
    assert counted == DueDate(
        start=D("2026-12-24"),
        working_days=5,
        due=D("2027-01-05"),
        skipped=(
            SkippedDay(D("2026-12-25"), "bank holiday: Christmas Day"),
            SkippedDay(D("2026-12-26"), "Saturday"),
            SkippedDay(D("2026-12-27"), "Sunday"),
            SkippedDay(D("2026-12-28"), "bank holiday: Boxing Day (observed)"),
            SkippedDay(D("2027-01-01"), "bank holiday: New Year's Day"),
            SkippedDay(D("2027-01-02"), "Saturday"),
            SkippedDay(D("2027-01-03"), "Sunday"),
        ),
    )


def test_explain_christmas_2027_scotland_both_days_observed():
    counted = cal(SCT).explain_add(D("2027-12-24"), 1)
    assert counted.due == D("2027-12-29")
    assert [s.day for s in counted.skipped] == [
        D("2027-12-25"),
        D("2027-12-26"),
        D("2027-12-27"),
        D("2027-12-28"),
    ]
    reasons = [s.reason for s in counted.skipped]
    assert reasons[:2] == ["Saturday", "Sunday"]
    assert "Christmas" in reasons[2] and "observed" in reasons[2]
    assert "Boxing" in reasons[3] and "observed" in reasons[3]


def test_explain_scotland_new_year_2027_substitute():
    counted = cal(SCT).explain_add(D("2026-12-31"), 1)
    assert counted.due == D("2027-01-05")
    assert [s.day for s in counted.skipped] == [
        D("2027-01-01"),
        D("2027-01-02"),
        D("2027-01-03"),
        D("2027-01-04"),
    ]
    assert "New Year" in counted.skipped[0].reason
    assert counted.skipped[1].reason == "Saturday"
    assert counted.skipped[2].reason == "Sunday"
    assert "New Year" in counted.skipped[3].reason


def test_explain_weekend_receipt_skips_nothing_before_monday():
    # Saturday receipt: Sunday is stepped over; Saturday itself is the start, not skipped.
    counted = cal(ENG).explain_add(D("2026-11-21"), 1)
    assert counted.due == D("2026-11-23")
    assert counted.skipped == (SkippedDay(D("2026-11-22"), "Sunday"),)


def test_explain_n0_skips_nothing():
    counted = cal(ENG).explain_add(D("2026-12-26"), 0)
    assert counted.due == D("2026-12-26")
    assert counted.skipped == ()


@pytest.mark.parametrize("region", ALL)
def test_negative_n_is_rejected(region):
    with pytest.raises(ValueError):
        cal(region).add_working_days(D("2026-11-23"), -1)
    with pytest.raises(ValueError):
        cal(region).explain_add(D("2026-11-23"), -5)


# ---------------------------------------------------------------------------------------
# Closure days
# ---------------------------------------------------------------------------------------

SHUTDOWN_2026 = {
    D("2026-12-29"): "Christmas shutdown",
    D("2026-12-30"): "Christmas shutdown",
    D("2026-12-31"): "Christmas shutdown",
}


@pytest.mark.parametrize(
    ("region", "start", "n", "expected"),
    [
        # Without the shutdown, day 1 after Thu 24 Dec 2026 is Tue 29. With it: 29-31 shut,
        # Fri 1 Jan holiday, weekend, so Mon 4 Jan 2027.
        pytest.param(ENG, "2026-12-24", 1, "2027-01-04", id="eng-shutdown-day1"),
        pytest.param(NIR, "2026-12-24", 1, "2027-01-04", id="nir-shutdown-day1"),
        # Scotland's Mon 4 Jan 2027 holiday (2 January's substitute) -> Tue 5 Jan.
        pytest.param(SCT, "2026-12-24", 1, "2027-01-05", id="sct-shutdown-day1"),
        # 5 days: 4, 5, 6, 7, 8 Jan -> Fri 8 Jan (England); 5-8, 11 -> Mon 11 (Scotland).
        pytest.param(ENG, "2026-12-24", 5, "2027-01-08", id="eng-shutdown-day5"),
        pytest.param(SCT, "2026-12-24", 5, "2027-01-11", id="sct-shutdown-day5"),
        # Stage 2 from Mon 14 Dec 2026: 15-24 (8), shut till Sun 3 Jan, 4-8 (13), 11-15 (18),
        # 18, 19 (20) -> Tue 19 Jan 2027 (was Thu 14 Jan without the shutdown).
        pytest.param(ENG, "2026-12-14", 20, "2027-01-19", id="eng-shutdown-stage2"),
        # A count that ends before the shutdown is unaffected.
        pytest.param(ENG, "2026-12-21", 3, "2026-12-24", id="eng-before-shutdown"),
    ],
)
def test_closure_days_push_due_dates(region, start, n, expected):
    calendar = WorkingCalendar(region=region, closure_days=SHUTDOWN_2026)
    assert calendar.add_working_days(D(start), n) == D(expected)
    due = D(expected)
    assert calendar.working_days_between(D(start), due) == n


def test_closure_day_reasons_mention_closure_day():
    calendar = WorkingCalendar(region=ENG, closure_days=SHUTDOWN_2026)
    counted = calendar.explain_add(D("2026-12-24"), 1)
    assert counted.skipped == (
        SkippedDay(D("2026-12-25"), "bank holiday: Christmas Day"),
        SkippedDay(D("2026-12-26"), "Saturday"),
        SkippedDay(D("2026-12-27"), "Sunday"),
        SkippedDay(D("2026-12-28"), "bank holiday: Boxing Day (observed)"),
        SkippedDay(D("2026-12-29"), "closure day: Christmas shutdown"),
        SkippedDay(D("2026-12-30"), "closure day: Christmas shutdown"),
        SkippedDay(D("2026-12-31"), "closure day: Christmas shutdown"),
        SkippedDay(D("2027-01-01"), "bank holiday: New Year's Day"),
        SkippedDay(D("2027-01-02"), "Saturday"),
        SkippedDay(D("2027-01-03"), "Sunday"),
    )
    assert counted.due == D("2027-01-04")


def test_closure_day_without_note():
    calendar = WorkingCalendar(region=ENG, closure_days={D("2026-11-24"): ""})
    assert calendar.non_working_reason(D("2026-11-24")) == "closure day"
    assert not calendar.is_working_day(D("2026-11-24"))
    # Mon 23 + 1 -> Wed 25 (Tue 24 shut).
    assert calendar.add_working_days(D("2026-11-23"), 1) == D("2026-11-25")


@pytest.mark.parametrize("region", ALL)
def test_closure_day_on_a_weekend_changes_nothing(region):
    calendar = WorkingCalendar(
        region=region,
        closure_days={D("2026-11-21"): "staff away day", D("2026-11-22"): "staff away day"},
    )
    plain = cal(region)
    for start, n in [("2026-11-20", 1), ("2026-11-20", 5), ("2026-11-16", 10)]:
        assert calendar.explain_add(D(start), n) == plain.explain_add(D(start), n)
    assert calendar.non_working_reason(D("2026-11-21")) == "Saturday"
    assert calendar.non_working_reason(D("2026-11-22")) == "Sunday"
    assert calendar.working_days_between(D("2026-11-01"), D("2026-11-30")) == (
        plain.working_days_between(D("2026-11-01"), D("2026-11-30"))
    )


def test_closure_day_on_a_bank_holiday_changes_nothing():
    calendar = WorkingCalendar(region=ENG, closure_days={D("2026-12-25"): "shut"})
    assert calendar.add_working_days(D("2026-12-24"), 1) == D("2026-12-29")
    assert calendar.non_working_reason(D("2026-12-25")) == "bank holiday: Christmas Day"


def test_closure_days_are_copied_and_accept_pairs():
    source = {D("2026-11-24"): "training"}
    calendar = WorkingCalendar(region=ENG, closure_days=source)
    source[D("2026-11-25")] = "added later"
    assert calendar.is_working_day(D("2026-11-25"))
    pairs = closure_days_from([(D("2026-11-24"), "training"), (D("2026-11-25"), "move")])
    assert pairs == {D("2026-11-24"): "training", D("2026-11-25"): "move"}
    calendar = WorkingCalendar(region=SCT, closure_days=pairs)
    # Mon 23 + 1: 24, 25 shut -> Thu 26.
    assert calendar.add_working_days(D("2026-11-23"), 1) == D("2026-11-26")


# ---------------------------------------------------------------------------------------
# working_days_between
# ---------------------------------------------------------------------------------------

BETWEEN_CASES = [
    # (region, a, b, expected)
    (ENG, "2026-11-23", "2026-11-23", 0),  # same day
    (ENG, "2026-11-21", "2026-11-21", 0),  # same day, a Saturday
    (ENG, "2026-11-21", "2026-11-22", 0),  # Saturday to Sunday
    (ENG, "2026-11-20", "2026-11-23", 1),  # Friday to Monday
    (ENG, "2026-11-23", "2026-11-24", 1),  # Monday to Tuesday
    (ENG, "2026-11-23", "2026-12-07", 10),  # stage 1
    (SCT, "2026-11-23", "2026-12-07", 9),  # St Andrew's Day in between
    (ENG, "2026-12-24", "2026-12-29", 1),  # Christmas/Boxing observed
    (ENG, "2026-12-24", "2027-01-05", 5),
    (SCT, "2026-12-24", "2027-01-05", 4),  # 4 Jan 2027 holiday in Scotland
    (NIR, "2026-07-10", "2026-07-14", 1),  # Boyne substitute Mon 13 Jul
    (ENG, "2026-07-10", "2026-07-14", 2),
    (ENG, "2024-02-28", "2024-03-01", 2),  # 29 Feb 2024 counts
    (SCT, "2024-02-28", "2024-03-01", 2),
    (NIR, "2024-02-28", "2024-03-01", 2),
    (ENG, "2024-02-01", "2024-03-01", 21),  # Feb 2024: 21 weekdays, with the 29th
    (ENG, "2023-02-01", "2023-03-01", 20),  # Feb 2023: 19 weekdays after 1 Feb + Wed 1 Mar
    (ENG, "2028-02-28", "2028-03-01", 2),  # Tue 29 Feb 2028 counts
    # Whole years: weekdays less weekday bank holidays (counted from gov.uk lists).
    # 2023: 260 weekdays; England 9 holidays, Scotland 10, NI 11.
    (ENG, "2022-12-31", "2023-12-31", 251),
    (SCT, "2022-12-31", "2023-12-31", 250),
    (NIR, "2022-12-31", "2023-12-31", 249),
    # 2024 (leap year): 262 weekdays; England 8, Scotland 9, NI 10.
    (ENG, "2023-12-31", "2024-12-31", 254),
    (SCT, "2023-12-31", "2024-12-31", 253),
    (NIR, "2023-12-31", "2024-12-31", 252),
    # 2025: 261 weekdays; England 8, Scotland 9, NI 10.
    (ENG, "2024-12-31", "2025-12-31", 253),
    (SCT, "2024-12-31", "2025-12-31", 252),
    (NIR, "2024-12-31", "2025-12-31", 251),
    # 2026: 261 weekdays; England 8, Scotland 10 (with 15 June), NI 10.
    (ENG, "2025-12-31", "2026-12-31", 253),
    (SCT, "2025-12-31", "2026-12-31", 251),
    (NIR, "2025-12-31", "2026-12-31", 251),
    # 2027: 261 weekdays; England 8, Scotland 9, NI 10.
    (ENG, "2026-12-31", "2027-12-31", 253),
    (SCT, "2026-12-31", "2027-12-31", 252),
    (NIR, "2026-12-31", "2027-12-31", 251),
]


@pytest.mark.parametrize(("region", "a", "b", "expected"), BETWEEN_CASES)
def test_working_days_between(region, a, b, expected):
    calendar = cal(region)
    assert calendar.working_days_between(D(a), D(b)) == expected
    # Symmetric: the other way round is the negative.
    assert calendar.working_days_between(D(b), D(a)) == -expected


@pytest.mark.parametrize("region", ALL)
def test_working_days_between_negative_when_overdue(region):
    # Due Mon 23 Nov 2026, today Wed 25: two working days overdue.
    assert cal(region).working_days_between(D("2026-11-25"), D("2026-11-23")) == -2


@pytest.mark.parametrize("region", ALL)
def test_add_then_between_round_trip_2023_to_2027(region):
    """For every start day 2023-2027 and several counts, counting back gives n."""
    calendar = cal(region)
    day, end = D("2023-01-01"), D("2027-12-31")
    checked = 0
    while day <= end:
        for n in (0, 1, 5, 20):
            due = calendar.add_working_days(day, n)
            assert calendar.working_days_between(day, due) == n, (region, day, n)
            # A due date (n > 0) is itself a working day, so it is the FIRST day at which
            # the count reaches n, not a later weekend or holiday with the same count.
            if n:
                assert calendar.is_working_day(due), (region, day, n)
            checked += 1
        day += timedelta(days=1)
    assert checked == 1826 * 4


@pytest.mark.parametrize("region", ALL)
def test_add_is_additive(region):
    # Counting 10 then 10 more is the same as counting 20, from every day of 2026.
    calendar = cal(region)
    day = D("2026-01-01")
    while day.year == 2026:
        assert calendar.add_working_days(calendar.add_working_days(day, 10), 10) == (
            calendar.add_working_days(day, 20)
        ), (region, day)
        day += timedelta(days=1)


# ---------------------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------------------


def test_default_region_is_england_and_wales():
    assert DEFAULT_REGION == ENG
    calendar = WorkingCalendar()
    assert calendar.region == ENG
    assert calendar.add_working_days(D("2024-03-28"), 1) == D("2024-04-02")


def test_regions_map_to_gb_subdivisions():
    assert REGIONS == {ENG: "ENG", SCT: "SCT", NIR: "NIR"}


@pytest.mark.parametrize("bad", ["wales", "England", "england", "ENG", "", "northern ireland"])
def test_unknown_region_raises(bad):
    with pytest.raises(UnknownRegion) as info:
        WorkingCalendar(region=bad)
    assert isinstance(info.value, ValueError)
    assert info.value.region == bad
    assert repr(bad) in str(info.value)
    for region in ALL:
        assert region in str(info.value)


def test_skipped_day_json_round_trip():
    skipped = SkippedDay(D("2026-12-28"), "bank holiday: Boxing Day (observed)")
    assert skipped.to_json() == ["2026-12-28", "bank holiday: Boxing Day (observed)"]
    assert SkippedDay.from_json(skipped.to_json()) == skipped
