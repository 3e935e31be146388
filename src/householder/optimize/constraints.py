"""Constraints. Each a small object with one ``compile`` hook (cvxportfolio's
``constraints/`` style)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cvxpy as cp

from householder.optimize.variables import Variables


class Constraint(Protocol):
    name: str

    def compile(self, v: Variables) -> list[cp.Constraint]: ...


@dataclass
class MoneyBalance:
    """Money per account; no cross-account term, so money never moves between accounts:

    .. math:: c_a = c^0_a + d_a + \\sum_{f} (S_{af} - B_{af}), \\qquad c_a \\ge 0"""

    name: str = "money balance"

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
    """``policy.max_realized_gain``: :math:`N_{st} + N_{lt} \\le G^{max}` (the plan's own gains)."""

    limit: float
    name: str = "max_realized_gain"

    def compile(self, v: Variables) -> list[cp.Constraint]:
        gains = v.realized(short=True, true_ratio=True) + v.realized(short=False, true_ratio=True)
        if isinstance(gains, float):
            return []
        return [gains <= self.limit / v.data.scale]


@dataclass
class TargetBand:
    """Each class within a band of its target:
    :math:`|\\Delta_k| \\le \\text{width}_k` (``tolerance``, or the closest reachable)."""

    width: cp.Parameter
    name: str = "target"

    def compile(self, v: Variables) -> list[cp.Constraint]:
        dev = v.deviation()
        return [dev <= self.width, -dev <= self.width]


@dataclass
class ContributionGroups:
    r"""Free contributions that share one IRS limit stay within it together:
    :math:`\sum_{a \in g} d_a \le \text{room}_g`."""

    name: str = "contribution limits"

    def compile(self, v: Variables) -> list[cp.Constraint]:
        d = v.data
        free = [a for a, flag in zip(d.accounts, d.free_flow, strict=True) if flag]
        out = []
        for accounts, cap in d.scenario.flow_groups:
            idx = [free.index(a) for a in accounts if a in free]
            if idx:
                out.append(cp.sum(v.contribution[idx]) <= max(cap, 0.0) / d.scale)
        return out
