"""``householder plan FILE --frontier [--points N]``: the trade-off between the tax a plan
realizes and the drift it leaves.

The plan is solved without a gain cap; its net realized gain, as the cap measures it
(:class:`~householder.optimize.constraints.GainCap`: a loss a recent purchase washes offsets
nothing), is :math:`G`. The household is then planned again, whole (every step of the pipeline,
the exact tax judge on the rounded trades), with ``policy.max_realized_gain`` at

.. math:: G_k = \\frac{k}{N - 1}\\, G, \\qquad k = 0, \\dots, N - 2

(to the cent, so that the printed cap reruns to the same plan), and the unconstrained plan is
the last point. Each point gives the tax (``estimated_tax``, exact), the drift left (half the
sum over classes of the dollars off target: what would still have to move) and the trades.

A point that another beats on both counts (no more tax and no more drift, and less of one)
is not on the frontier: it is listed under ``dominated`` with the point that beats it. Along
the frontier, in order of tax, the tax never falls and the drift never rises. Nothing here is
random: the same file gives the same frontier.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from pydantic import Field

from householder.model.book import Book
from householder.optimize import solve_household
from householder.optimize.solve import Solution
from householder.plan.build import build_plan
from householder.plan.result import Plan, Result

DEFAULT_POINTS = 5
MAX_POINTS = 50
NOISE = 0.005
"""Dollars: tax or drift closer than this are equal."""


class FrontierPoint(Result):
    max_realized_gain: float | None
    """The cap that gives this plan (``policy.max_realized_gain``; None: no cap)."""
    realized_gain: float
    """Net gain realized, short-term and long-term (the exact judge)."""
    short_term_gain: float
    long_term_gain: float
    estimated_tax: float
    drift: float
    """Dollars still off target after the plan: half the sum over classes of the distance."""
    remaining_drift: float
    """The largest distance of any class from target after the plan, in fraction points."""
    target_reached: bool
    trades: int
    turnover: float


class Dominated(Result):
    point: FrontierPoint
    beaten_by: float | None
    """The cap of the point that has no more tax and no more drift (None: the uncapped)."""


class Frontier(Result):
    household: str
    as_of: str
    command: str = "plan --frontier"
    unconstrained_gain: float
    """The uncapped plan's net realized gain as the cap counts it (washed losses count 0)."""
    points: list[FrontierPoint]
    """The frontier, in order of tax (drift falling)."""
    dominated: list[Dominated] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)


def with_gain_cap(book: Book, cap: float | None) -> Book:
    """``book`` with ``policy.max_realized_gain`` set to ``cap`` (None: no cap)."""
    household = book.household
    policy = household.policy.model_copy(update={"max_realized_gain": cap})
    return dataclasses.replace(book, household=household.model_copy(update={"policy": policy}))


def cap_gain(sol: Solution) -> float:
    """The plan's net realized gain as :class:`GainCap` measures it (the lots' realized
    ratios: a washed loss counts 0), in dollars."""
    d = sol.data
    if not d.n_lots:
        return 0.0
    return float(np.dot(sol.lot_sells, d.lot_gain_ratio))


def point_of(plan: Plan, cap: float | None) -> FrontierPoint:
    dev = [r.value_after - r.target * plan.total_value for r in plan.allocation]
    short, long = plan.tax.short_term_gain, plan.tax.long_term_gain
    economics = plan.economics
    return FrontierPoint(
        max_realized_gain=cap,
        realized_gain=round(short + long, 2) + 0.0,
        short_term_gain=short,
        long_term_gain=long,
        estimated_tax=plan.tax.estimated_tax,
        drift=round(0.5 * sum(abs(x) for x in dev), 2) + 0.0,
        remaining_drift=plan.costs.remaining_drift,
        target_reached=plan.target_reached,
        trades=economics.trades if economics is not None else 0,
        turnover=economics.turnover if economics is not None else 0.0,
    )


def caps_for(gain: float, points: int) -> list[float]:
    """The caps below the uncapped plan's gain: :math:`G k / (N - 1)` to the cent."""
    return [round(gain * k / (points - 1), 2) for k in range(points - 1)]


def frontier(book: Book, points: int = DEFAULT_POINTS) -> Frontier:
    """The frontier of ``book`` at ``points`` caps (see the module docstring)."""
    notes: list[str] = []
    own = book.household.policy.max_realized_gain
    if own is not None:
        notes.append(f"policy.max_realized_gain (${own:,.2f}) is set aside: the frontier runs "
                     "from no realized gain to no cap")
    free = with_gain_cap(book, None)
    sol = solve_household(free)
    gain = cap_gain(sol)
    last = point_of(build_plan(sol), None)
    found: list[FrontierPoint] = []
    if gain <= NOISE:
        notes.append("the plan without a cap realizes no net gain: there is no trade-off "
                     "between tax and drift to draw")
    else:
        for cap in caps_for(gain, points):
            found.append(point_of(build_plan(solve_household(with_gain_cap(book, cap))), cap))
    found.append(last)
    on, off = efficient(found)
    if off:
        notes.append(f"{len(off)} of the {len(found)} plans are beaten on both tax and drift by "
                     "another and left off the frontier (see dominated)")
    return Frontier(
        household=book.name,
        as_of=book.as_of.isoformat(),
        unconstrained_gain=round(gain, 2) + 0.0,
        points=on,
        dominated=off,
        notes=notes,
    )


def efficient(found: list[FrontierPoint]) -> tuple[list[FrontierPoint], list[Dominated]]:
    """The points no other beats (no more tax and no more drift, and less of one, or the same
    plan at a lower cap), in order of tax; and the rest with the point that beats each."""

    def beats(q: FrontierPoint, p: FrontierPoint, q_first: bool) -> bool:
        no_worse = (q.estimated_tax <= p.estimated_tax + NOISE
                    and q.drift <= p.drift + NOISE)
        better = (q.estimated_tax < p.estimated_tax - NOISE or q.drift < p.drift - NOISE)
        return no_worse and (better or q_first)

    on: list[FrontierPoint] = []
    off: list[Dominated] = []
    for i, p in enumerate(found):
        winner = next((q for j, q in enumerate(found) if j != i and beats(q, p, j < i)), None)
        if winner is None:
            on.append(p)
        else:
            off.append(Dominated(point=p, beaten_by=winner.max_realized_gain))
    on.sort(key=lambda p: (p.estimated_tax, -p.drift))
    return on, off
