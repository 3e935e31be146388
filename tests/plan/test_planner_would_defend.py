"""Asset location and trades a careful planner would defend (issue 11): the location literature's
households trade as their sources do, every trade's reason is its cause with its figure, no
trade is smaller than the minimum, no sale leaves dust behind, and the plan says what its trades
buy."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from householder.io import build_book, load_household
from householder.optimize import solve_household
from householder.plan.build import build_plan
from householder.plan.locate import locate
from householder.plan.result import Plan
from householder.valuation.facts import household_facts
from householder.valuation.location import LocationValues

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
FUNDS = [
    {"ticker": "STK", "expense_ratio": "0.04%", "classes": {"stocks": 100}, "kind": "mutual_fund"},
    {"ticker": "BND", "expense_ratio": "0.04%", "classes": {"bonds": 100}, "kind": "mutual_fund"},
]


def trades(plan: Plan) -> dict[tuple[str, str, str], float]:
    return {(a.id, t.action, t.fund): t.amount for a in plan.accounts for t in a.trades}


def plan_of(data: dict[str, Any]) -> Plan:
    return build_plan(solve_household(build_book(data)))


def test_mary_trades_as_reichenstein_does() -> None:
    """Reichenstein, "IRAs: Four Facts You Should Know" (Mary, tax-adjusted): taxable $1,000 of
    stock at a $1,000 basis, traditional IRA $1,000 of bonds, 24 % / 15 % / 25 %, 50/50 after
    tax. The IRA's $750 after tax is all bonds, so the source sells $125 of stock and buys $125
    of bonds in taxable, and leaves the IRA alone (the tool used to swap both accounts)."""
    book = load_household(EXAMPLES / "mary.yaml")
    plan = build_plan(solve_household(book))
    assert trades(plan) == {
        ("taxable", "sell", "STK"): 125.0,
        ("taxable", "buy", "BND"): 125.0,
    }
    assert plan.target_reached


def test_oblivious_investor_switches_6000_inside_the_roth() -> None:
    """The Oblivious Investor, "Tax-Adjusted Asset Allocation": $40,000 Roth in stocks, $40,000
    401(k) in bonds, $20,000 taxable in stocks, 25 %: 60/40 after tax is reached by one $6,000
    switch from stocks to bonds inside the Roth (the tool used to move $76,000 and put the whole
    taxable account into bonds)."""
    plan = plan_of(
        {
            "name": "Oblivious Investor",
            "as_of": "2025-01-02",
            "tax": {"ordinary_rate": "25%", "long_term_rate": "15%", "retirement_rate": "25%"},
            "target": {"stocks": 60, "bonds": 40},
            "policy": {"allocation_basis": "after_tax"},
            "funds": FUNDS,
            "accounts": [
                {"id": "roth", "type": "roth_ira", "holdings": [{"fund": "STK", "value": 40000}]},
                {"id": "k401", "type": "traditional_401k",
                 "holdings": [{"fund": "BND", "value": 40000}]},
                {"id": "taxable", "type": "taxable", "holdings": [
                    {"fund": "STK", "value": 20000, "cost": 20000, "acquired": "2024-01-02"}]},
            ],
        }
    )
    assert trades(plan) == {("roth", "sell", "STK"): 6000.0, ("roth", "buy", "BND"): 6000.0}


@pytest.mark.parametrize("basis", ["pre_tax", "after_tax"])
def test_bonds_stay_in_the_401k_stocks_in_taxable(basis: str) -> None:
    """Bogleheads wiki, "Tax-efficient fund placement"; Dammon, Spatt & Zhang (2004): bonds in
    tax-deferred accounts and stocks in taxable. A household already placed so, a little off
    its target, rebalances without moving bonds out of the 401(k), on either basis."""
    plan = plan_of(
        {
            "name": "Placed",
            "as_of": "2025-01-02",
            "tax": {"ordinary_rate": "24%", "long_term_rate": "15%", "retirement_rate": "22%"},
            "target": {"stocks": 60, "bonds": 40},
            "policy": {"allocation_basis": basis},
            "funds": FUNDS,
            "accounts": [
                {"id": "k401", "type": "traditional_401k",
                 "holdings": [{"fund": "BND", "value": 40000}, {"fund": "STK", "value": 20000}]},
                {"id": "taxable", "type": "taxable", "holdings": [
                    {"fund": "STK", "value": 60000, "cost": 60000, "acquired": "2024-01-02"}]},
            ],
        }
    )
    assert ("k401", "sell", "BND") not in trades(plan)
    assert ("taxable", "buy", "BND") not in trades(plan)
    assert ("k401", "buy", "BND") in trades(plan)


def test_locate_explains_with_the_figures_it_maximizes() -> None:
    """Each class's explanation gives what a dollar of it grows to in a Roth and loses in
    taxable and in a traditional account at the horizon: the numbers of the one location
    table, so they cannot point the other way from the placement."""
    book = load_household(EXAMPLES / "mary.yaml")
    result = locate(book)
    values = LocationValues(household_facts(book))
    keep = 1 - book.household.tax.retirement
    from householder.model.types import Treatment

    for cls in ("stocks", "bonds"):
        roth = values.class_value(Treatment.TAX_EXEMPT, cls)
        taxable = roth - values.class_value(Treatment.TAXABLE, cls)
        traditional = roth - values.class_value(Treatment.TAX_DEFERRED, cls) / keep
        text = result.why[cls]
        assert f"grows to {roth:.2f}" in text
        assert f"loses {taxable:.2f} of that in taxable, {traditional:.2f}" in text
    # the class that loses more in taxable is the one sheltered
    stocks_loss = values.class_value(Treatment.TAX_EXEMPT, "stocks") - values.class_value(
        Treatment.TAXABLE, "stocks")
    bonds_loss = values.class_value(Treatment.TAX_EXEMPT, "bonds") - values.class_value(
        Treatment.TAXABLE, "bonds")
    assert bonds_loss > stocks_loss
    assert "bonds" in result.placement["ira"] and "stocks" not in result.placement["ira"]


EXAMPLE_FILES = sorted(p for p in EXAMPLES.glob("*.yaml"))


@pytest.fixture(scope="module", params=EXAMPLE_FILES, ids=lambda p: p.stem)
def example_plan(request: pytest.FixtureRequest) -> tuple[Any, Plan]:
    book = load_household(request.param)
    return book, build_plan(solve_household(book))


def test_every_reason_is_its_cause_with_its_figure(example_plan: tuple[Any, Plan]) -> None:
    """On every example: each trade's cause is a term that gains (drift closed, fees saved, or
    location value, over the hurdle the policy sets), its reason names that term with the
    figure of its benefit, and a move between two accounts of one tax treatment is never
    called a location trade."""
    book, plan = example_plan
    policy = book.household.policy
    for acct in plan.accounts:
        for t in acct.trades:
            b = t.benefit
            assert b is not None
            if b.cause == "drift":
                assert b.drift_closed >= 1.0, t
                assert f"closes ${b.drift_closed:,.2f} of drift" in t.reason
            elif b.cause == "fees":
                assert b.fees_per_year > 0, t
                assert f"saves ${b.fees_per_year:,.2f} a year" in t.reason
            elif b.cause == "location":
                assert b.location_value > 0, t
                assert f"worth ${b.location_value:,.2f} more after tax" in t.reason
                assert "asset location" in t.reason
            if "asset location" in t.reason:
                assert b.cause == "location"
    del policy


def test_min_trade_holds_for_every_trade(example_plan: tuple[Any, Plan]) -> None:
    """``policy.min_trade`` for every trade, whole-share remainders included
    (examples/two-earner.yaml, $50: it used to buy $2.85 of VTIAX)."""
    book, plan = example_plan
    minimum = book.household.policy.min_trade
    for acct in plan.accounts:
        for t in acct.trades:
            assert t.amount >= minimum - 0.005, (acct.id, t.fund, t.amount)


def test_no_sale_leaves_dust(example_plan: tuple[Any, Plan]) -> None:
    """A sale that would leave less than the minimum trade or one share of a position sells
    all of it (examples/three-account.yaml used to leave $200 of VTSAX and $30 of VTIAX in the
    Roth)."""
    book, plan = example_plan
    minimum = book.household.policy.min_trade
    for acct in plan.accounts:
        sold = {t.fund for t in acct.trades if t.action == "sell"}
        for h in acct.holdings_after:
            if h.fund in sold:
                price = book.prices.get(h.fund) or 0.0
                assert h.value >= max(minimum, price, 0.01) - 0.005, (acct.id, h)


def test_economics_say_what_the_trades_buy(example_plan: tuple[Any, Plan]) -> None:
    """The number of trades, the turnover and the gain by term, in the JSON and one line."""
    _, plan = example_plan
    e = plan.economics
    assert e is not None
    n = sum(len(a.trades) for a in plan.accounts)
    assert e.trades == n
    assert e.turnover == pytest.approx(sum(t.amount for a in plan.accounts for t in a.trades),
                                       abs=0.01)
    assert e.summary.startswith(f"{n} trade")
    doc = plan.to_json()
    assert doc["economics"]["trades"] == n
    if n:
        assert re.search(r"closes \$[\d,]+\.\d\d of drift", e.summary)


def test_two_tax_deferred_accounts_are_one_location() -> None:
    """Bonds out of one traditional IRA and into another, stocks the other way, is no location
    trade: the two are one location, and with nothing else to gain (same funds, same fees) the
    plan leaves them alone."""
    plan = plan_of(
        {
            "name": "Two IRAs",
            "as_of": "2025-01-02",
            "tax": {"ordinary_rate": "24%", "long_term_rate": "15%", "retirement_rate": "22%"},
            "target": {"stocks": 50, "bonds": 50},
            "funds": FUNDS,
            "accounts": [
                {"id": "ira-a", "type": "traditional_ira",
                 "holdings": [{"fund": "BND", "value": 30000}, {"fund": "STK", "value": 20000}]},
                {"id": "ira-b", "type": "traditional_ira",
                 "holdings": [{"fund": "STK", "value": 30000}, {"fund": "BND", "value": 20000}]},
            ],
        }
    )
    assert plan.nothing_to_do


def test_mary_example_file_is_the_source() -> None:
    data = yaml.safe_load((EXAMPLES / "mary.yaml").read_text(encoding="utf-8"))
    assert data["policy"]["allocation_basis"] == "after_tax"
