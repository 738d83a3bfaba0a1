"""Dates as handlers type them: UK day-first, with today/yesterday shortcuts."""

from __future__ import annotations

from datetime import date

import pytest

from chc_tui.rules.dates import DateParseError, parse_date

TODAY = date(2026, 3, 31)  # a fixed "today" (Tuesday) so nothing depends on the clock


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # ISO
        ("2026-11-23", date(2026, 11, 23)),
        ("2026-4-3", date(2026, 4, 3)),  # unpadded ISO
        ("2024-02-29", date(2024, 2, 29)),  # leap day
        ("2028-02-29", date(2028, 2, 29)),
        # Day first, always: 03/04/2026 is 3 April, not 4 March.
        ("23/11/2026", date(2026, 11, 23)),
        ("03/04/2026", date(2026, 4, 3)),
        ("3/4/2026", date(2026, 4, 3)),
        ("12/01/2026", date(2026, 1, 12)),
        ("01/12/2026", date(2026, 12, 1)),
        ("29/02/2024", date(2024, 2, 29)),
        # Two-digit years are this century.
        ("23/11/26", date(2026, 11, 23)),
        ("3/4/26", date(2026, 4, 3)),
        ("01/01/00", date(2000, 1, 1)),
        ("31/12/99", date(2099, 12, 31)),
        # '.' and '-' separators.
        ("23.11.2026", date(2026, 11, 23)),
        ("03.04.26", date(2026, 4, 3)),
        ("23-11-2026", date(2026, 11, 23)),
        ("03-04-2026", date(2026, 4, 3)),
        # Words, with a four-digit year.
        ("23 Nov 2026", date(2026, 11, 23)),
        ("23 November 2026", date(2026, 11, 23)),
        ("1 April 2025", date(2025, 4, 1)),
        ("1 apr 2025", date(2025, 4, 1)),
        ("Nov 23 2026", date(2026, 11, 23)),
        ("23rd Nov 2026", date(2026, 11, 23)),
        ("23-Nov-2026", date(2026, 11, 23)),
        ("29 Feb 2024", date(2024, 2, 29)),
        ("Monday 23 Nov 2026", date(2026, 11, 23)),
        # Surrounding spaces and capitals do not matter.
        ("  23/11/2026  ", date(2026, 11, 23)),
        ("23 NOV 2026", date(2026, 11, 23)),
    ],
)
def test_parses(text, expected):
    assert parse_date(text, today=TODAY) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", TODAY),
        ("t", TODAY),
        ("Today", TODAY),
        (" TODAY ", TODAY),
        ("T", TODAY),
        ("yesterday", date(2026, 3, 30)),
        ("y", date(2026, 3, 30)),
        ("Yesterday", date(2026, 3, 30)),
    ],
)
def test_today_and_yesterday(text, expected):
    assert parse_date(text, today=TODAY) == expected


def test_yesterday_crosses_month_year_and_leap_day():
    assert parse_date("yesterday", today=date(2026, 1, 1)) == date(2025, 12, 31)
    assert parse_date("y", today=date(2024, 3, 1)) == date(2024, 2, 29)
    assert parse_date("y", today=date(2023, 3, 1)) == date(2023, 2, 28)


def test_today_defaults_to_the_clock():
    before = date.today()
    parsed = parse_date("today")
    assert parsed in (before, date.today())  # tolerate a midnight tick


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2026",  # no 31 February
        "29/02/2025",  # 2025 is not a leap year
        "29/02/2023",
        "2026-02-30",
        "2026-13-01",
        "2025-02-29",
        "00/01/2026",  # day 0
        "32/01/2026",
        "01/13/2026",  # month 13: day first, so this is not 13 January
        "31/04/2026",  # April has 30 days
    ],
)
def test_impossible_dates_say_not_a_real_date(text):
    with pytest.raises(DateParseError) as info:
        parse_date(text, today=TODAY)
    assert str(info.value) == f"{text!r} is not a real date"


@pytest.mark.parametrize(
    "text",
    [
        "banana",
        "12",
        "2026",
        "12/2026",  # no day
        "23/11",  # no year
        "23/11/026",  # three-digit year
        "2026/11/23",  # year first with slashes is not accepted
        "tomorrow",
        "none",
        "23 Nov 26",  # words need a four-digit year
        "23 Nov",  # no year at all
        "Nov 2026",  # no day: must not be guessed from the clock
        "November 2026",
        "banana 2026",
        "23 Nov 2026 banana",  # a stray word is an error, not ignored
        "32 Jan 2026",
        "29 Feb 2025",
        "31 Feb 2026",
        "nov 2026 2027",
        "1/1/1/2026",
    ],
)
def test_not_a_date(text):
    with pytest.raises(DateParseError) as info:
        parse_date(text, today=TODAY)
    message = str(info.value)
    assert repr(text) in message
    # Tells the handler what to type instead.
    assert "dd/mm/yyyy" in message
    assert "today" in message


@pytest.mark.parametrize("text", ["", "   ", None])
def test_empty_input_asks_for_a_date(text):
    with pytest.raises(DateParseError) as info:
        parse_date(text, today=TODAY)
    assert str(info.value).startswith("enter a date")


def test_parse_error_is_a_value_error():
    assert issubclass(DateParseError, ValueError)
    with pytest.raises(ValueError):
        parse_date("banana", today=TODAY)


def test_error_message_shows_what_was_typed_not_lowercased():
    with pytest.raises(DateParseError) as info:
        parse_date("  Banana  ", today=TODAY)
    assert "'Banana'" in str(info.value)


def test_missing_day_is_not_filled_from_today_or_the_clock():
    # Whatever "today" is, "Nov 2026" is ambiguous and is refused.
    for today in (date(2026, 3, 31), date(2026, 11, 23), date(2026, 1, 1)):
        with pytest.raises(DateParseError):
            parse_date("Nov 2026", today=today)


@pytest.mark.parametrize("text", ["01/01/0001", "1/1/0099", "0001-01-01", "31/12/1899", "1 Jan 1066"])
def test_a_year_before_1900_is_refused_not_read_as_this_century(text):
    # 01/01/0001 was read as 1 January 2001: a four-digit year is the year typed.
    with pytest.raises(DateParseError, match="before 1900"):
        parse_date(text)


def test_two_digit_years_are_this_century_and_1900_is_accepted():
    assert parse_date("01/01/26") == date(2026, 1, 1)
    assert parse_date("01/01/1900") == date(1900, 1, 1)
