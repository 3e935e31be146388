"""Capital gain and loss netting, the capital loss limit and carryovers (Schedule D).

Rules (IRC 1211(b), 1212(b), 1222; IRS Pub 550 "Reporting Capital Gains and Losses"; Schedule D
(Form 1040) and its instructions' Capital Loss Carryover Worksheet):

1. Short-term results net with each other (with any short-term loss carried in), and long-term
   results likewise: the *net short-term* and *net long-term* gain or loss.
2. If one net is a gain and the other a loss, they offset. What is left keeps the character of
   the larger: e.g. a $400 net long-term gain and a $250 net short-term loss leave a $150
   long-term gain (Motley Fool, "Long John Silver").
3. A net capital loss is deductible against ordinary income up to $3,000 a year ($1,500 for
   married filing separately); the rest carries to the next year (Pub 544 (2000): the Sampsons,
   married filing jointly, with a $7,000 net capital loss deduct $3,000 and carry $4,000).
4. A carryover keeps its character, and the short-term loss is the one used up first by the
   deduction (the Carryover Worksheet: lines 6-8 short-term, lines 9-13 long-term).

Gains and losses already realized this year (``tax.realized_this_year``) are part of the year's
nets: a plan's gains and losses net with them, and the $3,000 limit applies to the total.

Assumed: taxable income before the loss deduction is large enough to absorb it (the
worksheet's line 3 adjustment for negative taxable income is not modelled).

Carried-in losses (``carryforward_short``/``carryforward_long``) are written as positive
amounts of loss, as on Schedule D lines 6 and 14.

The exact tax of a year's nets (:func:`capital_gains_tax`): what is left as short-term gain is
taxed at the ordinary rate, long-term gain at the long-term rate (IRC 1(h)), and with ``niit``
the 3.8 % net investment income tax (IRC 1411) is added on the net gain. A net loss saves
ordinary tax on the deducted part, so the tax is negative:

.. math::

    T = \\rho_{ord} G_{st} + \\rho_{lt} G_{lt} + 0.038\\,[\\text{niit}]\\,(G_{st} + G_{lt})
        - \\rho_{ord} D

Simplifications, each on purpose: flat marginal rates (no bracket boundaries); the loss
deduction is not taken against other investment income for the NIIT (Treas. Reg. 1.1411-4(d)
would allow it, but dividends and interest are outside this module). The optimizer uses a
convex stand-in (:func:`convex_tax_bound`); :func:`capital_gains_tax` is the judge.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from householder.errors import InputError
from householder.model.types import FilingStatus
from householder.tax.rates import NIIT_RATE

FILING_STATUSES: tuple[str, ...] = tuple(FilingStatus)

CAPITAL_LOSS_LIMIT = 3000.0
"""IRC 1211(b)(1): net capital loss deductible against ordinary income each year."""

CAPITAL_LOSS_LIMIT_MARRIED_SEPARATE = 1500.0
"""IRC 1211(b)(1): the limit for a married individual filing a separate return."""


def capital_loss_limit(filing_status: str = "single") -> float:
    """The yearly net capital loss deduction limit: $3,000, or $1,500 married filing separately."""
    if filing_status not in FILING_STATUSES:
        raise InputError(
            f"unknown filing_status {filing_status!r}; use one of {', '.join(FILING_STATUSES)}"
        )
    if filing_status == "married_separate":
        return CAPITAL_LOSS_LIMIT_MARRIED_SEPARATE
    return CAPITAL_LOSS_LIMIT


@dataclass(frozen=True)
class Netting:
    """One year's netted capital gains and losses (all amounts in dollars).

    ``net_short_term``/``net_long_term`` include carried-in losses (Schedule D lines 7 and 15);
    ``short_term_gain``/``long_term_gain`` are what is taxed after the two nets offset;
    ``deduction`` is the loss deducted against ordinary income (positive);
    ``carryforward_short``/``carryforward_long`` are the losses carried to next year (positive).
    """

    net_short_term: float
    net_long_term: float
    short_term_gain: float
    long_term_gain: float
    deduction: float
    carryforward_short: float
    carryforward_long: float

    @property
    def net(self) -> float:
        """Net capital gain (positive) or loss (negative) of the year, before the loss limit."""
        return self.net_short_term + self.net_long_term

    @property
    def carryforward(self) -> float:
        """Total loss carried to next year."""
        return self.carryforward_short + self.carryforward_long


def _finite(name: str, value: float) -> float:
    if not math.isfinite(value):
        raise InputError(f"{name} must be a finite number, not {value}")
    return value


def _carried_loss(name: str, value: float) -> float:
    if not (math.isfinite(value) and value >= 0):
        raise InputError(f"{name} is a carried-in loss, written as a finite amount >= 0: {value}")
    return value


def _loss_year(net_short: float, net_long: float, limit: float) -> tuple[float, float, float]:
    """Deduction and (short, long) carryovers of a net-loss year, by the Carryover Worksheet."""
    deduction = min(limit, -(net_short + net_long))  # worksheet line 5 (line 2 = line 4)
    short_loss = max(0.0, -net_short)  # line 6
    carry_short = max(0.0, short_loss - (max(0.0, net_long) + deduction))  # lines 7-8
    long_loss = max(0.0, -net_long)  # line 9
    used_against_long = max(0.0, net_short) + max(0.0, deduction - short_loss)  # lines 10-12
    carry_long = max(0.0, long_loss - used_against_long)  # line 13
    return deduction, carry_short, carry_long


def net_capital_gains(
    short_term: Iterable[float],
    long_term: Iterable[float],
    *,
    carryforward_short: float = 0.0,
    carryforward_long: float = 0.0,
    filing_status: str = "single",
) -> Netting:
    """Net a year's short- and long-term gains and losses (Schedule D; see the module docstring).

    ``short_term``/``long_term`` are realized gains (positive) and losses (negative).
    """
    limit = capital_loss_limit(filing_status)
    net_short = math.fsum(_finite("short_term gain", g) for g in short_term)
    net_long = math.fsum(_finite("long_term gain", g) for g in long_term)
    net_short -= _carried_loss("carryforward_short", carryforward_short)
    net_long -= _carried_loss("carryforward_long", carryforward_long)
    total = net_short + net_long
    if total < 0:
        deduction, carry_short, carry_long = _loss_year(net_short, net_long, limit)
        return Netting(net_short, net_long, 0.0, 0.0, deduction, carry_short, carry_long)
    if net_short >= 0 and net_long >= 0:
        return Netting(net_short, net_long, net_short, net_long, 0.0, 0.0, 0.0)
    if net_short < 0:  # a short-term loss offsets the larger long-term gain
        return Netting(net_short, net_long, 0.0, total, 0.0, 0.0, 0.0)
    return Netting(net_short, net_long, total, 0.0, 0.0, 0.0, 0.0)  # long-term loss offsets


@dataclass(frozen=True)
class TaxResult:
    """A year's capital gains tax; gains, deduction and carryovers as in ``Netting``."""

    net_short_term: float
    net_long_term: float
    short_term_gain: float
    long_term_gain: float
    deduction: float
    carryforward_short: float
    carryforward_long: float
    niit_tax: float
    estimated_tax: float


def _rate(name: str, value: float) -> float:
    if not (math.isfinite(value) and 0 <= value <= 1):
        raise InputError(f"{name} must be a fraction between 0 and 1 (24% is 0.24), not {value}")
    return value


def capital_gains_tax(
    short_term_gain_net: float,
    long_term_gain_net: float,
    *,
    ordinary_rate: float,
    long_term_rate: float,
    niit: bool = False,
    filing_status: str = "single",
    carryforward_short: float = 0.0,
    carryforward_long: float = 0.0,
) -> TaxResult:
    """Exact tax on a year's net realized short- and long-term gains (see the module docstring).

    Rates are fractions; carried-in losses are positive amounts. A net loss gives
    ``estimated_tax = -ordinary_rate * deduction``.
    """
    _rate("ordinary_rate", ordinary_rate)
    _rate("long_term_rate", long_term_rate)
    netting = net_capital_gains(
        [short_term_gain_net],
        [long_term_gain_net],
        carryforward_short=carryforward_short,
        carryforward_long=carryforward_long,
        filing_status=filing_status,
    )
    gains = netting.short_term_gain + netting.long_term_gain
    niit_tax = NIIT_RATE * gains if niit else 0.0
    tax = (
        ordinary_rate * netting.short_term_gain
        + long_term_rate * netting.long_term_gain
        + niit_tax
        - ordinary_rate * netting.deduction
    )
    return TaxResult(
        net_short_term=netting.net_short_term,
        net_long_term=netting.net_long_term,
        short_term_gain=netting.short_term_gain,
        long_term_gain=netting.long_term_gain,
        deduction=netting.deduction,
        carryforward_short=netting.carryforward_short,
        carryforward_long=netting.carryforward_long,
        niit_tax=niit_tax,
        estimated_tax=tax,
    )


def carryover_value_rate(
    *, ordinary_rate: float, long_term_rate: float, niit: bool = False, discount_rate: float = 0.0
) -> float:
    """Today's value of one dollar of capital loss carryover, :math:`\\nu`: what it saves when
    it is used next year, discounted one year,

    .. math:: \\nu = \\frac{\\min(\\rho_{lt} + n,\\ \\rho_{ord})}{1 + \\delta}

    A carried-over loss offsets next year's gains before anything else (Schedule D lines 6 and
    14), or $3,000 of ordinary income a year; the least it saves per dollar is the long-term
    rate (plus the NIIT) on a long-term gain it offsets, the most the ordinary rate. Taking the
    least, one year out, values it conservatively, and keeps :math:`\\nu \\le \\rho_{lt} + n`
    and :math:`\\nu \\le \\rho_{ord}`, which :func:`convex_tax_bound` needs to stay an upper
    bound. A plan that uses up :math:`C` dollars of carryover (:func:`carryover_used`) spends
    :math:`\\nu C` of future tax savings; one that adds to the carryover banks them.
    """
    _rate("ordinary_rate", ordinary_rate)
    _rate("long_term_rate", long_term_rate)
    if not (math.isfinite(discount_rate) and discount_rate > -1):
        raise InputError(f"discount_rate must be a finite rate above -100 %, not {discount_rate}")
    extra = NIIT_RATE if niit else 0.0
    return min(long_term_rate + extra, ordinary_rate) / (1.0 + discount_rate)


def carryover_used(with_plan: TaxResult | Netting, without: TaxResult | Netting) -> float:
    """Dollars of loss carryover a plan uses up: the carryover to next year without the plan
    less the carryover with it (negative when the plan's losses add to the carryover)."""
    before = without.carryforward_short + without.carryforward_long
    after = with_plan.carryforward_short + with_plan.carryforward_long
    return before - after


def convex_tax_bound(
    net_short_term: float,
    net_long_term: float,
    *,
    ordinary_rate: float,
    long_term_rate: float,
    niit: bool = False,
    filing_status: str = "single",
    carryover_value: float = 0.0,
) -> float:
    """The convex piecewise-linear stand-in the optimizer may use for :func:`capital_gains_tax`.

    With :math:`\\rho_{st} = \\rho_{ord} + n`, :math:`\\rho_{lt} = \\rho_{ltcg} + n` (``n`` = 0.038
    with NIIT, else 0), the loss limit :math:`L` and the carryover's value :math:`\\nu`
    (``carryover_value``, :func:`carryover_value_rate`; 0 leaves the carryover unvalued):

    .. math::

        S(N_{st}, N_{lt}) = \\max\\big(\\rho_{st} N_{st} + \\rho_{lt} N_{lt},\\;
            \\rho_{lt} (N_{st} + N_{lt}),\\; -\\rho_{ord} L + \\nu\\,(N_{st} + N_{lt} + L)\\big)

    ``net_short_term``/``net_long_term`` are the year's nets: gains already realized this year,
    less carried-in losses, plus the plan's. The bound never understates the exact tax less
    :math:`\\nu` times the carryover left for next year, :math:`T - \\nu\\, C_{out}`, when
    :math:`\\rho_{lt} \\le \\rho_{ord}` (with NIIT: long-term rate + 3.8 % at most the ordinary
    rate) and :math:`0 \\le \\nu \\le \\rho_{lt}`; with :math:`\\nu = 0` that is the exact tax
    itself. It equals it when both nets are gains, when a short-term loss is outweighed by a
    long-term gain, and (for :math:`\\nu > 0`) when the net loss is beyond :math:`L` and the
    third piece is the largest. Between it may overstate: its saving on a net loss
    :math:`N < 0` is at most :math:`\\rho_{lt} |N|`, where the exact saving is
    :math:`\\rho_{ord} \\min(|N|, L)`.

    This bound is of the *year's* tax, absolute: with a carried-in loss or this year's earlier
    losses it includes the saving they bring without any plan. A plan's reported tax
    (``estimated_tax``) is incremental (with the plan less without it), so the two are not
    comparable figure for figure.
    """
    _rate("ordinary_rate", ordinary_rate)
    _rate("long_term_rate", long_term_rate)
    extra = NIIT_RATE if niit else 0.0
    rho_st, rho_lt = ordinary_rate + extra, long_term_rate + extra
    if not (0.0 <= carryover_value <= min(rho_lt, ordinary_rate) + 1e-12):
        raise InputError(
            f"carryover_value must be between 0 and the long-term rate (and the ordinary "
            f"rate), not {carryover_value}: above them the bound is no longer an upper bound"
        )
    limit = capital_loss_limit(filing_status)
    total = net_short_term + net_long_term
    return max(
        rho_st * net_short_term + rho_lt * net_long_term,
        rho_lt * total,
        -ordinary_rate * limit + carryover_value * (total + limit),
    )
