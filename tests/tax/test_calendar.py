"""The wash-sale calendar's rule (tax/calendar.py): after the last loss sale of a group on day t,
no purchase anywhere before t + 31 days (IRC 1091(a); IRS Pub 550, "Wash Sales": within 30 days
before or after the sale, both ends included)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from householder.tax.calendar import no_buy_windows
from householder.tax.wash import Purchase, Sale, detect_wash_sales


def sale(sold: date, security: str = "VTI", proceeds: float = 750.0, cost: float = 1000.0,
         account_type: str = "taxable", lot: str = "") -> Sale:
    return Sale("brokerage", account_type, security, sold, 100, proceeds, cost, lot_id=lot)


def test_the_issues_example_sale_on_2026_12_05_buys_again_on_2027_01_05() -> None:
    """The issue's calendar line: a loss sold 2026-12-05, "do not buy VTI or VTSAX in any
    account before 2027-01-05"."""
    [window] = no_buy_windows([sale(date(2026, 12, 5))], [], today=date(2026, 12, 5),
                              identical={"VTI": "VTI+VTSAX", "VTSAX": "VTI+VTSAX"})
    assert window.group == "VTI+VTSAX"
    assert window.clean_from == date(2027, 1, 5)


@pytest.mark.parametrize("days", [29, 30, 31])
def test_the_calendar_agrees_with_the_wash_sale_rule(days: int) -> None:
    """IRS VITA Case Study 1's facts (100 shares for $1,000, sold for $750, bought again for
    $800): a purchase before ``clean_from`` washes the loss, one on it does not."""
    sold = date(2024, 3, 1)
    [window] = no_buy_windows([sale(sold)], [], today=sold)
    bought = sold + timedelta(days=days)
    washes = detect_wash_sales([sale(sold)], [Purchase("ira", "roth_ira", "VTI", bought, 100,
                                                       800)])
    assert (bought < window.clean_from) == bool(washes)
    assert washes == [] or washes[0].loss_disallowed == 250.0


def test_the_last_sale_of_a_group_sets_the_date_and_closed_windows_drop_out() -> None:
    today = date(2026, 12, 4)
    windows = no_buy_windows(
        [sale(date(2026, 11, 1)), sale(date(2026, 11, 20)), sale(date(2026, 10, 1), "VXUS")],
        [], today=today,
    )
    assert [(w.group, w.clean_from) for w in windows] == [("VTI", date(2026, 12, 21))]
    assert [s.sold for s in windows[0].sales] == [date(2026, 11, 1), date(2026, 11, 20)]


def test_gains_and_sales_inside_tax_advantaged_accounts_open_no_window() -> None:
    today = date(2026, 12, 4)
    assert no_buy_windows([sale(today, proceeds=1200.0)], [], today=today) == []
    assert no_buy_windows([sale(today, account_type="roth_ira")], [], today=today) == []


def test_a_scheduled_purchase_inside_the_window_is_listed_one_after_it_is_not() -> None:
    today = date(2026, 12, 4)
    inside = Purchase("k401", "traditional_401k", "VTSAX", date(2026, 12, 18), 3.0, 900.0)
    after = Purchase("k401", "traditional_401k", "VTSAX", date(2027, 1, 4), 3.0, 900.0)
    other = Purchase("k401", "traditional_401k", "VBTLX", date(2026, 12, 18), 3.0, 900.0)
    [window] = no_buy_windows([sale(today)], [after, other, inside], today=today,
                              identical={"VTI": "VTI+VTSAX", "VTSAX": "VTI+VTSAX"})
    assert window.washing == (inside,)
