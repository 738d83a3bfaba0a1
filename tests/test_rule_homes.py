"""Each rule has one home (issue 16.4): the financial year, the extension limit, working
days left and its states, and the dates a step will fix. These tests pin each home and
that its callers use it."""

from __future__ import annotations

from datetime import date

import pytest

from chc_tui import assessment, financial_year, report
from chc_tui.policy import CODE_2024

D = date


# --- the financial year ----------------------------------------------------------------


@pytest.mark.parametrize(
    "day, year",
    [
        (D(2025, 3, 31), 2024),  # the last day of 2024/25
        (D(2025, 4, 1), 2025),  # the first day of 2025/26
        (D(2025, 1, 1), 2024),
        (D(2025, 12, 31), 2025),
        (D(2024, 2, 29), 2023),
    ],
)
def test_the_financial_year_of_a_day(day, year):
    assert financial_year.year_of(day) == year
    assert financial_year.first_day(year) <= day <= financial_year.last_day(year)


def test_a_financial_year_runs_1_april_to_31_march():
    assert financial_year.bounds(2024) == (D(2024, 4, 1), D(2025, 3, 31))
    assert financial_year.first_day(2025) == D(2025, 4, 1)
    assert financial_year.last_day(2023) == D(2024, 3, 31)  # a leap year's March still ends on the 31st
    assert financial_year.label(2024) == "2024/25"
    assert financial_year.label(2099) == "2099/00"
    assert financial_year.span(2024) == "1 April 2024 to 31 March 2025"


def test_the_months_of_a_financial_year():
    assert financial_year.month_index(D(2024, 4, 30)) == 0
    assert financial_year.month_index(D(2025, 3, 1)) == 11
    assert financial_year.month_bounds(2024, 0) == (D(2024, 4, 1), D(2024, 4, 30))
    assert financial_year.month_bounds(2024, 8) == (D(2024, 12, 1), D(2024, 12, 31))
    assert financial_year.month_bounds(2023, 10) == (D(2024, 2, 1), D(2024, 2, 29))
    assert financial_year.month_label(2024, 0) == "Apr 2024"
    assert financial_year.month_label(2024, 9) == "Jan 2025"
    # every day of a year is in exactly one of its months
    days = set()
    for i in range(12):
        first, last = financial_year.month_bounds(2024, i)
        days |= {D.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)}
    assert min(days), max(days) == financial_year.bounds(2024)
    assert len(days) == 365


def test_the_report_and_the_self_assessment_use_the_one_financial_year():
    assert report.year_of is assessment.financial_year_of is financial_year.year_of
    assert report.year_label is assessment.year_label is financial_year.label
    assert report.year_bounds is financial_year.bounds
    assert assessment.year_start is financial_year.first_day
    assert assessment.year_end is financial_year.last_day


# --- the extension limit ----------------------------------------------------------------


@pytest.mark.parametrize("stage, limit", [(1, 10), (2, 20)])
def test_the_extension_limit_at_and_past_it(stage, limit):
    rules = CODE_2024.for_stage(stage)
    assert rules.within_extension_limit(limit)  # at the limit exactly keeps to it (6.4, 6.15)
    assert not rules.within_extension_limit(limit + 1)
    assert rules.extension_allowed(limit, "")
    assert not rules.extension_allowed(limit + 1, "")
    assert not rules.extension_allowed(limit + 1, "   ")  # blank is no reason
    assert rules.extension_allowed(limit + 1, "contractor's survey")
    assert rules.past_limit_without_reason(limit + 1, "")
    assert not rules.past_limit_without_reason(limit, "")
    assert rules.past_limit_with_reason(limit + 1, "survey")
    assert not rules.past_limit_with_reason(limit, "survey")  # within the limit: no reason needed
