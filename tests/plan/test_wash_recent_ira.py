"""A purchase in an IRA within the 30 days before ``as_of`` washes a loss in a taxable account.

IRS Publication 550 ("Wash Sales"): a loss is disallowed when substantially identical stock is
bought within 30 days before or after the sale, "by you, your spouse, or a corporation you
control", and Rev. Rul. 2008-5 holds that a purchase in the seller's IRA or Roth IRA counts (the
loss is then lost for good: the IRA's basis is not increased). Holdings in tax-advantaged
accounts may give lots; their acquisition dates are what tells the plan of such a purchase.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest

from householder.io.loader import build_book
from householder.optimize import assemble
from householder.plan.build import RoundedTrades, exact_tax
from tests.optimize.households import AS_OF, LONG_AGO, RECENT, fund, household, lot, run_plan


def _data(ira_acquired: Any) -> dict[str, Any]:
    """Taxable VTI at a $5,000 loss (100 shares at $250, cost $30,000) that the plan would
    harvest into ITOT (a little dearer: worth it only for the $720 of tax the loss saves); the
    IRA holds 40 VTI shares acquired on ``ira_acquired`` and the household's bonds (already
    where location wants them)."""
    return household(
        accounts=[
            {
                "id": "brokerage",
                "type": "taxable",
                "menu": ["ITOT"],
                "holdings": [{"fund": "VTI", "lots": [lot("OLD", 100, 30000.0, LONG_AGO)]}],
            },
            {
                "id": "ira",
                "type": "traditional_ira",
                "menu": ["VTI", "BND"],
                "holdings": [
                    {"fund": "VTI", "lots": [lot("IRA1", 40, 9600.0, ira_acquired)]},
                    {"fund": "BND", "value": 7500.0},
                ],
            },
        ],
        funds=[{"ticker": "VTI"}, fund("ITOT", {"us_stocks": 100}, "0.035%"), {"ticker": "BND"}],
        prices={"VTI": 250.0, "ITOT": 120.0, "BND": 75.0},
        # on target already: only the tax can move the plan
        target={"stocks": 100 * 35000 / 42500, "bonds": 100 * 7500 / 42500},
        policy={"whole_shares": "never"},
    )


def test_old_ira_lot_does_not_stop_the_harvest() -> None:
    """Control: the IRA's VTI was bought years ago, so the taxable loss is harvested ($3,000
    deductible at 24 %: $720, IRC 1211(b))."""
    r = run_plan(_data(LONG_AGO))
    assert r.plan.tax.estimated_tax == pytest.approx(-720.0, abs=0.01)


def test_recent_ira_purchase_washes_the_taxable_loss() -> None:
    """The IRA bought VTI 10 days before as_of: the taxable VTI loss would be washed (and lost,
    Rev. Rul. 2008-5), so the optimizer counts it as zero and does not harvest it."""
    r = run_plan(_data(RECENT))
    d = assemble(r.book)
    assert d.lot_gain_ratio[d.lot_ids.index("OLD")] == 0.0
    assert d.lot_true_gain_ratio[d.lot_ids.index("OLD")] == pytest.approx(-0.2)  # gain / value
    assert r.plan.nothing_to_do
    assert r.plan.tax.estimated_tax == 0.0


def test_exact_judge_disallows_a_loss_washed_by_an_ira_purchase() -> None:
    """The exact judge on given trades: all 100 OLD shares sold at a $5,000 loss with 40 VTI
    shares bought in the IRA 10 days before: 40/100 of the loss, $2,000, is disallowed."""
    book = build_book(_data(RECENT))
    d = assemble(book)
    old = d.lot_ids.index("OLD")
    lot_sells = np.zeros(d.n_lots)
    lot_sells[old] = 25000.0
    sells = np.zeros(d.n_pairs)
    sells[d.lot_pair[old]] = 25000.0
    cash = np.array([25000.0, 0.0])
    rt = RoundedTrades(np.zeros(d.n_pairs), sells, lot_sells, cash)
    tax, _ = exact_tax(book, d, rt)
    (wash,) = tax.wash_sales
    assert (wash.lot, wash.replacement_account) == ("OLD", "ira")
    assert wash.loss_disallowed == pytest.approx(2000.0, abs=0.01)
    assert tax.long_term_gain == pytest.approx(-3000.0, abs=0.01)  # -5,000 + 2,000


def test_ira_lot_dates_outside_the_window_are_ignored() -> None:
    """A purchase 31 days before as_of is outside the window (30 days, IRS Pub 550)."""
    r = run_plan(_data(AS_OF - timedelta(days=31)))
    assert r.plan.tax.estimated_tax == pytest.approx(-720.0, abs=0.01)
