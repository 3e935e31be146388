"""The exact judge (``householder.tax.judge``) against the suite's own judge written from the
IRS's forms and regulations (``tests/irs.py``), on the IRS's examples and on random sales."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from householder.tax.judge import judge
from householder.tax.rates import TaxRates
from householder.tax.wash import Purchase, Sale
from tests import irs

AS_OF = date(2025, 6, 30)
RATES = TaxRates(ordinary=0.32, long_term=0.15, retirement=0.22)


def test_vita_case_study_1_through_the_judge() -> None:
    """IRS VITA Case Study 1 (Pub 550's facts): 100 shares bought for $1,000, sold for $750,
    100 bought again for $800 within 30 days: the $250 loss is disallowed, no tax effect this
    year, and the new shares' basis is $1,050."""
    sale = Sale("brokerage", "taxable", "XYZ", AS_OF, 100, 750.0, 1000.0, lot_id="L1",
                acquired=date(2024, 1, 2))
    again = Purchase("brokerage", "taxable", "XYZ", AS_OF + timedelta(days=10), 100, 800.0)
    verdict = judge([sale], [again], RATES)
    assert verdict.sales[0].disallowed == pytest.approx(250.0)
    assert (verdict.short_term_gain, verdict.long_term_gain) == (0.0, 0.0)
    assert verdict.estimated_tax == pytest.approx(0.0)
    assert verdict.washes[0].replacement_basis == pytest.approx(1050.0)


def test_motley_fool_long_john_silver_through_the_judge() -> None:
    """Motley Fool, "Long John Silver": long-term +$1,000 and −$600, short-term −$300 and +$50:
    a $150 long-term gain, taxed at the long-term rate."""
    long_ago, lately = date(2020, 1, 2), AS_OF - timedelta(days=100)
    sales = [
        Sale("b", "taxable", "A", AS_OF, 10, 2000.0, 1000.0, lot_id="1", acquired=long_ago),
        Sale("b", "taxable", "B", AS_OF, 10, 400.0, 1000.0, lot_id="2", acquired=long_ago),
        Sale("b", "taxable", "C", AS_OF, 10, 700.0, 1000.0, lot_id="3", acquired=lately),
        Sale("b", "taxable", "D", AS_OF, 10, 1050.0, 1000.0, lot_id="4", acquired=lately),
    ]
    verdict = judge(sales, [], RATES)
    assert verdict.with_sales.long_term_gain == pytest.approx(150.0)
    assert verdict.estimated_tax == pytest.approx(0.15 * 150.0)
    ours = irs.judge([_sold(s) for s in sales], [], ordinary=0.32, long_term=0.15)
    assert ours.tax == pytest.approx(verdict.estimated_tax)


def _sold(s: Sale) -> irs.Sold:
    assert s.acquired is not None
    return irs.Sold(s.account_id, s.account_type == "taxable", s.security, s.sold, s.acquired,
                    s.shares, s.proceeds, s.cost, s.lot_id)


def _bought(p: Purchase) -> irs.Bought:
    return irs.Bought(p.account_id, p.security, p.acquired, p.shares, p.lot_id)


SECURITIES = st.sampled_from(["VTI", "VXUS", "BND"])
ACCOUNTS = st.sampled_from([("brokerage", "taxable"), ("joint", "taxable"),
                            ("ira", "traditional_ira"), ("roth", "roth_ira")])


@st.composite
def sales_and_purchases(draw: st.DrawFn) -> tuple[list[Sale], list[Purchase]]:
    sales = []
    for k in range(draw(st.integers(1, 6))):
        shares = draw(st.integers(1, 300))
        cost = draw(st.integers(1, 40_000))
        proceeds = draw(st.integers(0, 40_000))
        acquired = AS_OF - timedelta(days=draw(st.integers(1, 900)))
        sales.append(Sale("brokerage", "taxable", draw(SECURITIES), AS_OF, float(shares),
                          float(proceeds), float(cost), lot_id=f"L{k}", acquired=acquired))
    purchases = []
    for k in range(draw(st.integers(0, 5))):
        account, kind = draw(ACCOUNTS)
        days = draw(st.integers(-45, 45))
        lot = draw(st.sampled_from(["", f"L{k}"]))
        purchases.append(Purchase(account, kind, draw(SECURITIES), AS_OF + timedelta(days=days),
                                  float(draw(st.integers(1, 300))), 1000.0, lot_id=lot))
    return sales, purchases


@settings(max_examples=300, deadline=None)
@given(
    sales_and_purchases(),
    st.sampled_from(["single", "married_separate"]),
    st.booleans(),
    st.integers(0, 20_000),
    st.integers(0, 20_000),
    st.integers(-10_000, 10_000),
    st.integers(-10_000, 10_000),
)
def test_judge_agrees_with_the_forms(
    trades: tuple[list[Sale], list[Purchase]],
    status: str,
    niit: bool,
    carry_short: int,
    carry_long: int,
    realized_short: int,
    realized_long: int,
) -> None:
    """Random sales (gains and losses, short and long term) and purchases (before and after,
    in taxable accounts and IRAs, some of them the sold lots themselves), carryovers and gains
    realized earlier in the year: the same disallowed losses, nets and tax by both judges."""
    sales, purchases = trades
    rates = TaxRates(ordinary=0.35, long_term=0.20, retirement=0.22, niit=niit,
                     filing_status=status, carry_short=carry_short, carry_long=carry_long,
                     realized_short=realized_short, realized_long=realized_long)
    verdict = judge(sales, purchases, rates)
    ours = irs.judge(
        [_sold(s) for s in sales], [_bought(p) for p in purchases], ordinary=0.35,
        long_term=0.20, niit=niit, married_separately=status == "married_separate",
        carry_short=carry_short, carry_long=carry_long, realized_short=realized_short,
        realized_long=realized_long,
    )
    assert [j.disallowed for j in verdict.sales] == pytest.approx(ours.disallowed, abs=1e-6)
    assert verdict.short_term_gain == pytest.approx(ours.short, abs=1e-6)
    assert verdict.long_term_gain == pytest.approx(ours.long, abs=1e-6)
    assert verdict.estimated_tax == pytest.approx(ours.tax, abs=1e-6)


@pytest.mark.parametrize(
    ("acquired", "sold", "long"),
    [
        (date(2005, 1, 1), date(2006, 1, 1), False),
        (date(2005, 1, 1), date(2006, 1, 2), True),
        (date(2023, 2, 28), date(2024, 2, 29), False),
        (date(2023, 2, 28), date(2024, 3, 1), True),
        (date(2024, 2, 29), date(2025, 2, 28), False),
        (date(2024, 2, 29), date(2025, 3, 1), True),
        (date(2023, 1, 31), date(2024, 1, 31), False),
        (date(2023, 1, 31), date(2024, 2, 1), True),
    ],
)
def test_holding_period_agrees_with_the_forms(acquired: date, sold: date, long: bool) -> None:
    """Rev. Rul. 66-7 by calendar months, in the suite's own reading and householder's."""
    from householder.tax.holding import holding_term

    assert irs.is_long_term(acquired, sold) is long
    assert (holding_term(acquired, sold) == "long") is long
