"""Holding periods: short-term through the anniversary, long-term after (IRS Pub 550)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from householder.errors import InputError
from householder.tax import days_held, holding_term, one_year_after
from tests.tax.shared_cases import case_params

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))


@pytest.mark.parametrize("case", case_params("holding_period", "cases"))
def test_shared_holding_period_cases(case: dict[str, Any]) -> None:
    """Source: IRS Pub 550; examples as given by the Motley Fool and J.K. Lasser."""
    assert holding_term(case["acquired"], case["sold"]) == case["term"]


@pytest.mark.parametrize(
    ("acquired", "sold", "term"),
    [
        (date(2005, 1, 1), date(2006, 1, 1), "short"),
        (date(2005, 1, 1), date(2006, 1, 2), "long"),
        (date(2012, 9, 19), date(2013, 9, 20), "long"),
        (date(2012, 9, 19), date(2013, 9, 19), "short"),
        (date(2024, 6, 1), date(2024, 6, 1), "short"),
    ],
)
def test_anniversary_is_short_and_the_day_after_long(acquired: date, sold: date, term: str) -> None:
    """Source: IRS Pub 550 (holding period starts the day after acquisition; > 1 year is long)."""
    assert holding_term(acquired, sold) == term


def test_feb_29_acquisition_turns_long_on_march_1() -> None:
    """Rev. Rul. 66-7 reckoning: acquired Feb 29, 2024 is long-term from Mar 1, 2025."""
    assert one_year_after(date(2024, 2, 29)) == date(2025, 2, 28)
    assert holding_term(date(2024, 2, 29), date(2025, 2, 28)) == "short"
    assert holding_term(date(2024, 2, 29), date(2025, 3, 1)) == "long"


@pytest.mark.parametrize(
    ("acquired", "last_short", "first_long"),
    [
        # J.K. Lasser, "Counting the months in your holding period", example 2: bought Nov 30,
        # 2012, holding months end on the last day of each month: long-term from Dec 1, 2013
        (date(2012, 11, 30), date(2013, 11, 30), date(2013, 12, 1)),
        # J.K. Lasser example 1: bought Sep 19, 2012: long-term on or after Sep 20, 2013
        (date(2012, 9, 19), date(2013, 9, 19), date(2013, 9, 20)),
        # month ends (Rev. Rul. 66-7: the first day of the 13th following month)
        (date(2023, 1, 31), date(2024, 1, 31), date(2024, 2, 1)),
        (date(2024, 1, 31), date(2025, 1, 31), date(2025, 2, 1)),
        (date(2023, 4, 30), date(2024, 4, 30), date(2024, 5, 1)),
        (date(2023, 12, 31), date(2024, 12, 31), date(2025, 1, 1)),
        # the end of February before a leap year: its 12th month ends on Feb 29
        (date(2023, 2, 28), date(2024, 2, 29), date(2024, 3, 1)),
        (date(2027, 2, 28), date(2028, 2, 29), date(2028, 3, 1)),
        # the end of February between common years
        (date(2021, 2, 28), date(2022, 2, 28), date(2022, 3, 1)),
        # leap years: Feb 28 of a leap year is not a month end (its months start on the 29th)
        (date(2024, 2, 28), date(2025, 2, 28), date(2025, 3, 1)),
        (date(2024, 2, 29), date(2025, 2, 28), date(2025, 3, 1)),
        (date(2024, 2, 27), date(2025, 2, 27), date(2025, 2, 28)),
        (date(2023, 3, 1), date(2024, 3, 1), date(2024, 3, 2)),
        # the day before a month end
        (date(2023, 1, 30), date(2024, 1, 30), date(2024, 1, 31)),
    ],
)
def test_calendar_month_reckoning_at_month_ends_and_leap_years(
    acquired: date, last_short: date, first_long: date
) -> None:
    """IRS Pub 550 ("start counting on the day after the day you acquired the property") and
    Rev. Rul. 66-7 (calendar months; a month-end acquisition is held more than a year from the
    first day of the 13th following month): the last short-term sale and the first long-term
    one, both ways."""
    assert holding_term(acquired, last_short) == "short"
    assert holding_term(acquired, first_long) == "long"
    assert one_year_after(acquired) == last_short
    assert first_long - last_short == timedelta(days=1)


def test_days_held_counts_from_the_day_after_acquisition() -> None:
    """IRS Pub 550: the day of acquisition is excluded, the day of sale included."""
    assert days_held(date(2024, 1, 1), date(2024, 1, 1)) == 0
    assert days_held(date(2024, 1, 1), date(2025, 1, 1)) == 366


def test_sale_before_purchase_is_an_input_error() -> None:
    """A lot cannot be sold before it is bought."""
    with pytest.raises(InputError, match="before acquired"):
        holding_term(date(2024, 1, 2), date(2024, 1, 1))
    with pytest.raises(ValueError):
        days_held(date(2024, 1, 2), date(2024, 1, 1))


@given(acquired=dates, extra=st.integers(min_value=0, max_value=2000))
def test_term_follows_the_day_count(acquired: date, extra: int) -> None:
    """365 days or fewer is always short, 367 or more always long (IRS Pub 550)."""
    sold = acquired + timedelta(days=extra)
    term = holding_term(acquired, sold)
    if extra <= 365:
        assert term == "short"
    if extra >= 367:
        assert term == "long"
    assert (term == "long") == (sold > one_year_after(acquired))


@given(acquired=dates, extra=st.integers(min_value=0, max_value=800))
def test_once_long_always_long(acquired: date, extra: int) -> None:
    """Holding longer never turns a long-term lot short-term."""
    sold = acquired + timedelta(days=extra)
    if holding_term(acquired, sold) == "long":
        assert holding_term(acquired, sold + timedelta(days=1)) == "long"
