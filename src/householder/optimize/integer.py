"""Whole shares exactly: one mixed-integer solve (HiGHS through cvxpy).

The alternative to :class:`householder.optimize.solve.Solver`'s continuous-then-repair steps.
Integer share counts for every whole-share trade; tracking in L1 (HiGHS takes no quadratic
objective with integers), weighted to dominate every cost:

.. math::

    \\min\\; \\lambda \\sum_k \\max(|\\Delta_k| - tol, 0) + \\text{costs}
    \\quad\\text{s.t.}\\quad B_p = \\pi_p n^b_p,\\; S_p = \\pi_p n^s_p,
    \\; n \\in \\mathbb{Z}_{\\ge 0}

Chosen with ``policy.whole_share_method: exact``, and by ``auto`` up to
``EXACT_WHOLE_LIMIT`` whole-share pairs. ``python benchmarks/bench_plan.py --compare-whole-shares``
measures both methods (docs/performance.md, "Whole shares: exact or repair").

HiGHS stops at a gap worth about a dollar (:data:`ABS_GAP_DOLLARS`, in the model's units of
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
from householder.optimize.model import HouseholdModel, SolveRecord

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


def solve_integer(model: HouseholdModel, time_limit: float = TIME_LIMIT) -> bool:
    """Solve ``model`` with integer whole-share trades in place (variables hold the answer).

    True when the variables hold a feasible integer plan: optimal within the gaps, or HiGHS's
    incumbent when the time limit stopped it first; False when there is none (infeasible, or
    no integer plan found in time)."""
    d = model.data
    v = model.v
    whole = np.flatnonzero(d.whole)
    if not len(whole):
        return model.solve_cost()
    price = d.price[whole] / d.scale
    n_buy = cp.Variable(len(whole), integer=True, name="whole_buy")
    n_sell = cp.Variable(len(whole), integer=True, name="whole_sell")
    excess = cp.Variable(len(d.classes), nonneg=True, name="excess_l1")
    dev = v.deviation()
    pick = np.zeros((len(whole), d.n_pairs))
    pick[np.arange(len(whole)), whole] = 1.0
    constraints = [
        *list(model.base_constraints),
        n_buy >= 0,
        n_sell >= 0,
        pick @ v.pair_buys() == cp.multiply(price, n_buy),
        pick @ v.pair_sells() == cp.multiply(price, n_sell),
        excess >= dev - model.tolerance,
        excess >= -dev - model.tolerance,
    ]
    objective = TRACKING_WEIGHT * cp.sum(excess) + sum(model.terms.values())
    problem = cp.Problem(cp.Minimize(objective), constraints)
    start = time.perf_counter()
    try:
        with warnings.catch_warnings():  # "solution may be inaccurate": handled below
            warnings.simplefilter("ignore", UserWarning)
            problem.solve(
                solver="HIGHS",
                time_limit=time_limit,
                mip_rel_gap=REL_GAP,
                mip_abs_gap=ABS_GAP_DOLLARS / d.scale,
            )
    except cp.error.SolverError as exc:
        raise SolverError(f"the mixed-integer solve failed: {exc}") from exc
    status = str(problem.status)
    solved = status in {cp.OPTIMAL, cp.OPTIMAL_INACCURATE}
    if status == cp.USER_LIMIT:
        solved = _incumbent_is_feasible(problem, n_buy, n_sell)
        status = f"{status} (incumbent {'kept' if solved else 'none'})"
    model.log.append(
        SolveRecord("whole shares (MILP)", "HIGHS", status, time.perf_counter() - start)
    )
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
