"""``harvest``: the lots to sell at a loss, their replacements, what it is worth (published
harvesting examples), and no harvest a purchase would wash (IRS Pub 550; Rev. Rul. 2008-5)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from householder.io import build_book
from householder.plan.harvest import Harvest, harvest


def lot(lot_id: str, shares: float, cost: float, acquired: str) -> dict[str, Any]:
    return {"id": lot_id, "shares": shares, "cost": cost, "acquired": acquired}


def household(
    holdings: list[dict[str, Any]],
    *,
    tax: dict[str, Any] | None = None,
    others: list[dict[str, Any]] | None = None,
    as_of: str = "2026-12-04",
    target: dict[str, Any] | None = None,
    **top: Any,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Harvest",
        "as_of": as_of,
        "tax": {"ordinary_rate": "32%", "long_term_rate": "15%", **(tax or {})},
        "target": target or {"us_stocks": 60, "intl_stocks": 20, "bonds": 20},
        "accounts": [
            {"id": "brokerage", "type": "taxable", "holdings": holdings},
            *(others or []),
        ],
        **top,
    }
    return data


def vti(*lots: dict[str, Any], price: float = 200.0, **extra: Any) -> dict[str, Any]:
    return {"fund": "VTI", "price": price, "lots": list(lots), **extra}


def run(data: dict[str, Any], min_loss: float = 0.0) -> Harvest:
    return harvest(build_book(copy.deepcopy(data)), min_loss)


def offsets(h: Harvest) -> dict[str, tuple[float, float, float]]:
    return {line.offsets: (line.amount, line.rate, line.tax) for line in h.tax.by_character}


# -- published examples ----------------------------------------------------------------------------
def test_white_coat_investor_gain_offset_deduction_and_carryforward() -> None:
    """The White Coat Investor, "Tax-Loss Harvesting Pairs/Partners": with a $30,000 capital
    gain, a $40,000 harvested loss saves the tax on the gain ("as much as $7,140", at 20 % +
    3.8 %), $3,000 of ordinary income ("as much as $1,623", at 54.1 %), and carries $7,000
    forward."""
    data = household(
        [vti(lot("V1", 100, 60_000, "2019-05-01"))],
        tax={"ordinary_rate": "54.1%", "long_term_rate": "20%", "niit": True,
             "realized_this_year": {"long_term": 30_000}},
    )
    h = run(data)
    by = offsets(h)
    assert by["long-term gains"] == (30_000.0, pytest.approx(0.238), 7_140.0)
    assert by["ordinary income"] == (3_000.0, 0.541, 1_623.0)
    assert by["carried forward"][0] == 7_000.0
    assert h.tax.tax_saved == 8_763.0
    assert h.tax.loss_deduction == 3_000.0
    assert h.tax.carryforward_added == 7_000.0
    assert h.tax.long_term_loss == 40_000.0


def test_bogleheads_guide_loss_without_gains() -> None:
    """The Bogleheads' Guide to Retirement Planning: a $4,000 harvested loss with no gains
    deducts $3,000 from ordinary income and carries $1,000 forward."""
    h = run(household([vti(lot("V1", 100, 24_000, "2019-05-01"))]))
    assert h.tax.loss_deduction == 3_000.0
    assert h.tax.carryforward_added == 1_000.0
    assert offsets(h)["ordinary income"] == (3_000.0, 0.32, 960.0)
    assert h.tax.tax_saved == 960.0


def test_married_filing_separately_deducts_1500() -> None:
    """IRC 1211(b)(1): $1,500 for a married individual filing separately."""
    h = run(household([vti(lot("V1", 100, 24_000, "2019-05-01"))],
                      tax={"filing_status": "married_separate"}))
    assert h.tax.loss_deduction == 1_500.0
    assert h.tax.carryforward_added == 2_500.0


def test_kitces_the_value_is_the_deferral() -> None:
    """Kitces, "Evaluating the tax deferral and tax bracket arbitrage benefits of tax loss
    harvesting" (2014): $20,000 invested, now $14,000; the $6,000 loss saves $900 at a 15 %
    long-term rate, and the $900 invested at 8 % grows $72 in a year, while the lower basis
    gives the $900 back when sold. Sold in a year (horizon 1, all of it, discounted at 8 %), the
    net present benefit is that $72 today: $72 / 1.08."""
    data = household(
        [vti(lot("V1", 100, 20_000, "2019-05-01"), price=140.0)],
        tax={"realized_this_year": {"long_term": 10_000}},
        policy={"horizon_years": 1, "discount_rate": "8%", "location": {"sold_at_horizon": 1}},
    )
    h = run(data)
    assert h.tax.tax_saved == 900.0
    assert h.economics.basis_given_up == 6_000.0
    assert h.economics.future_tax == 900.0
    assert round(h.economics.net_present_benefit * 1.08, 2) == 72.0


def test_short_term_loss_offsets_short_term_gains_at_the_ordinary_rate() -> None:
    """Schedule D: a short-term loss nets with short-term gains first (taxed at the ordinary
    rate), then long-term."""
    data = household(
        [vti(lot("V1", 100, 21_000, "2026-06-01"))],
        tax={"realized_this_year": {"short_term": 500, "long_term": 2_000}},
    )
    h = run(data)
    assert h.candidates[0].short_term_loss == 1_000.0
    by = offsets(h)
    assert by["short-term gains"] == (500.0, 0.32, 160.0)
    assert by["long-term gains"] == (500.0, 0.15, 75.0)
    assert h.tax.tax_saved == 235.0


# -- replacements ----------------------------------------------------------------------------------
def test_the_replacement_keeps_the_allocation_and_is_not_identical() -> None:
    h = run(household([vti(lot("V1", 100, 24_000, "2019-05-01"))]))
    [c] = h.candidates
    assert c.replacement is not None
    assert c.replacement.fund == "ITOT"  # S&P Total Market: another index, the same exposure
    assert c.replacement.source == "bundled"
    assert "judgement you own" in c.replacement.judgement
    assert c.replacement.allocation_change == {}
    assert c.replacement.fund not in ("VTI", "VTSAX")


def test_the_households_substitutes_come_first() -> None:
    data = household([vti(lot("V1", 100, 24_000, "2019-05-01"))],
                     substitutes=[["VTI", "SCHB"]])
    [c] = run(data).candidates
    assert c.replacement is not None
    assert (c.replacement.fund, c.replacement.source) == ("SCHB", "substitutes")
    assert c.replacement.judgement.startswith("yours: substitutes[0]")


def test_a_replacement_is_one_the_account_may_buy() -> None:
    data = household(
        [vti(lot("V1", 100, 24_000, "2019-05-01"))],
        restrictions=[{"rule": "do_not_buy", "account": "brokerage", "fund": "ITOT"},
                      {"rule": "closed_to_new_money", "fund": "SCHB"}],
        funds=[{"ticker": "ITOT"}, {"ticker": "SCHB"}],
        prices={"ITOT": 130, "SCHB": 25},
    )
    [c] = run(data).candidates
    assert c.replacement is not None
    assert c.replacement.fund not in ("ITOT", "SCHB")
    data["accounts"][0]["menu"] = ["VTI", "ITOT", "SCHB"]
    [c] = run(data).candidates
    assert c.replacement is None
    assert "no replacement" in c.note
    assert c.cash_left == c.proceeds


def test_two_harvested_funds_never_replace_each_other() -> None:
    """Selling VTI and VOO at a loss and buying each other's would wash both losses."""
    data = household([
        vti(lot("V1", 100, 24_000, "2019-05-01")),
        {"fund": "VOO", "price": 500, "lots": [lot("S1", 10, 6_000, "2019-05-01")]},
    ])
    h = run(data)
    bought = {c.replacement.fund for c in h.candidates if c.replacement}
    sold = {c.fund for c in h.candidates}
    assert sold == {"VTI", "VOO"}
    assert not bought & {"VTI", "VTSAX", "VOO", "VFIAX"}
    # the exact judge, the replacements among the purchases, allows every dollar of loss
    assert h.tax.long_term_loss == 5_000.0


def test_whole_shares_of_a_replacement_leave_the_remainder_in_cash() -> None:
    data = household([vti(lot("V1", 100, 24_000, "2019-05-01"))],
                     funds=[{"ticker": "ITOT"}], prices={"ITOT": 130.0})
    [c] = run(data).candidates
    assert c.replacement is not None
    assert c.replacement.shares == 153  # 20,000 / 130 = 153.8
    assert c.replacement.amount == 19_890.0
    assert c.cash_left == 110.0


# -- no harvest a purchase would wash ----------------------------------------------------------
def four01k(schedule: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "spouse-401k", "type": "traditional_401k", "menu": ["VTSAX", "VBTLX"],
        "holdings": [{"fund": "VTSAX", "value": 30_000}],
        "contributions": {"annual": 26_000, "split": {"VTSAX": 100}, "schedule": schedule},
    }


def test_a_scheduled_payroll_purchase_blocks_the_harvest_with_the_fix() -> None:
    """IRC 1091 with Rev. Rul. 2008-5: a spouse's 401(k) buying VTSAX 14 days after the sale
    washes a VTI loss (share classes of one fund); it is not harvested, and the paycheck is
    named with what to do."""
    data = household([vti(lot("V1", 100, 24_000, "2019-05-01"))],
                     others=[four01k({"every": "biweekly", "next": "2026-12-18"})])
    h = run(data)
    assert h.candidates == []
    [b] = h.blocked
    assert (b.fund, b.lots, b.harvest_from) == ("VTI", ["V1"], None)
    assert "scheduled" in b.reason
    assert [(p.source, p.fund, p.date, p.amount) for p in b.purchases] == [
        ("payroll", "VTSAX", "2026-12-18", 1_000.0), ("payroll", "VTSAX", "2027-01-01", 1_000.0)
    ]
    assert "until 2027-01-04" in b.purchases[0].fix


def test_a_paycheck_31_days_after_does_not_block() -> None:
    data = household([vti(lot("V1", 100, 24_000, "2019-05-01"))],
                     others=[four01k({"every": "monthly", "next": "2027-01-04"})])
    h = run(data)
    assert [c.fund for c in h.candidates] == ["VTI"]
    assert h.blocked == []


def test_dividends_reinvested_in_an_ira_block_the_harvest() -> None:
    ira = {"id": "ira", "type": "roth_ira",
           "holdings": [{"fund": "VTI", "value": 10_000,
                         "reinvest": {"every": "quarterly", "next": "2026-12-22"}}]}
    data = household([vti(lot("V1", 100, 24_000, "2019-05-01"))], others=[ira])
    h = run(data)
    [b] = h.blocked
    [p] = b.purchases
    assert (p.source, p.date, p.account) == ("dividends", "2026-12-22", "ira")
    # value x the fund's yield (its classes' yields, weighted) over 4 dates a year
    book = build_book(data)
    classes = book.funds["VTI"].classes
    yearly = sum(frac * book.taxonomy[c].yield_ for c, frac in classes.items())
    assert yearly > 0
    assert p.amount == round(10_000 * yearly / 4, 2)
    assert "reinvestment off" in p.fix


def test_pub_550_purchases_before_the_sale_block_until_the_window_closes() -> None:
    """IRS Pub 550, "Wash Sales" (more or less stock bought than sold): 100 shares of M bought
    2023-09-24 for $5,000; 50 more bought 2023-12-21 for $2,750 and 25 on 2023-12-28 for $1,125;
    the 100 sold 2024-01-04 for $4,000. Here the 75 shares were bought in the spouse's IRA
    (``transactions``): the harvest is washed, and clean from 2024-01-28."""
    data = household(
        [{"fund": "M", "price": 40.0, "lots": [lot("M-2023-09", 100, 5_000, "2023-09-24")]}],
        as_of="2024-01-04",
        target={"stocks": 100},
        funds=[{"ticker": "M", "classes": {"stocks": 100}, "expense_ratio": 0, "kind": "stock"}],
        others=[{
            "id": "spouse-ira", "type": "traditional_ira", "cash": 100,
            "transactions": [
                {"date": "2023-12-21", "fund": "M", "action": "buy", "shares": 50,
                 "amount": 2_750},
                {"date": "2023-12-28", "fund": "M", "action": "buy", "shares": 25,
                 "amount": 1_125},
            ],
        }],
    )
    h = run(data)
    [b] = h.blocked
    assert b.loss == 1_000.0
    assert b.harvest_from == "2024-01-28"
    assert [(p.date, p.source) for p in b.purchases] == [
        ("2023-12-21", "transactions"), ("2023-12-28", "transactions")
    ]


def test_restrictions_keep_lots_from_the_harvest() -> None:
    data = household(
        [vti(lot("V1", 50, 12_000, "2019-05-01"), lot("V2", 50, 11_000, "2020-05-01")),
         {"fund": "VXUS", "price": 60, "lots": [lot("X1", 100, 7_000, "2019-05-01")]}],
        restrictions=[{"rule": "hold_at_least", "fund": "VTI", "amount": 10_000},
                      {"rule": "do_not_sell", "fund": "VXUS", "reason": "gifted"}],
    )
    h = run(data)
    assert [(c.fund, [x.id for x in c.lots]) for c in h.candidates] == [("VTI", ["V1"])]
    kept = {(b.fund, tuple(b.lots)): b.restriction for b in h.blocked}
    assert kept == {
        ("VTI", ("V2",)): "restrictions[0] (hold_at_least $10,000.00, VTI)",
        ("VXUS", ("X1",)): 'restrictions[1] (do_not_sell, VXUS: "gifted")',
    }


def test_min_loss_is_per_lot() -> None:
    data = household([vti(lot("V1", 50, 10_100, "2019-05-01"), lot("V2", 50, 12_000,
                                                                    "2020-05-01"))])
    [c] = run(data, min_loss=500).candidates
    assert [x.id for x in c.lots] == ["V2"]
    assert run(data, min_loss=5_000).candidates == []


# -- the calendar ----------------------------------------------------------------------------------
def test_the_harvest_calendar_line_of_the_issue() -> None:
    """A loss harvested on 2026-12-05: "do not buy VTI or VTSAX in any account before
    2027-01-05"."""
    h = run(household([vti(lot("V1", 100, 24_000, "2019-05-01"))], as_of="2026-12-05"))
    [line] = h.wash_sale_calendar
    assert line.text == "do not buy VTI or VTSAX in any account before 2027-01-05"
    assert line.funds == ["VTI", "VTSAX"]
    assert [(s.lot, s.source, s.loss) for s in line.sales] == [("V1", "harvest", 4_000.0)]
    assert h.candidates[0].buy_back_from == "2027-01-05"
