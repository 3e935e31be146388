"""Solving a household: the pipeline of steps (:mod:`householder.optimize.steps`) on the model
built once (:class:`~householder.optimize.model.HouseholdModel`), then the plan it found as a
:class:`Solution` in dollars.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from householder.model.book import Book
from householder.optimize.data import ProblemData, Scenario, assemble
from householder.optimize.explain import explain_shortfall
from householder.optimize.model import HouseholdModel, SolveRecord
from householder.optimize.state import State, cash_kept, never_bought
from householder.optimize.steps import (
    ClosestTarget,
    Context,
    MinimumTrade,
    StepRecord,
    WashSales,
    WholePositions,
    WholeShares,
    within_band,
)
from householder.valuation.facts import Facts

EXACT_WHOLE_LIMIT = 300
"""``whole_share_method: auto`` solves whole shares exactly up to this many whole-share
pairs, by repair beyond (``python benchmarks/bench_plan.py --compare-whole-shares`` measures
both; docs/performance.md)."""


@dataclass
class Solution:
    data: ProblemData
    buys: np.ndarray
    """Dollars bought per pair."""
    sells: np.ndarray
    """Dollars sold per pair."""
    lot_sells: np.ndarray
    """Dollars sold per lot."""
    cash: np.ndarray
    contributions: np.ndarray
    """Cash flow per account (fixed flows plus the free contributions)."""
    target_reached: bool
    shortfall: list[str] = field(default_factory=list)
    """Why the target could not be reached, in the user's words."""
    notes: list[str] = field(default_factory=list)
    log: list[SolveRecord] = field(default_factory=list)
    steps: list[StepRecord] = field(default_factory=list)
    """What each step of the pipeline did."""
    timings: dict[str, float] = field(default_factory=dict)
    surrogate_tax: float = 0.0
    objective_terms: dict[str, float] = field(default_factory=dict)

    @property
    def holdings(self) -> np.ndarray:
        out: np.ndarray = self.data.x0 + self.buys - self.sells
        return out


def solve_household(book: Book | Facts, scenario: Scenario | None = None) -> Solution:
    """The optimal trades for ``book`` (or its facts) under ``scenario`` (the plan by
    default)."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    data = assemble(book, scenario)
    timings["assemble"] = time.perf_counter() - start
    t = time.perf_counter()
    ctx = Context(data, HouseholdModel(data))
    timings["build"] = time.perf_counter() - t
    t = time.perf_counter()
    policy = data.book.household.policy
    method = policy.whole_share_method
    n_whole = int(data.whole.sum())
    exact = bool(n_whole) and (
        method == "exact" or (method == "auto" and n_whole <= EXACT_WHOLE_LIMIT)
    )
    whole = WholeShares(exact=exact, strict=method == "exact")
    again = WholeShares(exact=exact, strict=method == "exact", again=True)

    def whole_again(state: State) -> State:
        return again.run(state, ctx)

    near = WholeShares(exact=exact, strict=method == "exact", again=True, near_only=True)

    def whole_again_near(state: State) -> State:
        return near.run(state, ctx)

    state = ctx.start()
    for step in (
        ClosestTarget(),
        WashSales(),
        MinimumTrade(policy.min_trade),
        WholePositions(policy.min_trade),
    ):
        state = ctx.run(step, state)
    if n_whole:
        state = ctx.run(whole, state)
        # the whole-share step may buy what it sells at a loss: forbid the buy, solve that step
        # again (after a rounding, from the bounds before it: the money the buy frees may go
        # elsewhere)
        after = WashSales(
            buys_only=True,
            resolve=lambda s: ctx.resolve_rounded(s, whole_again),
            name="wash sales after whole shares",
        )
        state = ctx.run(after, state)
        again_rounded = lambda s: ctx.resolve_rounded(s, whole_again)  # noqa: E731
        for step in (
            MinimumTrade(policy.min_trade, resolve=again_rounded,
                         name="minimum trade after whole shares"),
            WholePositions(policy.min_trade,
                           resolve=lambda s: ctx.resolve_rounded(s, whole_again_near),
                           name="whole positions after whole shares"),
        ):
            state = ctx.run(step, state)
    timings["solve"] = time.perf_counter() - t
    solution = finish(ctx, state)
    timings["total"] = time.perf_counter() - start
    solution.timings = timings
    return solution


def finish(ctx: Context, state: State) -> Solution:
    """The :class:`Solution` of the pipeline's last state: trades cleaned of solver noise, cash
    from the money balance itself (so trades and cash agree exactly), leftover cash spent on
    single whole shares after a repair, and no fund both bought and sold in one account."""
    d = ctx.data
    point = state.point
    assert point is not None
    buys, sells = _clean(point.buys), _clean(point.sells)
    lot_sells = _clean(point.lot_sells)
    flows = point.flows
    net = np.bincount(d.pair_account, weights=sells - buys, minlength=len(d.accounts))
    cash = d.cash0 + flows + net
    target_reached, shortfall = state.target_reached, list(state.shortfall)
    if d.whole.any() and not state.exact_whole_shares:
        buys, cash = top_up_whole_shares(d, state, buys, cash)
        dev = d.deviation_of(d.x0 + buys - sells, cash)
        total = float(d.exposure_of(d.x0 + buys - sells, cash).sum())
        target_reached = within_band(ctx.tolerance, dev, total)
        shortfall = (
            [] if target_reached else explain_shortfall(d, dev, state.forbidden, total=total)
        )
    # after the top-up, which may buy a share of what the account sells; netting keeps
    # the holdings and cash, so the allocation (and the verdict above) stays as it is
    buys, sells, lot_sells = _net_same_fund(d, buys, sells, lot_sells)
    terms = {name: value * d.scale for name, value in point.terms.items()}
    return Solution(
        data=d,
        buys=buys,
        sells=sells,
        lot_sells=lot_sells,
        cash=np.maximum(cash, 0.0),
        contributions=flows,
        target_reached=target_reached,
        shortfall=shortfall,
        notes=list(state.notes),
        log=ctx.model.log,
        steps=ctx.steps,
        surrogate_tax=point.surrogate_tax * d.scale,
        objective_terms=terms,
    )


def top_up_whole_shares(
    d: ProblemData, state: State, buys: np.ndarray, cash: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Spend leftover cash on single whole shares while that reduces the squared deviation."""
    assert state.point is not None
    buyable = np.zeros(d.n_pairs, dtype=bool)
    buyable[d.buy_pairs] = True
    minimum = d.book.household.policy.min_trade
    buyable &= d.whole & ~state.forbidden & (np.nan_to_num(d.price) >= minimum)
    buyable &= ~never_bought(d)  # restrictions, and losses sold before as_of
    kept = cash_kept(d)  # cash floors
    if d.n_lots:  # never buy what the plan sells at a loss (a wash sale)
        loss_sold = state.point.lot_sells * (d.lot_true_gain_ratio < 0) > 0.005
        washed = {d.lot_group[i] for i in np.flatnonzero(loss_sold)}
        buyable &= np.array([d.group_of_fund[f] not in washed for f in d.pair_fund])
    candidates = np.flatnonzero(buyable)
    if not len(candidates):
        return buys, cash
    exposure = d.exposure.toarray()
    cash_exp = d.cash_exposure.toarray()
    dev = state.point.deviation
    buys, cash = buys.copy(), cash.copy()
    for _ in range(10_000):
        best, best_gain = -1, 1e-9
        for p in candidates:
            a = d.pair_account[p]
            price = d.price[p]
            if price > cash[a] - kept[a] + 1e-9:
                continue
            step = exposure[:, p] * price - cash_exp[:, a] * price
            step = step - d.target * step.sum()
            gain = float(dev @ dev - (dev + step) @ (dev + step))
            if gain > best_gain:
                best, best_gain = int(p), gain
        if best < 0:
            break
        a = d.pair_account[best]
        price = d.price[best]
        step = exposure[:, best] * price - cash_exp[:, a] * price
        dev = dev + step - d.target * step.sum()
        buys[best] += price
        cash[a] -= price
    return buys, cash


def _net_same_fund(
    d: ProblemData, buys: np.ndarray, sells: np.ndarray, lot_sells: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Never buy and sell one fund in one account: net the two sides (a solver tolerance or the
    integer solve can leave both). Cash is unchanged; a taxable sell keeps its lowest-gain lots
    (a loss lot sold beside a buy would be a wash sale, which the wash-sale step rules out)."""
    both = np.flatnonzero((buys > 0) & (sells > 0))
    if not len(both):
        return buys, sells, lot_sells
    buys, sells, lot_sells = buys.copy(), sells.copy(), lot_sells.copy()
    for p in both:
        overlap = min(buys[p], sells[p])
        buys[p] -= overlap
        sells[p] -= overlap
        if d.n_lots:
            lots = np.flatnonzero((d.lot_pair == p) & (lot_sells > 0))
            for i in sorted(lots, key=lambda i: -d.lot_true_gain_ratio[i]):
                take = min(overlap, lot_sells[i])
                lot_sells[i] -= take
                overlap -= take
    return buys, sells, lot_sells


def _clean(x: np.ndarray) -> np.ndarray:
    out = np.where(np.abs(x) < 1e-6, 0.0, x)
    return np.maximum(out, 0.0)
