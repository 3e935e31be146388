"""The solve's state between steps, immutable: the trade bounds, the last plan found, and what
the steps have decided so far. A step returns a new state; trying two ways (the two sides of a
wash-sale conflict) is running a step twice from the same state and keeping the better.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from householder.optimize.data import ProblemData
from householder.valuation.restrictions import NONE

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
    floors = data.facts.restrictions.account_cash_floor
    if len(floors):  # an account that must keep a cash floor raises what keeps it
        caps[: len(floors)] = np.maximum(caps[: len(floors)], floors / data.scale)
    if allowance:
        whole_price = np.where(data.whole & (data.x0 > 0), np.nan_to_num(data.price), 0.0)
        shares = np.zeros(len(data.accounts))
        np.add.at(shares, data.pair_account, whole_price)
        caps = caps + shares / data.scale
    caps = np.where(data.free_flow, UNCAPPED, caps)
    return caps + 1e-9


@dataclass(frozen=True)
class Bounds:
    """Bounds on the trades (units of the household value :math:`W`), the parameters of the
    model's problems: per pair on buys and sells, per lot on sales, per account on cash after."""

    buy_lb: np.ndarray
    buy_ub: np.ndarray
    sell_lb: np.ndarray
    sell_ub: np.ndarray
    lot_ub: np.ndarray
    cash_cap: np.ndarray

    @classmethod
    def initial(cls, data: ProblemData) -> Bounds:
        """Buys up to what the account could spend, sells up to what it holds, lots up to their
        value; cash capped only when selling alone (:func:`cash_caps`)."""
        w = data.scale
        n_pairs = data.n_pairs
        per_account = np.bincount(data.pair_account, weights=data.x0 / w,
                                  minlength=len(data.accounts))
        acct_cap = (data.cash0 + np.maximum(data.flow, 0.0)) / w + per_account
        acct_cap = acct_cap + np.where(
            data.free_flow, np.minimum(data.free_flow_cap / w, UNCAPPED), 0.0
        )
        buy_ub = np.zeros(n_pairs)
        buy_ub[data.buy_pairs] = acct_cap[data.pair_account[data.buy_pairs]] * 1.000001 + 1e-9
        sell_ub = np.zeros(n_pairs)
        sell_ub[data.sell_pairs] = data.x0[data.sell_pairs] / w
        lot_value = restricted_lots(data)
        sell_ub = sell_ub + np.bincount(data.lot_pair, weights=lot_value, minlength=n_pairs) / w
        bounds = cls(
            buy_lb=np.zeros(n_pairs),
            buy_ub=buy_ub,
            sell_lb=np.zeros(n_pairs),
            sell_ub=sell_ub,
            lot_ub=lot_value / w,
            cash_cap=cash_caps(data, allowance=False),
        )
        return restrict(data, bounds)

    def replace(self, **changes: np.ndarray) -> Bounds:
        return dataclasses.replace(self, **changes)

    def trades(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(buy_lb, buy_ub, sell_lb, sell_ub)."""
        return self.buy_lb, self.buy_ub, self.sell_lb, self.sell_ub


def restricted_lots(data: ProblemData) -> np.ndarray:
    """Each lot's value, 0 where a restriction keeps it (``do_not_sell``; a short-term lot at a
    gain under ``no_short_term_gains``)."""
    r = data.facts.restrictions
    if not data.n_lots or len(r.lot_no_sell) != data.n_lots:
        return data.lot_value
    out: np.ndarray = np.where(r.lot_no_sell != NONE, 0.0, data.lot_value)
    return out


def restrict(data: ProblemData, bounds: Bounds) -> Bounds:
    """The bounds the household's restrictions and its recent losses set, in units of W:

    .. math::

        B^{hi}_p = 0 \\quad (\\text{do\\_not\\_buy, closed\\_to\\_new\\_money, or a wash sale of a
        loss sold before as\\_of}), \\qquad S^{hi}_p = 0 \\quad (\\text{do\\_not\\_sell})

    and a ``hold_at_least`` floor :math:`h` on one pair as bounds too,
    :math:`S^{hi}_p \\le \\max(x^0_p - h, 0)` and :math:`B^{lo}_p \\ge \\max(h - x^0_p, 0)`, in
    whole shares where the pair trades in them (the sale rounded down, the purchase up), so
    that rounding a plan to whole shares never crosses the floor. (The floors also hold as
    constraints: :class:`~householder.optimize.constraints.Floors`.)"""
    facts = data.facts
    r = facts.restrictions
    if not r.any and not facts.no_buy_until:
        return bounds
    w = data.scale
    buy_lb, buy_ub, sell_ub = bounds.buy_lb.copy(), bounds.buy_ub.copy(), bounds.sell_ub.copy()
    buy_ub[(r.no_buy != NONE) | facts.wash_no_buy] = 0.0
    sell_ub[r.no_sell != NONE] = 0.0
    for floor in r.holds:
        if len(floor.pairs) != 1:
            continue
        p = int(floor.pairs[0])
        price = data.price[p]
        room, need = max(data.x0[p] - floor.amount, 0.0), max(floor.amount - data.x0[p], 0.0)
        if data.whole[p] and price > 0:
            room = math.floor(room / price + 1e-9) * price
            need = math.ceil(need / price - 1e-9) * price
        sell_ub[p] = min(sell_ub[p], room / w)
        buy_lb[p] = max(buy_lb[p], need / w)
    return bounds.replace(buy_lb=buy_lb, buy_ub=buy_ub, sell_ub=sell_ub)


def never_bought(data: ProblemData) -> np.ndarray:
    """Per pair: True where a restriction or a loss sold before ``as_of`` forbids buying (what
    :func:`restrict` bounds), for the steps that buy outside the solver (a whole-share
    top-up)."""
    r = data.facts.restrictions
    out: np.ndarray = data.facts.wash_no_buy.copy()
    if len(r.no_buy) == data.n_pairs:
        out |= r.no_buy != NONE
    return out


def cash_kept(data: ProblemData) -> np.ndarray:
    """Per account: the cash its own ``cash_floor`` keeps (0 without one)."""
    out = np.zeros(len(data.accounts))
    floors = data.facts.restrictions.account_cash_floor
    out[: len(floors)] = floors
    return out


@dataclass(frozen=True)
class Point:
    """One solution of the model: its variables' values (scaled) and what they imply in
    dollars."""

    values: dict[str, np.ndarray]
    """Variable name → value (scaled): ``buy``, ``sell``, ``lot_sell``, ``contribution``,
    ``cash`` (and the whole-share solve's own)."""
    buys: np.ndarray
    """Dollars bought per pair."""
    sells: np.ndarray
    """Dollars sold per pair."""
    lot_sells: np.ndarray
    """Dollars sold per lot."""
    cash: np.ndarray
    """Cash after per account (dollars)."""
    flows: np.ndarray
    """Cash flow per account (fixed flows and free contributions, dollars)."""
    deviation: np.ndarray
    """:math:`\\Delta` per class (dollars)."""
    total: float
    """:math:`\\mathbf 1^\\top y` after the trades (dollars)."""
    terms: dict[str, float]
    """Objective term → value (scaled)."""
    surrogate_tax: float = 0.0
    """The tax term's stand-in for the year's tax alone, without the carryover's value
    (scaled; :attr:`CapitalGainsTax.surrogate`)."""

    @property
    def cost(self) -> float:
        return float(sum(self.terms.values()))


@dataclass(frozen=True)
class Reference:
    """What the whole-share integer solve keeps of the continuous plan it replaces: that plan's
    signed excess beyond the tolerance per class (scaled) and the most it may contribute
    (scaled; None without free contributions)."""

    excess: np.ndarray
    contribution_cap: float | None


@dataclass(frozen=True)
class State:
    """Where the solve stands after a step."""

    bounds: Bounds
    point: Point | None = None
    target_reached: bool = True
    excess: np.ndarray | None = None
    """The tracking QP's excess beyond tolerance per class (scaled), where the target was out of
    reach."""
    forbidden_buy: np.ndarray | None = None
    """Pairs the household may not buy (wash sales, the minimum trade)."""
    forbidden_sell: np.ndarray | None = None
    """Pairs the household may not sell (the minimum trade)."""
    exact_whole_shares: bool = False
    """True once the integer solve has placed whole shares exactly."""
    unrounded: Bounds | None = None
    """The bounds before the first whole-share rounding fixed trades (repair)."""
    reference: Reference | None = None
    """Kept from the first integer solve (:class:`Reference`)."""
    notes: tuple[str, ...] = ()
    shortfall: tuple[str, ...] = ()

    def but(self, **changes: object) -> State:
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def noted(self, *notes: str) -> State:
        return self.but(notes=self.notes + notes)

    @property
    def forbidden(self) -> np.ndarray:
        assert self.forbidden_buy is not None
        return self.forbidden_buy

    @property
    def unsellable(self) -> np.ndarray:
        assert self.forbidden_sell is not None
        return self.forbidden_sell

    def key(self) -> tuple[float, float]:
        """How good the state's plan is: its squared excess beyond the tolerance (scaled; 0 on
        target) and its cost (scaled)."""
        sq = 0.0
        if not self.target_reached and self.excess is not None:
            sq = float(np.sum(np.square(self.excess)))
        return sq, (self.point.cost if self.point is not None else 0.0)


def better(key: tuple[float, float], than: tuple[float, float]) -> bool:
    """Closer to target (squared excess, beyond solver noise), or as close and cheaper (by more
    than solver noise: on a tie the earlier plan stays)."""
    (sq, cost), (best_sq, best_cost) = key, than
    if abs(sq - best_sq) > 1e-10:
        return sq < best_sq
    return cost < best_cost - 1e-9 * max(1.0, abs(best_cost))
