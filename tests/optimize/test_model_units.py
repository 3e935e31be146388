"""Unit checks of single model pieces (no hypothesis): the gain cap's ratios, the after-tax
exposure of a sale, the tolerance band's total, the tracking problem's idle-cash penalty and the
shortfall's wording. Each names the formula of the piece's docstring it checks."""

from __future__ import annotations

from typing import Any

import cvxpy as cp
import numpy as np
import pytest

from householder.io.loader import build_book
from householder.optimize import Scenario, assemble, solve_household
from householder.optimize.constraints import GainCap
from householder.optimize.explain import explain_shortfall
from householder.optimize.model import HouseholdModel
from householder.optimize.terms import idle_cash_weight
from householder.optimize.variables import Variables
from householder.plan.build import build_plan
from tests.optimize.households import LAST_SPRING, LONG_AGO, RECENT, fund, household, lot

STOCK = fund("STOCK", {"stocks": 100}, "0.04%")
BOND = fund("BOND", {"bonds": 100}, "0.05%")


def _after_tax_gain_household() -> dict[str, Any]:
    """Taxable STOCK at a 90 % gain ($70,000, ρ = 15 %), bonds in a traditional IRA."""
    return household(
        accounts=[
            {
                "id": "brokerage",
                "type": "taxable",
                "menu": ["STOCK", "BOND"],
                "holdings": [{"fund": "STOCK", "lots": [lot("A", 700, 7000.0, LONG_AGO)]}],
            },
            {
                "id": "ira",
                "type": "traditional_ira",
                "holdings": [{"fund": "BOND", "value": 40000}],
            },
        ],
        funds=[STOCK, BOND],
        prices={"STOCK": 100.0},
        policy={"allocation_basis": "after_tax", "tolerance": 2},
    )


def _set(v: Variables, *, lot_sell: float = 0.0, buy_stock: float = 0.0) -> None:
    """Trades in dollars: sell ``lot_sell`` of the brokerage lot, buy ``buy_stock`` of STOCK
    there; cash from the money balance."""
    d = v.data
    w = d.scale
    v.lot_sell.value = np.array([lot_sell / w])
    buy = np.zeros(len(d.buy_pairs))
    stock_pair = next(
        p
        for p in d.buy_pairs
        if d.pair_fund[p] == "STOCK" and d.accounts[d.pair_account[p]] == "brokerage"
    )
    buy[list(d.buy_pairs).index(stock_pair)] = buy_stock / w
    v.buy.value = buy
    v.sell.value = np.zeros(len(d.sell_pairs))
    net = v.pair_to_account @ ((v.to_pair_lot @ v.lot_sell.value) - (v.to_pair_buy @ buy))
    v.cash.value = d.cash0 / w + net


# -- GainCap: Σ γ̂ s ≤ G_max with the realized (wash-sale-disallowed) ratios --------------------
def test_gain_cap_gives_a_washed_loss_no_credit() -> None:
    """A loss lot of a fund also bought 10 days before as_of: its loss is disallowed, so selling
    it counts 0 against the cap (not its true −50 %), and a gain lot still counts its γ."""
    book = build_book(
        household(
            accounts=[
                {
                    "id": "taxable",
                    "type": "taxable",
                    "holdings": [
                        {
                            "fund": "STOCK",
                            "lots": [
                                lot("NEW", 10, 1000.0, RECENT),
                                lot("LOSS", 10, 1500.0, LAST_SPRING),
                            ],
                        },
                        {"fund": "BOND", "lots": [lot("GAIN", 10, 500.0, LONG_AGO)]},
                    ],
                }
            ],
            funds=[STOCK, BOND],
            prices={"STOCK": 100.0, "BOND": 100.0},
            policy={"max_realized_gain": 0},
        )
    )
    d = assemble(book)
    v = Variables.create(d)
    (cap,) = GainCap(0.0).compile(v)
    sells = {"NEW": 0.0, "LOSS": 1000.0, "GAIN": 0.0}
    v.lot_sell.value = np.array([sells[i] for i in d.lot_ids]) / d.scale
    assert cap.expr.value * d.scale == pytest.approx(0.0, abs=1e-9)  # true ratio: −500
    sells["GAIN"] = 1000.0
    v.lot_sell.value = np.array([sells[i] for i in d.lot_ids]) / d.scale
    assert cap.expr.value * d.scale == pytest.approx(500.0, abs=1e-9)  # not 0: no offset


# -- after-tax exposure: y = E x + C c − g, a sale moves no tax ------------------------------------
def test_after_tax_sale_and_buy_back_moves_nothing() -> None:
    """Selling $10,000 of the gain lot and buying STOCK back realizes $1,350 of tax (the tax term
    prices it) but leaves every class's after-tax exposure and the total as they were; selling
    for cash moves only the dollars (the total stays)."""
    d = assemble(build_book(_after_tax_gain_household()))
    v = Variables.create(d)
    _set(v)
    y0 = np.asarray(v.exposure().value)
    assert y0.sum() * d.scale == pytest.approx(70000 - 0.15 * 63000 + 0.78 * 40000)
    _set(v, lot_sell=10000.0, buy_stock=10000.0)
    assert np.asarray(v.exposure().value) == pytest.approx(y0, abs=1e-12)
    _set(v, lot_sell=10000.0)
    y = np.asarray(v.exposure().value)
    assert y.sum() == pytest.approx(y0.sum(), abs=1e-12)
    cash = d.classes.index("cash")
    stocks = d.classes.index("stocks")
    assert (y[cash] - y0[cash]) * d.scale == pytest.approx(10000.0)
    assert (y[stocks] - y0[stocks]) * d.scale == pytest.approx(-10000.0)
    # the numpy twin agrees
    x = d.x0 - np.bincount(d.lot_pair, weights=[10000.0], minlength=d.n_pairs)
    dev = d.deviation_of(x, d.cash0 + np.array([10000.0, 0.0]))
    assert dev / d.scale == pytest.approx(np.asarray(v.deviation().value), abs=1e-12)


# -- TargetBand: |Δ| ≤ tol·1ᵀy + (width − tol) -----------------------------------------------------
def test_band_is_points_of_the_after_tax_total() -> None:
    """After tax, ``tolerance_band`` is tol × the after-tax total ($91,750 here), not tol × W."""
    model = HouseholdModel(assemble(build_book(_after_tax_gain_household())))
    model.width.value = np.full(len(model.data.classes), model.tolerance)
    assert model.solve_cost()
    band = float(model.tolerance_band().value) * model.data.scale
    assert band == pytest.approx(0.02 * 91750.0, abs=1e-4)
    dev = np.abs(np.asarray(model.v.deviation().value)) * model.data.scale
    assert np.all(dev <= band + 1e-4)


def test_withdrawal_tolerance_is_points_of_what_remains() -> None:
    """Pre-tax, a $50,000 withdrawal from $100,000 with a 5-point tolerance: every class ends
    within 5 points of the $50,000 that remains (a band of 5 % of the $100,000 before would
    allow 10)."""
    book = build_book(
        household(
            accounts=[
                {
                    "id": "ira",
                    "type": "traditional_ira",
                    "holdings": [
                        {"fund": "STOCK", "value": 70000},
                        {"fund": "BOND", "value": 30000},
                    ],
                }
            ],
            funds=[STOCK, BOND],
            policy={"tolerance": 5},
        )
    )
    sol = solve_household(book, Scenario(flows={"ira": -50000.0}, allow_buy=False))
    plan = build_plan(sol, command="contribute")
    assert sum(sol.sells) == pytest.approx(50000.0, abs=0.01)
    for row in plan.allocation:
        assert abs(row.after - row.target) <= 0.05 + 1e-6, row


# -- the tracking problem's idle cash: μ·max(Σ v c − w*_cash 1ᵀy, 0) -------------------------------
def test_idle_cash_weight_is_above_the_squared_terms_marginal() -> None:
    assert idle_cash_weight(1.0) > 2.0
    assert idle_cash_weight(0.5) > 2.0
    assert idle_cash_weight(3.0) > 6.0


def test_unreachable_target_that_names_cash_keeps_its_cash() -> None:
    """Bonds cannot be bought and the target names 10 % cash (no money market fund): the
    tracking problem holds idle cash up to the cash target but no more; the shortfall goes to
    the stock classes."""
    book = build_book(
        household(
            accounts=[
                {
                    "id": "ira",
                    "type": "traditional_ira",
                    "holdings": [{"fund": "US", "value": 90000}, {"fund": "INTL", "value": 10000}],
                }
            ],
            funds=[
                fund("US", {"us_stocks": 100}, "0.03%"),
                fund("INTL", {"intl_stocks": 100}, "0.05%"),
            ],
            target={"us_stocks": 40, "intl_stocks": 20, "bonds": 30, "cash": 10},
            policy={"tolerance": 1},
        )
    )
    model = HouseholdModel(assemble(book))
    assert model.solve_tracking() is not None
    cash = float(np.sum(model.v.cash.value)) * model.data.scale
    assert cash == pytest.approx(10000.0, abs=0.5)
    assert float(model.idle_penalty.value) == pytest.approx(0.0, abs=1e-6)


def test_tracking_penalty_is_exact_when_the_target_names_no_cash() -> None:
    """design: the penalty is exact, so the tracking optimum holds no idle cash at all."""
    book = build_book(
        household(
            accounts=[
                {
                    "id": "ira",
                    "type": "traditional_ira",
                    "cash": 5000,
                    "holdings": [{"fund": "US", "value": 90000}, {"fund": "INTL", "value": 5000}],
                }
            ],
            funds=[
                fund("US", {"us_stocks": 100}, "0.03%"),
                fund("INTL", {"intl_stocks": 100}, "0.05%"),
            ],
            target={"us_stocks": 40, "intl_stocks": 30, "bonds": 30},
        )
    )
    model = HouseholdModel(assemble(book))
    excess = model.solve_tracking()
    assert excess is not None
    assert float(np.sum(model.v.cash.value)) * model.data.scale == pytest.approx(0.0, abs=1e-3)
    # the spread: both stock classes the same distance over (least squares)
    assert excess[0] == pytest.approx(excess[1], abs=1e-6)
    assert model.tracking_problem.status == cp.OPTIMAL


# -- explain_shortfall: the binding constraint, never a guess at whole shares ----------------------
def test_shortfall_by_menus_does_not_blame_whole_shares_or_the_cap() -> None:
    """Stocks sit in an IRA that can buy only stocks; the Roth that can buy bonds has no money.
    No whole shares and no gain at all under the cap: neither is named."""
    data = household(
        accounts=[
            {
                "id": "ira",
                "type": "traditional_ira",
                "menu": ["STOCK"],
                "holdings": [{"fund": "STOCK", "value": 100000}],
            },
            {
                "id": "roth",
                "type": "roth_ira",
                "menu": ["BOND"],
                "holdings": [{"fund": "BOND", "value": 1000}],
            },
        ],
        funds=[STOCK, BOND],
        policy={"max_realized_gain": 100},
    )
    sol = solve_household(build_book(data))
    assert not sol.target_reached
    assert len(sol.shortfall) == 2
    for line in sol.shortfall:
        assert "whole shares" not in line and "gain cap" not in line, line
    bonds = next(line for line in sol.shortfall if line.startswith("bonds"))
    assert "only roth can buy bonds" in bonds
    dev = sol.data.deviation_of(sol.holdings, sol.cash)
    assert explain_shortfall(sol.data, dev) == sol.shortfall


def test_allocation_total_is_the_after_tax_total_trades_keep() -> None:
    """``ProblemData.allocation_total`` = Σ v_a (x⁰ + c⁰ + d) − 1ᵀg: $70,000 − 15 % × $63,000
    + 78 % × $40,000; pre-tax, the household value plus the cash flow."""
    d = assemble(build_book(_after_tax_gain_household()))
    assert d.allocation_total == pytest.approx(91750.0)
    data = _after_tax_gain_household()
    data["policy"] = {}
    d = assemble(build_book(data), Scenario(flows={"ira": -10000.0}, allow_buy=False))
    assert d.allocation_total == pytest.approx(100000.0)


# -- DPP: re-solving with new bounds reuses cvxpy's canonicalization -------------------------------
@pytest.mark.parametrize("after_tax", [False, True])
def test_problems_that_re_solve_with_new_parameters_are_dpp(after_tax: bool) -> None:
    """Every step re-solves the cost LP and the tracking QP with new bounds (parameters), so
    both must be DPP (cvxpy's DPP tutorial), or each solve would canonicalize from scratch; the
    buy-only and free-contribution problems too."""
    data = _after_tax_gain_household()
    if not after_tax:
        data["policy"] = {k: v for k, v in data.get("policy", {}).items()
                          if k != "allocation_basis"}
    book = build_book(data)
    for scenario in (
        Scenario(),
        Scenario(allow_sell=False, free_flow_accounts=(book.accounts[0].id,)),
        Scenario(flows={book.accounts[0].id: -1000.0}, allow_buy=False),
    ):
        model = HouseholdModel(assemble(book, scenario))
        assert model.cost_problem.is_dpp()
        assert model.tracking_problem.is_dpp()
        assert any(p is model.v.pair_buy_ub for p in model.cost_problem.parameters())
