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

UNCAPPED = 10.0
"""A cash cap (in household values) that never binds."""


def cash_caps(data: ProblemData, *, allowance: bool) -> np.ndarray:
    """Selling only, an account raises what its withdrawal needs and no more:
    :math:`c_a \\le \\max(c^0_a + d_a, 0)`, plus one share of each of its whole-share holdings
    (``allowance``) once whole shares are rounded, since each sale may round up by a share.
    Otherwise the cap never binds: selling an overweight class into idle cash would look like
    progress toward target."""
    if data.scenario.allow_buy:
        return np.full(len(data.accounts), UNCAPPED)
    caps = np.maximum(data.cash0 + data.flow, 0.0) / data.scale
    if allowance:
        whole_price = np.where(data.whole & (data.x0 > 0), np.nan_to_num(data.price), 0.0)
        shares = np.zeros(len(data.accounts))
        np.add.at(shares, data.pair_account, whole_price)
        caps = caps + shares / data.scale
    caps = np.where(data.free_flow, UNCAPPED, caps)
    return caps + 1e-9


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
        n_pairs, n_acc = data.n_pairs, len(data.accounts)
        free_idx = np.flatnonzero(data.free_flow)
        pair_to_account = selection(n_acc, data.pair_account)
        w = data.scale
        acct_cap = (data.cash0 + np.maximum(data.flow, 0.0)) / w + pair_to_account @ (data.x0 / w)
        acct_cap = acct_cap + np.where(data.free_flow, np.minimum(data.free_flow_cap / w, 10.0), 0)
        buy_cap = acct_cap[data.pair_account] * 1.000001 + 1e-9
        buy_ub = np.zeros(n_pairs)
        buy_ub[data.buy_pairs] = buy_cap[data.buy_pairs]
        sell_ub = np.zeros(n_pairs)
        sell_ub[data.sell_pairs] = data.x0[data.sell_pairs] / w
        lot_totals = np.bincount(data.lot_pair, weights=data.lot_value, minlength=n_pairs) / w
        sell_ub = sell_ub + lot_totals

        def param(value: np.ndarray, name: str) -> cp.Parameter:
            p = cp.Parameter(len(value), name=name, nonneg=True)
            p.value = value
            return p

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
            pair_to_account=pair_to_account,
            free_to_account=selection(n_acc, free_idx),
            pair_buy_lb=param(np.zeros(n_pairs), "pair_buy_lb"),
            pair_buy_ub=param(buy_ub, "pair_buy_ub"),
            pair_sell_lb=param(np.zeros(n_pairs), "pair_sell_lb"),
            pair_sell_ub=param(sell_ub, "pair_sell_ub"),
            lot_ub=param(data.lot_value / w, "lot_ub"),
            cash_cap=param(cash_caps(data, allowance=False), "cash_cap"),
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
        basis. After tax, :math:`g` is today's embedded tax by class, fixed: a sale releases a
        lot's :math:`\\rho\\gamma_\\ell s_\\ell` and charges the same tax, now due, to the
        same classes (``ProblemData.lot_gain_exposure`` is zero), so realizing a gain leaves
        :math:`\\mathbf 1^\\top y` unchanged and a sale and buy-back of one fund moves
        nothing."""
        d = self.data
        y = d.exposure @ self.holdings() + d.cash_exposure @ self.cash
        if d.book.after_tax and d.n_lots:
            y = y - d.embedded_tax / d.scale
        return y

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
