"""Whole shares exactly: one mixed-integer solve (HiGHS through cvxpy).

The alternative to :class:`householder.optimize.solve.Solver`'s continuous-then-repair steps.
Integer share counts for every whole-share trade; tracking in L1 (HiGHS takes no quadratic
objective with integers), weighted to dominate every cost:

.. math::

    \\min\\; \\lambda \\sum_k \\max(|\\Delta_k| - tol, 0) + \\text{costs}
    \\quad\\text{s.t.}\\quad B_p = \\pi_p n^b_p,\\; S_p = \\pi_p n^s_p,
    \\; n \\in \\mathbb{Z}_{\\ge 0}

Chosen with ``policy.whole_share_method: exact``; ``benchmarks/bench_whole_shares.py``
measures both methods (see docs/performance.md for why ``repair`` is the default).
"""

from __future__ import annotations

import time

import cvxpy as cp
import numpy as np

from householder.errors import SolverError
from householder.optimize.model import HouseholdModel, SolveRecord

TRACKING_WEIGHT = 50.0
"""λ per unit of deviation (fraction of W): above any cost per dollar (fees over the horizon,
tax, location, idle cash are all below ~1 per dollar)."""


def solve_integer(model: HouseholdModel, time_limit: float = 60.0) -> bool:
    """Solve ``model`` with integer whole-share trades in place (variables hold the answer)."""
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
        problem.solve(solver="HIGHS", time_limit=time_limit, mip_rel_gap=1e-6)
    except cp.error.SolverError as exc:
        raise SolverError(f"the mixed-integer solve failed: {exc}") from exc
    model.log.append(
        SolveRecord(
            "whole shares (MILP)", "HIGHS", str(problem.status), time.perf_counter() - start
        )
    )
    return problem.status in {cp.OPTIMAL, cp.OPTIMAL_INACCURATE}
