"""Solving a household: the target exactly when it can be reached, else as close as possible;
then the non-convex parts by repair steps (design/model.md, "Non-convex parts"):

1. **Closest target** (lexicographic): solve the cost LP with :math:`|\\Delta_k| \\le tol`; if
   that is infeasible, solve the tracking QP for the smallest squared excess, then the cost LP
   again within that excess. A shortfall is therefore spread (least squares), never "infeasible".
2. **Wash sales**: a fund (or substantially identical group) may be sold at a loss or bought,
   not both; where a solve does both, the smaller side is forbidden and the model re-solved.
3. **Minimum trade**: trades below ``policy.min_trade`` are fixed at zero and the model
   re-solved.
4. **Whole shares**: buys of whole-share funds are floored and sells ceiled to whole shares
   (never overspending), fixed, and the rest re-solved; leftover cash then buys single shares
   greedily while that brings the household closer to target. Where that re-solve makes a wash
   sale, the buy is forbidden and the step solved again from the bounds before the rounding
   (:meth:`Solver.resolve_rounded`), so the money the buy would have spent is not stranded
   by trades fixed for it.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from householder.errors import InfeasibleError
from householder.model.book import Book
from householder.optimize.data import ProblemData, Scenario, assemble
from householder.optimize.explain import explain_infeasible, explain_shortfall
from householder.optimize.model import HouseholdModel, SolveRecord
from householder.optimize.variables import cash_caps

BAND_EPS = 1e-9
"""Width (fraction of W) of an "exact" target band: below a cent on a million dollars."""
INTEGER_EPS = 1e-6
"""Share counts this close to an integer are that integer."""
DUST = 1e-9
"""Scaled trades below this are solver noise."""
EXHAUSTIVE_WASH_CONFLICTS = 3
"""Up to this many wash-sale conflicts in one round, every way of resolving them is solved
(2^n solves); beyond, only the smaller side of each (one solve; see
:meth:`Solver.fix_wash_sales`). Trying two more plans a round tripled the solves on the
10,000-lot benchmark (7 → 10 s)."""
WASH_TRIAL_MAX_LOTS = 2_000
"""Above this many lots (direct indexing) even the small rounds take the smaller side only:
its wash-sale step runs many rounds of a few conflicts, and at 0.3 s an LP the trials cost
more than the rest of the plan (8 → 30 solves on the 10,000-lot benchmark)."""
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
    timings: dict[str, float] = field(default_factory=dict)
    surrogate_tax: float = 0.0
    objective_terms: dict[str, float] = field(default_factory=dict)

    @property
    def holdings(self) -> np.ndarray:
        out: np.ndarray = self.data.x0 + self.buys - self.sells
        return out


@dataclass
class _Snapshot:
    """A :class:`Solver`'s state between solves (to try a wash-sale resolution and undo it)."""

    params: list[tuple[Any, np.ndarray]]
    variables: list[tuple[Any, np.ndarray | None]]
    forbidden_buy: np.ndarray
    notes: list[str]
    shortfall: list[str]
    target_reached: bool
    exact_whole_shares: bool
    last_excess: np.ndarray | None


class Solver:
    """Runs the phases on one :class:`HouseholdModel`."""

    def __init__(self, data: ProblemData) -> None:
        self.data = data
        self.model = HouseholdModel(data)
        self.notes: list[str] = []
        self.shortfall: list[str] = []
        self.target_reached = True
        self.exact_whole_shares = False
        self.forbidden_buy = np.zeros(data.n_pairs, dtype=bool)
        """Pairs the household may not buy (wash sales)."""
        self.last_excess: np.ndarray | None = None
        """The tracking QP's excess beyond tolerance (scaled) of the last closest-target solve
        that needed it."""
        self.unrounded: list[np.ndarray] | None = None
        """The trade bounds (buy lb/ub, sell lb/ub) before the first whole-share rounding fixed
        them (:meth:`fix_whole_shares`); None until then."""

    # -- phase 1 ---------------------------------------------------------------------------------
    def solve_closest(self, exact_first: bool = True) -> None:
        """The cheapest plan on target; if there is none, the cheapest of the closest.

        ``exact_first=False`` when the target is probably out of reach (whole shares just
        rounded with no tolerance): the tracking QP first, and the exact-target LP only if that
        finds the target reachable, which saves an LP that is almost always infeasible. The
        answer is the same either way."""
        m = self.model
        n = len(self.data.classes)
        m.width.value = np.full(n, m.tolerance + BAND_EPS)
        if exact_first and m.solve_cost():
            self.target_reached = True
            self.shortfall = []
            self.last_excess = None
            return
        excess = m.solve_tracking()
        if excess is None:
            raise InfeasibleError(explain_infeasible(self.data))
        if not exact_first and np.all(excess <= 1e-7) and m.solve_cost():
            self.target_reached = True
            self.shortfall = []
            self.last_excess = None
            return
        self.last_excess = excess
        self.target_reached = bool(np.all(excess <= 1e-7))
        slack = 1e-9
        for _ in range(5):
            m.width.value = m.tolerance + excess + slack
            if m.solve_cost():
                break
            slack *= 10
        else:
            raise InfeasibleError(explain_infeasible(self.data))
        self.shortfall = (
            explain_shortfall(
                self.data, self.deviation(), self.forbidden_buy, total=self.allocation_total()
            )
            if not self.target_reached
            else []
        )

    # -- current values --------------------------------------------------------------------------
    def pair_buys(self) -> np.ndarray:
        v = self.model.v
        return np.asarray(v.to_pair_buy @ _val(v.buy), dtype=float) * self.data.scale

    def pair_sells(self) -> np.ndarray:
        v = self.model.v
        out = v.to_pair_sell @ _val(v.sell)
        if self.data.n_lots:
            out = out + v.to_pair_lot @ _val(v.lot_sell)
        return np.asarray(out, dtype=float) * self.data.scale

    def lot_sells(self) -> np.ndarray:
        return _val(self.model.v.lot_sell) * self.data.scale

    def deviation(self) -> np.ndarray:
        return np.asarray(self.model.v.deviation().value, dtype=float) * self.data.scale

    def allocation_total(self) -> float:
        """:math:`\\mathbf 1^\\top y` in dollars: the post-trade total on the allocation basis
        that the tolerance's points are of (``HouseholdModel.tolerance_band``)."""
        return float(self.model.v.total().value) * self.data.scale

    # -- phase 2: wash sales ---------------------------------------------------------------------
    def group_codes(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The wash-sale groups (sorted), each lot's and each pair's index into them."""
        d = self.data
        pair_groups = [d.group_of_fund[f] for f in d.pair_fund]
        groups, inverse = np.unique(
            np.asarray(list(d.lot_group) + pair_groups, dtype=object).astype(str),
            return_inverse=True,
        )
        inverse = inverse.reshape(-1)
        return groups, inverse[: d.n_lots], inverse[d.n_lots :]

    def wash_conflicts(
        self, lot_code: np.ndarray, pair_code: np.ndarray, n_groups: int
    ) -> list[tuple[int, float, float]]:
        """Groups (as codes, in sorted order) both sold at a loss and bought in the current
        solution: ``(group, loss sold, bought)`` in dollars."""
        loss = self.data.lot_true_gain_ratio < 0
        loss_sold = np.bincount(lot_code, weights=self.lot_sells() * loss, minlength=n_groups)
        bought = np.bincount(pair_code, weights=self.pair_buys(), minlength=n_groups)
        both = np.flatnonzero((loss_sold > 0.005) & (bought > 0.005))
        return [(int(g), float(loss_sold[g]), float(bought[g])) for g in both]

    def fix_wash_sales(
        self, rounds: int = 6, buys_only: bool = False, resolve: Callable[[], None] | None = None
    ) -> None:
        """Forbid one side of every wash-sale conflict (a group sold at a loss and bought) and
        solve again, until there is none.

        Each round with up to ``EXHAUSTIVE_WASH_CONFLICTS`` conflicts tries every way of
        resolving them (:meth:`_resolve_both_ways`) and keeps the best plan (closest to target,
        then cheapest); with more, or above ``WASH_TRIAL_MAX_LOTS`` lots (direct indexing),
        each conflict's smaller side is forbidden, one solve per round.
        ``buys_only``: resolve every conflict by forbidding the buys (after the whole-share
        step has fixed the sells, forbidding a buy is always feasible: the money stays cash).
        ``resolve``: how to solve again (default :meth:`solve_closest`; after the whole-share
        step, that step again, so whole-share trades stay whole: :meth:`resolve_rounded`,
        from the bounds before the rounding)."""
        d = self.data
        if not d.has_lots:
            return
        groups, lot_code, pair_code = self.group_codes()
        loss_lots = d.lot_true_gain_ratio < 0
        for _ in range(rounds):
            conflicts = self.wash_conflicts(lot_code, pair_code, len(groups))
            if not conflicts:
                return
            if buys_only:
                self._forbid([(g, True) for g, _, _ in conflicts], groups, lot_code, pair_code)
                (resolve or self.solve_closest)()
                continue
            smaller = [(g, bought <= loss_sold) for g, loss_sold, bought in conflicts]
            codes = [g for g, _, _ in conflicts]
            if len(conflicts) <= EXHAUSTIVE_WASH_CONFLICTS and d.n_lots <= WASH_TRIAL_MAX_LOTS:
                sides = itertools.product((True, False), repeat=len(codes))
                choices = [list(zip(codes, side, strict=True)) for side in sides]
            else:  # 2^n solves would cost too much: the smaller side of each, one solve
                choices = []
            if smaller in choices:  # the smaller sides first, as before: on a tie they stay
                choices.remove(smaller)
            choices.insert(0, smaller)
            self._resolve_both_ways(
                choices, groups, lot_code, pair_code, loss_lots, resolve or self.solve_closest
            )

    def _forbid(
        self,
        choice: list[tuple[int, bool]],
        groups: np.ndarray,
        lot_code: np.ndarray,
        pair_code: np.ndarray,
    ) -> None:
        """Apply one resolution: per conflicting group, forbid its buys (True) or keep its loss
        lots (False)."""
        v = self.model.v
        loss_lots = self.data.lot_true_gain_ratio < 0
        for g, forbid_buy in choice:
            group = groups[g]
            if forbid_buy:
                in_group = pair_code == g
                ub = np.array(v.pair_buy_ub.value)
                ub[in_group] = 0.0
                v.pair_buy_ub.value = ub
                self.forbidden_buy |= in_group
                v.pair_buy_lb.value = np.minimum(np.array(v.pair_buy_lb.value), ub)
                self.notes.append(
                    f"wash sale avoided: no {group} bought anywhere in the "
                    "household while it is sold at a loss"
                )
            else:
                ub = np.array(v.lot_ub.value)
                ub[(lot_code == g) & loss_lots] = 0.0
                v.lot_ub.value = ub
                self.notes.append(
                    f"wash sale avoided: {group} lots at a loss are kept "
                    "because the household buys it"
                )

    def _resolve_both_ways(
        self,
        choices: list[list[tuple[int, bool]]],
        groups: np.ndarray,
        lot_code: np.ndarray,
        pair_code: np.ndarray,
        loss_lots: np.ndarray,
        resolve: Callable[[], None],
    ) -> None:
        """Solve once per choice from the same starting point and keep the best: the smallest
        squared excess beyond the tolerance, then the lowest cost (the first on a tie)."""
        start = self._snapshot()
        best: tuple[tuple[float, float], _Snapshot] | None = None
        error: InfeasibleError | None = None
        for i, choice in enumerate(choices):
            if i:
                self._restore(start)
            self._forbid(choice, groups, lot_code, pair_code)
            try:
                resolve()
            except InfeasibleError as exc:
                error = error or exc
                continue
            key = self._plan_key()
            if best is None or _better(key, best[0]):
                best = (key, self._snapshot())
        if best is None:
            assert error is not None
            raise error
        self._restore(best[1])

    def _plan_key(self) -> tuple[float, float]:
        """How good the current solution is: its squared excess beyond the tolerance (scaled;
        0 on target) and its cost (scaled)."""
        excess = self.last_excess
        sq = 0.0 if self.target_reached or excess is None else float(np.sum(np.square(excess)))
        values = [expr.value for expr in self.model.terms.values()]
        cost = sum(float(x) for x in values if x is not None)
        return sq, cost

    def _snapshot(self) -> _Snapshot:
        """Everything a wash-sale resolution changes: the bounds, the solver's flags, the
        variables' values."""
        m = self.model
        v = m.v
        params = [v.pair_buy_lb, v.pair_buy_ub, v.pair_sell_lb, v.pair_sell_ub, v.lot_ub]
        params += [v.cash_cap, m.width]
        problems = (m.cost_problem, m.tracking_problem)
        variables = {id(x): x for p in problems for x in p.variables()}
        return _Snapshot(
            params=[(x, np.array(x.value, copy=True)) for x in params],
            variables=[
                (x, None if x.value is None else np.array(x.value, copy=True))
                for x in variables.values()
            ],
            forbidden_buy=self.forbidden_buy.copy(),
            notes=list(self.notes),
            shortfall=list(self.shortfall),
            target_reached=self.target_reached,
            exact_whole_shares=self.exact_whole_shares,
            last_excess=self.last_excess,
        )

    def _restore(self, snap: _Snapshot) -> None:
        for param, value in snap.params:
            param.value = value.copy()
        for var, var_value in snap.variables:
            var.value = var_value
        self.forbidden_buy = snap.forbidden_buy.copy()
        self.notes[:] = snap.notes
        self.shortfall = list(snap.shortfall)
        self.target_reached = snap.target_reached
        self.exact_whole_shares = snap.exact_whole_shares
        self.last_excess = snap.last_excess

    # -- phase 3: minimum trade ------------------------------------------------------------------
    def fix_min_trade(self, minimum: float) -> None:
        if minimum <= 0:
            return
        v = self.model.v
        for _ in range(3):
            buys, sells = self.pair_buys(), self.pair_sells()
            small_buy = (buys > 0.005) & (buys < minimum)
            small_sell = (sells > 0.005) & (sells < minimum)
            if not (small_buy.any() or small_sell.any()):
                return
            ub = np.array(v.pair_buy_ub.value)
            ub[small_buy] = 0.0
            v.pair_buy_ub.value = ub
            ub = np.array(v.pair_sell_ub.value)
            ub[small_sell] = 0.0
            v.pair_sell_ub.value = ub
            self.solve_closest()

    # -- phase 4: whole shares -------------------------------------------------------------------
    def allow_whole_share_remainder(self) -> None:
        """Selling only: let an account keep up to one share of cash over its need, since a
        whole-share sale rounds up."""
        self.model.v.cash_cap.value = cash_caps(self.data, allowance=True)

    def fix_whole_shares(self) -> None:
        """Floor the buys and ceil the sells to whole shares, fix them, re-solve the rest. Where
        a ceiled taxable sell cannot be (it would break the gain cap, or take a lot the wash-sale
        step forbade), the taxable sells are floored instead, with the account's whole-share
        buys cut to what it can then pay for."""
        d = self.data
        if not d.whole.any():
            return
        self.allow_whole_share_remainder()
        v = self.model.v
        buys, sells = self.pair_buys(), self.pair_sells()
        saved = [
            np.array(x.value)
            for x in (v.pair_buy_lb, v.pair_buy_ub, v.pair_sell_lb, v.pair_sell_ub)
        ]
        if self.unrounded is None:
            self.unrounded = [x.copy() for x in saved]
        has_lots = np.zeros(d.n_pairs, dtype=bool)
        if d.n_lots:
            has_lots[d.lot_pair] = True
        for floor_taxable in (False, True):
            buy_lb, buy_ub, sell_lb, sell_ub = (x.copy() for x in saved)
            changed = False
            n_buys: dict[int, int] = {}
            for p in np.flatnonzero(d.whole).tolist():
                price = d.price[p]
                n_buy = _whole(buys[p] / price, math.floor)
                rounding = math.floor if floor_taxable and has_lots[p] else math.ceil
                sold = _whole(sells[p] / price, rounding) * price
                if sold > d.x0[p] - 0.005:  # the whole position, a fractional last share included
                    sold = d.x0[p]
                if abs(sold - sells[p]) > 0.005 or abs(n_buy * price - buys[p]) > 0.005:
                    changed = True
                n_buys[p] = n_buy
                sell_lb[p] = sell_ub[p] = sold / d.scale
            if floor_taxable:
                self._afford_whole_buys(n_buys, buys, sells, sell_lb * d.scale)
            for p, n_buy in n_buys.items():
                buy_lb[p] = buy_ub[p] = n_buy * d.price[p] / d.scale
            v.pair_buy_lb.value, v.pair_buy_ub.value = buy_lb, buy_ub
            v.pair_sell_lb.value, v.pair_sell_ub.value = sell_lb, sell_ub
            if not changed:
                return
            try:
                # rounded with no tolerance, the exact target is (almost) never reachable
                self.solve_closest(exact_first=self.model.tolerance > 0)
                return
            except InfeasibleError:
                if floor_taxable or not has_lots[d.whole].any():
                    raise

    def unround_whole_shares(self) -> None:
        """Free the trades :meth:`fix_whole_shares` fixed: the bounds from before the first
        rounding, with every buy forbidden since (wash sales) still forbidden."""
        if self.unrounded is None:
            return
        v = self.model.v
        buy_lb, buy_ub, sell_lb, sell_ub = (x.copy() for x in self.unrounded)
        buy_ub[self.forbidden_buy] = 0.0
        buy_lb = np.minimum(buy_lb, buy_ub)
        v.pair_buy_lb.value, v.pair_buy_ub.value = buy_lb, buy_ub
        v.pair_sell_lb.value, v.pair_sell_ub.value = sell_lb, sell_ub

    def resolve_rounded(self, whole_shares: Callable[[], None]) -> None:
        """Solve again after a wash-sale buy was forbidden once whole shares were rounded
        (repair): from the bounds before the rounding (:meth:`unround_whole_shares`), so that
        the money the forbidden buy would have spent can go to another trade, a whole-share one
        included, then ``whole_shares`` rounds again. Kept unless solving with the other
        whole-share trades still fixed at their rounded amounts (the money stays where the
        forbidden buy leaves it, often idle cash) is strictly better: closer to target, or as
        close and cheaper (:func:`_better`); also the fallback where the new rounding finds no
        plan."""
        if self.unrounded is None:  # nothing was rounded (the exact solve): solve that again
            whole_shares()
            return
        start = self._snapshot()
        kept: tuple[tuple[float, float], _Snapshot] | None = None
        try:
            whole_shares()
            kept = (self._plan_key(), self._snapshot())
        except InfeasibleError:
            pass
        self._restore(start)
        self.unround_whole_shares()
        try:
            whole_shares()
        except InfeasibleError:
            if kept is None:
                raise
            self._restore(kept[1])
            return
        if kept is not None and _better(kept[0], self._plan_key()):
            self._restore(kept[1])

    def _afford_whole_buys(
        self, n_buys: dict[int, int], buys: np.ndarray, sells: np.ndarray, fixed_sells: np.ndarray
    ) -> None:
        """Cut whole-share buys, one share at a time, until each account can pay for them from
        its cash, its flow, its fixed whole-share sells and its other sells of the last solve."""
        d = self.data
        flows = self.model.v.flows()
        flow = np.asarray(flows if isinstance(flows, np.ndarray) else flows.value) * d.scale
        for a in range(len(d.accounts)):
            pairs = np.flatnonzero(d.pair_account == a).tolist()
            whole = [p for p in pairs if d.whole[p]]
            available = (
                d.cash0[a]
                + flow[a]
                + sum(fixed_sells[p] for p in whole)
                + sum(sells[p] for p in pairs if not d.whole[p])
            )
            while True:
                cost = sum(n_buys[p] * d.price[p] for p in whole)
                bought = [p for p in whole if n_buys[p] > 0]
                if cost <= available + 1e-9 or not bought:
                    break
                n_buys[max(bought, key=lambda p: d.price[p])] -= 1

    def solve_whole_shares_exactly(self, strict: bool = True) -> bool:
        """The mixed-integer solve; False (unless ``strict``) when it gives no answer."""
        from householder.errors import SolverError
        from householder.optimize.integer import MilpTimeout, solve_integer

        self.allow_whole_share_remainder()
        why = "gave no answer"
        try:
            solved = solve_integer(self.model)
        except SolverError as exc:
            if strict:
                raise
            solved = False
            if isinstance(exc, MilpTimeout):
                why = "found no plan within its time limit"
        if not solved:
            if strict:
                raise InfeasibleError(explain_infeasible(self.data))
            self.notes.append(
                f"the exact whole-share solve {why}; whole shares were "
                "rounded and the rest re-solved instead"
            )
            return False
        dev = self.deviation()
        total = self.allocation_total()
        self.target_reached = within_band(self.model.tolerance, dev, total)
        self.exact_whole_shares = True
        self.shortfall = (
            []
            if self.target_reached
            else explain_shortfall(self.data, dev, self.forbidden_buy, total=total)
        )
        return True

    def held_shares(self) -> np.ndarray:
        d = self.data
        shares = np.zeros(d.n_pairs)
        ok = ~np.isnan(d.price)
        shares[ok] = d.x0[ok] / d.price[ok]
        return shares

    def top_up_whole_shares(
        self, buys: np.ndarray, cash: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """Spend leftover cash on single whole shares while that reduces the squared deviation."""
        d = self.data
        buyable = np.zeros(d.n_pairs, dtype=bool)
        buyable[d.buy_pairs] = True
        minimum = d.book.household.policy.min_trade
        buyable &= d.whole & ~self.forbidden_buy & (np.nan_to_num(d.price) >= minimum)
        if d.n_lots:  # never buy what the plan sells at a loss (a wash sale)
            loss_sold = self.lot_sells() * (d.lot_true_gain_ratio < 0) > 0.005
            washed = {d.lot_group[i] for i in np.flatnonzero(loss_sold)}
            buyable &= np.array([d.group_of_fund[f] not in washed for f in d.pair_fund])
        candidates = np.flatnonzero(buyable)
        if not len(candidates):
            return buys, cash
        exposure = d.exposure.toarray()
        cash_exp = d.cash_exposure.toarray()
        dev = self.deviation()
        buys, cash = buys.copy(), cash.copy()
        for _ in range(10_000):
            best, best_gain = -1, 1e-9
            for p in candidates:
                a = d.pair_account[p]
                price = d.price[p]
                if price > cash[a] + 1e-9:
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

    # -- the result ------------------------------------------------------------------------------
    def solution(self) -> Solution:
        d = self.data
        m = self.model
        buys, sells = _clean(self.pair_buys()), _clean(self.pair_sells())
        lot_sells = _clean(self.lot_sells())
        flows_expr = m.v.flows()
        flows_value = flows_expr if isinstance(flows_expr, np.ndarray) else flows_expr.value
        flows = np.asarray(flows_value, dtype=float) * d.scale
        # cash from the balance itself, so that trades and cash agree exactly
        net = np.bincount(d.pair_account, weights=sells - buys, minlength=len(d.accounts))
        cash = d.cash0 + flows + net
        target_reached, shortfall = self.target_reached, self.shortfall
        tol = self.model.tolerance
        if d.whole.any() and not self.exact_whole_shares:
            buys, cash = self.top_up_whole_shares(buys, cash)
            y = exposure_of(d, d.x0 + buys - sells, cash, lot_sells)
            dev, total = y - d.target * y.sum(), float(y.sum())
            target_reached = within_band(tol, dev, total)
            shortfall = (
                [] if target_reached else explain_shortfall(d, dev, self.forbidden_buy, total=total)
            )
        # after the top-up, which may buy a share of what the account sells; netting keeps
        # the holdings and cash, so the allocation (and the verdict above) stays as it is
        buys, sells, lot_sells = _net_same_fund(d, buys, sells, lot_sells)
        terms = {
            name: float(expr.value) * d.scale
            for name, expr in m.terms.items()
            if expr.value is not None
        }
        # the year's tax alone (the objective's tax term also values the carryover left)
        tax_term = m.tax_term
        surrogate_expr = getattr(tax_term, "surrogate", None)
        surrogate = (
            float(surrogate_expr.value) * d.scale
            if surrogate_expr is not None and surrogate_expr.value is not None
            else terms.get("tax", 0.0)
        )
        return Solution(
            data=d,
            buys=buys,
            sells=sells,
            lot_sells=lot_sells,
            cash=np.maximum(cash, 0.0),
            contributions=flows,
            target_reached=target_reached,
            shortfall=shortfall,
            notes=self.notes,
            log=m.log,
            surrogate_tax=surrogate,
            objective_terms=terms,
        )


def _better(key: tuple[float, float], than: tuple[float, float]) -> bool:
    """Closer to target (squared excess, beyond solver noise), or as close and cheaper (by more
    than solver noise: on a tie the earlier plan stays)."""
    (sq, cost), (best_sq, best_cost) = key, than
    if abs(sq - best_sq) > 1e-10:
        return sq < best_sq
    return cost < best_cost - 1e-9 * max(1.0, abs(best_cost))


def exposure_of(
    d: ProblemData, holdings: np.ndarray, cash: np.ndarray, lot_sells: np.ndarray
) -> np.ndarray:
    """y in dollars for given post-trade numbers (numpy twin of ``Variables.exposure``)."""
    y = d.exposure @ holdings + d.cash_exposure @ cash
    if d.book.after_tax and d.n_lots:
        y = y - d.embedded_tax + d.lot_gain_exposure @ lot_sells
    out: np.ndarray = np.asarray(y, dtype=float)
    return out


def deviation_of(
    d: ProblemData, holdings: np.ndarray, cash: np.ndarray, lot_sells: np.ndarray
) -> np.ndarray:
    """Δ in dollars for given post-trade numbers (numpy twin of ``Variables.deviation``)."""
    y = exposure_of(d, holdings, cash, lot_sells)
    out: np.ndarray = y - d.target * y.sum()
    return out


def within_band(tolerance: float, deviation: np.ndarray, total: float) -> bool:
    """Whether every class is within ``tolerance`` (a fraction) of target, in points of
    ``total``, the post-trade total on the allocation basis (``HouseholdModel.tolerance_band``;
    after tax, the after-tax total), with a cent of rounding: Δ and total in dollars."""
    return bool(np.all(np.abs(deviation) <= tolerance * max(total, 0.0) + 0.01))


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


def _val(var: object) -> np.ndarray:
    value = getattr(var, "value", None)
    size = getattr(var, "size", 0)
    if value is None:
        return np.zeros(size)
    out: np.ndarray = np.maximum(np.asarray(value, dtype=float).reshape(-1), 0.0)
    return out


def _clean(x: np.ndarray) -> np.ndarray:
    out = np.where(np.abs(x) < 1e-6, 0.0, x)
    return np.maximum(out, 0.0)


def _whole(shares: float, rounding: object) -> int:
    nearest = round(shares)
    if abs(shares - nearest) <= INTEGER_EPS * max(1.0, abs(shares)):
        return int(nearest)
    return int(rounding(shares))  # type: ignore[operator]


def solve_household(book: Book, scenario: Scenario | None = None) -> Solution:
    """The optimal trades for ``book`` under ``scenario`` (the plan by default)."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    data = assemble(book, scenario)
    timings["assemble"] = time.perf_counter() - start
    t = time.perf_counter()
    solver = Solver(data)
    timings["build"] = time.perf_counter() - t
    t = time.perf_counter()
    solver.solve_closest()
    solver.fix_wash_sales()
    solver.fix_min_trade(book.household.policy.min_trade)
    method = book.household.policy.whole_share_method
    n_whole = int(data.whole.sum())
    exact = n_whole and (method == "exact" or (method == "auto" and n_whole <= EXACT_WHOLE_LIMIT))

    def whole_shares(again: bool = False) -> None:
        if exact:
            if solver.solve_whole_shares_exactly(strict=method == "exact"):
                return
            solver.exact_whole_shares = False
            again = True
        if again:  # solve with the new bounds before rounding what that gives
            solver.solve_closest()
        solver.fix_whole_shares()

    whole_shares()
    # the whole-share solve may buy what it sells at a loss: forbid the buy, solve that step again
    # (after a rounding, from the bounds before it: the money the buy frees may go elsewhere)
    solver.fix_wash_sales(
        buys_only=True,
        resolve=(lambda: solver.resolve_rounded(lambda: whole_shares(again=True)))
        if n_whole
        else None,
    )
    timings["solve"] = time.perf_counter() - t
    solution = solver.solution()
    timings["total"] = time.perf_counter() - start
    solution.timings = timings
    return solution
