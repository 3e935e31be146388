"""Whole shares exactly: one mixed-integer solve (HiGHS through cvxpy).

The alternative to the continuous-then-repair steps of
:class:`householder.optimize.steps.WholeShares`.
Integer share counts for every whole-share trade; tracking in L1 (HiGHS takes no quadratic
objective with integers), weighted to dominate every cost:

.. math::

    \\min\\; \\lambda \\sum_k \\max(|\\Delta_k - \\Delta^*_k| - tol\\,\\mathbf 1^\\top y, 0)
    + \\text{costs}
    \\quad\\text{s.t.}\\quad B_p = \\pi_p n^b_p,\\; S_p = \\pi_p n^s_p,
    \\; n \\in \\mathbb{Z}_{\\ge 0}

with the tolerance in points of the post-trade total, as in the continuous model, and
:math:`\\Delta^*` the continuous plan's deviation beyond it (zero when the target is reachable):
out of reach, the MILP tracks the least-squares closest plan rather than the target, to which
L1 is indifferent between underweight classes (:func:`reference_of`). With free
contributions (``--to-target``) the contribution's weight is above :math:`\\lambda`, so the solve
is lexicographic instead (:func:`_solve_lexicographic`).

Chosen with ``policy.whole_share_method: exact``, and by ``auto`` up to
``EXACT_WHOLE_LIMIT`` whole-share pairs. ``python benchmarks/bench_plan.py --compare-whole-shares``
measures both methods (docs/performance.md, "Whole shares: exact or repair").

**Near the continuous plan.** Whole shares are a rounding of the continuous plan the earlier
steps found, so each whole-share trade's share count is searched between the floor and the
ceiling of that plan's (:func:`neighborhood`; a pair the continuous plan does not trade stays
untraded). Over every pair at once the search space is the full MILP's, less only the plans that
move some trade by more than a share from the continuous optimum, and HiGHS proves the optimum
of that neighborhood to a cent (:data:`ABS_GAP_DOLLARS`) in a few hundred nodes, where the
unrestricted MILP's bound stalled dollars away from its incumbent and ran into a time limit on
most of the benchmark's typical households (docs/performance.md, "Whole shares"). The
neighborhood's LP relaxation contains the continuous plan, so its bound is the continuous
optimum, a bound for every whole-share plan: the log records how far above it the answer is
(``rounding cost``). Where the neighborhood holds no plan (a gain cap the rounded-up sells
break, say), the unrestricted MILP is solved instead, at the old gap of a few dollars.

**Deterministic.** The limit is a number of branch-and-bound nodes (:data:`NODE_LIMIT`), not
seconds, so the answer does not depend on the machine's load; on the node limit a feasible
incumbent is kept (within the gap HiGHS reports). :data:`TIME_LIMIT` is a guard that no
benchmark household comes near; only without an incumbent does the caller fall back to rounding
and repair.
"""

from __future__ import annotations

import contextlib
import time
import warnings
from dataclasses import dataclass

import cvxpy as cp
import numpy as np

from householder.errors import SolverError
from householder.optimize.data import ProblemData
from householder.optimize.model import (
    HouseholdModel,
    SolveRecord,
    feasibility_tolerance,
)
from householder.optimize.state import Reference
from householder.optimize.terms import ContributionCost

TRACKING_WEIGHT = 50.0
"""λ per unit of deviation (fraction of W): above any cost per dollar (fees over the horizon,
tax, location, idle cash are all below ~1 per dollar)."""


ABS_GAP_DOLLARS = 0.01
"""Near the continuous plan (:func:`neighborhood`): stop once the plan found is provably within
a cent of the neighborhood's best (in the model's units of :math:`W`). HiGHS proves it in 0.1–0.6
s of solver time on the benchmark's typical households (docs/performance.md)."""
WIDE_GAP_DOLLARS = 5.0
"""The unrestricted MILP (only where the neighborhood holds no plan): its bound stalls dollars
from the incumbent, so a cent would always run into the node limit; on the benchmark's typical
household $5 took 0.1–17 s and $1 never closed."""
REL_GAP = 1e-9
"""HiGHS's relative gap, a backstop only: the objective HiGHS sees has its constants presolved
away, so a relative gap is of an arbitrary number (1e-5 of it was 50 cents on one household and
dollars on another)."""
NODE_LIMIT = 20_000
"""Branch-and-bound nodes at most: the deterministic limit. The neighborhood's solves took 40–
1,300 nodes on the benchmark's typical households."""
WIDER_NODE_LIMIT = 2_000
"""The node limit of the wider neighborhood (``NEIGHBORHOOD_SHARES[1]``), which runs only where
the continuous plan was on target and no plan of the nearest share counts is: it looks for an
on-target plan a few shares further. Where none exists branch and bound cannot prove it (the
relaxation is on target), so it ran to 20,000 nodes (3–8 s) on 3 of 1,000 generated typical
households. At 2,000 nodes (0.3–0.5 s) the six slowest of those 1,000 plan within $6 of tax and
$1.50 of drift of the 20,000-node answers, in 0.5–1.6 s instead of 2–9 s; the better of its
incumbent and the nearest search's proven plan is kept (docs/performance.md)."""
WIDE_NODE_LIMIT = 5_000
"""The unrestricted MILP's node limit (it runs only where no neighborhood holds a plan; with a
bound that stalls, every node past the first incumbents buys little)."""
TIME_LIMIT = 60.0
"""Seconds: a guard against a pathological household only (the node limit comes first on every
benchmark household); past it, HiGHS's best feasible plan so far is kept."""
INTEGER_EPS = 1e-6
"""A share count this close to an integer is that integer."""
NEIGHBORHOOD_SHARES = (1, 3)
"""How far (in shares) beyond the floor and ceiling of the continuous plan's share count the
whole-share search goes: 1 is the floor or the ceiling; 3 (two more shares each way) where the
continuous plan was on target and no plan at 1 is (a band's edge that whole shares cross)."""
NEIGHBORHOOD_OPTIONS: tuple[tuple[str, object], ...] = (
    ("mip_heuristic_effort", 0.0),
    ("mip_heuristic_run_rins", False),
    ("mip_heuristic_run_rens", False),
    ("mip_heuristic_run_root_reduced_cost", False),
    ("mip_heuristic_run_zi_round", False),
    ("mip_heuristic_run_shifting", False),
    ("mip_detect_symmetry", False),
    ("mip_allow_restart", False),
)
"""HiGHS's primal heuristics, symmetry detection and restarts off for the neighborhood: after
presolve it has a handful of integer columns, which branch and bound proves in a node or two,
while the heuristics' sub-MIPs took 80 % of the solve (0.45 s → 0.06 s a MILP on the benchmark's
typical households, the same plans to the cent; docs/performance.md)."""
MIP_FEASIBILITY = 1e-6
"""HiGHS's MIP feasibility tolerance (its default), for the relaxations too (scaled)."""
FEASIBILITY_TOL = 1e-6
"""Largest constraint violation (scaled) an incumbent kept on the time limit may have."""
EXCESS_SLACK_DOLLARS = 0.01
"""Free contributions: how much more L1 excess than the closest plan's the cheapest plan of
the second solve may have, in dollars…"""
EXCESS_SLACK = 1e-7
"""…or in units of W if that is more (HiGHS's feasibility tolerance; more would let the second
solve trade dollars of excess for contribution: 1e-5 gave up $10 of a $1M household's)."""
CAP_EPS = 1e-9
"""Free contributions: room (scaled) above the continuous solve's total contribution."""
ANCHOR_MIN = 1e-6
"""A continuous plan's excess beyond tolerance (scaled) below this is on target (the
continuous solves are accurate to about 1e-7 of W)."""


def solve_integer(
    model: HouseholdModel,
    reference: Reference,
    center: tuple[np.ndarray, np.ndarray] | None = None,
    time_limit: float = TIME_LIMIT,
    wide: bool = True,
) -> bool:
    """Solve ``model`` with integer whole-share trades in place (variables hold the answer).

    ``center``: the continuous plan's buys and sells per pair (dollars) that the whole shares
    round; the share counts are searched next to it first (:func:`neighborhood`), then, if
    that holds no plan, everywhere (unless ``wide`` is False: a trial that only a plan near the
    continuous one would be worth, such as selling a remainder whole). Without it, everywhere at
    once.

    True when the variables hold a feasible integer plan: optimal within the gaps, or HiGHS's
    incumbent when a limit stopped it first; False when there is none (infeasible, or no
    integer plan found within the limits).

    With free contributions (``contribute --to-target``) the solve is lexicographic, like the
    continuous path: closest to target first, then the cheapest (smallest contribution) within
    that (:func:`_solve_lexicographic`)."""
    d = model.data
    if not d.whole.any():
        return model.solve_cost()
    best: _Outcome | None = None
    if center is not None:
        for width in NEIGHBORHOOD_SHARES:
            box = neighborhood(model, *center, width=width)
            near: _Outcome | None = None
            with contextlib.suppress(MilpTimeout):
                near = _solve_whole(model, reference, box, ABS_GAP_DOLLARS, time_limit,
                                    wider=width > NEIGHBORHOOD_SHARES[0])
            if near is not None and (best is None or near.better(best, d)):
                best = near
            # kept unless the continuous plan was on target and no plan this near it is; out
            # of reach, the plan is within a share of the closest continuous plan per trade
            if best is not None and (best.excess <= _excess_slack(d) or reference.excess.any()):
                break
        if best is not None:
            best.restore()
            return True
    if not wide:
        return False
    # no plan near the continuous one: search everywhere
    return _solve_whole(model, reference, None, WIDE_GAP_DOLLARS, time_limit) is not None


@dataclass
class _Outcome:
    """A whole-share MILP's plan: its L1 excess beyond tolerance (relative to the reference)
    and its costs (scaled), and the values of the problem's variables, to restore it after
    another solve."""

    excess: float
    cost: float
    values: list[tuple[cp.Variable, np.ndarray | None]]

    @classmethod
    def of(cls, model: HouseholdModel, problem: cp.Problem, excess: cp.Variable) -> _Outcome:
        values = [(x, None if x.value is None else np.array(x.value, copy=True))
                  for x in problem.variables()]
        l1 = float(np.sum(np.maximum(np.asarray(excess.value, dtype=float), 0.0)))
        cost = sum(float(e.value) for e in model.terms.values() if e.value is not None)
        return cls(l1, cost, values)

    def better(self, than: _Outcome, d: ProblemData) -> bool:
        """Closer to target (beyond :func:`_excess_slack`), or as close and cheaper."""
        if abs(self.excess - than.excess) > _excess_slack(d):
            return self.excess < than.excess
        return self.cost < than.cost - 1e-9 * max(1.0, abs(than.cost))

    def restore(self) -> None:
        for x, value in self.values:
            x.value = value


def _excess_slack(d: ProblemData) -> float:
    """L1 excess (scaled) that counts as none: a cent, or HiGHS's feasibility tolerance."""
    return max(EXCESS_SLACK_DOLLARS / d.scale, EXCESS_SLACK)


Box = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]
"""Share counts per whole-share pair: buy lower, buy upper, sell lower, sell upper."""


def neighborhood(
    model: HouseholdModel, buys: np.ndarray, sells: np.ndarray, width: int = 1
) -> Box:
    """The share counts searched per whole-share pair: from the floor to the ceiling of the
    continuous plan's ``buys`` and ``sells`` (dollars per pair), ``width`` − 1 more shares each
    way, within the trade bounds the steps set (a forbidden buy stays forbidden) and the whole
    shares held. A pair the plan does not trade stays untraded. Where the bounds leave nothing
    of that range (a bound moved since the plan was found), the bounds' whole range."""
    d = model.data
    v = model.v
    whole = np.flatnonzero(d.whole)
    price = d.price[whole]
    held = np.floor(d.x0[whole] / price + 1e-9)
    out: list[np.ndarray] = []
    for amount, lb, ub, most in (
        (buys, v.pair_buy_lb, v.pair_buy_ub, np.full(len(whole), np.inf)),
        (sells, v.pair_sell_lb, v.pair_sell_ub, held),
    ):
        shares = np.maximum(amount[whole], 0.0) / price
        lo = np.maximum(np.floor(shares + INTEGER_EPS) - (width - 1), 0.0)
        hi = np.where(shares > INTEGER_EPS, np.ceil(shares - INTEGER_EPS) + (width - 1), 0.0)
        # the bounds in shares (a sale's bound may include the fraction of the last share)
        low = np.ceil(np.asarray(lb.value, dtype=float)[whole] * d.scale / price - 1.0 - 1e-6)
        high = np.floor(np.asarray(ub.value, dtype=float)[whole] * d.scale / price + 1e-6)
        low, high = np.maximum(low, 0.0), np.minimum(high, most)
        lo, hi = np.maximum(lo, low), np.minimum(hi, high)
        empty = lo > hi
        lo[empty], hi[empty] = low[empty], np.maximum(high[empty], low[empty])
        out += [lo, hi]
    return out[0], out[1], out[2], out[3]


def _solve_whole(
    model: HouseholdModel,
    reference: Reference,
    box: Box | None,
    gap_dollars: float,
    time_limit: float,
    wider: bool = False,
) -> _Outcome | None:
    """One whole-share MILP: share counts within ``box`` (None: anywhere the trade bounds
    allow), stopped at ``gap_dollars``; its plan (in the variables, and as an outcome), or None
    if there is none. ``wider``: the search for an on-target plan beyond the nearest share
    counts (:data:`WIDER_NODE_LIMIT`). See :func:`solve_integer`."""
    d = model.data
    v = model.v
    whole = np.flatnonzero(d.whole)
    price = d.price[whole] / d.scale
    # a holding of 100.35 shares: whole shares of it, or all of it with its fraction (``last``)
    held = d.x0[whole] / d.price[whole]
    whole_held = np.floor(held + 1e-9)
    if box is None:
        box = (np.zeros(len(whole)), np.full(len(whole), np.inf), np.zeros(len(whole)),
               whole_held)
    n_buy = cp.Variable(len(whole), integer=True, name="whole_buy",
                        bounds=[box[0], _finite(box[1])])
    n_sell = cp.Variable(len(whole), integer=True, name="whole_sell", bounds=[box[2], box[3]])
    excess = cp.Variable(len(d.classes), nonneg=True, name="excess_l1")
    dev = v.deviation() - reference.excess
    band = model.tolerance_band()
    pick = _rows(whole, d.n_pairs)
    fraction = held - whole_held
    fraction[fraction < 1e-6] = 0.0
    sold = cp.multiply(price, n_sell)
    integers_extra: tuple[cp.Variable, ...] = ()
    fraction_sold: list[cp.Constraint] = []
    # the fraction may go where every whole share may
    has = np.flatnonzero((fraction > 0) & (box[3] >= whole_held))
    if len(has):
        last = cp.Variable(len(has), boolean=True, name="whole_sell_fraction")
        sold = sold + _rows(has, len(whole)).T @ cp.multiply(price[has] * fraction[has], last)
        integers_extra = (last,)
        # the fraction goes only with every whole share: the position sold in full
        fraction_sold = [n_sell[has] >= cp.multiply(whole_held[has], last)]
    constraints = [
        *list(model.base_constraints),
        *fraction_sold,
        pick @ v.pair_buys() == cp.multiply(price, n_buy),
        pick @ v.pair_sells() == sold,
        excess >= dev - band,
        excess >= -dev - band,
    ]
    integers: tuple[cp.Variable, ...] = (n_buy, n_sell, *integers_extra)
    extra, switches = _minimum_trade(model)
    constraints += extra
    integers += switches
    tracking = TRACKING_WEIGHT * cp.sum(excess)
    if box is None:
        limits = _Limits(gap_dollars, time_limit, WIDE_NODE_LIMIT, ", unrestricted")
    elif wider:
        limits = _Limits(gap_dollars, time_limit, WIDER_NODE_LIMIT, ", wider neighborhood",
                         options=NEIGHBORHOOD_OPTIONS)
    else:
        limits = _Limits(gap_dollars, time_limit, NODE_LIMIT, options=NEIGHBORHOOD_OPTIONS)
    if v.contribution.size:
        return _solve_lexicographic(
            model, constraints, excess, integers, limits, reference.contribution_cap
        )
    problem = cp.Problem(cp.Minimize(tracking + sum(model.terms.values())), constraints)
    if not _run(model, problem, f"whole shares (MILP{limits.label})", integers, limits):
        return None
    return _Outcome.of(model, problem, excess)


def _finite(upper: np.ndarray) -> np.ndarray:
    """cvxpy's variable bounds take no infinity: a buy's count is bounded by the money anyway."""
    return np.where(np.isfinite(upper), upper, 1e15)


@dataclass(frozen=True)
class _Limits:
    """When HiGHS stops: the gap (dollars), the time guard (seconds), and the log's label."""

    gap_dollars: float
    time_limit: float
    nodes: int
    label: str = ""
    options: tuple[tuple[str, object], ...] = ()
    """More HiGHS options."""


def _minimum_trade(model: HouseholdModel) -> tuple[list[cp.Constraint], tuple[cp.Variable, ...]]:
    """``policy.min_trade`` exactly, as semi-continuous trades: a buy is 0 or at least the
    minimum; a sale is 0 or at least the minimum, or the whole position where that is smaller
    (a switch :math:`z \\in \\{0, 1\\}` per trade that may happen):

    .. math:: m z \\le B_p \\le U_p z, \\qquad \\min(m, U^s_p) z' \\le S_p \\le U^s_p z'
    """
    d, v = model.data, model.v
    minimum = d.book.household.policy.min_trade / d.scale
    if minimum <= 0:
        return [], ()
    out: list[cp.Constraint] = []
    switches: list[cp.Variable] = []
    for trades, upper, name in (
        (v.pair_buys(), np.asarray(v.pair_buy_ub.value, dtype=float), "buy"),
        (v.pair_sells(), np.asarray(v.pair_sell_ub.value, dtype=float), "sell"),
    ):
        floor = np.minimum(minimum, upper) if name == "sell" else np.full(len(upper), minimum)
        may = np.flatnonzero((upper > 1e-12) & (upper >= floor))
        never = np.flatnonzero((upper > 1e-12) & (upper < floor))
        if len(never):
            out.append(_rows(never, d.n_pairs) @ trades == 0)
        if not len(may):
            continue
        z = cp.Variable(len(may), boolean=True, name=f"{name}_switch")
        rows = _rows(may, d.n_pairs) @ trades
        out += [rows <= cp.multiply(upper[may], z), rows >= cp.multiply(floor[may], z)]
        switches.append(z)
    return out, tuple(switches)


def _rows(picks: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros((len(picks), n))
    out[np.arange(len(picks)), picks] = 1.0
    return out


def _solve_lexicographic(
    model: HouseholdModel,
    constraints: list[cp.Constraint],
    excess: cp.Variable,
    integers: tuple[cp.Variable, ...],
    limits: _Limits,
    contribution_cap: float | None,
) -> _Outcome | None:
    """Free contributions: the whole-share plan closest to target (L1) within about the
    contribution the continuous solve found necessary, then the cheapest that close.

    One weighted objective cannot do it: the contribution's weight (``Scenario.
    contribution_weight``, 100 per unit of W) is above :data:`TRACKING_WEIGHT`, and a dollar
    of new money in an underweight class removes at most a dollar or two of L1 excess, so the
    weighted MILP contributed nothing; no fixed weight is enough either, since the last few
    dollars of excess can take any amount of whole shares to remove. Hence two solves:

    1. the smallest L1 excess, the other costs as tie-breakers, the total free contribution at
       most the continuous solve's (the contribution needed) plus one share of the dearest
       whole-share fund the free accounts can buy (:func:`_contribution_cap`): enough for the
       share that gets closer, not the open-ended search an uncapped MILP would make, buying
       many more shares for cents of excess;
    2. every cost, the contribution's included, with the L1 excess at most stage 1's (so the
       contribution is the smallest that is that close).

    Stage 1's plan is kept if stage 2 gives no answer (it is feasible, merely not the
    cheapest)."""
    v = model.v
    d = model.data
    if contribution_cap is not None:
        constraints = [*constraints, cp.sum(v.contribution) <= contribution_cap]
    tracking = TRACKING_WEIGHT * cp.sum(excess)
    others = [e for name, e in model.terms.items() if name != ContributionCost.name]
    first = cp.Problem(cp.Minimize(tracking + sum(others)), constraints)
    if not _run(model, first, f"whole shares (MILP, closest{limits.label})", integers, limits):
        return None
    saved = _Outcome.of(model, first, excess)
    second = cp.Problem(
        cp.Minimize(tracking + sum(model.terms.values())),
        [*constraints, cp.sum(excess) <= saved.excess + _excess_slack(d)],
    )
    try:
        solved = _run(model, second, f"whole shares (MILP, cheapest{limits.label})", integers,
                      limits)
    except SolverError:
        solved = False
    if not solved:
        saved.restore()
        return saved
    return _Outcome.of(model, second, excess)


def reference_of(model: HouseholdModel) -> Reference:
    """The :class:`Reference` of the continuous plan the model's variables hold: its signed
    excess beyond the tolerance per class and its contribution cap (:func:`_contribution_cap`).

    Where the target is out of reach, "as close as possible" is the smallest sum of squared
    deviations, which the continuous tracking QP found; L1 to the target itself is
    indifferent to which underweight class new money fills (buy-only money all in one class
    instead of levelled across the most underweight, say). So the MILP tracks, in L1, the
    continuous closest plan: with whole shares the result stays within about a share of it."""
    dev = np.asarray(model.v.deviation().value, dtype=float).reshape(-1)
    band = float(model.tolerance_band().value)
    beyond = np.maximum(np.abs(dev) - band, 0.0)
    beyond[beyond <= ANCHOR_MIN] = 0.0
    return Reference(np.sign(dev) * beyond, _contribution_cap(model))


def _contribution_cap(model: HouseholdModel) -> float | None:
    """The most the whole-share plan may contribute (scaled): the continuous plan's total free
    contribution plus one share of the dearest whole-share fund a free account can buy (None
    without free contributions, or without a continuous answer)."""
    d = model.data
    value = model.v.contribution.value
    if not model.v.contribution.size or value is None:
        return None
    buyable = np.zeros(d.n_pairs, dtype=bool)
    buyable[d.buy_pairs] = True
    buyable &= d.whole & d.free_flow[d.pair_account]
    one_share = float(np.nan_to_num(d.price[buyable]).max(initial=0.0)) / d.scale
    contributed = float(np.sum(np.maximum(np.asarray(value, dtype=float), 0.0)))
    return contributed + one_share + CAP_EPS


def _feasibility_options(d: ProblemData) -> dict[str, float]:
    """HiGHS's feasibility tolerances: one for the LP relaxations and the integer plan alike,
    HiGHS's MIP default (:data:`MIP_FEASIBILITY`), or tighter where a small cash flow needs it
    (:func:`~householder.optimize.model.feasibility_tolerance`): a $1,000 flow into a $10
    billion household is 1e-7 of W, inside HiGHS's MIP default of 1e-6, so the MILP kept the
    money uninvested. With the LP's default (1e-7) beside the MIP's (1e-6), HiGHS's presolve
    declared infeasible a neighborhood holding the continuous plan itself (a position sold in
    full: its whole shares and its fraction sum to the lower bound on the sale)."""
    tol = min(feasibility_tolerance(d), MIP_FEASIBILITY)
    return {"primal_feasibility_tolerance": tol, "mip_feasibility_tolerance": tol}


def _run(
    model: HouseholdModel,
    problem: cp.Problem,
    name: str,
    integers: tuple[cp.Variable, ...],
    limits: _Limits,
) -> bool:
    """One HiGHS solve of a mixed-integer ``problem``, logged; see :func:`solve_integer`."""
    d = model.data
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():  # "solution may be inaccurate": handled below
            warnings.simplefilter("ignore", UserWarning)
            problem.solve(
                solver="HIGHS",
                time_limit=limits.time_limit,
                mip_max_nodes=limits.nodes,
                **dict(limits.options),
                mip_rel_gap=REL_GAP,
                mip_abs_gap=limits.gap_dollars / d.scale,
                **_feasibility_options(d),
            )
    except cp.error.SolverError as exc:
        raise SolverError(f"the mixed-integer solve failed: {exc}") from exc
    status = str(problem.status)
    solved = status in {cp.OPTIMAL, cp.OPTIMAL_INACCURATE}
    seconds = time.perf_counter() - start
    if status == cp.USER_LIMIT:
        solved = _incumbent_is_feasible(problem, *integers)
        # the solver's own clock, not ours, says which limit it was
        solver_s = problem.solver_stats.solve_time if problem.solver_stats else None
        which = "time" if (solver_s or seconds) >= limits.time_limit * 0.99 else "node"
        status = f"{status} ({which} limit, incumbent {'kept' if solved else 'none'})"
    model.log.append(SolveRecord(name, "HIGHS", status, seconds))
    if not solved and str(problem.status) == cp.USER_LIMIT:
        raise MilpTimeout(
            f"the mixed-integer whole-share solve found no plan within {limits.nodes:,} nodes "
            f"or {limits.time_limit:g} s; policy.whole_share_method: repair rounds a "
            "continuous plan instead"
        )
    return solved


class MilpTimeout(SolverError):
    """The time limit came before any integer plan (not a sign that none exists)."""


def _incumbent_is_feasible(problem: cp.Problem, *integers: cp.Variable) -> bool:
    """After a time limit: does HiGHS hold a feasible integer plan (now in the variables)?"""
    stats = problem.solver_stats.extra_stats if problem.solver_stats else None
    status = getattr(stats, "primal_solution_status", None)
    if status is not None and int(status) != 2:  # highspy's kSolutionStatusFeasible
        return False
    if any(var.value is None for var in problem.variables()):
        return False
    for var in integers:
        value = np.asarray(var.value, dtype=float)
        if np.abs(value - np.round(value)).max(initial=0.0) > 1e-6:
            return False
    return all(
        float(np.max(c.violation(), initial=0.0)) <= FEASIBILITY_TOL for c in problem.constraints
    )
