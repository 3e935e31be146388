"""``plan --frontier``: tax realized against drift left, from no realized gain to no cap; along
the frontier the tax never falls and the drift never rises, each point reruns to its plan, and
the same file gives the same frontier."""

from __future__ import annotations

import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from typer.testing import CliRunner

from householder.cli import app
from householder.io import build_book
from householder.optimize import solve_household
from householder.plan.build import build_plan
from householder.plan.frontier import Frontier, FrontierPoint, caps_for, efficient, frontier
from tests.optimize.households import households

runner = CliRunner()

GAINS: dict[str, Any] = {
    "name": "Frontier",
    "as_of": "2026-12-04",
    "tax": {"ordinary_rate": "32%", "long_term_rate": "15%"},
    "target": {"stocks": 60, "bonds": 40},
    "accounts": [
        {"id": "brokerage", "type": "taxable", "holdings": [
            {"fund": "VTI", "price": 290, "lots": [
                {"id": "A", "shares": 100, "cost": 9_000, "acquired": "2015-01-05"},
                {"id": "B", "shares": 100, "cost": 18_000, "acquired": "2019-01-05"},
                {"id": "C", "shares": 50, "cost": 13_000, "acquired": "2022-01-05"}]},
            {"fund": "BND", "price": 72, "lots": [
                {"id": "D", "shares": 100, "cost": 7_500, "acquired": "2020-01-05"}]}]},
        {"id": "ira", "type": "traditional_ira", "holdings": [
            {"fund": "VTSAX", "value": 10_000}, {"fund": "VBTLX", "value": 5_000}]},
    ],
}


def frontier_of(data: dict[str, Any], points: int = 5) -> Frontier:
    return frontier(build_book(copy.deepcopy(data)), points)


def check_along(f: Frontier) -> None:
    for a, b in zip(f.points, f.points[1:], strict=False):
        assert b.estimated_tax >= a.estimated_tax, (a, b)
        assert b.drift <= a.drift, (a, b)


def test_the_frontier_runs_from_no_gain_to_no_cap() -> None:
    f = frontier_of(GAINS, points=6)
    assert [p.max_realized_gain for p in f.points] == [*caps_for(f.unconstrained_gain, 6), None]
    first, last = f.points[0], f.points[-1]
    assert first.max_realized_gain == 0.0 and first.realized_gain <= 0.0
    assert first.estimated_tax <= 0.0 < last.estimated_tax
    assert last.drift == 0.0 < first.drift
    check_along(f)
    for p in f.points:
        if p.max_realized_gain is not None:
            assert p.realized_gain <= p.max_realized_gain + 0.01
    # the uncapped point is the plan itself
    plan = build_plan(solve_household(build_book(copy.deepcopy(GAINS))))
    assert (last.estimated_tax, last.trades) == (plan.tax.estimated_tax,
                                                 plan.economics.trades if plan.economics else 0)


def test_a_point_reruns_to_its_plan() -> None:
    """A planner picks a point and sets policy.max_realized_gain to its cap: the same plan."""
    f = frontier_of(GAINS, points=4)
    point = f.points[1]
    assert point.max_realized_gain is not None
    data = copy.deepcopy(GAINS)
    data["policy"] = {"max_realized_gain": point.max_realized_gain}
    plan = build_plan(solve_household(build_book(data)))
    assert plan.tax.estimated_tax == point.estimated_tax
    assert plan.costs.remaining_drift == point.remaining_drift


def test_the_same_file_gives_the_same_frontier() -> None:
    assert frontier_of(GAINS, 4).to_json() == frontier_of(GAINS, 4).to_json()


def test_no_trade_off_without_gains() -> None:
    data = copy.deepcopy(GAINS)
    data["target"] = {"stocks": 75, "bonds": 25}
    data["accounts"][0]["holdings"][0]["lots"] = [
        {"id": "A", "shares": 250, "cost": 90_000, "acquired": "2015-01-05"}]
    f = frontier_of(data)
    assert len(f.points) == 1 and f.points[0].max_realized_gain is None
    assert any("no trade-off" in n for n in f.notes)


def point(cap: float | None, tax: float, drift: float) -> FrontierPoint:
    return FrontierPoint(max_realized_gain=cap, realized_gain=0, short_term_gain=0,
                         long_term_gain=0, estimated_tax=tax, drift=drift, remaining_drift=0,
                         target_reached=drift == 0, trades=0, turnover=0)


def test_dominated_plans_leave_the_frontier() -> None:
    """A plan with more tax and no less drift than another is not on the frontier; the same
    plan at a higher cap is kept once, at the lower cap."""
    on, off = efficient([
        point(0, 0, 100), point(10, 5, 100), point(20, 3, 50), point(30, 3, 50),
        point(None, 9, 0),
    ])
    assert [p.max_realized_gain for p in on] == [0, 20, None]
    assert {(d.point.max_realized_gain, d.beaten_by) for d in off} == {(10, 0), (30, 20)}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households(max_accounts=3, allow_whole=False, allow_min_trade=False))
def test_along_any_frontier_tax_rises_and_drift_falls(data: dict[str, Any]) -> None:
    f = frontier_of(data, points=3)
    assert f.points
    check_along(f)
    assert f.points[-1].max_realized_gain is None or any(
        d.point.max_realized_gain is None for d in f.dominated
    )


def test_cli_frontier_json_and_usage(tmp_path: Any) -> None:
    path = tmp_path / "f.json"
    path.write_text(json.dumps(GAINS))
    result = runner.invoke(app, ["plan", str(path), "--frontier", "--points", "3", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["command"] == "plan --frontier"
    assert [p["max_realized_gain"] for p in doc["points"]][-1] is None
    assert {"estimated_tax", "drift", "trades", "realized_gain"} <= set(doc["points"][0])
    usage = runner.invoke(app, ["plan", str(path), "--points", "3"])
    assert usage.exit_code == 2
    usage = runner.invoke(app, ["plan", str(path), "--frontier", "--csv", str(tmp_path / "x")])
    assert usage.exit_code == 2
