"""A wash sale's replacement lot in the plan (issue 9, item 5): the basis the disallowed loss adds
to the replacement shares, and their holding period, which includes the sold shares' (IRC
1091(d), 1223(3); IRS Pub 550 "Wash Sales"; IRS VITA Case Study 1); none in an IRA (Rev. Rul.
2008-5). Checked on given trades with the exact judge, and in the JSON and the table."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pytest

from householder.io.loader import build_book
from householder.optimize import assemble
from householder.plan.build import RoundedTrades, exact_tax
from householder.plan.result import TaxSummary
from householder.report.plan import plan_tables
from tests.optimize.households import AS_OF, LONG_AGO, RECENT, fund, household, lot, run_plan


def _judge(data: dict[str, Any], sell: dict[str, float], buy: dict[tuple[str, str], float]) -> (
    TaxSummary
):
    """The exact judge on given trades: ``sell`` dollars by lot id, ``buy`` dollars by
    (account, fund); cash follows."""
    book = build_book(data)
    d = assemble(book)
    lot_sells = np.zeros(d.n_lots)
    sells = np.zeros(d.n_pairs)
    buys = np.zeros(d.n_pairs)
    for lot_id, amount in sell.items():
        i = d.lot_ids.index(lot_id)
        lot_sells[i] = amount
        sells[d.lot_pair[i]] += amount
    for (account, ticker), amount in buy.items():
        a = d.accounts.index(account)
        (p,) = [
            p for p in range(d.n_pairs) if d.pair_account[p] == a and d.pair_fund[p] == ticker
        ]
        buys[p] = amount
    cash = np.array(
        [
            d.cash0[a] + sells[d.pair_account == a].sum() - buys[d.pair_account == a].sum()
            for a in range(len(d.accounts))
        ]
    )
    tax, _ = exact_tax(book, d, RoundedTrades(buys, sells, lot_sells, cash))
    return tax


def vita() -> dict[str, Any]:
    """IRS VITA Case Study 1 (Pub 550's facts): 100 shares bought for $1,000 (here on
    LONG_AGO), sold for $750 (at as_of, $7.50 a share), and 100 shares bought again for $800
    within 30 days (here 10 days before the sale, $8.00 a share, lot NEW)."""
    return household(
        accounts=[
            {
                "id": "brokerage",
                "type": "taxable",
                "holdings": [
                    {
                        "fund": "XYZ",
                        "lots": [lot("OLD", 100, 1000.0, LONG_AGO), lot("NEW", 100, 800.0, RECENT)],
                    }
                ],
            },
            {"id": "ira", "type": "traditional_ira", "holdings": [{"fund": "BND", "value": 500}]},
        ],
        funds=[fund("XYZ", {"stocks": 100}), fund("BND", {"bonds": 100})],
        prices={"XYZ": 7.5, "BND": 10.0},
        policy={"whole_shares": "never"},
    )


def test_vita_case_study_replacement_lot() -> None:
    """IRS VITA Case Study 1: the $250 loss is disallowed and the new shares' basis is $800 +
    $250 = $1,050 (IRC 1091(d)); bought before the sale, their holding period includes the
    sold shares' (IRC 1223(3)): they count as held from the old shares' date."""
    tax = _judge(vita(), {"OLD": 750.0}, {})
    (wash,) = tax.wash_sales
    assert (wash.lot, wash.loss_disallowed, wash.basis_added) == ("OLD", 250.0, 250.0)
    assert (wash.replacement_fund, wash.replacement_shares) == ("XYZ", 100.0)
    assert (wash.replacement_cost, wash.replacement_basis) == (800.0, 1050.0)
    assert wash.replacement_bought == RECENT.isoformat()
    assert wash.replacement_acquired == LONG_AGO.isoformat()
    assert wash.replacement_lot == "NEW-W1"
    (adjusted,) = tax.adjusted_lots
    assert adjusted.model_dump() == {
        "account": "brokerage",
        "fund": "XYZ",
        "id": "NEW-W1",
        "shares": 100.0,
        "value": 800.0,
        "cost": 1050.0,
        "acquired": LONG_AGO.isoformat(),
        "bought": RECENT.isoformat(),
        "from_lot": "NEW",
        "wash_of": "OLD",
    }
    assert tax.long_term_gain == 0.0  # -250 + 250 disallowed


def test_a_plan_buy_washes_and_carries_the_basis_and_the_holding_period() -> None:
    """Shares bought by the plan itself the day of the loss sale (within the 61-day window,
    IRC 1091(a)): 60 of the 100 sold shares are washed (pro rata, Treas. Reg. 1.1091-1(c)):
    60 % of the $250 loss, $150, moves to the 60 bought ($450 + $150 = $600), held from the
    old shares' date (bought on the sale day: the sold shares' whole period tacks on)."""
    data = vita()
    data["accounts"][0]["holdings"][0]["lots"] = [lot("OLD", 100, 1000.0, LONG_AGO)]
    tax = _judge(data, {"OLD": 750.0}, {("brokerage", "XYZ"): 450.0})
    (wash,) = tax.wash_sales
    assert (wash.shares, wash.loss_disallowed, wash.replacement_basis) == (60.0, 150.0, 600.0)
    (adjusted,) = tax.adjusted_lots
    assert (adjusted.id, adjusted.from_lot, adjusted.bought) == (
        f"XYZ-{AS_OF:%Y%m%d}-W1",
        None,
        AS_OF.isoformat(),
    )
    assert (adjusted.shares, adjusted.cost, adjusted.acquired) == (60.0, 600.0, "2019-03-15")


def test_an_ira_replacement_adds_no_basis_and_no_lot() -> None:
    """Rev. Rul. 2008-5: the IRA's purchase washes the loss, which is lost: no basis added, no
    adjusted lot, and the table says so."""
    data = vita()
    data["accounts"][0]["holdings"][0]["lots"] = [lot("OLD", 100, 1000.0, LONG_AGO)]
    data["accounts"][1]["holdings"].append({"fund": "XYZ", "lots": [lot("I1", 100, 800, RECENT)]})
    tax = _judge(data, {"OLD": 750.0}, {})
    (wash,) = tax.wash_sales
    assert (wash.replacement_account, wash.basis_added, wash.replacement_lot) == ("ira", 0.0, None)
    assert wash.replacement_acquired is None
    assert tax.adjusted_lots == []


def test_plan_json_and_table_show_the_replacement() -> None:
    """The plan must sell $400 of XYZ: OLD (a loss the recent NEW purchase washes, so worth
    nothing to harvest) rather than NEW (a short-term gain). Selling 53.33 OLD shares at a
    $133.33 loss, the 20 NEW shares wash 20/53.33 of it, $50: the JSON's ``tax.wash_sales``
    carries the replacement, ``tax.adjusted_lots`` the lot (NEW's 20 shares at $140 + $50,
    held from OLD's date), and the table a "Wash sales" section."""
    data = household(
        accounts=[
            {
                "id": "brokerage",
                "type": "taxable",
                "holdings": [
                    {
                        "fund": "XYZ",
                        "lots": [lot("OLD", 100, 1000.0, LONG_AGO), lot("NEW", 20, 140.0, RECENT)],
                    },
                    {"fund": "BND", "lots": [lot("B1", 10, 100.0, LONG_AGO)]},
                ],
            },
        ],
        funds=[fund("XYZ", {"stocks": 100}), fund("BND", {"bonds": 100})],
        prices={"XYZ": 7.5, "BND": 10.0},
        target={"stocks": 50, "bonds": 50},
        policy={"whole_shares": "never"},
    )
    r = run_plan(data)
    doc = r.plan.to_json()
    (wash,) = doc["tax"]["wash_sales"]  # type: ignore[index]
    assert (wash["lot"], wash["replacement_lot"]) == ("OLD", "NEW-W1")
    assert wash["loss_disallowed"] == pytest.approx(50.0, abs=0.01)
    assert wash["basis_added"] == wash["loss_disallowed"]
    (adjusted,) = doc["tax"]["adjusted_lots"]  # type: ignore[index]
    assert (adjusted["from_lot"], adjusted["shares"]) == ("NEW", 20.0)
    assert adjusted["cost"] == pytest.approx(190.0, abs=0.01)
    assert date.fromisoformat(adjusted["acquired"]) == LONG_AGO
    (table,) = [t for t in plan_tables(r.plan) if t.title.startswith("Wash sales")]
    assert table.rows[0][1] == "$50.00" and table.rows[0][-1] == LONG_AGO.isoformat()
