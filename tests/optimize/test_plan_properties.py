"""Invariants of ``solve_household`` + ``build_plan`` on random households (hypothesis).

The households (``tests.optimize.households.households``): one taxable account with 1–6 lots
(gains and losses, short and long term, some bought inside the wash-sale window) plus up to
three tax-advantaged accounts, 2–4 funds (mutual funds and ETFs, priced), menus on some
accounts, a target over 2–3 classes, a random policy (tolerance, gain cap, minimum trade, whole
shares by the repair method) and tax profile (rates, NIIT, loss carryforwards).

Each invariant is the style guide's ("Tests") or issue 3's "Done means". One solve per example
is checked for all of them, to keep the suite fast; each check fails with its own message.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import HealthCheck, example, given, settings

from householder.model.types import Treatment
from tests.optimize.households import (
    Run,
    absolute_tax,
    honest_ratio,
    households,
    objective,
    per_account_baseline,
    recompute_tax,
    run_plan,
)

CENT = 0.01


# -- the checks ------------------------------------------------------------------------------------
def check_each_account_nets_to_its_own_cash_flow(r: Run) -> None:
    """buys − sells = −(cash_after − cash_before − contribution), to the cent, per account:
    money never moves between accounts."""
    for acct in r.plan.accounts:
        buys = sum(t.amount for t in acct.trades if t.action == "buy")
        sells = sum(t.amount for t in acct.trades if t.action == "sell")
        flow = acct.cash_after - acct.cash_before - acct.contribution
        assert abs((sells - buys) - flow) <= CENT / 2, (acct.id, buys, sells, flow)
        value_after = sum(h.value for h in acct.holdings_after) + acct.cash_after
        assert abs(value_after - acct.value_after) <= CENT, acct.id
        assert abs(acct.value_after - (acct.value_before + acct.contribution)) <= 0.02, acct.id


def check_trades_net_out(r: Run) -> None:
    """Across the household, buys − sells = contributions − the change in cash (the plan brings
    no money in: contributions are zero, so buys − sells is the cash it invests)."""
    buys = sum(t.amount for a in r.plan.accounts for t in a.trades if t.action == "buy")
    sells = sum(t.amount for a in r.plan.accounts for t in a.trades if t.action == "sell")
    contributions = sum(a.contribution for a in r.plan.accounts)
    cash_change = sum(a.cash_after - a.cash_before for a in r.plan.accounts)
    assert contributions == 0.0
    assert abs((buys - sells) - (contributions - cash_change)) <= CENT * len(r.plan.accounts)


def check_nothing_negative(r: Run) -> None:
    """No holding, no cash, no trade amount below zero; no lot sold beyond what it holds."""
    lots = {
        (a.id, p.fund, lt.id): lt for a in r.book.accounts for p in a.positions for lt in p.lots
    }
    for acct in r.plan.accounts:
        assert acct.cash_after >= 0, acct.id
        assert all(h.value >= 0 for h in acct.holdings_after), acct.id
        for t in acct.trades:
            assert t.amount > 0, t
            for line in t.lots:
                held = lots[(acct.id, t.fund, line.id)]
                assert line.proceeds <= held.value + 1e-9, (line, held)
                if line.shares is not None and held.shares is not None:
                    assert line.shares <= held.shares + 1e-9, (line, held)
            if t.action == "sell" and t.lots:
                assert abs(sum(line.proceeds for line in t.lots) - t.amount) <= CENT / 2, t
    # what each account holds after = what it held + bought − sold, fund by fund
    for acct_plan, acct in zip(r.plan.accounts, r.book.accounts, strict=True):
        after = {h.fund: h.value for h in acct_plan.holdings_after}
        for pos in acct.positions:
            bought = sum(
                t.amount for t in acct_plan.trades if t.fund == pos.fund and t.action == "buy"
            )
            sold = sum(
                t.amount for t in acct_plan.trades if t.fund == pos.fund and t.action == "sell"
            )
            assert sold <= pos.value + CENT / 2, (acct.id, pos.fund)
            assert abs(after.get(pos.fund, 0.0) - (pos.value + bought - sold)) <= CENT


def check_menus_and_basis(r: Run) -> None:
    """Buys only from the account's menu (or the household's universe); a taxable holding with
    unknown basis is never sold."""
    for acct_plan, acct in zip(r.plan.accounts, r.book.accounts, strict=True):
        for t in acct_plan.trades:
            if t.action == "buy":
                assert t.fund in acct.buyable, (acct.id, t.fund)
            else:
                pos = acct.position(t.fund)
                assert pos is not None and pos.basis_known, (acct.id, t.fund)
                if acct.treatment is Treatment.TAXABLE:
                    assert t.lots, (acct.id, t.fund)


def check_never_buy_and_sell_one_fund(r: Run) -> None:
    """Turnover is priced, so a plan never buys and sells the same fund in one account."""
    for acct in r.plan.accounts:
        bought = {t.fund for t in acct.trades if t.action == "buy"}
        sold = {t.fund for t in acct.trades if t.action == "sell"}
        assert not bought & sold, (acct.id, bought & sold)


def check_no_wash_sale_of_its_own(r: Run) -> None:
    """The plan never sells a lot at a loss while it buys the same fund (or group) anywhere in
    the household (issue 3, "Wash sales")."""
    groups = r.data.group_of_fund
    bought = {groups[t.fund] for a in r.plan.accounts for t in a.trades if t.action == "buy"}
    for acct in r.plan.accounts:
        for t in acct.trades:
            if t.action == "sell" and groups[t.fund] in bought:
                losses = [line for line in t.lots if line.gain < -CENT / 2]
                assert not losses, (acct.id, t.fund, losses)


def check_on_target_when_reached(r: Run) -> None:
    """``target_reached`` means every class after the trades is within ``policy.tolerance`` of
    its target (fractions rounded to 1e-6 in the output; a cent of rounding per account); when
    not reached, the plan says why."""
    if not r.plan.target_reached:
        assert r.plan.shortfall, "target not reached and no shortfall message"
        return
    # points of the post-trade total on the allocation basis, the total the reported fractions
    # are of (after tax, the after-tax total): HouseholdModel.tolerance_band; see
    # tests/plan/test_plan.py::test_after_tax_tolerance_is_points_of_the_after_tax_total
    tol = r.book.household.policy.tolerance / 100.0
    slack = 2e-6 + CENT * (len(r.plan.accounts) + 1) / max(r.plan.total_value, 1.0)
    for row in r.plan.allocation:
        assert abs(row.after - row.target) <= tol + slack, row


def check_whole_shares(r: Run) -> None:
    """ETFs trade in whole shares (a sell may also take the position's fractional part)."""
    d = r.data
    whole_funds = {d.pair_fund[p] for p in np.flatnonzero(d.whole)}
    for acct_plan, acct in zip(r.plan.accounts, r.book.accounts, strict=True):
        for t in acct_plan.trades:
            if t.fund not in whole_funds:
                assert t.shares is None
                continue
            assert t.shares is not None and t.price is not None
            frac = t.shares - math.floor(t.shares + 1e-6)
            if abs(frac) <= 1e-6 or abs(frac - 1) <= 1e-6:
                continue
            pos = acct.position(t.fund)
            held = pos.value / t.price if pos else 0.0
            held_frac = held - math.floor(held + 1e-6)
            assert t.action == "sell" and abs(frac - held_frac) <= 1e-5, t


def check_tax(r: Run) -> None:
    """The reported tax is the exact ``householder.tax`` judge on the plan's own lot lines
    (wash sales across accounts included), the realized net gain is within
    ``policy.max_realized_gain``, and the optimizer's convex stand-in never understates the
    exact tax of the year."""
    short, long, tax = recompute_tax(r.book, r.plan)
    # the plan's lot lines are rounded to cents, the recomputation is not
    lines = sum(len(t.lots) for a in r.plan.accounts for t in a.trades)
    cents = CENT * (1 + lines / 2)
    assert abs(r.plan.tax.short_term_gain - short) <= cents, (r.plan.tax, short)
    assert abs(r.plan.tax.long_term_gain - long) <= cents, (r.plan.tax, long)
    assert abs(r.plan.tax.estimated_tax - tax) <= cents, (r.plan.tax, tax)
    gain_cap = r.book.household.policy.max_realized_gain
    if gain_cap is not None:
        # on gains as realized: a loss a recent purchase washes offsets nothing (see
        # tests/plan/test_plan.py::test_gain_cap_counts_losses_a_recent_purchase_washes)
        assert short + long <= gain_cap + CENT, (short, long, gain_cap)
    assert r.sol.surrogate_tax >= absolute_tax(r.book, short, long) - CENT, (
        r.sol.surrogate_tax,
        absolute_tax(r.book, short, long),
    )


ALL_CHECKS = [
    check_each_account_nets_to_its_own_cash_flow,
    check_trades_net_out,
    check_nothing_negative,
    check_menus_and_basis,
    check_never_buy_and_sell_one_fund,
    check_no_wash_sale_of_its_own,
    check_on_target_when_reached,
    check_whole_shares,
    check_tax,
]


# Households that broke an invariant once (kept as explicit examples; see each comment).
SELLS_INTO_UNCOUNTED_CASH = {  # sold bonds into cash the allocation did not count
    "as_of": "2024-12-31",
    "target": {"us_stocks": 45, "intl_stocks": 25, "bonds": 30},
    "funds": [
        {"ticker": "F0", "expense_ratio": "0.35%", "classes": {"us_stocks": 100}},
        {"ticker": "F1", "expense_ratio": "0.35%", "classes": {"intl_stocks": 100}},
        {"ticker": "F2", "expense_ratio": "0.02%", "classes": {"bonds": 100}, "kind": "etf"},
    ],
    "accounts": [
        {
            "id": "taxable",
            "type": "taxable",
            "menu": ["F0"],
            "holdings": [
                {
                    "fund": "F2",
                    "lots": [{"id": "L1", "shares": 2, "cost": 20, "acquired": "2019-03-15"}],
                }
            ],
        }
    ],
    "policy": {"tolerance": 1.5},
    "prices": {"F0": 9.5, "F1": 25.0, "F2": 25.0},
}
WHOLE_SHARE_TOP_UP_WASH = {  # the whole-share step bought back what it sold at a loss
    "as_of": "2024-12-31",
    "target": {"stocks": 80, "bonds": 20},
    "tax": {"ordinary_rate": "37%", "long_term_rate": "20%", "niit": True},
    "funds": [
        {"ticker": "F0", "expense_ratio": "0.35%", "classes": {"stocks": 100}, "kind": "etf"},
        {"ticker": "F1", "expense_ratio": "0.04%", "classes": {"bonds": 100}, "kind": "etf"},
        {"ticker": "F2", "expense_ratio": "0.04%", "classes": {"stocks": 100}},
        {"ticker": "F3", "expense_ratio": "0.80%", "classes": {"bonds": 100}},
    ],
    "accounts": [
        {
            "id": "taxable",
            "type": "taxable",
            "holdings": [
                {
                    "fund": "F3",
                    "lots": [
                        {"id": "L1", "shares": 118, "cost": 10273.79, "acquired": "2019-03-15"}
                    ],
                }
            ],
        },
        {"id": "hsa", "type": "hsa", "holdings": [{"fund": "F0", "value": 37000}]},
    ],
    "policy": {"whole_share_method": "repair"},
    "prices": {"F0": 250.0, "F1": 250.0, "F2": 9.5, "F3": 48.37},
}
WHOLE_SHARE_SELL_OF_FRACTIONAL_POSITION = {  # floored the sell of a fractional position: overspent
    "as_of": "2024-12-31",
    "target": {"stocks": 80, "bonds": 20},
    "funds": [
        {"ticker": "F0", "expense_ratio": "0.35%", "classes": {"stocks": 100}, "kind": "etf"},
        {"ticker": "F1", "expense_ratio": "0.80%", "classes": {"bonds": 100}, "kind": "etf"},
    ],
    "accounts": [
        {
            "id": "hsa",
            "type": "hsa",
            "holdings": [{"fund": "F1", "value": 57000}, {"fund": "F0", "value": 54250}],
        },
        {
            "id": "hsa2",
            "type": "hsa",
            "cash": 40,
            "holdings": [{"fund": "F0", "value": 51000}, {"fund": "F1", "value": 69767.25}],
        },
    ],
    "policy": {"whole_share_method": "repair"},
    "prices": {"F0": 48.37, "F1": 101.0},
}
CEILED_SELL_BREAKS_GAIN_CAP = {  # ceiling a taxable whole-share sell broke the gain cap
    "as_of": "2024-12-31",
    "target": {"us_stocks": 45, "intl_stocks": 25, "bonds": 30},
    "tax": {
        "ordinary_rate": "37%",
        "niit": True,
        "loss_carryforward": {"short_term": 1500, "long_term": 800},
    },
    "funds": [
        {"ticker": "F0", "expense_ratio": "0.35%", "classes": {"us_stocks": 100}},
        {"ticker": "F1", "expense_ratio": "0.04%", "classes": {"intl_stocks": 100}, "kind": "etf"},
        {"ticker": "F2", "expense_ratio": "0.10%", "classes": {"bonds": 100}},
    ],
    "accounts": [
        {
            "id": "taxable",
            "type": "taxable",
            "cash": 125.5,
            "holdings": [
                {
                    "fund": "F1",
                    "lots": [
                        {"id": "L1", "shares": 142, "cost": 4807.98, "acquired": "2024-05-01"},
                        {"id": "L2", "shares": 3, "cost": 145.11, "acquired": "2019-03-15"},
                        {"id": "L3", "shares": 189, "cost": 8684.83, "acquired": "2019-03-15"},
                    ],
                },
                {
                    "fund": "F0",
                    "lots": [{"id": "L4", "shares": 62, "cost": 5398.09, "acquired": "2019-03-15"}],
                },
            ],
        },
        {"id": "hsa", "type": "hsa", "cash": 1000, "holdings": [], "menu": ["F2"]},
    ],
    "policy": {"max_realized_gain": 500, "whole_share_method": "repair"},
    "prices": {"F0": 48.37, "F1": 48.37, "F2": 250.0},
}
TOP_UP_BUYS_WHAT_IT_SELLS = {  # the top-up bought a share of the fund sold at a loss (gain cap)
    "as_of": "2024-12-31",
    "target": {"us_stocks": 30, "intl_stocks": 30, "bonds": 40},
    "tax": {"long_term_rate": "20%"},
    "funds": [
        {"ticker": "F0", "expense_ratio": "0.35%", "classes": {"us_stocks": 100}},
        {"ticker": "F1", "expense_ratio": "0.35%", "classes": {"intl_stocks": 100}, "kind": "etf"},
        {"ticker": "F2", "expense_ratio": "0.35%", "classes": {"bonds": 100}},
        {
            "ticker": "F3",
            "expense_ratio": "0.80%",
            "classes": {"us_stocks": 20, "intl_stocks": 80},
            "kind": "etf",
        },
    ],
    "accounts": [
        {
            "id": "taxable",
            "type": "taxable",
            "holdings": [
                {
                    "fund": "F2",
                    "lots": [{"id": "L1", "shares": 39, "cost": 1320.5, "acquired": "2024-12-21"}],
                },
                {
                    "fund": "F3",
                    "lots": [
                        {"id": "L2", "shares": 133, "cost": 14776.3, "acquired": "2019-03-15"},
                        {"id": "L3", "shares": 300, "cost": 21210.0, "acquired": "2023-06-01"},
                        {"id": "L4", "shares": 270, "cost": 27270.0, "acquired": "2024-05-01"},
                    ],
                },
                {
                    "fund": "F0",
                    "lots": [
                        {"id": "L5", "shares": 170, "cost": 18887.0, "acquired": "2019-03-15"},
                        {"id": "L6", "shares": 130, "cost": 5252.0, "acquired": "2019-03-15"},
                    ],
                },
            ],
        }
    ],
    "policy": {"tolerance": 1.5, "max_realized_gain": 500, "whole_share_method": "repair"},
    "prices": {"F0": 101.0, "F1": 48.37, "F2": 48.37, "F3": 101.0},
}
INTEGER_SOLVE_THEN_WASH_FIX = {  # the wash-sale re-solve after the exact whole-share solve
    "as_of": "2024-12-31",
    "target": {"stocks": 80, "bonds": 20},  # made ETF trades fractional
    "tax": {
        "ordinary_rate": "37%",
        "niit": True,
        "loss_carryforward": {"short_term": 1500, "long_term": 800},
    },
    "funds": [
        {"ticker": "F0", "expense_ratio": "0.10%", "classes": {"stocks": 100}},
        {"ticker": "F1", "expense_ratio": "0.80%", "classes": {"bonds": 100}},
        {"ticker": "F2", "expense_ratio": "0.10%", "classes": {"bonds": 100}, "kind": "etf"},
        {
            "ticker": "F3",
            "expense_ratio": "0.02%",
            "classes": {"bonds": 20, "stocks": 80},
            "kind": "etf",
        },
    ],
    "accounts": [
        {
            "id": "taxable",
            "type": "taxable",
            "cash": 3000,
            "holdings": [
                {
                    "fund": "F1",
                    "lots": [{"id": "L1", "shares": 59, "cost": 3709.98, "acquired": "2019-03-15"}],
                },
                {
                    "fund": "F0",
                    "lots": [
                        {"id": "L2", "shares": 274, "cost": 5301.35, "acquired": "2024-12-21"}
                    ],
                },
            ],
        },
        {"id": "ira", "type": "traditional_ira"},
    ],
    "policy": {"max_realized_gain": 500, "whole_share_method": "exact"},
    "prices": {"F0": 48.37, "F1": 48.37, "F2": 101.0, "F3": 101.0},
}


SOLVER_OVERSELLS_HALF_A_CENT = {  # sold $5,000.01 of a $5,000 holding (solver tolerance)
    "as_of": "2024-12-31",
    "target": {"us_stocks": 45, "intl_stocks": 25, "bonds": 30},
    "funds": [
        {"ticker": f"F{i}", "expense_ratio": "0.02%", "classes": {cls: 100}}
        for i, cls in enumerate(["us_stocks", "intl_stocks", "bonds", "us_stocks"])
    ],
    "accounts": [
        {
            "id": "taxable",
            "type": "taxable",
            "holdings": [
                {
                    "fund": "F0",
                    "lots": [{"id": "L1", "shares": 1, "cost": 9.03, "acquired": "2019-03-15"}],
                }
            ],
        },
        {"id": "acct0", "type": "traditional_401k", "holdings": [{"fund": "F1", "value": 5000}]},
        {"id": "acct1", "type": "traditional_401k", "holdings": [{"fund": "F1", "value": 45500}]},
    ],
    "policy": {"whole_shares": "never", "min_trade": 50},
    "prices": {"F0": 9.5, "F1": 9.5, "F2": 9.5, "F3": 9.5},
}

AFTER_TAX_BAND_IS_OF_THE_AFTER_TAX_TOTAL = {  # the check measured the band in pre-tax dollars
    "as_of": "2024-12-31",
    "target": {"stocks": 60, "bonds": 40},
    "funds": [
        {"ticker": "F0", "expense_ratio": "0.02%", "classes": {"stocks": 100}},
        {"ticker": "F1", "expense_ratio": "0.02%", "classes": {"bonds": 100}},
    ],
    "accounts": [
        {
            "id": "taxable",
            "type": "taxable",
            "menu": ["F0"],
            "holdings": [
                {
                    "fund": "F0",
                    "lots": [{"id": "L1", "shares": 1, "cost": 3.8, "acquired": "2019-03-15"}],
                },
                {
                    "fund": "F1",
                    "lots": [{"id": "L2", "shares": 9, "cost": 111.15, "acquired": "2019-03-15"}],
                },
            ],
        }
    ],
    "policy": {
        "tolerance": 1.5,
        "whole_shares": "never",
        "min_trade": 50,
        "allocation_basis": "after_tax",
    },
    "prices": {"F0": 9.5, "F1": 9.5},
}
AFTER_TAX_WHOLE_SHARES_SAID_REACHED = {  # solve.py judged the rounded plan in pre-tax dollars
    "as_of": "2024-12-31",
    "target": {"stocks": 60, "bonds": 40},
    "funds": [
        {"ticker": "F0", "expense_ratio": "0.02%", "classes": {"stocks": 100}},
        {"ticker": "F1", "expense_ratio": "0.02%", "classes": {"bonds": 100}, "kind": "etf"},
    ],
    "accounts": [
        {
            "id": "taxable",
            "type": "taxable",
            "menu": ["F0"],
            "holdings": [
                {
                    "fund": "F0",
                    "lots": [{"id": "L1", "shares": 1, "cost": 3.8, "acquired": "2019-03-15"}],
                }
            ],
        },
        {"id": "acct0", "type": "traditional_401k", "holdings": [{"fund": "F0", "value": 1250}]},
    ],
    "policy": {
        "tolerance": 1.5,
        "whole_share_method": "repair",
        "min_trade": 50,
        "allocation_basis": "after_tax",
    },
    "prices": {"F0": 9.5, "F1": 9.5},
}
WASHED_LOSS_UNDER_A_ZERO_GAIN_CAP = {  # the baseline counted L4's washed loss against the cap
    "as_of": "2024-12-31",
    "target": {"us_stocks": 45, "intl_stocks": 25, "bonds": 30},
    "funds": [
        {"ticker": f"F{i}", "expense_ratio": "0.02%", "classes": {cls: 100}}
        for i, cls in enumerate(["us_stocks", "intl_stocks", "bonds", "us_stocks"])
    ],
    "accounts": [
        {
            "id": "taxable",
            "type": "taxable",
            "holdings": [
                {
                    "fund": "F0",
                    "lots": [
                        {"id": "L1", "shares": 1, "cost": 3.8, "acquired": "2019-03-15"},
                        {"id": "L2", "shares": 1, "cost": 3.8, "acquired": "2019-03-15"},
                    ],
                },
                {
                    "fund": "F1",
                    "lots": [{"id": "L3", "shares": 1, "cost": 3.8, "acquired": "2019-03-15"}],
                },
                {
                    "fund": "F3",
                    "lots": [
                        {"id": "L4", "shares": 18, "cost": 188.1, "acquired": "2019-03-15"},
                        {"id": "L5", "shares": 19, "cost": 72.2, "acquired": "2024-12-21"},
                    ],
                },
            ],
        }
    ],
    "policy": {"tolerance": 0, "whole_shares": "never", "max_realized_gain": 0},
    "prices": {"F0": 9.5, "F1": 9.5, "F2": 9.5, "F3": 9.5},
}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households())
@example(SELLS_INTO_UNCOUNTED_CASH)
@example(WHOLE_SHARE_TOP_UP_WASH)
@example(WHOLE_SHARE_SELL_OF_FRACTIONAL_POSITION)
@example(CEILED_SELL_BREAKS_GAIN_CAP)
@example(TOP_UP_BUYS_WHAT_IT_SELLS)
@example(INTEGER_SOLVE_THEN_WASH_FIX)
@example(SOLVER_OVERSELLS_HALF_A_CENT)
@example(AFTER_TAX_BAND_IS_OF_THE_AFTER_TAX_TOTAL)
@example(AFTER_TAX_WHOLE_SHARES_SAID_REACHED)
@example(WASHED_LOSS_UNDER_A_ZERO_GAIN_CAP)
def test_plan_invariants(data: dict[str, Any]) -> None:
    """Every plan keeps each account's money to its own cash flow (to the cent), leaves nothing
    negative and no lot oversold, buys only from menus and never sells unknown basis, never buys
    and sells one fund in one account, makes no wash sale of its own, is on target within
    tolerance when it says so, trades ETFs in whole shares, and reports the exact tax of its own
    lot lines (with the surrogate never below it). The explicit examples each broke one of these
    once."""
    r = run_plan(data)
    for check in ALL_CHECKS:
        check(r)


WASH_CONFLICTS_RESOLVED_DIFFERENTLY = {  # two conflicts: keep F1's loss lot, sell F0's
    "as_of": "2024-12-31",
    "tax": {"ordinary_rate": "24%", "long_term_rate": "15%", "retirement_rate": "22%"},
    "target": {"us_stocks": 45, "intl_stocks": 25, "bonds": 30},
    "funds": [
        {"ticker": f"F{i}", "expense_ratio": er, "classes": {cls: 100}}
        for i, (cls, er) in enumerate(
            [("us_stocks", "0.02%"), ("intl_stocks", "0.02%"), ("bonds", "0.80%")]
        )
    ],
    "accounts": [
        {
            "id": "taxable",
            "type": "taxable",
            "holdings": [
                {
                    "fund": "F1",
                    "lots": [{"id": "L1", "shares": 1, "cost": 10.45, "acquired": "2019-03-15"}],
                },
                {
                    "fund": "F0",
                    "lots": [{"id": "L2", "shares": 3, "cost": 31.35, "acquired": "2019-03-15"}],
                },
            ],
        },
        {"id": "acct0", "type": "roth_ira", "holdings": [{"fund": "F0", "value": 250.0}]},
        {"id": "acct1", "type": "traditional_401k", "holdings": [], "menu": ["F0"]},
    ],
    "policy": {"tolerance": 0, "whole_shares": "never"},
    "prices": {"F0": 9.5, "F1": 9.5, "F2": 9.5},
}


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households(pure_funds=True, allow_whole=False, allow_min_trade=False))
@example(WASH_CONFLICTS_RESOLVED_DIFFERENTLY)
@example(WASHED_LOSS_UNDER_A_ZERO_GAIN_CAP)
def test_objective_no_worse_than_per_account_rebalance(data: dict[str, Any]) -> None:
    """Wherever rebalancing each account to the household mix on its own is feasible (and makes
    no wash sale), the plan's objective — fees over the horizon, location, the tax stand-in,
    turnover, idle cash — evaluated in numpy on both sets of trades, is no worse than that
    baseline's (issue 3, "Done means"; the style guide's "no worse than a simple baseline")."""
    r = run_plan(data)
    d = r.data
    base = per_account_baseline(d)
    if base is None:
        return
    assert r.plan.target_reached
    ours = objective(d, r.sol.buys, r.sol.sells, r.sol.lot_sells, r.sol.cash)
    theirs = objective(
        d, base.buys, base.sells, base.lot_sells, base.cash, honest_ratio(d, base.buys)
    )
    assert ours <= theirs + 1e-7 * d.scale + CENT, (ours, theirs)
