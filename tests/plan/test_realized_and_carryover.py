"""Gains already realized this year and the loss carryover a plan uses up (issue 9, item 6).

Schedule D nets every gain and loss of the year, so the plan's start from ``tax.realized_this_year``
(IRC 1211(b), 1222; Pub 550), and the $3,000 limit applies to the year's total. A carryover the
plan uses up is worth its future tax saving: ``min(rho_lt + n, rho_ord) / (1 + discount)`` a
dollar (docs/plan.md)."""

from __future__ import annotations

from typing import Any

import pytest

from householder.tax.netting import convex_tax_bound
from householder.valuation.location import discount_rate
from tests.optimize.households import LONG_AGO, fund, household, lot, run_plan


def sell_gain(tax: dict[str, Any]) -> dict[str, Any]:
    """A taxable account that must sell $5,000 of STK (long-term, 40 % gain: $2,000) to
    reach 50/50."""
    return household(
        accounts=[
            {
                "id": "brokerage",
                "type": "taxable",
                "holdings": [
                    {"fund": "STK", "lots": [lot("L1", 200, 12_000.0, LONG_AGO)]},
                    {"fund": "BND", "lots": [lot("B1", 100, 10_000.0, LONG_AGO)]},
                ],
            }
        ],
        funds=[fund("STK", {"stocks": 100}), fund("BND", {"bonds": 100})],
        prices={"STK": 100.0, "BND": 100.0},
        target={"stocks": 50, "bonds": 50},
        tax=tax,
        policy={"whole_shares": "never"},
    )


def test_gains_net_with_losses_already_realized_this_year() -> None:
    """$5,000 of long-term losses already realized: without the plan $3,000 is deducted and
    $2,000 carried over (IRC 1211(b), 1212(b)); the plan's $2,000 long-term gain nets against
    it: still $3,000 deducted, nothing carried: no tax now (without the input, 15 %: $300),
    but $2,000 of carryover used up, worth 15 % / (1 + discount) a dollar."""
    r = run_plan(sell_gain({"realized_this_year": {"long_term": -5_000}}))
    tax = r.plan.tax
    assert tax.long_term_gain == pytest.approx(2_000, abs=0.01)
    assert tax.estimated_tax == pytest.approx(0.0, abs=0.01)
    assert tax.carryforward == 0.0
    assert tax.carryforward_used == pytest.approx(2_000, abs=0.01)
    nu = 0.15 / (1 + discount_rate(r.book))
    assert tax.carryforward_used_value == pytest.approx(2_000 * nu, abs=0.01)
    plain = run_plan(sell_gain({})).plan.tax
    assert plain.estimated_tax == pytest.approx(300.0, abs=0.01)
    assert plain.carryforward_used == 0.0


def test_short_term_gains_already_realized_make_a_loss_save_the_ordinary_rate() -> None:
    """$4,000 of short-term gains already realized this year: the plan's $2,000 long-term gain
    is taxed at 15 % either way ($300), and the year's surrogate includes the $4,000 at 24 %
    (the optimizer's G0: design/model.md)."""
    r = run_plan(sell_gain({"realized_this_year": {"short_term": 4_000}}))
    assert r.plan.tax.estimated_tax == pytest.approx(300.0, abs=0.01)
    year = convex_tax_bound(4_000, 2_000, ordinary_rate=0.24, long_term_rate=0.15)
    assert r.plan.tax.surrogate_tax == pytest.approx(year, abs=0.05)
    assert year == pytest.approx(0.24 * 4_000 + 0.15 * 2_000)


def swap_candidates(carry: float) -> dict[str, Any]:
    """Two stock funds in one taxable account, $10,000 each; one stock fund's worth must be
    sold for bonds. EXP (0.20 % a year) is a long-term lot at a $9,000 gain; CHEAP (0.03 %) is
    at cost. A $50,000 long-term carryforward absorbs either gain."""
    return household(
        accounts=[
            {
                "id": "brokerage",
                "type": "taxable",
                "holdings": [
                    {"fund": "EXP", "lots": [lot("E1", 100, 1_000.0, LONG_AGO)]},
                    {"fund": "CHEAP", "lots": [lot("C1", 100, 10_000.0, LONG_AGO)]},
                ],
            }
        ],
        funds=[
            fund("EXP", {"stocks": 100}, "0.20%"),
            fund("CHEAP", {"stocks": 100}, "0.03%"),
            fund("BND", {"bonds": 100}, "0.03%"),
        ],
        prices={"EXP": 100.0, "CHEAP": 100.0, "BND": 100.0},
        target={"stocks": 50, "bonds": 50},
        tax={"loss_carryforward": carry},
        policy={"whole_shares": "never"},
    )


def test_a_carryforward_is_not_free_to_use_up() -> None:
    """With a $50,000 carryforward either sale is tax-free this year, so an optimizer that
    counts only this year's tax sells EXP for its fees ($10,000 x 0.17 % x 25 years = $425)
    and spends $9,000 of carryover. Valued at 15 % / (1 + discount) (about $1,270), that
    carryover is worth more than the fees: the plan sells CHEAP and keeps the carryover."""
    r = run_plan(swap_candidates(50_000))
    sold = {t.fund for t in r.account("brokerage").trades if t.action == "sell"}
    assert sold == {"CHEAP"}
    assert r.plan.tax.carryforward_used == pytest.approx(0.0, abs=0.05)
    assert r.plan.tax.estimated_tax == pytest.approx(0.0, abs=0.01)


def test_surrogate_is_the_years_tax_not_the_plans_increment() -> None:
    """docs/plan.md: the stand-in is absolute, ``estimated_tax`` incremental. A $2,000
    carryforward and a $2,000 long-term gain: the year nets to zero (stand-in $0, exact $0),
    while without the plan the carryforward would deduct $2,000 at 24 %: the plan's increment
    is +$480, above the stand-in."""
    r = run_plan(sell_gain({"loss_carryforward": 2_000}))
    assert r.plan.tax.surrogate_tax == pytest.approx(0.0, abs=0.05)
    assert r.plan.tax.estimated_tax == pytest.approx(480.0, abs=0.01)
    assert r.plan.tax.surrogate_tax < r.plan.tax.estimated_tax
