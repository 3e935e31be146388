"""The household model: variables, terms and constraints assembled into two cvxpy problems.

- the **cost** problem (an LP): fees + tax + turnover + idle cash − location value, subject to
  the money balance, the trade bounds, the gain cap and the target band
  :math:`|\\Delta_k| \\le \\text{tol}\\,\\mathbf 1^\\top y + (\\text{width}_k - \\text{tol})`;
- the **tracking** problem (a QP): the smallest squared excess beyond the tolerance, plus an
  exact L1 penalty on idle cash (:class:`~householder.optimize.terms.IdleCashPenalty`),
  :math:`\\sum_k \\max(|\\Delta_k| - \\text{tol}\\,\\mathbf 1^\\top y, 0)^2
  + \\mu\\, \\max(\\textstyle\\sum_a v_a c_a - w^*_{cash} \\mathbf 1^\\top y, 0)`, used only
  when the target cannot be reached.

The tolerance is in points of the post-trade total on the allocation basis,
:math:`\\mathbf 1^\\top y` (the after-tax total after tax), the total the allocation's fractions
are of.

Both are built once; the numbers that change between solves (band widths, trade bounds) are
parameters, so a re-solve reuses cvxpy's canonicalization.
"""

from __future__ import annotations

import os
import sys
import time
import warnings
from dataclasses import dataclass, field

import cvxpy as cp
import numpy as np

from householder.errors import SolverError
from householder.optimize.constraints import TargetBand, base_constraints
from householder.optimize.data import ProblemData
from householder.optimize.state import UNCAPPED, Bounds, Point
from householder.optimize.terms import (
    CapitalGainsTax,
    IdleCashPenalty,
    cost_terms,
    idle_cash_weight,
)
from householder.optimize.variables import Variables

LP_SOLVERS = ("HIGHS", "CLARABEL", "SCS")
QP_SOLVERS = ("CLARABEL", "OSQP", "SCS")
FEASIBLE = {cp.OPTIMAL, cp.OPTIMAL_INACCURATE}
SOLVER_MODULES = {"HIGHS": "highspy", "CLARABEL": "clarabel", "OSQP": "osqp", "SCS": "scs"}
"""The Python module each solver the model may ask for comes in."""


def _installed(solvers: dict[str, str]) -> frozenset[str]:
    """The solvers whose module is installed, found without importing them:
    ``cp.installed_solvers()`` imports every solver cvxpy knows, and OSQP imports jinja2 for
    its code generation, about 0.15 s of the CLI's start that ``import cvxpy`` does not pay
    (docs/performance.md)."""
    from importlib.util import find_spec

    return frozenset(name for name, module in solvers.items() if find_spec(module) is not None)


_INSTALLED_SOLVERS = _installed(SOLVER_MODULES)
"""Asked once per process."""
IPM_MIN_COLUMNS = 3000
"""Lots plus (account, fund) pairs from which the LPs go to HiGHS's interior point method."""
SIMPLEX_MAX_COLUMNS = 30_000
"""Without presolve (after a whole-share rounding, :meth:`HouseholdModel.solve_cost`), HiGHS's
dual simplex up to this many lots plus pairs, its interior point method beyond (the simplex
took 68 s on the 100,000-lot LP even with presolve)."""
FEASIBILITY = 1e-7
"""The LP's primal feasibility tolerance (scaled: a fraction of the household value W),
HiGHS's default..."""
MIN_FEASIBILITY = 1e-10
"""...tightened, down to this (HiGHS's least), where a fixed cash flow is small against W..."""
FLOW_ACCURACY = 1e-4
"""...so that the flow is placed to this fraction of itself: $1,000 into a $10 billion
household is 1e-7 of W, which HiGHS's default would let the money balance miss whole (it
left the money uninvested)."""


def feasibility_tolerance(d: ProblemData) -> float:
    r"""The LP solvers' primal feasibility tolerance (scaled) for household ``d``:
    :math:`\min(10^{-7}, \max(10^{-10}, 10^{-4} \min_a |f_a| / W))` over the accounts'
    nonzero fixed flows :math:`f_a`; :data:`FEASIBILITY` without flows."""
    flows = np.abs(d.flow[d.flow != 0])
    if not len(flows):
        return FEASIBILITY
    need = FLOW_ACCURACY * float(flows.min()) / d.scale
    return float(np.clip(need, MIN_FEASIBILITY, FEASIBILITY))


@dataclass
class SolveRecord:
    problem: str
    solver: str
    status: str
    seconds: float


@dataclass
class HouseholdModel:
    data: ProblemData
    v: Variables = field(init=False)
    width: cp.Parameter = field(init=False)
    terms: dict[str, cp.Expression] = field(init=False)
    log: list[SolveRecord] = field(default_factory=list)
    build_seconds: float = 0.0

    def __post_init__(self) -> None:
        start = time.perf_counter()
        d = self.data
        self.v = Variables.create(d)
        constraints = base_constraints(d, self.v)
        self.terms = {}
        term_objects = cost_terms(d)
        for term in term_objects:
            expr, extra = term.compile(self.v)
            self.terms[term.name] = expr
            constraints += extra
        self.tax_term = next((t for t in term_objects if isinstance(t, CapitalGainsTax)), None)
        self.base_constraints = constraints
        self.width = cp.Parameter(len(d.classes), nonneg=True, name="band_width")
        self.width.value = np.full(len(d.classes), self.tolerance)
        band = TargetBand(self.width, self.tolerance).compile(self.v)
        self.cost_problem = cp.Problem(cp.Minimize(sum(self.terms.values())), constraints + band)
        excess = cp.Variable(len(d.classes), nonneg=True, name="excess")
        dev = self.v.deviation()
        self.excess = excess
        idle, _ = IdleCashPenalty(idle_cash_weight(self.total_bound())).compile(self.v)
        self.idle_penalty = idle
        slack = self.tolerance_band()
        self.tracking_problem = cp.Problem(
            cp.Minimize(cp.sum_squares(excess) + idle),
            [*constraints, excess >= dev - slack, excess >= -dev - slack],
        )
        self.build_seconds = time.perf_counter() - start

    # -- state in and out ------------------------------------------------------------------------
    def load(self, bounds: Bounds, point: Point | None = None) -> None:
        """Set the bound parameters, and the variables to ``point``'s values where given (what
        the whole-share solve reads as the continuous plan it replaces)."""
        self.v.load(bounds)
        if point is not None:
            variables = {x.name(): x for x in self._variables()}
            for name, value in point.values.items():
                if name in variables:
                    variables[name].value = value

    def _variables(self) -> list[cp.Variable]:
        v = self.v
        return [v.buy, v.sell, v.lot_sell, v.contribution, v.cash]

    def point(self) -> Point:
        """The variables' current values as a :class:`Point`."""
        d = self.data
        v = self.v
        raw = {x.name(): x.value for x in self._variables()}
        values = {x.name(): _value(x) for x in self._variables()}
        buys = np.asarray(v.to_pair_buy @ values["buy"], dtype=float) * d.scale
        sells = np.asarray(v.to_pair_sell @ values["sell"], dtype=float)
        if d.n_lots:
            sells = sells + v.to_pair_lot @ values["lot_sell"]
        sells = np.asarray(sells, dtype=float) * d.scale
        lot_sells = values["lot_sell"] * d.scale
        flows = d.flow.copy()
        if v.contribution.size:
            flows = flows + np.asarray(v.free_to_account @ values["contribution"]) * d.scale
        cash = values["cash"] * d.scale
        terms = {
            name: float(expr.value) for name, expr in self.terms.items() if expr.value is not None
        }
        surrogate = getattr(self.tax_term, "surrogate", None)
        surrogate_tax = (
            float(surrogate.value)
            if surrogate is not None and surrogate.value is not None
            else terms.get("tax", 0.0)
        )
        return Point(
            values={k: np.array(x, copy=True) for k, x in raw.items() if x is not None},
            buys=buys,
            sells=sells,
            lot_sells=lot_sells,
            cash=cash,
            flows=flows,
            deviation=np.asarray(v.deviation().value, dtype=float).reshape(-1) * d.scale,
            total=float(v.total().value) * d.scale,
            terms=terms,
            surrogate_tax=surrogate_tax,
        )

    @property
    def tolerance(self) -> float:
        return self.data.book.household.policy.tolerance / 100.0

    def tolerance_band(self) -> cp.Expression:
        """:math:`\\text{tol}\\,\\mathbf 1^\\top y` (scaled): the tolerance in points of the
        post-trade total on the allocation basis. What an excess is measured beyond, here and
        in any other tracking formulation (``excess >= |dev| - model.tolerance_band()``)."""
        return self.tolerance * self.v.total()

    def total_bound(self) -> float:
        """An upper bound on :math:`\\mathbf 1^\\top y` (household values): today's pre-tax
        total, the fixed contributions and the free ones up to their caps."""
        d = self.data
        fixed = float(d.x0.sum() + d.cash0.sum() + np.maximum(d.flow, 0.0).sum()) / d.scale
        free = np.minimum(d.free_flow_cap[d.free_flow] / d.scale, UNCAPPED)
        return fixed + float(free.sum())

    # -- solving ---------------------------------------------------------------------------------
    def _solve(
        self,
        problem: cp.Problem,
        name: str,
        solvers: tuple[str, ...],
        highs_extra: dict[str, object] | None = None,
    ) -> str:
        """Solve with the first solver that gives an answer; returns cvxpy's status.
        ``highs_extra``: more HiGHS options."""
        last_error: Exception | None = None
        installed = _INSTALLED_SOLVERS
        for solver in solvers:
            if solver not in installed:
                continue
            start = time.perf_counter()
            try:
                with warnings.catch_warnings():  # "may be inaccurate": the status says so
                    warnings.simplefilter("ignore", UserWarning)
                    problem.solve(
                        solver=solver,
                        **_options(solver, self.large, self.feasibility, highs_extra),
                    )
            except cp.error.SolverError as exc:
                last_error = exc
                self.log.append(SolveRecord(name, solver, "error", time.perf_counter() - start))
                continue
            status = str(problem.status)
            self.log.append(SolveRecord(name, solver, status, time.perf_counter() - start))
            if status in FEASIBLE or status in {cp.INFEASIBLE, cp.INFEASIBLE_INACCURATE}:
                if status == cp.INFEASIBLE_INACCURATE:
                    continue  # ask the next solver before believing it
                return status
        if last_error is not None and not self.log:
            raise SolverError(f"every solver failed: {last_error}")
        return str(problem.status) if problem.status else "solver_error"

    @property
    def feasibility(self) -> float:
        return feasibility_tolerance(self.data)

    @property
    def columns(self) -> int:
        """Lots plus pairs: the size that chooses HiGHS's method."""
        return self.data.n_lots + self.data.n_pairs

    @property
    def large(self) -> bool:
        """Whether the LP is large enough for HiGHS's interior point method (see _options)."""
        return self.columns >= IPM_MIN_COLUMNS

    def solve_cost(self, width: np.ndarray | None = None, no_presolve: bool = False) -> bool:
        """The cheapest plan with every class within ``width`` (scaled; default the current
        band) of target; False when there is none.

        ``no_presolve``: a large LP goes to HiGHS without presolve. On the 10,000-lot
        benchmark, once whole shares were rounded and fixed (``no_presolve`` is set then),
        HiGHS's presolve called the LP after the tracking QP infeasible in its first sweep
        (0.1 s), whatever the slack on the band and with every presolve rule off, though the
        QP's plan meets its constraints to 1e-14; cvxpy then asked HiGHS for a dual ray, a
        full dual simplex solve (5–11 s) that found the LP feasible after all; the width loop
        of :meth:`~householder.optimize.steps.Context.closest` did that five times, then a
        fallback floored every taxable sale and reported a shortfall of $2,270 a class where
        the real one is $8–35 (docs/performance.md). Without presolve, IPM solves it."""
        if width is not None:
            self.width.value = width
        if no_presolve and self.large:
            # without presolve the dual simplex solved the 10,000-lot LP in 1.2 s, IPM in 2.8 s
            method = "simplex" if self.columns < SIMPLEX_MAX_COLUMNS else "ipm"
            return self._solve(self.cost_problem, "cost", ("HIGHS", "CLARABEL"),
                               {"presolve": "off", "solver": method}) in FEASIBLE
        return self._solve(self.cost_problem, "cost", LP_SOLVERS) in FEASIBLE

    def solve_tracking(self) -> np.ndarray | None:
        """The smallest excess beyond tolerance per class (scaled), or None if infeasible."""
        status = self._solve(self.tracking_problem, "tracking", QP_SOLVERS)
        if status not in FEASIBLE or self.excess.value is None:
            return None
        excess: np.ndarray = np.maximum(np.asarray(self.excess.value, dtype=float), 0.0)
        return excess


def _silence_highs_banner() -> None:
    """HiGHS prints a banner to stdout the first time a solver is made in a process, whatever
    the options; that would corrupt ``--json`` output. Make the first one with stdout closed."""
    try:
        import highspy
    except ImportError:
        return
    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)


_silence_highs_banner()


def _options(
    solver: str,
    large: bool = False,
    feasibility: float = FEASIBILITY,
    highs_extra: dict[str, object] | None = None,
) -> dict[str, object]:
    """Solver options. HiGHS's interior point method (with crossover, so the answer is still a
    vertex) on large LPs: on the benchmark's 100,000-lot household the dual simplex took 68 s on
    the last cost LP where the IPM took 9 s (docs/performance.md). HiGHS's primal feasibility
    tolerance is :func:`feasibility_tolerance` (its default, 1e-7, unless a small cash flow
    needs it tighter)."""
    if solver == "CLARABEL":
        return {"tol_gap_abs": 1e-10, "tol_gap_rel": 1e-10, "tol_feas": 1e-10}
    if solver == "HIGHS":
        options: dict[str, object] = {"solver": "ipm"} if large else {}
        if feasibility < FEASIBILITY:
            options["primal_feasibility_tolerance"] = feasibility
        options.update(highs_extra or {})
        return {"highs_options": options} if options else {}
    return {}


def _value(var: cp.Variable) -> np.ndarray:
    """A variable's value, clipped at 0 (nonneg variables a solver leaves a hair below), or
    zeros before any solve."""
    value = var.value
    if value is None:
        return np.zeros(var.size)
    out: np.ndarray = np.maximum(np.asarray(value, dtype=float).reshape(-1), 0.0)
    return out
