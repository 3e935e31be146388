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

HiGHS stops at a gap of a few dollars (:data:`ABS_GAP_DOLLARS`, in the model's units of
:math:`W`) or a modest relative gap, and within :data:`TIME_LIMIT` seconds; on the time limit a
feasible incumbent is kept (it is within the gap HiGHS reports), and only without one does the
caller fall back to rounding and repair.
"""

from __future__ import annotations

import time
import warnings

import cvxpy as cp
import numpy as np

from householder.errors import SolverError
from householder.optimize.data import ProblemData
from householder.optimize.model import (
    FEASIBILITY,
    HouseholdModel,
    SolveRecord,
    feasibility_tolerance,
)
from householder.optimize.state import Reference
from householder.optimize.terms import ContributionCost

TRACKING_WEIGHT = 50.0
"""λ per unit of deviation (fraction of W): above any cost per dollar (fees over the horizon,
tax, location, idle cash are all below ~1 per dollar)."""


ABS_GAP_DOLLARS = 5.0
"""Stop once the best plan found is provably within this many dollars of the optimum (the
objective carries large constants, fees over the horizon on every holding, so a relative gap
alone is either loose in dollars or far tighter than a cent). On the benchmark's typical
household HiGHS proves $5 in about 0.4 s, while its bound stalls about $3 from the incumbent,
so $1 would always run into the time limit (docs/performance.md)."""
REL_GAP = 1e-5
"""…or within this fraction of the objective HiGHS sees (a backstop: with the constants
presolved away it is below a dollar on the benchmark households)."""
TIME_LIMIT = 2.0
"""Seconds; past it, HiGHS's best feasible plan so far is kept."""
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
    model: HouseholdModel, reference: Reference, time_limit: float = TIME_LIMIT
) -> bool:
    """Solve ``model`` with integer whole-share trades in place (variables hold the answer).

    True when the variables hold a feasible integer plan: optimal within the gaps, or HiGHS's
    incumbent when the time limit stopped it first; False when there is none (infeasible, or
    no integer plan found in time).

    With free contributions (``contribute --to-target``) the solve is lexicographic, like the
    continuous path: closest to target first, then the cheapest (smallest contribution) within
    that (:func:`_solve_lexicographic`)."""
    d = model.data
    v = model.v
    whole = np.flatnonzero(d.whole)
    if not len(whole):
        return model.solve_cost()
    price = d.price[whole] / d.scale
    n_buy = cp.Variable(len(whole), integer=True, name="whole_buy")
    n_sell = cp.Variable(len(whole), integer=True, name="whole_sell")
    excess = cp.Variable(len(d.classes), nonneg=True, name="excess_l1")
    dev = v.deviation() - reference.excess
    band = model.tolerance_band()
    pick = np.zeros((len(whole), d.n_pairs))
    pick[np.arange(len(whole)), whole] = 1.0
    # a holding of 100.35 shares: whole shares of it, or all of it with its fraction (``last``)
    held = d.x0[whole] / d.price[whole]
    fraction = held - np.floor(held + 1e-9)
    fraction[fraction < 1e-6] = 0.0
    sold = cp.multiply(price, n_sell)
    integers_extra: tuple[cp.Variable, ...] = ()
    whole_held = np.floor(held + 1e-9)
    fraction_sold: list[cp.Constraint] = []
    if fraction.any():
        has = np.flatnonzero(fraction)
        last = cp.Variable(len(has), boolean=True, name="whole_sell_fraction")
        sold = sold + _rows(has, len(whole)).T @ cp.multiply(price[has] * fraction[has], last)
        integers_extra = (last,)
        # the fraction goes only with every whole share: the position sold in full
        fraction_sold = [n_sell[has] >= cp.multiply(whole_held[has], last)]
    constraints = [
        *list(model.base_constraints),
        n_buy >= 0,
        n_sell >= 0,
        n_sell <= whole_held,
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
    if v.contribution.size:
        return _solve_lexicographic(
            model, constraints, excess, integers, time_limit, reference.contribution_cap
        )
    problem = cp.Problem(cp.Minimize(tracking + sum(model.terms.values())), constraints)
    return _run(model, problem, "whole shares (MILP)", integers, time_limit)


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
    time_limit: float,
    contribution_cap: float | None,
) -> bool:
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
    if not _run(model, first, "whole shares (MILP, closest)", integers, time_limit):
        return False
    reached = float(np.sum(np.maximum(np.asarray(excess.value, dtype=float), 0.0)))
    saved = [
        (x, None if x.value is None else np.array(x.value, copy=True)) for x in first.variables()
    ]
    slack = max(EXCESS_SLACK_DOLLARS / d.scale, EXCESS_SLACK)
    second = cp.Problem(
        cp.Minimize(tracking + sum(model.terms.values())),
        [*constraints, cp.sum(excess) <= reached + slack],
    )
    try:
        solved = _run(model, second, "whole shares (MILP, cheapest)", integers, time_limit)
    except SolverError:
        solved = False
    if not solved:
        for x, value in saved:
            x.value = value
    return True


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
    """HiGHS's feasibility tolerances where a small cash flow needs them tighter than its
    defaults (:func:`~householder.optimize.model.feasibility_tolerance`): a $1,000 flow into a
    $10 billion household is 1e-7 of W, inside HiGHS's MIP default of 1e-6, so the MILP kept
    the money uninvested."""
    tol = feasibility_tolerance(d)
    if tol >= FEASIBILITY:
        return {}
    return {"primal_feasibility_tolerance": tol, "mip_feasibility_tolerance": tol}


def _run(
    model: HouseholdModel,
    problem: cp.Problem,
    name: str,
    integers: tuple[cp.Variable, ...],
    time_limit: float,
) -> bool:
    """One HiGHS solve of a mixed-integer ``problem``, logged; see :func:`solve_integer`."""
    d = model.data
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():  # "solution may be inaccurate": handled below
            warnings.simplefilter("ignore", UserWarning)
            problem.solve(
                solver="HIGHS",
                time_limit=time_limit,
                mip_rel_gap=REL_GAP,
                mip_abs_gap=ABS_GAP_DOLLARS / d.scale,
                **_feasibility_options(d),
            )
    except cp.error.SolverError as exc:
        raise SolverError(f"the mixed-integer solve failed: {exc}") from exc
    status = str(problem.status)
    solved = status in {cp.OPTIMAL, cp.OPTIMAL_INACCURATE}
    if status == cp.USER_LIMIT:
        solved = _incumbent_is_feasible(problem, *integers)
        status = f"{status} (incumbent {'kept' if solved else 'none'})"
    model.log.append(SolveRecord(name, "HIGHS", status, time.perf_counter() - start))
    if not solved and str(problem.status) == cp.USER_LIMIT:
        raise MilpTimeout(
            f"the mixed-integer whole-share solve found no plan within {time_limit:g} s; "
            "policy.whole_share_method: repair rounds a continuous plan instead"
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
