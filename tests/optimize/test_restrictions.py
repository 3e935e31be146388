"""Restrictions (do not sell, do not buy, hold at least, no short-term gains, a cash floor,
closed to new money): every plan obeys each, to the cent, and a plan that cannot be made names
the restriction that binds."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from householder.errors import InfeasibleError
from householder.io import build_book
from householder.optimize import Scenario, solve_household
from householder.plan.build import build_plan
from householder.plan.result import Plan
from tests.optimize.households import (
    LONG_AGO,
    RECENT,
    Run,
    fund,
    household,
    households,
    lot,
)
from tests.optimize.test_plan_properties import ALL_CHECKS

FUNDS = [
    fund("STK", {"stocks": 100}, kind="etf"),
    fund("STK2", {"stocks": 100}, "0.03%"),
    fund("BND", {"bonds": 100}),
]
PRICES = {"STK": 100.0, "STK2": 50.0, "BND": 10.0}


def base(restrictions: list[dict[str, Any]]) -> dict[str, Any]:
    accounts = [
        {"id": "tx", "type": "taxable", "cash": 1_000,
         "holdings": [
             {"fund": "STK", "lots": [lot("L1", 100, 5_000, LONG_AGO),
                                      lot("L2", 50, 4_000, RECENT)]},
             {"fund": "BND", "lots": [lot("B1", 100, 1_200, LONG_AGO)]},
         ]},
        {"id": "ira", "type": "traditional_ira",
         "holdings": [{"fund": "STK", "value": 10_000}, {"fund": "BND", "value": 2_000}]},
    ]
    data = household(accounts, copy.deepcopy(FUNDS), prices=dict(PRICES))
    data["restrictions"] = restrictions
    return data


def plan_of(data: dict[str, Any], scenario: Scenario | None = None) -> Plan:
    return build_plan(solve_household(build_book(copy.deepcopy(data)), scenario))


def trades(plan: Plan) -> set[tuple[str, str, str]]:
    return {(a.id, t.action, t.fund) for a in plan.accounts for t in a.trades}


def test_unrestricted_the_plan_sells_stk_in_the_ira() -> None:
    """The baseline the tests below restrict: stocks are over target and the IRA sells STK."""
    assert ("ira", "sell", "STK") in trades(plan_of(base([])))


def test_do_not_sell_keeps_the_holding_and_names_the_restriction() -> None:
    plan = plan_of(base([{"rule": "do_not_sell", "account": "ira", "fund": "STK",
                          "reason": "employer stock"}]))
    assert ("ira", "sell", "STK") not in trades(plan)


def test_closed_to_new_money_and_no_short_term_gains() -> None:
    plan = plan_of(base([{"rule": "closed_to_new_money", "fund": "BND"},
                         {"rule": "hold_at_least", "account": "ira", "fund": "STK",
                          "amount": 9_500},
                         {"rule": "no_short_term_gains"}]))
    assert not any(action == "buy" and f == "BND" for _, action, f in trades(plan))
    assert not plan.target_reached
    assert any("restrictions[0] (closed_to_new_money, BND) forbids buying BND in tx, BND in "
               "ira" in s for s in plan.shortfall), plan.shortfall
    assert any("restrictions[1] (hold_at_least $9,500.00, STK in ira) keeps STK in ira" in s
               for s in plan.shortfall), plan.shortfall
    ira = next(a for a in plan.accounts if a.id == "ira")
    assert next(h.value for h in ira.holdings_after if h.fund == "STK") >= 9_500


def test_a_cash_floor_is_kept_to_the_cent() -> None:
    plan = plan_of(base([{"rule": "cash_floor", "account": "tx", "amount": 1_500.25}]))
    tx = next(a for a in plan.accounts if a.id == "tx")
    assert tx.cash_after >= 1_500.25
    assert any("keeps $1,500.25 in cash" in s for s in plan.shortfall), plan.shortfall


def test_a_household_cash_floor_holds_across_accounts() -> None:
    plan = plan_of(base([{"rule": "cash_floor", "amount": 777.77}]))
    assert sum(a.cash_after for a in plan.accounts) >= 777.77


def test_hold_at_least_buys_up_to_the_floor() -> None:
    plan = plan_of(base([{"rule": "hold_at_least", "account": "tx", "fund": "STK2",
                          "amount": 2_000}]))
    tx = next(a for a in plan.accounts if a.id == "tx")
    assert next(h.value for h in tx.holdings_after if h.fund == "STK2") >= 2_000


@pytest.mark.parametrize(
    ("restrictions", "message"),
    [
        ([{"rule": "cash_floor", "account": "tx", "amount": 50_000}],
         "no feasible plan: restrictions[0] (cash_floor $50,000.00, tx): tx can hold at most "
         "$17,000.00 of cash (cash $1,000.00, sellable holdings $16,000.00), less than the "
         "$50,000.00 it must keep"),
        ([{"rule": "hold_at_least", "fund": "BND", "amount": 5_000},
          {"rule": "closed_to_new_money", "fund": "BND"}],
         "no feasible plan: restrictions[0] (hold_at_least $5,000.00, BND): the household holds "
         "$3,000.00 of BND, less than the $5,000.00 it must keep, and no account may buy more "
         "(restrictions[1] (closed_to_new_money, BND))"),
        ([{"rule": "do_not_sell", "account": "tx"},
          {"rule": "hold_at_least", "account": "tx", "fund": "STK2", "amount": 1_500}],
         "no feasible plan: restrictions[1] (hold_at_least $1,500.00, STK2 in tx): STK2 needs "
         "$1,500.00 more, and tx can spend at most $1,000.00 on it"),
    ],
)
def test_an_infeasible_plan_names_the_restriction_that_binds(
    restrictions: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(InfeasibleError) as info:
        plan_of(base(restrictions))
    assert str(info.value) == message


def test_a_withdrawal_keeps_the_cash_floor() -> None:
    """Selling only, an account with a floor raises the withdrawal and keeps the floor."""
    data = base([{"rule": "cash_floor", "account": "tx", "amount": 800},
                 {"rule": "do_not_sell", "account": "tx", "fund": "BND"}])
    plan = plan_of(data, Scenario(flows={"tx": -2_000.0}, allow_buy=False))
    tx = next(a for a in plan.accounts if a.id == "tx")
    assert tx.cash_after >= 800
    assert ("tx", "sell", "BND") not in trades(plan)


# -- every plan obeys every restriction ------------------------------------------------------------
@st.composite
def restricted(draw: st.DrawFn) -> dict[str, Any]:
    """A random household (tests/optimize/households.py) with random restrictions on what it
    holds: do_not_sell on a holding or an account, do_not_buy and closed_to_new_money on a
    fund, a cash floor on an account or the household, no_short_term_gains, hold_at_least."""
    data = draw(households(max_accounts=3, allow_min_trade=False))
    accounts = data["accounts"]
    tickers = [f["ticker"] for f in data["funds"]]
    held = [(a["id"], h["fund"]) for a in accounts for h in a["holdings"]]
    rules: list[dict[str, Any]] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["do_not_sell", "do_not_buy", "closed", "cash_floor",
                                     "no_short_term_gains", "hold_at_least"]))
        if kind == "do_not_sell" and held:
            acct, ticker = draw(st.sampled_from(held))
            rule: dict[str, Any] = {"rule": "do_not_sell", "account": acct}
            if draw(st.booleans()):
                rule["fund"] = ticker
        elif kind == "do_not_buy":
            rule = {"rule": "do_not_buy", "fund": draw(st.sampled_from(tickers))}
        elif kind == "closed":
            rule = {"rule": "closed_to_new_money", "fund": draw(st.sampled_from(tickers))}
        elif kind == "cash_floor":
            rule = {"rule": "cash_floor", "amount": draw(st.sampled_from([50, 333.33, 1_200]))}
            if draw(st.booleans()):
                rule["account"] = draw(st.sampled_from(accounts))["id"]
        elif kind == "hold_at_least" and held:
            acct, ticker = draw(st.sampled_from(held))
            rule = {"rule": "hold_at_least", "account": acct, "fund": ticker,
                    "amount": draw(st.sampled_from([100, 1_000]))}
        else:
            rule = {"rule": "no_short_term_gains"}
        rules.append(rule)
    data["restrictions"] = rules
    return data


def check_restrictions(book_data: dict[str, Any], plan: Plan) -> None:
    rules = book_data["restrictions"]
    book = build_book(copy.deepcopy(book_data))
    lots = {(a.id, p.fund, lt.id): lt for a in book.accounts for p in a.positions
            for lt in p.lots}
    for acct in plan.accounts:
        for t in acct.trades:
            for r in rules:
                scope = (r.get("account") in (None, acct.id)
                         and r.get("fund") in (None, t.fund))
                if r["rule"] == "do_not_sell" and scope:
                    assert t.action != "sell", (r, acct.id, t)
                if r["rule"] == "do_not_buy" and scope:
                    assert t.action != "buy", (r, acct.id, t)
                if r["rule"] == "closed_to_new_money" and r["fund"] == t.fund:
                    assert t.action != "buy", (r, acct.id, t)
                if r["rule"] == "no_short_term_gains" and t.action == "sell":
                    for line in t.lots:
                        original = lots[(acct.id, t.fund, line.id)]
                        at_gain = original.value > original.cost
                        assert not (line.term == "short" and at_gain), (r, line)
        for r in rules:
            if r["rule"] == "hold_at_least" and r["account"] == acct.id:
                after = next((h.value for h in acct.holdings_after if h.fund == r["fund"]), 0.0)
                assert after >= r["amount"] - 0.005, (r, after)
            if r["rule"] == "cash_floor" and r.get("account") == acct.id:
                assert acct.cash_after >= r["amount"], (r, acct.cash_after)
    for r in rules:
        if r["rule"] == "cash_floor" and r.get("account") is None:
            total = round(sum(a.cash_after for a in plan.accounts), 2)
            assert total >= r["amount"], (r, total)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(restricted())
def test_every_plan_obeys_every_restriction(data: dict[str, Any]) -> None:
    """A do-not-sell holding is never sold, a do-not-buy or closed fund never bought, no
    short-term lot at a gain sold under no_short_term_gains, a floor never crossed (cash to
    the cent); the plan's other invariants hold too. Where no plan exists, the message names a
    restriction (or the gain cap)."""
    try:
        book = build_book(copy.deepcopy(data))
    except Exception as exc:  # a restriction that applies to nothing: the loader says so
        assert "restrictions[" in str(exc), exc
        return
    try:
        sol = solve_household(book)
    except InfeasibleError as exc:
        assert "restrictions[" in str(exc) or "max_realized_gain" in str(exc), exc
        return
    plan = build_plan(sol)
    check_restrictions(data, plan)
    run = Run(book, sol, plan)
    for check in ALL_CHECKS:
        check(run)



def test_a_household_as_cash_keeps_only_what_it_may_not_buy() -> None:
    """``locate`` places the household as if it were cash: floors and do-not-sell are about
    holdings it no longer has; what it may not buy still holds."""
    from householder.model.variants import as_cash

    book = build_book(base([{"rule": "cash_floor", "amount": 100},
                            {"rule": "closed_to_new_money", "fund": "BND"},
                            {"rule": "do_not_sell", "account": "ira"},
                            {"rule": "do_not_buy", "account": "tx", "fund": "STK2"}]))
    kept = as_cash(book).household.restrictions
    assert [r.rule for r in kept] == ["closed_to_new_money", "do_not_buy"]
