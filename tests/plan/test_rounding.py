"""Trade instructions a broker accepts (issue 12): the rounding rule of
``householder.plan.rounding`` on every plan and contribution.

- no sale asks for more shares than a lot or holding has, and a lot sold whole is sold as
  exactly its shares (proceeds rounded to cents and turned back into shares used to sell lot
  ``acct000-F0000-0``, 46.303207 shares, as 46.303213);
- a sale's lots add up exactly to its shares (a whole-share trade's shares differed from its
  lots' sum by up to 4e-6), and their proceeds exactly to its dollars;
- dollars are shares × price to the cent;
- no account ends with cash below zero (two ended at -$0.01), and each account's money is
  conserved to the cent: cash after = cash before + its flow + sells - buys;
- the same household gives the same plan.

Households come from :func:`synthetic` (the shape of ``shared/tools/gen_household.py``: lots
with six-decimal shares at prices in cents, ETFs and mutual funds, menus) and from a hypothesis
strategy spanning $1 to $1e9.
"""

from __future__ import annotations

import json
import math
import random
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from householder.io import build_book
from householder.model.book import Book
from householder.optimize import Scenario, solve_household
from householder.plan import rounding
from householder.plan.build import build_plan
from householder.plan.result import Plan
from tests.optimize.households import households as optimizer_households

LEAVES = ["us_large", "us_mid", "us_small", "intl_developed", "emerging", "treasuries",
          "corporate_bonds", "reits"]
TYPES = ["taxable", "traditional_401k", "roth_ira", "traditional_ira", "hsa", "taxable"]


def synthetic(seed: int, accounts: int = 6, funds: int = 12, lots: int = 120,
              scale: float = 1.0) -> dict[str, Any]:
    """A household like ``gen_household.py``'s: taxable holdings in lots of six-decimal shares,
    prices in cents, a third of the funds ETFs (whole shares), menus on employer plans."""
    rng = random.Random(seed)
    fund_list = []
    for i in range(funds):
        classes = rng.sample(LEAVES, rng.choice([1, 1, 2]))
        weights = [rng.randint(1, 9) for _ in classes]
        pct = [round(100 * w / sum(weights), 2) for w in weights]
        pct[-1] = round(100 - sum(pct[:-1]), 2)
        fund_list.append({
            "ticker": f"F{i:03d}", "expense_ratio": f"{rng.uniform(0.02, 0.9):.2f}%",
            "classes": dict(zip(classes, pct, strict=True)),
            "kind": rng.choice(["etf", "mutual_fund", "mutual_fund"]),
        })
    tickers = [f["ticker"] for f in fund_list]
    prices = {t: round(rng.uniform(9, 400), 2) for t in tickers}
    accts: list[dict[str, Any]] = []
    for a in range(accounts):
        kind = TYPES[a % len(TYPES)]
        acct: dict[str, Any] = {"id": f"acct{a:03d}", "type": kind,
                                "cash": round(rng.uniform(0, 3000) * scale, 2), "holdings": []}
        if kind == "traditional_401k":
            acct["menu"] = rng.sample(tickers, 5)
        held = rng.sample(acct.get("menu", tickers), rng.randint(2, 5))
        for t in held:
            shares = round(rng.uniform(5, 600) * scale, 6)
            if kind == "taxable":
                n = max(1, lots // (2 * 4))
                cuts = sorted(rng.uniform(0, shares) for _ in range(n - 1))
                parts = [b - c for b, c in zip([*cuts, shares], [0, *cuts], strict=True)]
                acct["holdings"].append({"fund": t, "price": prices[t], "lots": [
                    {"id": f"{acct['id']}-{t}-{j}", "shares": round(max(s, 0.001), 6),
                     "cost": round(max(s, 0.001) * prices[t] * rng.uniform(0.4, 1.5), 2),
                     "acquired": f"{rng.randint(2016, 2024)}-{rng.randint(1, 12):02d}-"
                                 f"{rng.randint(1, 28):02d}"}
                    for j, s in enumerate(parts)]})
            else:
                acct["holdings"].append({"fund": t, "shares": shares, "price": prices[t]})
        accts.append(acct)
    weights = [rng.randint(1, 9) for _ in LEAVES]
    pct = [round(100 * w / sum(weights), 2) for w in weights]
    pct[-1] = round(100 - sum(pct[:-1]), 2)
    return {"name": f"synthetic-{seed}", "as_of": "2024-12-31",
            "tax": {"filing_status": "married_joint", "ordinary_rate": "32%",
                    "long_term_rate": "15%"},
            "target": dict(zip(LEAVES, pct, strict=True)), "funds": fund_list, "prices": prices,
            "accounts": accts}


def exact(x: float) -> Decimal:
    return Decimal(repr(float(x)))


def check_broker_rules(book: Book, plan: Plan) -> None:
    """Every rule a broker and the accountant hold the plan to (the module docstring)."""
    lots = {(a.id, p.fund, lot.id): lot for a in book.accounts for p in a.positions
            for lot in p.lots}
    for acct in plan.accounts:
        account = book.account(acct.id)
        flow = Decimal(0)
        for t in acct.trades:
            assert t.amount > 0, t
            assert exact(t.amount) == exact(t.amount).quantize(Decimal("0.01")), t
            flow += exact(t.amount) if t.action == "sell" else -exact(t.amount)
            pos = account.position(t.fund)
            if t.shares is not None and t.price is not None:
                # dollars are shares x price to the cent
                assert exact(t.amount) == rounding.dollars(exact(t.shares), t.price), t
            if t.action == "sell" and t.shares is not None:
                assert pos is not None and pos.shares is not None
                held = (sum((exact(lot.shares or 0) for lot in pos.lots), Decimal(0))
                        if pos.lots else exact(pos.shares))  # the lots' shares, summed exactly
                assert exact(t.shares) <= held, (acct.id, t.fund, t.shares)
            if not t.lots:
                continue
            lot_shares = Decimal(0)
            for line in t.lots:
                held = lots[(acct.id, t.fund, line.id)]
                assert line.shares is not None and held.shares is not None
                assert exact(line.shares) <= exact(held.shares), (line, held)
                assert line.shares > 0, line
                lot_shares += exact(line.shares)
            assert sum(exact(line.proceeds) for line in t.lots) == exact(t.amount), t
            if t.shares is not None:
                assert lot_shares == exact(t.shares), (t.fund, t.shares, lot_shares)
            if t.price is not None:
                assert rounding.dollars(lot_shares, t.price) == exact(t.amount), t
        assert acct.cash_after >= 0, (acct.id, acct.cash_after)
        expected = exact(acct.cash_before) + exact(acct.contribution) + flow
        assert expected.quantize(Decimal("0.01")) == exact(acct.cash_after), acct.id


def plan_of(data: dict[str, Any], scenario: Scenario | None = None) -> tuple[Book, Plan]:
    book = build_book(data)
    command = "plan" if scenario is None else "contribute"
    return book, build_plan(solve_household(book, scenario), command=command)


def stable_json(plan: Plan) -> str:
    doc = plan.to_json()
    doc.pop("solver", None)  # timings
    return json.dumps(doc, sort_keys=True)


# -- generated households, trade by trade ------------------------------------------------------
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_generated_households_plan_within_what_is_held(seed: int) -> None:
    """Failed on the old rounding: lots sold beyond their shares on every seed."""
    data = synthetic(seed)
    book, plan = plan_of(data)
    assert any(line for a in plan.accounts for t in a.trades for line in t.lots)
    check_broker_rules(book, plan)


@pytest.mark.parametrize("seed", [5, 6])
def test_generated_households_withdraw_and_contribute(seed: int) -> None:
    data = synthetic(seed)
    book = build_book(data)
    taxable = next(a for a in book.accounts if a.spec.type.value == "taxable")
    out = round(taxable.value / 3, 2)
    for flows, sell in (({taxable.id: -out}, True), ({taxable.id: 12345.67}, False)):
        scenario = Scenario(flows=flows, allow_buy=not sell, allow_sell=sell)
        book, plan = plan_of(data, scenario)
        check_broker_rules(book, plan)
        acct = next(a for a in plan.accounts if a.id == taxable.id)
        assert acct.contribution == flows[taxable.id]


def test_a_lot_sold_whole_is_sold_as_exactly_its_shares() -> None:
    """46.303207 shares at $270.73 is $12,535.67; rounded to cents and back to shares it was
    46.303213 shares, more than the lot holds."""
    data = {
        "name": "One lot", "as_of": "2024-12-31", "target": {"bonds": 100},
        "funds": [{"ticker": "STK", "expense_ratio": "0.1%", "classes": {"stocks": 100},
                   "kind": "mutual_fund"},
                  {"ticker": "BND", "expense_ratio": "0.05%", "classes": {"bonds": 100},
                   "kind": "mutual_fund"}],
        "prices": {"STK": 270.73, "BND": 50.0},
        "accounts": [{"id": "brokerage", "type": "taxable", "holdings": [{"fund": "STK", "lots": [
            {"id": "acct000-F0000-0", "shares": 46.303207, "cost": 9000,
             "acquired": "2019-09-12"}]}]}],
    }
    book, plan = plan_of(data)
    sell = next(t for t in plan.accounts[0].trades if t.action == "sell")
    assert [(line.id, line.shares) for line in sell.lots] == [("acct000-F0000-0", 46.303207)]
    assert sell.amount == 12535.67  # 46.303207 x 270.73 = 12,535.666...
    assert sell.lots[0].proceeds == 12535.67
    assert sell.lots[0].cost == 9000
    check_broker_rules(book, plan)


def test_whole_share_sale_lots_add_up_to_the_whole_shares() -> None:
    data = synthetic(7)
    for f in data["funds"]:
        f["kind"] = "etf"
    book, plan = plan_of(data)
    sold = [t for a in plan.accounts for t in a.trades if t.action == "sell" and t.lots]
    assert sold
    for t in sold:
        assert t.shares is not None
        held = book.account(next(a.id for a in plan.accounts if t in a.trades)).position(t.fund)
        assert held is not None
        every_share = sum((exact(lot.shares or 0) for lot in held.lots), Decimal(0))
        assert float(t.shares).is_integer() or exact(t.shares) == every_share
    check_broker_rules(book, plan)


def test_the_rule_in_one_place() -> None:
    assert rounding.shares_down(2.9999999999, True) == 3  # float noise is not a share short
    assert rounding.shares_down(46.3032079, False) == Decimal("46.303207")
    assert rounding.shares_down(10.5, False, held=Decimal("10.25")) == Decimal("10.25")
    assert rounding.dollars(Decimal("46.303207"), 270.73) == Decimal("12535.67")
    assert rounding.dollars(Decimal("1"), 0.125) == Decimal("0.13")  # half a cent up
    assert rounding.number_text(63.180092) == "63.180092"  # :g printed 63.1801
    assert rounding.number_text(1234567.89) == "1234567.89"  # :g printed 1.23457e+06
    assert rounding.number_text(309.0) == "309"


def test_the_csv_gives_every_digit_of_a_lot(tmp_path: Any) -> None:
    from householder.report.plan import trade_rows

    data = synthetic(1)
    _, plan = plan_of(data)
    rows = trade_rows(plan)
    written = {
        (row[0], row[1], lot.split(":")[0]): lot.split(":")[1]
        for row in rows for lot in row[6].split()
    }
    for acct in plan.accounts:
        for t in acct.trades:
            for line in t.lots:
                assert line.shares is not None
                assert Decimal(written[(acct.id, t.fund, line.id)]) == exact(line.shares)


# -- any household, $1 to $1e9 --------------------------------------------------------------------
@st.composite
def households(draw: st.DrawFn) -> dict[str, Any]:
    """One to three accounts (a taxable one with up to 12 lots of fractional shares), two to
    four funds (ETFs and mutual funds, priced from $0.50 to $5,000), the whole household scaled
    to anything from about $1 to $1e9."""
    scale = 10.0 ** draw(st.integers(-2, 6))
    n_funds = draw(st.integers(2, 4))
    classes = ["stocks", "bonds", "real_estate", "cash"]
    funds = [{"ticker": f"F{i}", "expense_ratio": draw(st.sampled_from(["0.03%", "0.2%", "0.6%"])),
              "classes": {classes[i]: 100}, "kind": draw(st.sampled_from(["etf", "mutual_fund"]))}
             for i in range(n_funds)]
    prices = {f["ticker"]: draw(st.integers(50, 500_000)) / 100 for f in funds}
    tickers = [f["ticker"] for f in funds]

    def shares() -> float:
        return round(draw(st.integers(1, 100_000_000)) / 1e6 * scale, 6) or 0.000001

    lots = []
    lot_funds = draw(st.lists(st.sampled_from(tickers), min_size=1, max_size=12))
    holdings: dict[str, list[dict[str, Any]]] = {}
    for k, t in enumerate(lot_funds):
        n = shares()
        ratio = draw(st.sampled_from([0.5, 0.9, 1.0, 1.2, 2.0]))
        acquired = draw(st.sampled_from(["2019-03-15", "2024-06-01", "2024-12-20"]))
        lot = {"id": f"L{k}", "shares": n, "cost": round(n * prices[t] * ratio, 2),
               "acquired": acquired}
        holdings.setdefault(t, []).append(lot)
        lots.append(lot)
    accounts: list[dict[str, Any]] = [{
        "id": "brokerage", "type": "taxable",
        "cash": round(draw(st.integers(0, 300_000)) / 100 * scale, 2),
        "holdings": [{"fund": t, "lots": ls} for t, ls in holdings.items()],
    }]
    for i in range(draw(st.integers(0, 2))):
        held = draw(st.lists(st.sampled_from(tickers), min_size=1, max_size=3, unique=True))
        accounts.append({
            "id": f"ira{i}", "type": draw(st.sampled_from(["roth_ira", "traditional_ira"])),
            "cash": round(draw(st.integers(0, 100_000)) / 100 * scale, 2),
            "holdings": [{"fund": t, "shares": shares()} for t in held],
        })
    weights = draw(st.lists(st.integers(0, 10), min_size=n_funds, max_size=n_funds).filter(sum))
    # weights to the hundredth, rounded down so the last (the rest) is never below 0
    pct = [math.floor(10_000 * w / sum(weights)) / 100 for w in weights]
    pct[-1] = round(100 - sum(pct[:-1]), 2)
    target = {classes[i]: p for i, p in enumerate(pct) if p > 0}
    if sum(target.values()) != 100:
        target[next(iter(target))] += round(100 - sum(target.values()), 2)
    return {"name": "Drawn", "as_of": "2024-12-31", "tax": {"ordinary_rate": "24%"},
            "target": target, "funds": funds, "prices": prices, "accounts": accounts,
            "policy": {"whole_shares": draw(st.sampled_from(["auto", "never"]))}}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households())
def test_any_plan_is_one_a_broker_accepts(data: dict[str, Any]) -> None:
    book, plan = plan_of(data)
    check_broker_rules(book, plan)
    _, again = plan_of(data)
    assert stable_json(again) == stable_json(plan), "the same household gave another plan"


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(households(), st.integers(1, 9), st.booleans())
def test_any_contribution_is_one_a_broker_accepts(
    data: dict[str, Any], digits: int, withdraw: bool
) -> None:
    book = build_book(data)
    acct = book.accounts[0]
    if withdraw:
        amount = -round(acct.value * digits / 10, 2)
        if -amount < 0.05:
            return
    else:
        amount = round(10.0 ** digits / 7, 2)
    scenario = Scenario(flows={acct.id: amount}, allow_buy=amount > 0, allow_sell=amount < 0)
    book, plan = plan_of(data, scenario)
    check_broker_rules(book, plan)
    moved = next(a for a in plan.accounts if a.id == acct.id)
    if amount > 0:
        # all of the money is invested but a whole-share remainder (less than the dearest share
        # the account may buy) and the solvers' precision: when the target is out of reach the
        # tracking QP places money to about 1e-5 of the household (its objective is squared),
        # which whole shares may leave as cash ($239 of a $143 million contribution)
        precision = 1e-5 * (book.total_value + amount)
        left = moved.cash_after - acct.cash
        assert left <= max(book.prices.get(t, 0.01) for t in acct.buyable) + precision, (
            amount, moved.cash_after)
    assert moved.contribution == amount  # all of it goes in, or is raised
    _, again = plan_of(data, scenario)
    assert stable_json(again) == stable_json(plan)


# A household (after one hypothesis found): the solver sells $97.855 and $82.645 of two mutual
# funds to buy 19 whole shares of F2 at $9.50, to the cent; the sales rounded down to their
# share precision bring $180.49.
CENTS_SHORT: dict[str, Any] = {
    "name": "Cents short", "as_of": "2024-12-31",
    "tax": {"filing_status": "single", "ordinary_rate": "24%", "long_term_rate": "15%"},
    "target": {"stocks": 60, "bonds": 40},
    "funds": [
        {"ticker": "F0", "expense_ratio": "0.02%", "classes": {"stocks": 100},
         "kind": "mutual_fund"},
        {"ticker": "F1", "expense_ratio": "0.35%", "classes": {"bonds": 100},
         "kind": "mutual_fund"},
        {"ticker": "F2", "expense_ratio": "0.02%", "classes": {"stocks": 20, "bonds": 80},
         "kind": "etf"},
    ],
    "accounts": [{"id": "taxable", "type": "taxable", "cash": 0.0, "holdings": [
        {"fund": "F1", "lots": [
            {"id": "L1", "shares": 1.0, "cost": 3.8, "acquired": "2019-03-15"},
            {"id": "L2", "shares": 11.0, "cost": 99.27, "acquired": "2019-03-15"}]},
        {"fund": "F0", "lots": [{"id": "L3", "shares": 3.0, "cost": 121.2,
                                 "acquired": "2019-03-15"}]}]}],
    "policy": {"tolerance": 1.5, "whole_shares": "auto", "whole_share_method": "repair",
               "min_trade": 50},
    "prices": {"F0": 101.0, "F1": 9.5, "F2": 9.5},
}


def test_cents_lost_to_rounding_are_sold_not_a_whole_share_trimmed() -> None:
    """The cent the rounded sales lack is sold (a sale raised by a cent's worth of shares),
    not a whole share cut from the buy; and ``target_reached`` is the rounded trades' verdict,
    whatever the solver said (before: 18 shares bought, $9.49 idle, bonds 3.3 points under a
    1.5-point band, and ``target_reached: true``)."""
    plan = build_plan(solve_household(build_book(CENTS_SHORT)))
    [buy] = [t for a in plan.accounts for t in a.trades if t.action == "buy"]
    assert (buy.fund, buy.shares, buy.amount) == ("F2", 19.0, 180.5)
    assert plan.accounts[0].cash_after >= 0
    tolerance = 0.015
    worst = max(abs(r.after - r.target) for r in plan.allocation)
    assert plan.target_reached == (worst <= tolerance + 1e-4)
    # a note that a position was sold in full is true of the trades
    for note in plan.notes:
        if note.startswith("sold in full"):
            fund = note.split(": ", 1)[1].split(" in ")[0]
            held = sum(h.value for a in plan.accounts for h in a.holdings_after if h.fund == fund)
            assert held == 0, note


@settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
@given(optimizer_households())
def test_target_reached_is_the_verdict_on_the_rounded_trades(data: dict[str, Any]) -> None:
    """``target_reached`` never claims a class within its band that the plan's own allocation
    after puts outside it (by more than a cent a trade)."""
    plan = build_plan(solve_household(build_book(data)))
    if not plan.target_reached or plan.allocation_basis != "pre_tax":
        return
    band = build_book(data).household.policy.tolerance / 100.0
    trades = sum(len(a.trades) for a in plan.accounts)
    slack = 0.01 * (trades + 1) / max(plan.total_value, 0.01) + 1e-6
    for row in plan.allocation:
        assert abs(row.after - row.target) <= band + slack, row
