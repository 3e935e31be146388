"""Wash sales across a household's accounts (IRC 1091; IRS Pub 550; Rev. Rul. 2008-5)."""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from householder.errors import InputError
from householder.tax import Purchase, Sale, allowed_loss, detect_wash_sales
from tests.tax.shared_cases import tax_case

SOLD = date(2024, 3, 15)


def wash_case(source_prefix: str) -> dict[str, Any]:
    (case,) = [c for c in tax_case("wash_sale") if c["source"].startswith(source_prefix)]
    assert isinstance(case, dict)
    return case


def loss_sale(shares: float = 100, proceeds: float = 750, cost: float = 1000, **kw: Any) -> Sale:
    fields: dict[str, Any] = {
        "account_id": "brokerage",
        "account_type": "taxable",
        "security": "XYZ",
        "sold": SOLD,
        "shares": shares,
        "proceeds": proceeds,
        "cost": cost,
    }
    return Sale(**(fields | kw))


def buy(shares: float = 100, cost: float = 800, days: int = 10, **kw: Any) -> Purchase:
    fields: dict[str, Any] = {
        "account_id": "brokerage",
        "account_type": "taxable",
        "security": "XYZ",
        "acquired": SOLD + timedelta(days=days),
        "shares": shares,
        "cost": cost,
    }
    return Purchase(**(fields | kw))


def test_vita_case_study_1() -> None:
    """Source: IRS VITA Case Study 1 (Pub 550's facts): loss 250 disallowed, new basis 1,050."""
    case = wash_case("IRS VITA")
    sale = loss_sale(case["sold"]["shares"], case["sold"]["proceeds"], case["bought"]["cost"])
    replacement = buy(
        case["repurchased_within_30_days"]["shares"], case["repurchased_within_30_days"]["cost"]
    )
    (wash,) = detect_wash_sales([sale], [replacement])
    assert wash.shares == 100
    assert wash.loss_disallowed == case["expected"]["loss_disallowed"]
    assert wash.basis_adjustment == case["expected"]["loss_disallowed"]
    assert wash.replacement_basis == case["expected"]["replacement_basis"]
    assert allowed_loss(sale, [wash]) == 0


@pytest.mark.parametrize("account_type", ["roth_ira", "traditional_ira", "traditional_401k"])
def test_rev_rul_2008_5_replacement_in_an_ira(account_type: str) -> None:
    """Source: Rev. Rul. 2008-5: a repurchase in the owner's or spouse's IRA or Roth IRA washes
    the loss, and the IRA's basis is not increased (the loss is lost)."""
    wash_case("Rev. Rul. 2008-5")
    sale = loss_sale()
    replacement = buy(account_id="spouse-roth", account_type=account_type)
    (wash,) = detect_wash_sales([sale], [replacement])
    assert wash.loss_disallowed == 250
    assert wash.basis_adjustment == 0
    assert wash.replacement_basis == 800
    assert allowed_loss(sale, [wash]) == 0


def test_vita_replacement_lot_carries_the_basis_and_the_holding_period() -> None:
    """IRS VITA Case Study 1 / Pub 550 "Wash Sales": the replacement's basis is its $800 cost
    plus the $250 disallowed loss, $1,050 (IRC 1091(d)); its holding period includes the sold
    shares' (IRC 1223(3), Pub 550): shares bought 2023-12-01 and sold 2024-03-15 (105 days),
    replaced 2024-03-25: the replacement counts as acquired 105 days before 2024-03-25."""
    case = wash_case("IRS VITA")
    sale = loss_sale(
        case["sold"]["shares"],
        case["sold"]["proceeds"],
        case["bought"]["cost"],
        acquired=date(2023, 12, 1),
    )
    replacement = buy(
        case["repurchased_within_30_days"]["shares"], case["repurchased_within_30_days"]["cost"]
    )
    (wash,) = detect_wash_sales([sale], [replacement])
    assert wash.replacement_cost == 800
    assert wash.replacement_basis == case["expected"]["replacement_basis"]
    assert (SOLD - date(2023, 12, 1)).days == 105
    assert wash.replacement_acquired == date(2024, 3, 25) - timedelta(days=105)
    assert wash.replacement_acquired == date(2023, 12, 11)


def test_replacement_bought_before_the_sale_runs_from_the_sold_shares_date() -> None:
    """A replacement bought within the 30 days *before* the sale (IRC 1091(a)) already runs
    during the overlap; its holding period includes the sold shares' (Treas. Reg.
    1.1223-1(d)), so it starts when the sold shares were acquired, not earlier."""
    sale = loss_sale(acquired=date(2023, 6, 1))
    (wash,) = detect_wash_sales([sale], [buy(days=-20)])
    assert wash.replacement_acquired == date(2023, 6, 1)
    bought_first = detect_wash_sales(
        [loss_sale(acquired=SOLD - timedelta(days=5))], [buy(days=-20)]
    )
    assert bought_first[0].replacement_acquired == SOLD - timedelta(days=20)


def test_ira_replacement_has_no_adjusted_lot() -> None:
    """Rev. Rul. 2008-5: no basis added in an IRA, so no holding period to carry either."""
    sale = loss_sale(acquired=date(2023, 6, 1))
    (wash,) = detect_wash_sales([sale], [buy(account_type="roth_ira")])
    assert not wash.replacement_taxable and wash.replacement_acquired is None


def test_partial_wash_is_pro_rata_by_shares() -> None:
    """IRS Pub 550 / Treas. Reg. 1.1091-1(c): 40 of 100 shares replaced: 40 % of the loss."""
    sale = loss_sale()
    (wash,) = detect_wash_sales([sale], [buy(shares=40, cost=320)])
    assert wash.shares == 40
    assert wash.loss_disallowed == pytest.approx(100)
    assert wash.replacement_basis == pytest.approx(420)
    assert allowed_loss(sale, [wash]) == pytest.approx(150)


@pytest.mark.parametrize(
    ("days", "washed"), [(-31, False), (-30, True), (0, True), (30, True), (31, False)]
)
def test_window_is_30_days_either_side_inclusive(days: int, washed: bool) -> None:
    """IRC 1091(a): within 30 days before or after the sale; 31 days out is not a wash."""
    assert bool(detect_wash_sales([loss_sale()], [buy(days=days)])) == washed


def test_window_days_is_a_parameter() -> None:
    """policy.wash_sale_window_days may widen or narrow the window."""
    assert detect_wash_sales([loss_sale()], [buy(days=40)], window_days=45)
    assert not detect_wash_sales([loss_sale()], [buy(days=10)], window_days=5)
    with pytest.raises(InputError, match="window_days"):
        detect_wash_sales([], [], window_days=-1)


def test_gains_are_never_washed() -> None:
    """IRS Pub 550: the wash-sale rule disallows losses only."""
    gain = loss_sale(proceeds=1200)
    assert detect_wash_sales([gain], [buy()]) == []
    assert allowed_loss(gain, []) == 0


def test_losses_inside_tax_advantaged_accounts_are_not_washed() -> None:
    """A sale inside an IRA has no deductible loss to disallow."""
    assert detect_wash_sales([loss_sale(account_type="roth_ira")], [buy()]) == []


def test_substantially_identical_group() -> None:
    """`identical` groups securities: VTI and VTSAX wash each other, VXUS does not."""
    groups = {"VTI": "us-total", "VTSAX": "us-total"}
    sale = loss_sale(security="VTI")
    assert detect_wash_sales([sale], [buy(security="VTSAX")], identical=groups)
    assert not detect_wash_sales([sale], [buy(security="VXUS")], identical=groups)
    assert not detect_wash_sales([sale], [buy(security="VTSAX")])


def test_each_replacement_share_is_matched_once_earliest_first() -> None:
    """Treas. Reg. 1.1091-1(b): loss sales in order, each taking the earliest replacements."""
    first, second = loss_sale(), loss_sale(sold=SOLD + timedelta(days=5))
    early, late = buy(shares=60, days=1), buy(shares=60, days=3)
    washes = detect_wash_sales([second, first], [late, early])
    assert [(w.sale is first, w.purchase is early, w.shares) for w in washes] == [
        (True, True, 60),
        (True, False, 40),
        (False, False, 20),
    ]
    assert allowed_loss(first, washes) == pytest.approx(0)
    assert allowed_loss(second, washes) == pytest.approx(200)


def test_same_day_losses_wash_in_the_order_the_sold_shares_were_acquired() -> None:
    """Treas. Reg. 1.1091-1(b): "If the order of disposition of stock ... disposed of at a loss
    on the same day cannot be determined, the stock ... will be considered to have been
    disposed of in the order in which they were originally acquired (beginning with the
    earliest acquisition)." Two lots sold at a loss on one day, 100 replacement shares: the lot
    bought first (2020, $2.50 a share) is the one washed, whatever order the sales come in,
    not the later lot with the larger loss."""
    early = loss_sale(proceeds=750, cost=1000, lot_id="A", acquired=date(2020, 5, 1))
    late = loss_sale(proceeds=700, cost=1300, lot_id="B", acquired=date(2022, 7, 1))
    (wash,) = detect_wash_sales([late, early], [buy(shares=100)])
    assert wash.sale is early
    assert (allowed_loss(early, [wash]), allowed_loss(late, [wash])) == (0, 600)


def test_the_sold_lot_is_not_its_own_replacement() -> None:
    """Shares sold are not replacements: a purchase with the sale's lot_id in the same account
    gives only its unsold shares as replacements."""
    bought = buy(shares=150, cost=1500, days=-10, lot_id="L9")
    sold_all = loss_sale(shares=150, proceeds=1200, cost=1500, lot_id="L9")
    assert detect_wash_sales([sold_all], [bought]) == []
    sold_part = loss_sale(shares=100, proceeds=800, cost=1000, lot_id="L9")
    (wash,) = detect_wash_sales([sold_part], [bought])
    assert (wash.shares, wash.loss_disallowed) == (50, 100)
    other_account = buy(shares=150, cost=1500, days=-10, lot_id="L9", account_id="ira")
    assert detect_wash_sales([sold_all], [other_account])


def test_bad_amounts_are_input_errors() -> None:
    """Shares must be positive and money finite and non-negative."""
    with pytest.raises(InputError, match="shares"):
        loss_sale(shares=0)
    with pytest.raises(InputError, match="cost"):
        buy(cost=-1)


sales_strategy = st.lists(
    st.builds(
        loss_sale,
        shares=st.floats(1, 500),
        proceeds=st.floats(0, 5000),
        cost=st.floats(0, 5000),
        sold=st.dates(date(2024, 1, 1), date(2024, 6, 30)),
        security=st.sampled_from(["A", "B"]),
    ),
    max_size=6,
)
purchases_strategy = st.lists(
    st.builds(
        buy,
        shares=st.floats(1, 500),
        cost=st.floats(0, 5000),
        days=st.integers(-120, 120),
        security=st.sampled_from(["A", "B"]),
        account_type=st.sampled_from(["taxable", "roth_ira"]),
    ),
    max_size=6,
)


@given(sales=sales_strategy, purchases=purchases_strategy)
def test_matching_never_overuses_shares_or_losses(
    sales: list[Sale], purchases: list[Purchase]
) -> None:
    """No replacement share matched twice, no sale washed beyond its shares or its loss, and the
    allowed plus disallowed loss is the realized loss."""
    washes = detect_wash_sales(sales, purchases)
    for purchase in purchases:
        used = math.fsum(w.shares for w in washes if w.purchase is purchase)
        assert used <= purchase.shares * (1 + 1e-9)
    for sale in sales:
        mine = [w for w in washes if w.sale is sale]
        assert math.fsum(w.shares for w in mine) <= sale.shares * (1 + 1e-9)
        disallowed = math.fsum(w.loss_disallowed for w in mine)
        assert allowed_loss(sale, washes) + disallowed == pytest.approx(sale.loss, abs=1e-6)
    for wash in washes:
        assert wash.sale.loss > 0
        assert abs((wash.purchase.acquired - wash.sale.sold).days) <= 30
        assert wash.purchase.security == wash.sale.security
        expected = wash.loss_disallowed if wash.purchase.account_type == "taxable" else 0.0
        assert wash.basis_adjustment == expected
