"""Constraints. Each a small object with one ``compile`` hook (cvxportfolio's
``constraints/`` style) and a ``from_problem`` constructor that reads what it needs from the
problem or declines; :data:`BASE_CONSTRAINTS` is the registry every problem of a household
shares (the target band, whose width the steps change, is added per problem)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cvxpy as cp
import numpy as np

from householder.optimize.data import ProblemData
from householder.optimize.variables import Variables


class Constraint(Protocol):
    name: str

    def compile(self, v: Variables) -> list[cp.Constraint]: ...


class ConstraintFactory(Protocol):
    def from_problem(self, data: ProblemData) -> Constraint | None: ...


@dataclass
class MoneyBalance:
    """Money per account; no cross-account term, so money never moves between accounts:

    .. math:: c_a = c^0_a + d_a + \\sum_{f} (S_{af} - B_{af}), \\qquad c_a \\ge 0"""

    name: str = "money balance"

    @classmethod
    def from_problem(cls, data: ProblemData) -> MoneyBalance:
        return cls()

    def compile(self, v: Variables) -> list[cp.Constraint]:
        d = v.data
        net = v.pair_to_account @ (v.pair_sells() - v.pair_buys())
        return [v.cash == d.cash0 / d.scale + v.flows() + net, v.cash <= v.cash_cap]


@dataclass
class TradeBounds:
    """Buys only from the menu, sells only what is held, lot by lot; bounds that the repair
    steps tighten (whole shares, minimum trade, wash sales) are parameters:

    .. math:: B^{lo} \\le M_b b \\le B^{hi},\\quad S^{lo} \\le M_u u + M_s s \\le S^{hi},\\quad
        0 \\le s \\le s^{hi},\\quad x \\ge 0"""

    name: str = "trade bounds"

    @classmethod
    def from_problem(cls, data: ProblemData) -> TradeBounds:
        return cls()

    def compile(self, v: Variables) -> list[cp.Constraint]:
        out = [
            v.pair_buys() >= v.pair_buy_lb,
            v.pair_buys() <= v.pair_buy_ub,
            v.pair_sells() >= v.pair_sell_lb,
            v.pair_sells() <= v.pair_sell_ub,
            v.holdings() >= 0,
        ]
        if v.data.n_lots:
            out.append(v.lot_sell <= v.lot_ub)
        if v.contribution.size:
            d = v.data
            caps = d.free_flow_cap[d.free_flow] / d.scale
            finite = caps < 1e12
            if finite.any():
                out.append(v.contribution[finite] <= caps[finite])
        return out


@dataclass
class GainCap:
    """``policy.max_realized_gain``, on the plan's own gains as realized:

    .. math:: \\sum_{\\ell} \\hat\\gamma_\\ell\\, s_\\ell \\le G^{max}, \\qquad
        \\hat\\gamma_\\ell = \\begin{cases} \\max(\\gamma_\\ell, 0) & \\text{fund bought
        in the wash-sale window before as\\_of} \\\\ \\gamma_\\ell & \\text{otherwise}
        \\end{cases}

    A loss that a recent purchase washes is disallowed (IRS Pub 550), so it offsets no gain
    under the cap (``lot_gain_ratio``, not the true ratio)."""

    limit: float
    name: str = "max_realized_gain"

    @classmethod
    def from_problem(cls, data: ProblemData) -> GainCap | None:
        limit = data.book.household.policy.max_realized_gain
        return cls(limit) if limit is not None and data.has_lots else None

    def compile(self, v: Variables) -> list[cp.Constraint]:
        gains = v.realized(short=True) + v.realized(short=False)
        if isinstance(gains, float):
            return []
        return [gains <= self.limit / v.data.scale]


@dataclass
class TargetBand:
    """Each class within a band of its target, the tolerance in points of the post-trade total
    on the allocation basis (:math:`\\mathbf 1^\\top y`: after tax, the after-tax total, which
    the allocation's fractions are of), not of the pre-tax household value:

    .. math:: |\\Delta_k| \\le \\text{tol}\\,\\mathbf 1^\\top y + (\\text{width}_k - \\text{tol})

    ``width`` is ``tol`` (target reachable) or ``tol`` plus the excess :math:`e_k` the tracking
    problem could not remove (:math:`e_k \\ge |\\Delta_k| - \\text{tol}\\,\\mathbf 1^\\top y`,
    in units of W). Affine in the variables, the width a parameter: still an LP, still DPP."""

    width: cp.Parameter
    tolerance: float
    name: str = "target"

    def compile(self, v: Variables) -> list[cp.Constraint]:
        dev = v.deviation()
        bound = self.width + self.tolerance * (v.total() - 1.0)
        return [dev <= bound, -dev <= bound]


@dataclass
class ContributionGroups:
    r"""Free contributions that share one IRS limit stay within it together:
    :math:`\sum_{a \in g} d_a \le \text{room}_g`."""

    name: str = "contribution limits"

    @classmethod
    def from_problem(cls, data: ProblemData) -> ContributionGroups:
        return cls()

    def compile(self, v: Variables) -> list[cp.Constraint]:
        d = v.data
        free = [a for a, flag in zip(d.accounts, d.free_flow, strict=True) if flag]
        out = []
        for accounts, cap in d.scenario.flow_groups:
            idx = [free.index(a) for a in accounts if a in free]
            if idx:
                out.append(cp.sum(v.contribution[idx]) <= max(cap, 0.0) / d.scale)
        return out


@dataclass
class Floors:
    """The household's ``hold_at_least`` and ``cash_floor`` restrictions: a fund's holdings in
    the accounts a floor names (one, or every account) and those accounts' cash stay at or
    above it after the trades,

    .. math:: \\sum_{p \\in P_r} x_p \\ge h_r, \\qquad \\sum_{a \\in A_r} c_a \\ge m_r

    (``do_not_buy``, ``do_not_sell``, ``closed_to_new_money`` and ``no_short_term_gains`` are
    trade bounds: :func:`~householder.optimize.state.restrict`). A plan that cannot keep a floor
    has none, and says which restriction binds (:mod:`householder.optimize.explain`)."""

    holds: tuple[tuple[np.ndarray, float], ...]
    cash: tuple[tuple[np.ndarray, float], ...]
    name: str = "restrictions"

    @classmethod
    def from_problem(cls, data: ProblemData) -> Floors | None:
        r = data.facts.restrictions
        holds = tuple((f.pairs, f.amount) for f in r.holds if len(f.pairs) and f.amount > 0)
        cash = tuple((f.accounts, f.amount) for f in r.cash if len(f.accounts) and f.amount > 0)
        return cls(holds, cash) if holds or cash else None

    def compile(self, v: Variables) -> list[cp.Constraint]:
        w = v.data.scale
        x = v.holdings()
        out = [cp.sum(x[pairs]) >= amount / w for pairs, amount in self.holds]
        out += [cp.sum(v.cash[accounts]) >= amount / w for accounts, amount in self.cash]
        return out


BASE_CONSTRAINTS: tuple[ConstraintFactory, ...] = (
    MoneyBalance,
    TradeBounds,
    ContributionGroups,
    GainCap,
    Floors,
)
"""The constraints of every problem of a household, in order."""


def base_constraints(data: ProblemData, v: Variables) -> list[cp.Constraint]:
    """The compiled constraints of :data:`BASE_CONSTRAINTS` that apply to ``data``."""
    out: list[cp.Constraint] = []
    for factory in BASE_CONSTRAINTS:
        constraint = factory.from_problem(data)
        if constraint is not None:
            out += constraint.compile(v)
    return out
