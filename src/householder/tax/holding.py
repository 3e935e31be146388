"""Holding periods: is a sale short-term or long-term?

Rule (IRC 1222; IRS Pub 550, "Holding Period"): a capital asset held **more than one year** gives
a long-term gain or loss; one year or less gives a short-term one. The holding period starts the
day *after* the acquisition date and includes the day of sale, so a sale on the anniversary of
the purchase is still short-term and a sale the day after is long-term.

Feb 29 acquisitions: the holding period starts on Mar 1, and its first year ends on Feb 28 of the
next year, so the lot turns long-term on Mar 1 of the next year (sold Feb 28: short; sold Mar 1:
long). This is the calendar-month reckoning of Rev. Rul. 66-7 (property acquired on the last day
of a month is held for the required period once it is sold on or after the first day of the month
after the period's end).
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from householder.errors import InputError

Term = Literal["short", "long"]
"""Holding-period character of a gain or loss."""


def one_year_after(acquired: date) -> date:
    """The last day on which a sale is still short-term: the anniversary of ``acquired``.

    For a Feb 29 acquisition the anniversary is taken as Feb 28 of the next year (see the module
    docstring).
    """
    year = acquired.year + 1
    if acquired.month == 2 and acquired.day == 29:
        return date(year, 2, 28)
    return acquired.replace(year=year)


def days_held(acquired: date, sold: date) -> int:
    """Days in the holding period: from the day after ``acquired`` through ``sold`` (Pub 550).

    Equal to ``(sold - acquired).days``; a same-day sale has held the asset 0 days.
    """
    if sold < acquired:
        raise InputError(
            f"sold {sold.isoformat()} is before acquired {acquired.isoformat()}: "
            "a lot cannot be sold before it is bought"
        )
    return (sold - acquired).days


def holding_term(acquired: date, sold: date) -> Term:
    """``"long"`` when the asset was held more than one year, else ``"short"`` (IRS Pub 550).

    >>> holding_term(date(2005, 1, 1), date(2006, 1, 1))
    'short'
    >>> holding_term(date(2005, 1, 1), date(2006, 1, 2))
    'long'
    """
    days_held(acquired, sold)  # validates the order of the dates
    return "long" if sold > one_year_after(acquired) else "short"
