"""Objective terms. Each is a small object with one ``compile`` hook returning a cvxpy
expression in units of the household value (today's dollars / W), and a ``from_problem``
constructor that reads what it needs from the problem (the policy, the facts) or declines
(returns None). :data:`COST_TERMS` is the one registry the cost problem is built from: adding a
concern means adding a term to it, not editing a long function (cvxportfolio's ``costs.py``
style)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cvxpy as cp
import numpy as np

from householder.model.household import Policy
from householder.optimize.data import ProblemData
from householder.optimize.variables import Variables
from householder.tax.netting import capital_loss_limit, carryover_value_rate
from householder.tax.rates import TaxRates
from householder.valuation.location import discount_rate


class Term(Protocol):
    name: str

    def compile(self, v: Variables) -> tuple[cp.Expression, list[cp.Constraint]]: ...


class TermFactory(Protocol):
    def from_problem(self, data: ProblemData) -> Term | None: ...


@dataclass
class FeeCost:
    """Expense ratios over the horizon, every account:

    .. math:: A_H \\sum_{p} e_{f(p)}\\, x_p, \\qquad A_H = H

    (fees are a fraction of a balance growing at about the discount rate, so their present
    value over H years is about H years of today's fee)."""

    horizon: float
    name: str = "fees"

    @classmethod
    def from_problem(cls, data: ProblemData) -> FeeCost:
        return cls(float(data.book.household.policy.horizon_years))

    def compile(self, v: Variables) -> tuple[cp.Expression, list[cp.Constraint]]:
        return self.horizon * (v.data.expense @ v.holdings()), []


@dataclass
class LocationBenefit:
    """After-tax value of where each class sits (negative cost), from the value model:

    .. math:: -\\sum_p \\alpha_{\\tau(a), f}\\, x_p

    See :mod:`householder.valuation.location`."""

    name: str = "location"

    @classmethod
    def from_problem(cls, data: ProblemData) -> LocationBenefit:
        return cls()

    def compile(self, v: Variables) -> tuple[cp.Expression, list[cp.Constraint]]:
        return -(v.data.location.alpha @ v.holdings()), []


@dataclass
class TurnoverCost:
    """A cost per dollar traded, so that equal alternatives prefer no trade, a fund is never
    bought and sold in one account, and a trade made for location or fees happens only when it
    pays (:func:`trading_cost_rate`):

    .. math:: \\kappa \\textstyle\\sum (b + u + s)

    A trade the target needs happens whatever it costs (the target is a constraint); among the
    ways to reach it the cost prefers the least turnover. A sale and purchase that only move
    money between funds (a relocation, a cheaper fund) pay :math:`2\\kappa` a dollar, so they
    happen only when their gain in fees over the horizon and location value is larger."""

    rate: float
    name: str = "turnover"

    @classmethod
    def from_problem(cls, data: ProblemData) -> TurnoverCost:
        return cls(trading_cost_rate(data.book.household.policy))

    def compile(self, v: Variables) -> tuple[cp.Expression, list[cp.Constraint]]:
        return self.rate * v.turnover(), []


@dataclass
class IdleCashCost:
    """Uninvested cash earns nothing; a money market fund would earn the cash class's yield:

    .. math:: H\\, y_{cash} \\textstyle\\sum_a c_a"""

    rate: float
    name: str = "idle cash"

    @classmethod
    def from_problem(cls, data: ProblemData) -> IdleCashCost:
        book = data.book
        cash_yield = book.taxonomy["cash"].yield_ if "cash" in book.taxonomy else 0.0
        return cls(idle_cash_rate(cash_yield, float(book.household.policy.horizon_years)))

    def compile(self, v: Variables) -> tuple[cp.Expression, list[cp.Constraint]]:
        return self.rate * cp.sum(v.cash), []


@dataclass
class IdleCashPenalty:
    """The tracking problem only: an exact L1 penalty on idle cash beyond what the target's
    cash class asks for, so that a shortfall is never spread into uninvested cash (spec: cash
    stays idle only for a cash floor or a whole-share remainder):

    .. math:: \\mu \\max\\Big(\\sum_a v_a c_a - w^*_{cash}\\, \\mathbf 1^\\top y,\\ 0\\Big),
        \\qquad \\mu > 2 \\max_k e_k

    Moving a dollar (times its after-tax weight :math:`v_a`) from a fund into idle cash lowers
    :math:`\\sum_k e_k^2` by at most :math:`2 v_a \\max_k e_k` and no excess exceeds the
    total :math:`\\mathbf 1^\\top y`, so any :math:`\\mu` above twice its bound
    (``weight``) makes the penalty exact: idle cash is held only where no plan avoids it."""

    weight: float
    name: str = "idle cash (tracking)"

    def compile(self, v: Variables) -> tuple[cp.Expression, list[cp.Constraint]]:
        d = v.data
        weights = np.asarray(d.cash_exposure.sum(axis=0)).reshape(-1)
        idle = weights @ v.cash
        cash_class = d.classes.index(d.book.cash_class)
        wanted = float(d.target[cash_class])
        if wanted > 0:
            idle = idle - wanted * v.total()
        return self.weight * cp.pos(idle), []


def idle_cash_weight(total_bound: float) -> float:
    """μ for :class:`IdleCashPenalty`: above 2 × the largest possible excess (the total on the
    allocation basis, at most ``total_bound`` household values), with a margin."""
    return 2.0 * max(total_bound, 1.0) + 1.0


@dataclass
class CapitalGainsTax:
    """Tax on the year's realized gains less the value of the loss carryover left, a convex
    stand-in that never understates it (:func:`householder.tax.netting.convex_tax_bound`):

    .. math::

        t \\ge \\rho_{st} N_{st} + \\rho_{lt} N_{lt},\\quad
        t \\ge \\rho_{lt} (N_{st} + N_{lt}),\\quad
        t \\ge -\\rho_{ord} L + \\nu (N_{st} + N_{lt} + L)

    with :math:`N = G^0 - \\text{carryforward} + \\sum_{\\ell} \\gamma_\\ell s_\\ell` per
    term (:math:`G^0`: gains already realized this year, ``tax.realized_this_year``),
    :math:`L` the $3,000 loss limit ($1,500 married filing separately) and :math:`\\nu` the
    value of a dollar of carryover (:func:`~householder.tax.netting.carryover_value_rate`): a
    plan that uses up carryover pays for it, one that adds to it banks its value.
    :attr:`surrogate` is the same bound with :math:`\\nu = 0`, the year's tax alone (what the
    plan reports as ``surrogate_tax``)."""

    rates: TaxRates
    carryover_value: float = 0.0
    name: str = "tax"

    @classmethod
    def from_problem(cls, data: ProblemData) -> CapitalGainsTax | None:
        if not data.has_lots:
            return None
        r = data.facts.rates
        value = carryover_value_rate(
            ordinary_rate=r.ordinary,
            long_term_rate=r.long_term,
            niit=r.niit,
            discount_rate=discount_rate(data.book),
        )
        return cls(r, value)

    def compile(self, v: Variables) -> tuple[cp.Expression, list[cp.Constraint]]:
        d = v.data
        w = d.scale
        r = self.rates
        rho_st, rho_lt = r.short_gain_rate, r.gain_rate
        n_st = v.realized(short=True) + (r.realized_short - r.carry_short) / w
        n_lt = v.realized(short=False) + (r.realized_long - r.carry_long) / w
        t = cp.Variable(name="tax")
        limit = capital_loss_limit(r.filing_status) / w
        gains = rho_st * n_st + rho_lt * n_lt
        blended = rho_lt * (n_st + n_lt)
        constraints = [
            t >= gains,
            t >= blended,
            t >= -r.ordinary * limit + self.carryover_value * (n_st + n_lt + limit),
        ]
        self.variable = t
        self.surrogate = cp.maximum(gains, blended, -r.ordinary * limit)
        return t, constraints


@dataclass
class ContributionCost:
    r"""``--to-target``: the one-time contribution itself, weighted to dominate, so the smallest
    contribution that reaches the target wins and the other terms only choose among equals:

    .. math:: \omega \textstyle\sum_a d_a"""

    weight: float
    name: str = "contribution"

    @classmethod
    def from_problem(cls, data: ProblemData) -> ContributionCost | None:
        if not data.free_flow.any():
            return None
        return cls(data.scenario.contribution_weight)

    def compile(self, v: Variables) -> tuple[cp.Expression, list[cp.Constraint]]:
        return self.weight * cp.sum(v.contribution), []


def idle_cash_rate(book_cash_yield: float, horizon: float) -> float:
    return float(np.clip(book_cash_yield, 0.0, 0.2)) * horizon


COST_TERMS: tuple[TermFactory, ...] = (
    FeeCost,
    LocationBenefit,
    TurnoverCost,
    IdleCashCost,
    CapitalGainsTax,
    ContributionCost,
)
"""The cost problem's objective, term by term, in order; each decides from the problem whether
it applies."""


def cost_terms(data: ProblemData) -> list[Term]:
    """The terms of :data:`COST_TERMS` that apply to ``data``."""
    return [t for factory in COST_TERMS if (t := factory.from_problem(data)) is not None]


def trading_cost_rate(policy: Policy) -> float:
    """:math:`\\kappa`, today's dollars per dollar traded: ``policy.turnover_cost`` (a tie-breaker)
    plus half the round trip's hurdle, :math:`\\tfrac12 H g_{min}` with :math:`g_{min}` =
    ``policy.min_relocation_gain`` a year over the horizon :math:`H`."""
    return policy.turnover_cost + policy.min_relocation_gain * policy.horizon_years / 2.0
