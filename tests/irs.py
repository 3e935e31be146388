"""An independent tax judge for the tests, written from the IRS's forms and the regulations, not
from ``householder.tax``: the suite checks householder's judge against this one, so a mistake
would have to be made twice, in two different shapes, to pass.

- Holding period (Rev. Rul. 66-7; IRS Pub 550, "Holding Period"): it starts the day after
  acquisition and runs in calendar months; property is held *more than one year*, long-term,
  when it is sold on or after the same day of the month twelve months after that start day
  (the first of the next month where that day does not exist: bought Feb 28, 2024, the period
  starts Feb 29, 2024, and a sale on Mar 1, 2025 is the first long-term one).
- Wash sales (IRC 1091; Treas. Reg. 1.1091-1(b), (c); Rev. Rul. 2008-5): loss sales are taken
  in the order they were made, and on one day in the order the shares sold were acquired; each
  takes replacement shares (same or substantially identical security, bought within 30 days
  before or after, in any account of the household, the sold lot's own shares excepted) in the
  order they were bought, each replacement share once; a loss per share times the shares
  matched is disallowed.
- Netting (Form 1040 Schedule D, lines 7, 15, 16 and 21; the Capital Loss Carryover Worksheet
  of the Schedule D instructions, lines 1-13, taxable income taken as large enough): the tax
  on a gain year is the ordinary rate on the short-term part and the long-term rate on the
  smaller of lines 15 and 16 (the Qualified Dividends and Capital Gain Tax Worksheet at flat
  marginal rates), plus 3.8 % NIIT on line 16 where it applies; a loss year saves the ordinary
  rate on line 21.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

WINDOW = 30


def is_long_term(acquired: date, sold: date) -> bool:
    """Rev. Rul. 66-7: more than one year, counted in calendar months from the day after."""
    start = acquired + timedelta(days=1)
    year, month, day = start.year + 1, start.month, start.day
    if day > calendar.monthrange(year, month)[1]:  # Feb 29 a year on: the day after Feb 28
        first_long = date(year, month, calendar.monthrange(year, month)[1]) + timedelta(days=1)
    else:
        first_long = date(year, month, day)
    return sold >= first_long


@dataclass
class Sold:
    account: str
    taxable: bool
    group: str
    sold: date
    acquired: date
    shares: float
    proceeds: float
    cost: float
    lot: str = ""


@dataclass
class Bought:
    account: str
    group: str
    acquired: date
    shares: float
    lot: str = ""


def disallowed_losses(sales: list[Sold], purchases: list[Bought]) -> list[float]:
    """The loss disallowed on each sale (Treas. Reg. 1.1091-1(b), (c))."""
    left = []
    for p in purchases:
        # the sold shares are not their own replacement
        sold_of_it = sum(s.shares for s in sales if s.lot and s.lot == p.lot and
                         s.account == p.account and s.group == p.group)
        left.append(max(p.shares - sold_of_it, 0.0))
    out = [0.0] * len(sales)
    order = sorted(range(len(sales)), key=lambda i: (sales[i].sold, sales[i].acquired))
    by_date = sorted(range(len(purchases)), key=lambda j: purchases[j].acquired)
    for i in order:
        s = sales[i]
        loss_per_share = (s.cost - s.proceeds) / s.shares
        if not s.taxable or loss_per_share <= 0:
            continue
        need = s.shares
        for j in by_date:
            p = purchases[j]
            if need <= 0:
                break
            if p.group != s.group or abs((p.acquired - s.sold).days) > WINDOW or left[j] <= 0:
                continue
            take = min(need, left[j])
            left[j] -= take
            need -= take
            out[i] += loss_per_share * take
    return out


@dataclass
class ScheduleD:
    line7: float
    """Net short-term gain or loss (carryover in)."""
    line15: float
    """Net long-term gain or loss (carryover in)."""
    line16: float
    line21: float
    """The loss deducted this year (positive)."""
    short_carryover: float
    """Capital Loss Carryover Worksheet line 8."""
    long_carryover: float
    """Worksheet line 13."""


def schedule_d(short: float, long: float, carry_short: float, carry_long: float,
               married_separately: bool = False) -> ScheduleD:
    """Schedule D and the carryover worksheet for a year's short- and long-term results."""
    line7 = short - carry_short  # line 6 enters the carryover as a loss
    line15 = long - carry_long  # line 14 likewise
    line16 = line7 + line15
    line21 = min(-line16, 1500.0 if married_separately else 3000.0) if line16 < 0 else 0.0
    # Capital Loss Carryover Worksheet (for next year), taxable income large enough
    ws2 = line21
    ws4 = ws2  # lines 1-4: the deduction is fully used
    ws5 = max(-line7, 0.0)
    ws6 = max(line15, 0.0)
    ws7 = ws4 + ws6
    ws8 = max(ws5 - ws7, 0.0)
    ws9 = max(-line15, 0.0)
    ws10 = max(line7, 0.0)
    ws11 = max(ws4 - ws5, 0.0)
    ws12 = ws10 + ws11
    ws13 = max(ws9 - ws12, 0.0)
    return ScheduleD(line7, line15, line16, line21, ws8, ws13)


def tax_of(d: ScheduleD, ordinary: float, long_term: float, niit: bool) -> float:
    """The tax of a Schedule D at flat marginal rates."""
    if d.line16 < 0:
        return -ordinary * d.line21
    if d.line16 == 0:
        return 0.0
    long_part = min(d.line15, d.line16) if d.line15 > 0 else 0.0
    tax = long_term * long_part + ordinary * (d.line16 - long_part)
    return tax + (0.038 * d.line16 if niit else 0.0)


@dataclass
class Return:
    short: float
    """The sales' short-term result after wash sales."""
    long: float
    tax: float
    """What the sales add to the year's tax."""
    disallowed: list[float]


def judge(sales: list[Sold], purchases: list[Bought], *, ordinary: float, long_term: float,
          niit: bool = False, married_separately: bool = False, carry_short: float = 0.0,
          carry_long: float = 0.0, realized_short: float = 0.0,
          realized_long: float = 0.0) -> Return:
    """The tax the sales add to the year, by the forms."""
    disallowed = disallowed_losses(sales, purchases)
    short = long = 0.0
    for s, gone in zip(sales, disallowed, strict=True):
        result = s.proceeds - s.cost + gone
        if is_long_term(s.acquired, s.sold):
            long += result
        else:
            short += result
    with_sales = schedule_d(realized_short + short, realized_long + long, carry_short,
                            carry_long, married_separately)
    without = schedule_d(realized_short, realized_long, carry_short, carry_long,
                         married_separately)
    tax = tax_of(with_sales, ordinary, long_term, niit) - tax_of(without, ordinary, long_term,
                                                                  niit)
    return Return(short, long, tax, disallowed)
