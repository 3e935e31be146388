r"""The after-tax value model: what a dollar of an asset class becomes, after every tax, by account.

One dollar of class *k* held today in an account of treatment *a* grows to :math:`V_{a,k}(H)`
after-tax dollars at the horizon *H*. This function is the single source of truth for asset
location: :class:`householder.valuation.location.LocationValues` tabulates it once per household,
and both the ``plan`` optimizer's location term and the location value that ``plan`` and
``locate`` report read that table (see ``design/model.md``, "The location term").

Notation (all fractions per year unless said otherwise):

=================  ==============================================================================
:math:`r`          expected nominal total return of the class (price change + distributions)
:math:`y`          distribution yield, part of :math:`r`; the price grows at :math:`r - y - e`
:math:`e`          expense ratio of the fund that holds the class
:math:`f`          fraction of the yield withheld abroad (foreign tax)
:math:`\tau`       turnover: fraction of the unrealized gain realized (long-term) each year
:math:`t_y`        US income-tax rate on the yield, by character (ordinary, long-term or 0)
:math:`t_{lt}`     long-term gains rate; :math:`n` = 3.8 % NIIT when it applies, else 0
:math:`t_{ret}`    marginal rate when traditional money comes out
=================  ==============================================================================

Treatments (``Roth`` and ``HSA`` are tax-exempt; traditional 401(k)/IRA are tax-deferred):

.. math::

    V_{TE} = (1 + r - e - f y)^H, \qquad V_{TD} = (1 - t_{ret})\,(1 + r - e - f y)^H

The foreign withholding :math:`f y` is lost in both: there is no US tax to credit it against.

A taxable account is simulated year by year, exactly, on value :math:`V` and cost basis :math:`B`
(:math:`V_0 = 1`, :math:`B_0` = ``basis_ratio``):

.. math::

    c &= \max(t_y, f) + n_y                 && \text{share of the yield lost (tax + withholding)}\\
    D &= (1 - c)\, y V                       && \text{after-tax distribution, reinvested}\\
    V &\leftarrow V (1 + r - y - e) + D, \quad B \leftarrow B + D \\
    G &= \tau \max(V - B, 0)                 && \text{gain realized by turnover}\\
    V &\leftarrow V - (t_{lt} + n) G, \quad B \leftarrow B + G - (t_{lt} + n) G

and at the horizon, with a share :math:`s` of the position sold (``liquidate``),
:math:`V_H - s\,(t_{lt} + n)(V_H - B_H)`.

Conventions, each a choice made on purpose:

* The yield is the distribution actually paid (SEC and distribution yields are quoted net of the
  fund's expenses), so the expense ratio comes out of price growth, in every treatment alike.
* Yield character: ``ordinary`` at the ordinary rate; ``qualified`` and ``foreign`` at the
  long-term rate; ``tax_exempt`` (munis) untaxed and free of NIIT; ``none`` means the class pays
  no yield (a yield with ``income="none"`` is refused rather than silently left untaxed).
* Foreign withholding in a taxable account is credited against the US income tax on the same
  yield, up to that tax (the credit limit); any excess is lost, hence :math:`\max(t_y, f)`.
  The credit does not reduce NIIT.
* NIIT (:math:`n = 0.038`) applies, when ``niit`` is set, to taxable yields and to realized and
  liquidated gains; never in tax-advantaged accounts, never on tax-exempt interest.
* Turnover realizes gains only; a fund does not pass realized losses through to its holders.
* At liquidation an embedded *loss* (:math:`B > V`) gives a credit at the same long-term rate
  (plus NIIT), i.e. it is assumed usable against other long-term gains. This is exact when such
  gains exist and overstates the value otherwise (the $3,000 ordinary offset is not modelled).
* A traditional account's value is per *pre-tax* dollar; nondeductible basis in a traditional
  IRA is ignored.
"""

from __future__ import annotations

import dataclasses
import operator
from dataclasses import dataclass
from typing import Final

from householder.errors import InputError
from householder.model.types import Income, Treatment
from householder.tax.rates import NIIT_RATE, TaxRates

TREATMENTS: Final[tuple[str, ...]] = tuple(Treatment)
INCOMES: Final[tuple[str, ...]] = tuple(Income)


def _check_fraction(name: str, value: float, *, upper: float = 1.0, closed: bool = True) -> None:
    ok = 0.0 <= value <= upper if closed else 0.0 <= value < upper
    if not ok:
        bound = "]" if closed else ")"
        raise InputError(f"{name}: {value!r} must be in [0, {upper:g}{bound}")


@dataclass(frozen=True)
class ClassAssumptions:
    """What the model needs to know about one asset class."""

    expected_return: float
    """Nominal total return per year (fraction), distributions included."""
    yield_: float
    """Distribution yield per year (fraction), part of ``expected_return``."""
    income: Income
    """Tax character of the yield."""
    turnover: float = 0.0
    """Fraction of the unrealized gain realized (distributed, long-term) each year."""
    foreign_tax: float = 0.0
    """Fraction of the yield withheld abroad; creditable only in taxable accounts."""

    def __post_init__(self) -> None:
        if not self.expected_return > -1.0:
            raise InputError(f"expected_return: {self.expected_return!r} must be above -1 (-100%)")
        _check_fraction("yield", self.yield_)
        if self.income not in INCOMES:
            raise InputError(f"income: {self.income!r} is not one of {', '.join(INCOMES)}")
        if self.income == "none" and self.yield_ != 0.0:
            raise InputError(
                f"income: 'none' with a yield of {self.yield_!r}; give the yield's character "
                "(ordinary, qualified, tax_exempt or foreign) or set the yield to 0"
            )
        _check_fraction("turnover", self.turnover)
        _check_fraction("foreign_tax", self.foreign_tax)


def yield_tax_rate(income: Income, rates: TaxRates) -> float:
    r""":math:`t_y`: the US income-tax rate on a yield of this character, before any credit."""
    if income == "ordinary":
        return rates.ordinary
    if income in ("qualified", "foreign"):
        return rates.long_term
    return 0.0  # tax_exempt, none


def _yield_niit(income: Income, rates: TaxRates) -> float:
    r""":math:`n_y`: NIIT on the yield (none on tax-exempt interest)."""
    return NIIT_RATE if rates.niit and income in ("ordinary", "qualified", "foreign") else 0.0


def yield_loss_rate(assumptions: ClassAssumptions, rates: TaxRates) -> float:
    r"""Share of the yield lost in a taxable account, tax and foreign withholding together.

    .. math:: c = \max(t_y, f) + n_y

    The foreign tax credit offsets the US income tax on the same yield up to that tax; any
    excess withholding is lost. NIIT is not creditable.
    """
    return max(yield_tax_rate(assumptions.income, rates), assumptions.foreign_tax) + _yield_niit(
        assumptions.income, rates
    )


def _sheltered_growth(assumptions: ClassAssumptions, expense_ratio: float) -> float:
    r""":math:`1 + r - e - f y`: one year's growth in a tax-advantaged account."""
    return (
        1.0
        + assumptions.expected_return
        - expense_ratio
        - assumptions.foreign_tax * assumptions.yield_
    )


def after_tax_value(
    treatment: Treatment,
    assumptions: ClassAssumptions,
    rates: TaxRates,
    horizon_years: int,
    *,
    basis_ratio: float = 1.0,
    expense_ratio: float = 0.0,
    liquidate: bool | float = True,
    risk_free: float | None = None,
) -> float:
    r"""After-tax dollars at the horizon per dollar held today.

    .. math::

        V_{TE} = g^H, \qquad V_{TD} = (1 - t_{ret})\, g^H, \qquad g = 1 + r - e - f y

    and :math:`V_{TX}` from the exact yearly simulation in the module docstring. For a taxable
    account ``basis_ratio`` is today's cost basis per dollar of value (1 for a new dollar, below
    1 for an embedded gain, above 1 for a loss); ``liquidate`` is the share of the position sold
    at the horizon, its gain taxed (``True``: all of it; ``False`` or 0: none, the value before
    selling, as for a position held for life, whose basis steps up at death, IRC 1014).
    Tax-advantaged accounts ignore both.

    ``risk_free``: value the taxable holding *risk-adjusted* (Reichenstein, "After-Tax Asset
    Allocation", FAJ 2006; Reichenstein and Meyer, JFP 2013): in a taxable account the
    government takes a share of the return above the risk-free rate and bears the same share of
    its risk, so at equal risk the investor keeps the risk premium; only the tax on a risk-free
    return of the same character is a cost. The class's value is its tax-exempt growth times the
    after-tax share of a risk-free twin (the same yield, character and turnover, returning
    :math:`\max(r_f, y)`):

    .. math:: V^{adj}_{TX} = g^H\, \frac{V_{TX}(\text{twin})}{g_{\text{twin}}^H}
    """
    horizon = operator.index(horizon_years)
    if horizon < 0:
        raise InputError(f"horizon_years: {horizon} must be 0 or more")
    if not basis_ratio >= 0.0:
        raise InputError(f"basis_ratio: {basis_ratio!r} must be 0 or more")
    if not expense_ratio >= 0.0:
        raise InputError(f"expense_ratio: {expense_ratio!r} must be 0 or more")

    if treatment == "tax_exempt":
        return _sheltered_growth(assumptions, expense_ratio) ** horizon
    if treatment == "tax_deferred":
        return (1.0 - rates.retirement) * _sheltered_growth(assumptions, expense_ratio) ** horizon
    if treatment != "taxable":
        raise InputError(f"treatment: {treatment!r} is not one of {', '.join(TREATMENTS)}")
    sold = float(liquidate)
    if not 0.0 <= sold <= 1.0:
        raise InputError(f"liquidate: {liquidate!r} must be a share from 0 to 1")
    if risk_free is None:
        return _taxable_value(
            assumptions, rates, horizon, basis_ratio=basis_ratio, expense_ratio=expense_ratio,
            sold=sold,
        )
    twin = dataclasses.replace(
        assumptions, expected_return=max(risk_free, assumptions.yield_)
    )
    share = _taxable_value(
        twin, rates, horizon, basis_ratio=basis_ratio, expense_ratio=expense_ratio, sold=sold
    ) / _sheltered_growth(twin, expense_ratio) ** horizon
    return _sheltered_growth(assumptions, expense_ratio) ** horizon * share


def _taxable_value(
    assumptions: ClassAssumptions,
    rates: TaxRates,
    horizon: int,
    *,
    basis_ratio: float,
    expense_ratio: float,
    sold: float,
) -> float:
    """The year-by-year simulation of a taxable holding (formulas in the module docstring);
    ``sold``: the share of the position sold at the horizon."""
    price_growth = 1.0 + assumptions.expected_return - assumptions.yield_ - expense_ratio
    keep_of_yield = 1.0 - yield_loss_rate(assumptions, rates)
    gain_rate = rates.gain_rate
    value, basis = 1.0, basis_ratio
    for _ in range(horizon):
        reinvested = keep_of_yield * assumptions.yield_ * value
        value = value * price_growth + reinvested
        basis += reinvested
        unrealized = value - basis
        if assumptions.turnover > 0.0 and unrealized > 0.0:
            realized = assumptions.turnover * unrealized
            tax = gain_rate * realized
            value -= tax
            basis += realized - tax
    return value - sold * gain_rate * (value - basis)


def annual_tax_drag(
    assumptions: ClassAssumptions, rates: TaxRates, *, gain_ratio: float = 0.0
) -> float:
    r"""Yearly US tax of holding the class in a taxable account, as a fraction of its value.

    The tax paid in one year on a holding whose unrealized gain is ``gain_ratio`` of its value
    (0 for a new dollar), beyond what a tax-advantaged account loses too (the foreign
    withholding :math:`f y` is lost there as well, so only the uncredited part counts):

    .. math::

        \text{drag} = \bigl(\max(t_y, f) - f + n_y\bigr)\, y
                      + (t_{lt} + n)\, \tau \max(u + r - y, 0)

    with :math:`u` = ``gain_ratio``. It is the first-order location coefficient
    :math:`-\alpha_{TX,k}` of ``design/model.md`` and equals, exactly, the one-year difference
    :math:`V_{TE}(1) - V_{TX}(1)` without liquidation at ``basis_ratio`` :math:`= 1 - u`.
    Fees are not taxes and are left out.
    """
    y = assumptions.yield_
    income_tax = (yield_loss_rate(assumptions, rates) - assumptions.foreign_tax) * y
    year_end_gain = gain_ratio + assumptions.expected_return - y
    realized = assumptions.turnover * max(year_end_gain, 0.0)
    return income_tax + rates.gain_rate * realized


def taxable_equivalent_yield(yield_: float, rate: float) -> float:
    r"""The taxable yield that nets the same as a tax-exempt one: :math:`y / (1 - t)`."""
    _check_fraction("rate", rate, closed=False)
    return yield_ / (1.0 - rate)
