"""The wash-sale calendar: after a loss sale, until when the household may not buy the fund (or
a substantially identical one) anywhere without washing the loss.

Rule (IRC 1091(a); IRS Pub 550, "Wash Sales"): a purchase of substantially identical stock or
securities within 30 days after a sale at a loss (or before it) washes the loss, in any account
of the taxpayer or the spouse, an IRA included (Rev. Rul. 2008-5). So after the last loss sale
of a group on day :math:`t`, the first day a purchase is clean is

.. math:: t + W + 1 \\qquad (W = 30 \\text{ days: a sale on 2026-12-05 allows a purchase on
    2027-01-05})

A purchase already scheduled inside the window (a paycheck's contribution, a dividend
reinvested) washes the loss unless it is stopped or redirected: each window lists them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from householder.tax.wash import WASH_SALE_WINDOW_DAYS, Purchase, Sale


@dataclass(frozen=True)
class NoBuyWindow:
    """One group's window: no purchase of it anywhere before ``clean_from``."""

    group: str
    sales: tuple[Sale, ...]
    """The group's loss sales whose window is still open, in date order."""
    clean_from: date
    """The first day a purchase no longer washes any of them: the last sale + W + 1."""
    washing: tuple[Purchase, ...]
    """Purchases (scheduled or recent) inside a sale's window: each washes part of a loss."""

    @property
    def last_sale(self) -> date:
        return self.sales[-1].sold


def no_buy_windows(
    sales: Iterable[Sale],
    purchases: Iterable[Purchase],
    *,
    today: date,
    identical: Mapping[str, str] | None = None,
    window_days: int = WASH_SALE_WINDOW_DAYS,
) -> list[NoBuyWindow]:
    """The windows open on ``today`` or later: one per group with a loss sale in a taxable
    account whose window has not closed (``clean_from`` after ``today``), with the
    ``purchases`` of the group inside any of its sales' windows (within ``window_days`` before
    or after). Groups in the order their windows close, then by name."""
    by_group: dict[str, list[Sale]] = {}
    for sale in sales:
        if sale.account_type != "taxable" or sale.loss <= 0:
            continue
        group = identical.get(sale.security, sale.security) if identical else sale.security
        by_group.setdefault(group, []).append(sale)
    window = timedelta(days=window_days)
    bought = list(purchases)
    out: list[NoBuyWindow] = []
    for group, group_sales in by_group.items():
        group_sales.sort(key=lambda s: (s.sold, s.account_id, s.lot_id))
        clean_from = group_sales[-1].sold + window + timedelta(days=1)
        if clean_from <= today:
            continue
        washing = tuple(
            p for p in sorted(bought, key=lambda p: (p.acquired, p.account_id, p.security))
            if (identical.get(p.security, p.security) if identical else p.security) == group
            and any(abs((p.acquired - s.sold).days) <= window_days for s in group_sales)
            and not any(p.lot_id and p.lot_id == s.lot_id and p.account_id == s.account_id
                        for s in group_sales)
        )
        out.append(NoBuyWindow(group, tuple(group_sales), clean_from, washing))
    out.sort(key=lambda w: (w.clean_from, w.group))
    return out
