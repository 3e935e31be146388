"""Holding periods: is a sale short-term or long-term?

Rule (IRC 1222(3); IRS Pub 550, "Holding Period"): a capital asset held **more than one year**
gives a long-term gain or loss; one year or less gives a short-term one. "To figure if you held
property longer than 1 year, start counting on the day after the day you acquired the property.
The day you disposed of the property is part of your holding period" (Pub 550).

How the year is counted (Rev. Rul. 66-7, 1966-1 C.B. 188; restated for securities in Rev. Rul.
66-97, 1966-1 C.B. 190 and Rev. Rul. 70-598, 1970-2 C.B. 168; Fogel v. Commissioner, 203 F.2d 347
(5th Cir. 1953)): by **calendar months**, not days. The holding period begins the day after
acquisition, and the same day of each following month begins a new month, however many days the
month before had; property acquired on the last day of a month must be held until the first day
of the 13th following month to be held more than a year (Rev. Rul. 66-7 states it for the
six-month period of the time: "the first day of the seventh succeeding month"). J.K. Lasser's
*Your Income Tax*, "Counting the months in your holding period", gives the same reading: bought
November 30, 2012, "a holding month ends on December 31, January 31, February 28 (or 29 in a leap
year), etc.", so the stock is long-term from December 1, 2013.

So with :math:`S` = the day after acquisition, the sale is long-term from the day that is 12
calendar months after :math:`S` (the same day of the month a year later; when that day does not
exist, February 29, the first day of the next month, March 1) and short-term up to the day before:

========================  ===========================  =================
acquired                  last short-term sale         long-term from
========================  ===========================  =================
2023-06-15                2024-06-15 (the anniversary) 2024-06-16
2023-01-31 (month end)    2024-01-31                   2024-02-01
2023-02-28 (month end)    **2024-02-29** (leap day)    2024-03-01
2024-02-28                2025-02-28                   2025-03-01
2024-02-29 (leap day)     2025-02-28                   2025-03-01
========================  ===========================  =================

The one case where this differs from "any day after the anniversary": a lot bought on February 28
of the year before a leap year (the last day of its month) is still short-term when sold on
February 29 of the next year (366 days later), since its twelfth holding month ends on that
last day of February.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Literal

from householder.errors import InputError

Term = Literal["short", "long"]
"""Holding-period character of a gain or loss."""


def long_term_from(acquired: date) -> date:
    """The first day on which a sale of property acquired on ``acquired`` is long-term: 12
    calendar months after the day after acquisition (see the module docstring).

    >>> long_term_from(date(2023, 2, 28))
    datetime.date(2024, 3, 1)
    >>> long_term_from(date(2023, 6, 15))
    datetime.date(2024, 6, 16)
    """
    start = acquired + timedelta(days=1)
    try:
        return start.replace(year=start.year + 1)
    except ValueError:  # February 29 of a year whose next has none: its month ends on the 28th
        return date(start.year + 1, 3, 1)


def one_year_after(acquired: date) -> date:
    """The last day on which a sale is still short-term: the day before :func:`long_term_from`
    (the anniversary, except for a February 28 acquisition before a leap year: February 29)."""
    return long_term_from(acquired) - timedelta(days=1)


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
    """``"long"`` when the asset was held more than one year, else ``"short"`` (IRS Pub 550,
    counted in calendar months: Rev. Rul. 66-7).

    >>> holding_term(date(2005, 1, 1), date(2006, 1, 1))
    'short'
    >>> holding_term(date(2005, 1, 1), date(2006, 1, 2))
    'long'
    >>> holding_term(date(2023, 2, 28), date(2024, 2, 29))
    'short'
    """
    days_held(acquired, sold)  # validates the order of the dates
    return "long" if sold >= long_term_from(acquired) else "short"
