"""The convex household model (cvxpy) and its solver steps. Imports cvxpy: load lazily."""

from __future__ import annotations

from householder.optimize._startup import defer_scipy_stats

defer_scipy_stats()  # before the first import of cvxpy (below)

from householder.optimize.data import ProblemData, Scenario, assemble  # noqa: E402
from householder.optimize.solve import Solution, solve_household  # noqa: E402

__all__ = ["ProblemData", "Scenario", "Solution", "assemble", "solve_household"]
