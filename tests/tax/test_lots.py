"""Lot selection: FIFO, highest cost, specific identification and average cost."""

from __future__ import annotations

import math
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from householder.errors import InputError
from householder.tax import Lot, LotMethod, gains_by_term, sell_lots
from tests.tax.shared_cases import tax_case

SOLD = date(2024, 12, 31)


def fairmark_lots() -> list[Lot]:
    """Fairmark's two lots: 100 @ $30 then 100 @ $40 (both held over a year by SOLD)."""
    case = tax_case("lot_selection")
    return [
        Lot(f"L{i}", lot["shares"], lot["shares"] * lot["cost_per_share"], date(2020, 1, 1 + i))
        for i, lot in enumerate(case["lots"])
    ]


@pytest.mark.parametrize(
    ("method", "expected_key"),
    [("fifo", "fifo_gain"), ("hifo", "highest_cost_gain"), ("average", "average_cost_gain")],
)
def test_fairmark_gain_by_method(method: LotMethod, expected_key: str) -> None:
    """Source: Fairmark (Kaye Thomas), selling mutual fund shares: 700 / -300 / 200."""
    case = tax_case("lot_selection")
    sales = sell_lots(fairmark_lots(), case["sell"]["shares"], case["sell"]["price"], method, SOLD)
    assert math.fsum(s.gain for s in sales) == case["expected"][expected_key]
    assert math.fsum(s.proceeds for s in sales) == 3700
    assert all(s.term == "long" for s in sales)


def test_fairmark_lines() -> None:
    """Fairmark: FIFO draws the $30 lot, highest cost the $40 lot, average one $35 line."""
    lots = fairmark_lots()
    (fifo,) = sell_lots(lots, 100, 37, "fifo", SOLD)
    assert (fifo.lot_id, fifo.shares, fifo.cost, fifo.proceeds) == ("L0", 100, 3000, 3700)
    (hifo,) = sell_lots(lots, 100, 37, "hifo", SOLD)
    assert (hifo.lot_id, hifo.cost) == ("L1", 4000)
    (average,) = sell_lots(lots, 100, 37, "average", SOLD)
    assert (average.lot_id, average.shares, average.cost) == ("L0", 100, 3500)


def test_specific_identification() -> None:
    """Fairmark: naming the $40 lot gives the highest-cost result, -300."""
    lots = fairmark_lots()
    sales = sell_lots(lots, 100, 37, "specific", SOLD, specific={"L1": 100})
    assert [(s.lot_id, s.gain) for s in sales] == [("L1", -300)]
    split = sell_lots(lots, 100, 37, "specific", SOLD, specific={"L0": 50, "L1": 50})
    assert [(s.lot_id, s.shares, s.cost) for s in split] == [("L0", 50, 1500), ("L1", 50, 2000)]
    assert math.fsum(s.gain for s in split) == 200


def test_partial_lot_prorates_basis_and_terms_follow_each_lot() -> None:
    """IRS Pub 550: each lot keeps its own basis and holding period."""
    lots = [Lot("old", 10, 1000, date(2020, 3, 1)), Lot("new", 10, 3000, date(2024, 6, 1))]
    sales = sell_lots(lots, 15, 250, "fifo", SOLD)
    assert [(s.lot_id, s.shares, s.cost, s.gain, s.term) for s in sales] == [
        ("old", 10, 1000, 1500, "long"),
        ("new", 5, 1500, -250, "short"),
    ]
    assert gains_by_term(sales) == (-250, 1500)


def test_average_cost_term_by_fifo_order() -> None:
    """IRS Pub 550 (average basis): shares sold are the first acquired, for the holding period."""
    lots = [Lot("A", 100, 3000, date(2020, 1, 1)), Lot("B", 100, 4000, date(2024, 11, 1))]
    sales = sell_lots(lots, 150, 37, "average", SOLD)
    assert [(s.lot_id, s.shares, s.cost, s.term) for s in sales] == [
        ("A", 100, 3500, "long"),
        ("B", 50, 1750, "short"),
    ]
    assert [s.gain for s in sales] == [200, 100]


def test_fifo_orders_by_acquisition_not_by_list_position() -> None:
    """FIFO (IRS Pub 550 default): the earliest acquired shares are sold first."""
    lots = [Lot("late", 5, 500, date(2023, 1, 1)), Lot("early", 5, 100, date(2019, 1, 1))]
    assert [s.lot_id for s in sell_lots(lots, 6, 50, "fifo", SOLD)] == ["early", "late"]


def test_selling_more_than_held_is_an_input_error() -> None:
    """No lot is oversold: 201 shares from 200 is refused."""
    with pytest.raises(InputError, match="only 200"):
        sell_lots(fairmark_lots(), 201, 37, "fifo", SOLD)
    with pytest.raises(ValueError):
        sell_lots(fairmark_lots(), 201, 37, "average", SOLD)


@pytest.mark.parametrize(
    ("shares", "specific", "message"),
    [
        (100, None, "needs `specific`"),
        (100, {"L9": 100}, "unknown lots 'L9'"),
        (100, {"L0": 60}, "names 60 shares"),
        (150, {"L0": 150}, "the lot holds 100"),
    ],
)
def test_specific_errors(shares: float, specific: dict[str, float] | None, message: str) -> None:
    """Specific identification must name exactly the shares sold, of known lots."""
    with pytest.raises(InputError, match=message):
        sell_lots(fairmark_lots(), shares, 37, "specific", SOLD, specific=specific)


def test_bad_arguments() -> None:
    """Unknown method, negative shares, duplicate ids: each an InputError naming the problem."""
    with pytest.raises(InputError, match="unknown lot method"):
        sell_lots(fairmark_lots(), 1, 37, "lifo", SOLD)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="shares to sell"):
        sell_lots(fairmark_lots(), -1, 37, "fifo", SOLD)
    with pytest.raises(InputError, match="repeated: X"):
        sell_lots([Lot("X", 1, 1, SOLD), Lot("X", 1, 1, SOLD)], 1, 1, "fifo", SOLD)
    with pytest.raises(InputError, match="cost"):
        Lot("X", 1, -5, SOLD)
    assert sell_lots(fairmark_lots(), 0, 37, "fifo", SOLD) == []


lot_lists = st.lists(
    st.builds(
        lambda i, shares, per_share, day: Lot(f"L{i}", shares, shares * per_share, day),
        st.integers(0, 10**6),
        st.floats(0.001, 1e4),
        st.floats(0, 1e3),
        st.dates(date(2015, 1, 1), SOLD),
    ),
    min_size=1,
    max_size=8,
    unique_by=lambda lot: lot.id,
)


@given(lots=lot_lists, fraction=st.floats(0, 1), price=st.floats(0, 1e3))
def test_sales_conserve_shares_and_never_oversell(
    lots: list[Lot], fraction: float, price: float
) -> None:
    """Each method sells exactly the shares asked, no lot oversold; HIFO realizes the least gain."""
    held = math.fsum(lot.shares for lot in lots)
    shares = held * fraction
    by_id = {lot.id: lot for lot in lots}
    gains = {}
    for method in ("fifo", "hifo", "average"):
        sales = sell_lots(lots, shares, price, method, SOLD)
        assert math.isclose(math.fsum(s.shares for s in sales), shares, rel_tol=1e-9, abs_tol=1e-9)
        assert math.isclose(
            math.fsum(s.proceeds for s in sales), shares * price, rel_tol=1e-9, abs_tol=1e-6
        )
        for sale in sales:
            assert sale.shares >= 0
            assert math.isclose(sale.gain, sale.proceeds - sale.cost, abs_tol=1e-9)
            if method != "average":
                assert sale.shares <= by_id[sale.lot_id].shares
        gains[method] = math.fsum(s.gain for s in sales)
    tolerance = 1e-7 * (1 + math.fsum(lot.cost for lot in lots) + shares * price)
    assert gains["hifo"] <= gains["fifo"] + tolerance
    assert gains["hifo"] <= gains["average"] + tolerance
