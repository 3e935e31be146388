"""The wash-sale calendar in ``plan``: recent ``transactions`` and scheduled purchases seen by
the optimizer and the exact judge alike (IRC 1091; IRS Pub 550; Rev. Rul. 2008-5), and the
do-not-buy window of each fund group in the JSON and the tables."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

from householder.io import build_book
from householder.optimize import solve_household
from householder.plan.build import build_plan
from householder.plan.result import Plan
from householder.report.plan import plan_report
from householder.tax.judge import judge
from householder.tax.wash import Sale
from householder.valuation.facts import Facts


def lot(lot_id: str, shares: float, cost: float, acquired: str) -> dict[str, Any]:
    return {"id": lot_id, "shares": shares, "cost": cost, "acquired": acquired}


def plan_of(data: dict[str, Any]) -> Plan:
    return build_plan(solve_household(build_book(copy.deepcopy(data))))


M_FUND = {"ticker": "M", "classes": {"stocks": 100}, "expense_ratio": 0, "kind": "stock"}
M_SALE = Sale("brokerage", "taxable", "M", date(2024, 1, 4), 100, 4_000.0, 5_000.0,
              lot_id="M-2023-09", acquired=date(2023, 9, 24))


def pub_550(others: list[dict[str, Any]], more_lots: list[dict[str, Any]]) -> dict[str, Any]:
    """IRS Pub 550, "Wash Sales" (more or less stock bought than sold): 100 shares of M bought
    2023-09-24 for $5,000 and sold 2024-01-04 for $4,000; 50 shares bought 2023-12-21 for
    $2,750 and 25 on 2023-12-28 for $1,125."""
    return {
        "name": "Pub 550",
        "as_of": "2024-01-04",
        "tax": {"ordinary_rate": "24%", "long_term_rate": "15%"},
        "target": {"stocks": 100},
        "funds": [M_FUND],
        "accounts": [
            {"id": "brokerage", "type": "taxable",
             "holdings": [{"fund": "M", "price": 40.0,
                           "lots": [lot("M-2023-09", 100, 5_000, "2023-09-24"), *more_lots]}]},
            *others,
        ],
    }


def test_pub_550_the_purchases_as_lots() -> None:
    """Pub 550: the $750 loss on 75 shares is disallowed, $250 allowed; the 50 shares' basis
    becomes $3,250 ($2,750 + $500), the 25 shares' $1,375 ($1,125 + $250)."""
    data = pub_550([], [lot("M-2023-12-21", 50, 2_750, "2023-12-21"),
                        lot("M-2023-12-28", 25, 1_125, "2023-12-28")])
    facts = Facts(build_book(data))
    verdict = judge([M_SALE], facts.recent_purchases, facts.rates)
    assert verdict.sales[0].disallowed == 750.0
    assert verdict.sales[0].gain == -250.0
    assert [round(w.replacement_basis, 2) for w in verdict.washes] == [3_250.0, 1_375.0]


def test_pub_550_the_purchases_as_transactions_in_a_spouses_ira() -> None:
    """The same purchases made in the spouse's IRA and given as ``transactions``: the $750 is
    disallowed all the same, and added to no basis (Rev. Rul. 2008-5)."""
    ira = {"id": "spouse-ira", "type": "traditional_ira", "cash": 100, "transactions": [
        {"date": "2023-12-21", "fund": "M", "action": "buy", "shares": 50, "amount": 2_750},
        {"date": "2023-12-28", "fund": "M", "action": "reinvest", "shares": 25,
         "amount": 1_125},
        {"date": "2023-11-01", "fund": "M", "action": "buy", "shares": 25, "amount": 1_125},
    ]}
    facts = Facts(build_book(pub_550([ira], [])))
    verdict = judge([M_SALE], facts.recent_purchases, facts.rates)
    assert verdict.sales[0].disallowed == 750.0
    assert [w.basis_adjustment for w in verdict.washes] == [0.0, 0.0]
    assert "M" in facts.recent_groups  # the optimizer counts that loss as washed
    assert facts.lots.realized_ratio[0] == 0.0


def test_a_transaction_on_a_lots_day_is_that_lots_purchase() -> None:
    data = pub_550([], [lot("M-2023-12-21", 50, 2_750, "2023-12-21")])
    data["accounts"][0]["transactions"] = [
        {"date": "2023-12-21", "fund": "M", "action": "buy", "shares": 50, "amount": 2_750}
    ]
    facts = Facts(build_book(data))
    assert facts.transaction_purchases == []
    verdict = judge([M_SALE], facts.recent_purchases, facts.rates)
    assert verdict.sales[0].disallowed == 500.0  # 50 shares, counted once


# -- scheduled purchases ---------------------------------------------------------------------------
def two_accounts(contributions: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    """A taxable VTI lot at a loss that the plan must sell (bonds are under target and only the
    brokerage can buy them), and a 401(k) of VTSAX with a payroll schedule."""
    k401: dict[str, Any] = {"id": "k401", "type": "traditional_401k", "menu": ["VTSAX"],
                            "holdings": [{"fund": "VTSAX", "value": 20_000}]}
    if contributions:
        k401["contributions"] = contributions
    return {
        "name": "Scheduled",
        "as_of": "2026-12-04",
        "tax": {"ordinary_rate": "24%", "long_term_rate": "15%"},
        "target": {"stocks": 50, "bonds": 50},
        "accounts": [
            {"id": "brokerage", "type": "taxable", "menu": ["BND"],
             "holdings": [{"fund": "VTI", "price": 200.0,
                           "lots": [lot("V1", 100, 25_000, "2019-05-01")]}]},
            k401,
        ],
        "funds": [{"ticker": "BND"}],
        "prices": {"BND": 70.0},
        **top,
    }


PAYROLL = {"annual": 26_000, "split": {"VTSAX": 100},
           "schedule": {"every": "biweekly", "next": "2026-12-18"}}


def test_scheduled_payroll_counts_as_a_purchase_around_as_of() -> None:
    facts = Facts(build_book(two_accounts(PAYROLL)))
    assert [(s.fund, s.on.isoformat(), s.amount, s.source) for s in facts.scheduled] == [
        ("VTSAX", "2026-12-18", 1_000.0, "payroll"),
        ("VTSAX", "2027-01-01", 1_000.0, "payroll"),
    ]
    # VTSAX has no price: counted in shares of VTI, the first of its group with one
    assert [round(p.shares, 6) for p in facts.recent_purchases] == [5.0, 5.0]
    assert facts.lots.realized_ratio[0] == 0.0  # the optimizer counts the VTI loss as washed


def test_the_plan_prices_a_scheduled_wash_exactly_and_lists_it_in_the_calendar() -> None:
    """The plan sells the VTI lot (to buy bonds); the paychecks buy $2,000 of VTSAX within 30
    days: 10 of the 100 shares' loss ($500 of $5,000) is washed, into no basis (a 401(k))."""
    plan = plan_of(two_accounts(PAYROLL))
    sells = [t for a in plan.accounts for t in a.trades if t.action == "sell"]
    assert [t.fund for t in sells] == ["VTI"]
    sold = sells[0].lots[0]
    shares = sold.shares or 0.0
    assert sold.wash_sale_disallowed == round(5_000 * min(10.0, shares) / 100, 2)
    assert [(w.replacement_fund, w.replacement_bought, w.basis_added)
            for w in plan.tax.wash_sales] == [("VTSAX", "2026-12-18", 0.0),
                                              ("VTSAX", "2027-01-01", 0.0)]
    assert plan.tax.adjusted_lots == []
    [line] = plan.wash_sale_calendar
    assert line.text == "do not buy VTI or VTSAX in any account before 2027-01-04"
    assert [(p.date, p.source) for p in line.scheduled] == [
        ("2026-12-18", "payroll"), ("2027-01-01", "payroll")
    ]
    assert "send this paycheck's VTSAX in k401 contribution" in line.scheduled[0].fix
    doc = plan.to_json()
    assert doc["wash_sale_calendar"][0]["do_not_buy_before"] == "2027-01-04"
    tables = [b for b in plan_report(plan) if getattr(b, "title", "").startswith("Wash-sale")]
    assert tables and tables[0].rows[0][:2] == ["VTI or VTSAX", "2027-01-04"]


def test_a_future_purchase_in_taxable_gets_no_adjusted_lot_yet() -> None:
    """Dividends reinvested in the brokerage itself wash the sale; the replacement is bought
    later, so no lot is written for it now (its line says where the basis goes)."""
    data = two_accounts()
    data["accounts"][0]["holdings"][0]["reinvest"] = {"dates": ["2026-12-20"], "amount": 400}
    data["accounts"][0]["menu"] = ["BND", "VTI"]
    plan = plan_of(data)
    # $400 at $200 is 2 of the 100 shares sold: 2 % of the $5,000 loss, into their basis
    [wash] = plan.tax.wash_sales
    assert (wash.replacement_bought, wash.replacement_shares) == ("2026-12-20", 2.0)
    assert (wash.loss_disallowed, wash.basis_added, wash.replacement_basis) == (100.0, 100.0,
                                                                                500.0)
    assert wash.replacement_lot is None
    assert plan.tax.adjusted_lots == []


# -- a loss sold before as_of ----------------------------------------------------------------------
def test_a_recent_loss_sale_keeps_the_plan_from_buying_the_group() -> None:
    """VTI sold at a loss on 2026-11-20 (``transactions``): a purchase of VTI or VTSAX until
    2026-12-21 washes it, so the plan buys neither, says why, and lists the window."""
    data = two_accounts()
    data["accounts"][0]["holdings"][0]["lots"][0]["cost"] = 15_000  # at a gain now
    data["accounts"][0]["menu"] = ["BND", "VTI"]
    data["target"] = {"stocks": 90, "bonds": 10}
    data["accounts"][0]["cash"] = 20_000
    without = plan_of(data)
    assert any(t.action == "buy" and t.fund in ("VTI", "VTSAX")
               for a in without.accounts for t in a.trades)
    data["accounts"][0]["transactions"] = [
        {"date": "2026-11-20", "fund": "VTI", "action": "sell", "shares": 10, "amount": 2_000,
         "cost": 2_500},
    ]
    plan = plan_of(data)
    assert not any(t.action == "buy" and t.fund in ("VTI", "VTSAX")
                   for a in plan.accounts for t in a.trades)
    assert any("would wash the loss sold before as_of (transactions): not before 2026-12-21"
               in s for s in plan.shortfall), plan.shortfall
    [line] = plan.wash_sale_calendar
    assert (line.do_not_buy_before, line.sales[0].source) == ("2026-12-21", "transactions")


def test_a_purchase_already_made_in_a_401k_keeps_the_loss_lot() -> None:
    """The same household, but the 401(k) bought VTSAX on 2026-11-27, a week before ``as_of``
    (a lot of the holding): a sale of the VTI lot today would be washed for good (Rev. Rul.
    2008-5), whatever the plan does. The plan keeps the lot, as it keeps one whose group it
    buys itself (design/model.md: loss sales of funds bought in the 30 days before ``as_of``
    are forbidden), and says why; the scheduled purchases above, still to come and washing a
    tenth of the loss, are priced instead."""
    data = two_accounts()
    data["accounts"][1]["holdings"] = [{"fund": "VTSAX", "lots": [
        {"id": "K1", "shares": 100, "cost": 15_000, "acquired": "2019-01-02"},
        {"id": "K2", "shares": 10, "cost": 2_000, "acquired": "2026-11-27"}]}]
    data["prices"]["VTSAX"] = 200.0
    plan = plan_of(data)
    assert not [t for a in plan.accounts for t in a.trades if t.action == "sell"
                and t.fund == "VTI"]
    assert any(n.startswith("wash sale avoided: VTI+VTSAX lots at a loss are kept")
               for n in plan.notes)
    assert not plan.target_reached
    assert "the lots at a loss of VTI are kept" in plan.shortfall[0]
    # a month later the purchase is out of the window: the lot is sold
    later = two_accounts(as_of="2026-12-28")
    later["accounts"][1]["holdings"] = data["accounts"][1]["holdings"]
    later["prices"]["VTSAX"] = 200.0
    sells = [t.fund for a in plan_of(later).accounts for t in a.trades if t.action == "sell"]
    assert sells == ["VTI"]


def test_keeping_the_loss_lot_gives_way_when_no_plan_is_left_without_its_sale() -> None:
    """A cash floor in the brokerage that only the VTI lot's sale can meet: the lot is sold,
    washed, and the plan says so, rather than no plan at all."""
    data = two_accounts(restrictions=[{"rule": "cash_floor", "account": "brokerage",
                                       "amount": 5_000}])
    data["accounts"][1]["holdings"] = [{"fund": "VTSAX", "lots": [
        {"id": "K2", "shares": 10, "cost": 2_000, "acquired": "2026-11-27"}]}]
    data["prices"]["VTSAX"] = 200.0
    plan = plan_of(data)
    [sale] = [t for a in plan.accounts for t in a.trades if t.action == "sell"]
    assert sale.fund == "VTI" and sale.lots[0].wash_sale_disallowed > 0
    assert any(n.startswith("wash sale taken") for n in plan.notes)
