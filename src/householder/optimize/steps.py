"""The solve as a pipeline of steps over immutable states (design/model.md, "Non-convex parts").

Each step is a small object with one method, ``run(state, ctx) -> state``; what it did is logged
in the result (:class:`StepRecord`: solves, seconds, the decisions it noted). The steps, in the
order :func:`householder.optimize.solve.solve_household` runs them:

1. :class:`ClosestTarget` (lexicographic): the cost LP with :math:`|\\Delta_k| \\le tol`; if that
   is infeasible, the tracking QP for the smallest squared excess, then the cost LP again within
   that excess. A shortfall is therefore spread (least squares), never "infeasible".
2. :class:`WashSales`: a fund (or substantially identical group) may be sold at a loss or
   bought, not both; where a solve does both, one side is forbidden and the model re-solved
   (both sides tried where there are few conflicts, the better plan kept).
3. :class:`MinimumTrade`: trades below ``policy.min_trade`` are fixed at zero and the model
   re-solved.
4. :class:`WholeShares`: exactly, by one mixed-integer solve (:mod:`householder.optimize.integer`),
   or by repair: buys of whole-share funds floored and sells ceiled to whole shares (never
   overspending), fixed, and the rest re-solved.
5. :class:`WashSales` again, buys only: the whole-share step may buy what it sells at a loss;
   the buy is forbidden and the whole-share step solved again from the bounds before its
   rounding (:meth:`Context.resolve_rounded`), so the money the buy would have spent is not
   stranded by trades fixed for it.

The cvxpy problems are built once (:class:`~householder.optimize.model.HouseholdModel`); a state
carries the bounds, and every solve first loads its state's bounds into the problems'
parameters, so a solve is a function of its state.
"""

from __future__ import annotations

import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

import numpy as np

from householder.errors import InfeasibleError, SolverError
from householder.optimize.data import ProblemData
from householder.optimize.explain import explain_infeasible, explain_shortfall
from householder.optimize.model import HouseholdModel
from householder.optimize.state import Bounds, State, better, cash_caps

BAND_EPS = 1e-9
"""Width (fraction of W) of an "exact" target band: below a cent on a million dollars."""
INTEGER_EPS = 1e-6
"""Share counts this close to an integer are that integer."""
EXHAUSTIVE_WASH_CONFLICTS = 3
"""Up to this many wash-sale conflicts in one round, every way of resolving them is solved
(2^n solves); beyond, only the smaller side of each (one solve; see :class:`WashSales`).
Trying two more plans a round tripled the solves on the 10,000-lot benchmark (7 → 10 s)."""
HUGE_COLUMNS = 30_000
"""Lots plus pairs from which :meth:`Context.closest` asks the tracking QP first and sends the
LP after it to HiGHS without presolve. On the 100,000-lot household HiGHS took 90 s to call the
exact-target LP infeasible, and its presolve called the LP after the tracking QP infeasible
(90 s again, for the dual ray cvxpy asks for) once any bound had changed, though a slack of a
millionth of the household let the first one through in 7 s; without presolve it takes
about 55 s (docs/performance.md)."""
WASH_TRIAL_MAX_LOTS = 2_000
"""Above this many lots (direct indexing) even the small rounds take the smaller side only:
its wash-sale step runs many rounds of a few conflicts, and at 0.3 s an LP the trials cost
more than the rest of the plan (8 → 30 solves on the 10,000-lot benchmark)."""


@dataclass(frozen=True)
class StepRecord:
    """What one step did: its solves, its time, and the decisions it noted."""

    step: str
    solves: int
    seconds: float
    notes: tuple[str, ...] = ()


@dataclass
class Context:
    """What the steps share: the problem, the model built once, and the log."""

    data: ProblemData
    model: HouseholdModel
    steps: list[StepRecord] = field(default_factory=list)

    @property
    def tolerance(self) -> float:
        return self.model.tolerance

    def start(self) -> State:
        """The state before any solve: the initial bounds, nothing forbidden."""
        return State(
            bounds=Bounds.initial(self.data),
            forbidden_buy=np.zeros(self.data.n_pairs, dtype=bool),
            forbidden_sell=np.zeros(self.data.n_pairs, dtype=bool),
        )

    def run(self, step: Step, state: State) -> State:
        """Run ``step`` on ``state``, recording what it did."""
        solves, start = len(self.model.log), time.perf_counter()
        out = step.run(state, self)
        new_notes = tuple(n for n in out.notes if n not in state.notes)
        self.steps.append(
            StepRecord(step.name, len(self.model.log) - solves, time.perf_counter() - start,
                       new_notes)
        )
        return out

    # -- the closest target ----------------------------------------------------------------------
    def closest(self, state: State, exact_first: bool = True) -> State:
        """The cheapest plan on target under ``state``'s bounds; if there is none, the cheapest
        of the closest.

        ``exact_first=False`` when the target is probably out of reach (whole shares just
        rounded with no tolerance, or ``state``'s own plan missed it): the tracking QP first,
        and the exact-target LP only if that finds the target reachable, which saves an LP
        that is almost always infeasible. The answer is the same either way."""
        m = self.model
        m.load(state.bounds)
        if state.point is not None and not state.target_reached:
            # out of reach before, and the steps only tighten bounds (unrounding aside, which
            # the tracking QP's verdict covers): the exact-target LP would be infeasible
            exact_first = False
        huge = m.columns >= HUGE_COLUMNS
        if huge:
            # HiGHS proves a 100,000-lot LP infeasible in about 90 s (its dual ray); the
            # tracking QP answers whether the target is in reach in under 10
            exact_first = False
        on_target = np.full(len(self.data.classes), m.tolerance + BAND_EPS)
        if exact_first and m.solve_cost(on_target):
            return state.but(point=m.point(), target_reached=True, shortfall=(), excess=None)
        excess = m.solve_tracking()
        if excess is None:
            raise InfeasibleError(explain_infeasible(self.data))
        rounded = state.unrounded is not None
        if not exact_first and np.all(excess <= 1e-7) and m.solve_cost(on_target, rounded):
            return state.but(point=m.point(), target_reached=True, shortfall=(), excess=None)
        reached = bool(np.all(excess <= 1e-7))
        slack = 1e-9
        for attempt in range(5):
            # after a rounding fixed whole-share trades, or any bound changed on a huge
            # household, HiGHS's presolve misjudges the LP after the tracking QP infeasible
            # (each verdict 90 s at 100,000 lots, its dual ray): once it has said so, or where
            # it would, the LP goes without it
            no_presolve = rounded or huge or attempt > 0
            if m.solve_cost(m.tolerance + excess + slack, no_presolve=no_presolve):
                break
            slack *= 10
        else:
            raise InfeasibleError(explain_infeasible(self.data))
        point = m.point()
        shortfall = (
            ()
            if reached
            else tuple(
                explain_shortfall(self.data, point.deviation, state.forbidden, total=point.total)
            )
        )
        return state.but(point=point, target_reached=reached, excess=excess, shortfall=shortfall)

    # -- wash-sale groups --------------------------------------------------------------------------
    @cached_property
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

    def forbid(self, state: State, choice: list[tuple[int, bool]]) -> State:
        """Apply one resolution of wash-sale conflicts: per conflicting group, forbid its buys
        (True) or keep its loss lots (False)."""
        groups, lot_code, pair_code = self.group_codes
        loss_lots = self.data.lot_true_gain_ratio < 0
        bounds, forbidden, notes = state.bounds, state.forbidden.copy(), []
        for g, forbid_buy in choice:
            group = groups[g]
            if forbid_buy:
                in_group = pair_code == g
                ub = bounds.buy_ub.copy()
                ub[in_group] = 0.0
                forbidden |= in_group
                bounds = bounds.replace(buy_ub=ub, buy_lb=np.minimum(bounds.buy_lb, ub))
                notes.append(
                    f"wash sale avoided: no {group} bought anywhere in the "
                    "household while it is sold at a loss"
                )
            else:
                ub = bounds.lot_ub.copy()
                ub[(lot_code == g) & loss_lots] = 0.0
                bounds = bounds.replace(lot_ub=ub)
                notes.append(
                    f"wash sale avoided: {group} lots at a loss are kept "
                    "because the household buys it (in the plan or in the 30 days around "
                    "as_of: see the calendar)"
                )
        return state.but(bounds=bounds, forbidden_buy=forbidden).noted(*notes)

    def conflicts(self, state: State) -> list[tuple[int, float, float]]:
        """Groups (as codes, in sorted order) both sold at a loss and bought in ``state``'s
        plan: ``(group, loss sold, bought)`` in dollars."""
        assert state.point is not None
        groups, _, pair_code = self.group_codes
        loss_sold = self.loss_sold(state)
        bought = np.bincount(pair_code, weights=state.point.buys, minlength=len(groups))
        both = np.flatnonzero((loss_sold > 0.005) & (bought > 0.005))
        return [(int(g), float(loss_sold[g]), float(bought[g])) for g in both]

    def bought_recently(self, state: State) -> list[int]:
        """Groups (as codes) whose loss lots ``state``'s plan sells although the household
        bought the group in a tax-advantaged account in the wash-sale window before ``as_of``
        (:attr:`~householder.valuation.facts.Facts.committed_groups`): the loss would be lost
        for good to a purchase already made, so the sale is avoided as one washed by a
        purchase in the plan is. The first plan that chose to buy in an IRA rather than sell at
        a loss and the plan of the household after it agree."""
        recent = self.data.committed_buy_groups
        if not recent:
            return []
        groups = self.group_codes[0]
        loss_sold = self.loss_sold(state)
        return [int(g) for g in np.flatnonzero(loss_sold > 0.005) if groups[g] in recent]

    def loss_sold(self, state: State) -> np.ndarray:
        """Dollars of lots at a loss that ``state``'s plan sells, per wash-sale group (code)."""
        assert state.point is not None
        groups, lot_code, _ = self.group_codes
        loss = self.data.lot_true_gain_ratio < 0
        out: np.ndarray = np.bincount(lot_code, weights=state.point.lot_sells * loss,
                                      minlength=len(groups))
        return out

    def best_of(
        self,
        state: State,
        choices: list[list[tuple[int, bool]]],
        resolve: Callable[[State], State],
    ) -> State:
        """Solve once per choice from ``state`` and keep the best: the smallest squared excess
        beyond the tolerance, then the lowest cost (the first on a tie)."""
        best: State | None = None
        error: InfeasibleError | None = None
        for choice in choices:
            try:
                tried = resolve(self.forbid(state, choice))
            except InfeasibleError as exc:
                error = error or exc
                continue
            if best is None or better(tried.key(), best.key()):
                best = tried
        if best is None:
            assert error is not None
            raise error
        return best

    # -- whole shares ----------------------------------------------------------------------------
    def allow_remainder(self, state: State) -> State:
        """Selling only: let an account keep up to one share of cash over its need, since a
        whole-share sale rounds up."""
        return state.but(bounds=state.bounds.replace(cash_cap=cash_caps(self.data,
                                                                         allowance=True)))

    def within_band(self, deviation: np.ndarray, total: float) -> bool:
        return within_band(self.tolerance, deviation, total)

    def shortfall_of(self, state: State, deviation: np.ndarray, total: float) -> tuple[str, ...]:
        return tuple(explain_shortfall(self.data, deviation, state.forbidden, total=total))

    def solve_exactly(
        self, state: State, strict: bool, near_only: bool = False
    ) -> tuple[State, bool]:
        """The mixed-integer solve from ``state``; ``(state, False)`` (unless ``strict``) when it
        gives no answer, with a note saying so. ``near_only``: only share counts next to the
        continuous plan are searched, and finding none is :class:`InfeasibleError` (a trial
        step's answer that the trial is not worth making)."""
        from householder.optimize.integer import MilpTimeout, reference_of, solve_integer

        state = self.allow_remainder(state)
        self.model.load(state.bounds, state.point)
        reference = state.reference or reference_of(self.model)
        state = state.but(reference=reference)
        assert state.point is not None
        center = (state.point.buys, state.point.sells)
        why = "gave no answer"
        try:
            solved = solve_integer(self.model, reference, center, wide=not near_only)
        except SolverError as exc:
            if strict:
                raise
            solved = False
            if isinstance(exc, MilpTimeout):
                why = "found no plan within its time limit"
        if not solved:
            if strict or near_only:
                raise InfeasibleError(explain_infeasible(self.data))
            return state.noted(
                f"the exact whole-share solve {why}; whole shares were "
                "rounded and the rest re-solved instead"
            ), False
        point = self.model.point()
        reached = self.within_band(point.deviation, point.total)
        return state.but(
            point=point,
            target_reached=reached,
            exact_whole_shares=True,
            shortfall=() if reached else self.shortfall_of(state, point.deviation, point.total),
        ), True

    def round_whole_shares(self, state: State) -> State:
        """Floor the buys and ceil the sells to whole shares, fix them, re-solve the rest. Where
        a ceiled taxable sell cannot be (it would break the gain cap, or take a lot the wash-sale
        step forbade), the taxable sells are floored instead, with the account's whole-share
        buys cut to what it can then pay for."""
        d = self.data
        if not d.whole.any():
            return state
        state = self.allow_remainder(state)
        assert state.point is not None
        buys, sells = state.point.buys, state.point.sells
        saved = state.bounds
        unrounded = state.unrounded or saved
        has_lots = np.zeros(d.n_pairs, dtype=bool)
        if d.n_lots:
            has_lots[d.lot_pair] = True
        for floor_taxable in (False, True):
            buy_lb, buy_ub, sell_lb, sell_ub = (x.copy() for x in saved.trades())
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
                self._afford_whole_buys(state, n_buys, sell_lb * d.scale)
            for p, n_buy in n_buys.items():
                buy_lb[p] = buy_ub[p] = n_buy * d.price[p] / d.scale
            rounded = state.but(
                bounds=saved.replace(buy_lb=buy_lb, buy_ub=buy_ub, sell_lb=sell_lb,
                                     sell_ub=sell_ub),
                unrounded=unrounded,
            )
            if not changed:
                return rounded
            try:
                # rounded with no tolerance, the exact target is (almost) never reachable
                return self.closest(rounded, exact_first=self.tolerance > 0)
            except InfeasibleError:
                if floor_taxable or not has_lots[d.whole].any():
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _afford_whole_buys(
        self, state: State, n_buys: dict[int, int], fixed_sells: np.ndarray
    ) -> None:
        """Cut whole-share buys, one share at a time, until each account can pay for them from
        its cash, its flow, its fixed whole-share sells and its other sells of the last solve."""
        d = self.data
        assert state.point is not None
        sells, flow = state.point.sells, state.point.flows
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

    def unround(self, state: State) -> State:
        """Free the trades :meth:`round_whole_shares` fixed: the bounds from before the first
        rounding, with every buy forbidden since (wash sales) still forbidden."""
        if state.unrounded is None:
            return state
        buy_lb, buy_ub, sell_lb, sell_ub = (x.copy() for x in state.unrounded.trades())
        buy_ub[state.forbidden] = 0.0
        buy_lb = np.minimum(buy_lb, buy_ub)
        sell_ub[state.unsellable] = 0.0
        sell_lb = np.minimum(sell_lb, sell_ub)
        return state.but(bounds=state.bounds.replace(buy_lb=buy_lb, buy_ub=buy_ub,
                                                     sell_lb=sell_lb, sell_ub=sell_ub))

    def resolve_rounded(self, state: State, whole_shares: Callable[[State], State]) -> State:
        """Solve again after a wash-sale buy was forbidden once whole shares were rounded
        (repair): from the bounds before the rounding (:meth:`unround`), so that the money the
        forbidden buy would have spent can go to another trade, a whole-share one included,
        then ``whole_shares`` rounds again. Kept unless solving with the other whole-share
        trades still fixed at their rounded amounts (the money stays where the forbidden buy
        leaves it, often idle cash) is strictly better: closer to target, or as close and
        cheaper (:func:`~householder.optimize.state.better`); also the fallback where the new
        rounding finds no plan."""
        if state.unrounded is None:  # nothing was rounded (the exact solve): solve that again
            return whole_shares(state)
        kept: State | None = None
        try:
            kept = whole_shares(state)
        except InfeasibleError:
            pass
        try:
            fresh = whole_shares(self.unround(state))
        except InfeasibleError:
            if kept is None:
                raise
            return kept
        if kept is not None and better(kept.key(), fresh.key()):
            return kept
        return fresh


class Step(Protocol):
    @property
    def name(self) -> str: ...

    def run(self, state: State, ctx: Context) -> State: ...


@dataclass(frozen=True)
class ClosestTarget:
    """Step 1: the cheapest plan on target, else the cheapest of the closest."""

    name: str = "closest target"

    def run(self, state: State, ctx: Context) -> State:
        return ctx.closest(state)


@dataclass(frozen=True)
class WashSales:
    """Forbid one side of every wash-sale conflict (a group sold at a loss and bought) and
    solve again, until there is none.

    Each round with up to :data:`EXHAUSTIVE_WASH_CONFLICTS` conflicts tries every way of
    resolving them and keeps the best plan (closest to target, then cheapest); with more, or
    above :data:`WASH_TRIAL_MAX_LOTS` lots (direct indexing), each conflict's smaller side is
    forbidden, one solve per round. ``buys_only``: resolve every conflict by forbidding the buys
    (after the whole-share step has fixed the sells, forbidding a buy is always feasible: the
    money stays cash). ``resolve``: how to solve again (default :meth:`Context.closest`)."""

    rounds: int = 6
    buys_only: bool = False
    resolve: Callable[[State], State] | None = None
    name: str = "wash sales"

    def run(self, state: State, ctx: Context) -> State:
        d = ctx.data
        if not d.has_lots:
            return state
        resolve = self.resolve or ctx.closest
        keep_sunk = not self.buys_only
        for _ in range(self.rounds):
            conflicts = ctx.conflicts(state)
            sunk: list[tuple[int, bool]] = []
            if keep_sunk:
                sunk = [(g, False) for g in ctx.bought_recently(state)]
                conflicts = [c for c in conflicts if (c[0], False) not in sunk]
            if not conflicts and not sunk:
                return state
            if self.buys_only:
                state = resolve(ctx.forbid(state, [(g, True) for g, _, _ in conflicts]))
                continue
            smaller = [(g, bought <= loss_sold) for g, loss_sold, bought in conflicts]
            codes = [g for g, _, _ in conflicts]
            choices: list[list[tuple[int, bool]]] = []
            if len(conflicts) <= EXHAUSTIVE_WASH_CONFLICTS and d.n_lots <= WASH_TRIAL_MAX_LOTS:
                sides = itertools.product((True, False), repeat=len(codes))
                choices = [list(zip(codes, side, strict=True)) for side in sides]
            if smaller in choices:  # the smaller sides first: on a tie they stay
                choices.remove(smaller)
            choices.insert(0, smaller)
            try:
                state = ctx.best_of(state, [sunk + c for c in choices], resolve)
            except InfeasibleError:
                if not sunk:
                    raise
                keep_sunk = False
                # keeping the loss lots a past purchase washes leaves no plan (a withdrawal
                # needs their sale): they are sold, the loss disallowed and priced as such
                if not conflicts:
                    return state.noted(
                        "wash sale taken: lots at a loss a recent purchase washes are sold, "
                        "since no plan without their sale exists")
                state = ctx.best_of(state, choices, resolve)
        return state


@dataclass(frozen=True)
class MinimumTrade:
    """Trades below ``policy.min_trade`` fixed at zero, the rest re-solved, until none is left
    (a re-solve may move money into another small trade: a tie between two funds of one class
    and fee made a $0.08 trade after three rounds). Run after the continuous solve and again
    after whole shares (``resolve``: that step again), so that no trade of the plan is smaller,
    whole-share remainders included."""

    minimum: float
    resolve: Callable[[State], State] | None = None
    name: str = "minimum trade"

    def run(self, state: State, ctx: Context) -> State:
        if self.minimum <= 0:
            return state
        resolve = self.resolve or ctx.closest
        # each round forbids at least one more pair, so this ends; usually in one or two
        for _ in range(ctx.data.n_pairs + 1):
            assert state.point is not None
            buys, sells = state.point.buys, state.point.sells
            small_buy = (buys > 0.005) & (buys < self.minimum - 0.005)
            small_sell = (sells > 0.005) & (sells < self.minimum - 0.005)
            if not (small_buy.any() or small_sell.any()):
                return state
            bounds = state.bounds
            buy_ub, sell_ub = bounds.buy_ub.copy(), bounds.sell_ub.copy()
            buy_ub[small_buy] = 0.0
            sell_ub[small_sell] = 0.0
            trimmed = state.but(
                bounds=bounds.replace(
                    buy_ub=buy_ub,
                    buy_lb=np.minimum(bounds.buy_lb, buy_ub),
                    sell_ub=sell_ub,
                    sell_lb=np.minimum(bounds.sell_lb, sell_ub),
                ),
                forbidden_buy=state.forbidden | small_buy,
                forbidden_sell=state.unsellable | small_sell,
            )
            # named where a trade of a dollar or more is left out (cents are solver ties)
            named = (small_buy & (buys >= 1.0)) | (small_sell & (sells >= 1.0))
            if named.any():
                trimmed = trimmed.noted(
                    f"minimum trade (${self.minimum:,.2f}): "
                    + ", ".join(
                        f"{ctx.data.pair_fund[p]} in {ctx.data.accounts[ctx.data.pair_account[p]]}"
                        for p in np.flatnonzero(named)
                    )
                    + " left out"
                )
            state = resolve(trimmed)
        return state


@dataclass(frozen=True)
class WholePositions:
    """A sale that would leave less than ``policy.min_trade`` (or less than one share) of a
    position sells all of it, where that costs nothing extra: the plan stays as close to
    target, realizes no more tax and makes no wash sale (otherwise the remainder stays)."""

    minimum: float
    resolve: Callable[[State], State] | None = None
    name: str = "whole positions"

    def run(self, state: State, ctx: Context) -> State:
        d = ctx.data
        assert state.point is not None
        sells = state.point.sells
        left = d.x0 - sells
        share = np.where(d.whole, np.nan_to_num(d.price), 0.0)
        small = (sells > 0.005) & (left > 0.005) & (left < np.maximum(self.minimum, share))
        small &= ~state.unsellable & (state.bounds.sell_ub * d.scale >= d.x0 - 0.005)
        if not small.any():
            return state
        sell_lb = state.bounds.sell_lb.copy()
        sell_lb[small] = d.x0[small] / d.scale
        try:
            tried = (self.resolve or ctx.closest)(
                state.but(bounds=state.bounds.replace(sell_lb=sell_lb))
            )
        except InfeasibleError:
            return state
        assert tried.point is not None
        if np.any(tried.point.sells[small] < d.x0[small] - 0.005):
            return state  # the re-solve freed the bounds (a rounding's fresh start): not sold
        closer_or_same = not better((state.key()[0], 0.0), (tried.key()[0], 0.0))
        tax = tried.point.terms.get("tax", 0.0) - state.point.terms.get("tax", 0.0)
        if closer_or_same and tax * d.scale <= 0.005 and not ctx.conflicts(tried):
            names = ", ".join(
                f"{d.pair_fund[p]} in {d.accounts[d.pair_account[p]]}"
                for p in np.flatnonzero(small)
            )
            return tried.noted(f"sold in full rather than leave a remainder: {names}")
        return state


@dataclass(frozen=True)
class WholeShares:
    """Step 4: whole-share trades, exactly (``exact``) or by repair; with ``strict``, a failed
    exact solve is an error, else repair takes over. ``again``: solve the continuous problem
    before rounding (its bounds changed since the last solve)."""

    exact: bool
    strict: bool = False
    again: bool = False
    near_only: bool = False
    """A trial's re-solve (:class:`WholePositions` after whole shares): whole shares next to
    the continuous plan only, none there being the trial's InfeasibleError; the unrestricted
    MILP (up to its node limit, 7 s on one generated household) is not worth a remainder."""
    name: str = "whole shares"

    def run(self, state: State, ctx: Context) -> State:
        again = self.again
        if self.exact:
            if again:  # the continuous plan under the new bounds: what the whole shares round
                state = ctx.closest(state)
            solved, ok = ctx.solve_exactly(state, strict=self.strict, near_only=self.near_only)
            if ok:
                return solved
            state = solved.but(exact_whole_shares=False)
            again = not self.again  # solved just now otherwise
        if again:
            state = ctx.closest(state)
        return ctx.round_whole_shares(state)


def within_band(
    tolerance: float, deviation: np.ndarray, total: float, slack: float = 0.01
) -> bool:
    """Whether every class is within ``tolerance`` (a fraction) of target, in points of
    ``total``, the post-trade total on the allocation basis (``HouseholdModel.tolerance_band``;
    after tax, the after-tax total), with ``slack`` dollars of rounding (a cent): Δ and total in
    dollars."""
    return bool(np.all(np.abs(deviation) <= tolerance * max(total, 0.0) + slack))


def _whole(shares: float, rounding: Callable[[float], int]) -> int:
    nearest = round(shares)
    if abs(shares - nearest) <= INTEGER_EPS * max(1.0, abs(shares)):
        return int(nearest)
    return int(rounding(shares))
