"""The decision variables of the household problem and the affine expressions built on them.

All money is in units of the household value :math:`W` (``data.scale``), which keeps every
term of order one for the solvers.

.. math::

    x = x^0 + M_b\\,b - M_u\\,u - M_s\\,s \\qquad \\text{(post-trade holdings per pair)}

    c = c^0 + d + A_u u + A_s s - A_b b \\qquad \\text{(post-trade cash per account)}

    y = E\\,x + C\\,c - g \\qquad \\text{(exposure per class; } g
    \\text{, the embedded tax, only after tax)}

    \\Delta = y - w^* \\mathbf{1}^\\top y \\qquad \\text{(deviation from target)}
"""

from __future__ import annotations

from dataclasses import dataclass

import cvxpy as cp
import numpy as np
import scipy.sparse as sp

from householder.optimize.data import ProblemData
from householder.optimize.state import Bounds


def selection(rows: int, picks: np.ndarray) -> sp.csr_matrix:
    """rows × len(picks) matrix with a 1 at (picks[j], j)."""
    n = len(picks)
    return sp.csr_matrix((np.ones(n), (picks, np.arange(n))), shape=(rows, n))


@dataclass
class Variables:
    data: ProblemData
    buy: cp.Variable
    sell: cp.Variable
    """Plain sells (pairs without lots)."""
    lot_sell: cp.Variable
    contribution: cp.Variable
    """Free contributions (``--to-target``), one per account flagged free."""
    cash: cp.Variable
    # the pieces of the affine maps
    to_pair_buy: sp.csr_matrix
    to_pair_sell: sp.csr_matrix
    to_pair_lot: sp.csr_matrix
    pair_to_account: sp.csr_matrix
    free_to_account: sp.csr_matrix
    # bounds that change between solves
    pair_buy_lb: cp.Parameter
    pair_buy_ub: cp.Parameter
    pair_sell_lb: cp.Parameter
    pair_sell_ub: cp.Parameter
    lot_ub: cp.Parameter
    cash_cap: cp.Parameter
    """Cash after per account at most this: selling only, no more than the withdrawal needs."""

    @classmethod
    def create(cls, data: ProblemData) -> Variables:
        n_acc = len(data.accounts)
        free_idx = np.flatnonzero(data.free_flow)
        bounds = Bounds.initial(data)

        def param(value: np.ndarray, name: str) -> cp.Parameter:
            p = cp.Parameter(len(value), name=name, nonneg=True)
            p.value = value
            return p

        n_pairs = data.n_pairs
        return cls(
            data=data,
            buy=cp.Variable(len(data.buy_pairs), nonneg=True, name="buy"),
            sell=cp.Variable(len(data.sell_pairs), nonneg=True, name="sell"),
            lot_sell=cp.Variable(data.n_lots, nonneg=True, name="lot_sell"),
            contribution=cp.Variable(len(free_idx), nonneg=True, name="contribution"),
            cash=cp.Variable(n_acc, nonneg=True, name="cash"),
            to_pair_buy=selection(n_pairs, data.buy_pairs),
            to_pair_sell=selection(n_pairs, data.sell_pairs),
            to_pair_lot=selection(n_pairs, data.lot_pair),
            pair_to_account=selection(n_acc, data.pair_account),
            free_to_account=selection(n_acc, free_idx),
            pair_buy_lb=param(bounds.buy_lb, "pair_buy_lb"),
            pair_buy_ub=param(bounds.buy_ub, "pair_buy_ub"),
            pair_sell_lb=param(bounds.sell_lb, "pair_sell_lb"),
            pair_sell_ub=param(bounds.sell_ub, "pair_sell_ub"),
            lot_ub=param(bounds.lot_ub, "lot_ub"),
            cash_cap=param(bounds.cash_cap, "cash_cap"),
        )

    def load(self, bounds: Bounds) -> None:
        """Set the bound parameters to ``bounds``."""
        self.pair_buy_lb.value = bounds.buy_lb
        self.pair_buy_ub.value = bounds.buy_ub
        self.pair_sell_lb.value = bounds.sell_lb
        self.pair_sell_ub.value = bounds.sell_ub
        self.lot_ub.value = bounds.lot_ub
        self.cash_cap.value = bounds.cash_cap

    def bounds(self) -> Bounds:
        """The bound parameters' values now."""
        return Bounds(
            buy_lb=np.array(self.pair_buy_lb.value, dtype=float),
            buy_ub=np.array(self.pair_buy_ub.value, dtype=float),
            sell_lb=np.array(self.pair_sell_lb.value, dtype=float),
            sell_ub=np.array(self.pair_sell_ub.value, dtype=float),
            lot_ub=np.array(self.lot_ub.value, dtype=float),
            cash_cap=np.array(self.cash_cap.value, dtype=float),
        )

    # -- affine expressions ----------------------------------------------------------------------
    def pair_buys(self) -> cp.Expression:
        return self.to_pair_buy @ self.buy

    def pair_sells(self) -> cp.Expression:
        expr = self.to_pair_sell @ self.sell
        if self.data.n_lots:
            expr = expr + self.to_pair_lot @ self.lot_sell
        return expr

    def holdings(self) -> cp.Expression:
        """:math:`x` per pair (scaled)."""
        return self.data.x0 / self.data.scale + self.pair_buys() - self.pair_sells()

    def flows(self) -> cp.Expression | np.ndarray:
        """Cash in (+) or out (−) per account (scaled)."""
        fixed = self.data.flow / self.data.scale
        if self.contribution.size:
            return fixed + self.free_to_account @ self.contribution
        return fixed

    def exposure(self) -> cp.Expression:
        """:math:`y = E\\,x + C\\,c - g` per class (scaled), on the household's allocation
        basis: :meth:`householder.valuation.facts.Facts.exposure`, the same definition the
        reports evaluate in numpy. After tax, :math:`g` is today's embedded tax by class, fixed:
        a sale releases a lot's :math:`\\rho\\gamma_\\ell s_\\ell` and charges the same tax, now
        due, to the same classes, so realizing a gain leaves :math:`\\mathbf 1^\\top y` unchanged
        and a sale and buy-back of one fund moves nothing."""
        d = self.data
        return d.facts.exposure(self.holdings(), self.cash, d.scale)

    def total(self) -> cp.Expression:
        """:math:`\\mathbf 1^\\top y`: the household's post-trade total on its allocation
        basis (scaled; after tax, less than 1)."""
        return cp.sum(self.exposure())

    def deviation(self) -> cp.Expression:
        """:math:`\\Delta = y - w^*\\,\\mathbf{1}^\\top y` per class (scaled)."""
        y = self.exposure()
        return y - self.data.target * cp.sum(y)

    def turnover(self) -> cp.Expression:
        return cp.sum(self.buy) + cp.sum(self.sell) + cp.sum(self.lot_sell)

    def realized(self, short: bool, true_ratio: bool = False) -> cp.Expression | float:
        """Net realized gain of one term from the plan's lot sales (scaled)."""
        d = self.data
        mask = d.lot_short if short else ~d.lot_short
        ratio = d.lot_true_gain_ratio if true_ratio else d.lot_gain_ratio
        coeff = np.where(mask, ratio, 0.0)
        if not d.n_lots or not np.any(coeff):
            return 0.0
        return coeff @ self.lot_sell
