"""The convex household model (cvxpy) and its solver steps. Imports cvxpy: load lazily."""

from __future__ import annotations

from householder.optimize.data import ProblemData, Scenario, assemble
from householder.optimize.solve import Solution, solve_household

__all__ = ["ProblemData", "Scenario", "Solution", "assemble", "solve_household"]
