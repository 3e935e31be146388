"""Wash sales across every account of a household.

Rule (IRC 1091; IRS Pub 550, "Wash Sales"): a loss on a sale of stock or securities is not
allowed when, within 30 days before or after the sale (a 61-day window, both ends included),
the taxpayer (or the spouse) buys substantially identical stock or securities. The disallowed
loss is added to the basis of the replacement shares (IRS VITA Case Study 1: bought 100 shares
for $1,000, sold them for $750, bought 100 again for $800 within 30 days: the $250 loss is
disallowed and the new shares' basis is $1,050).

Across accounts (Rev. Rul. 2008-5): a replacement bought in the taxpayer's (or spouse's) IRA or
Roth IRA still washes the loss, but the loss is *not* added to the IRA's basis, so it is lost
for good. This module applies that to any replacement in an account whose type is not
``"taxable"`` (401(k), HSA, 529, ...), and treats every account passed in as one taxpayer's
(a household filing jointly).

Conventions:

* Only losses in ``"taxable"`` accounts are washed; a sale inside a tax-advantaged account has
  no deductible loss to disallow. Gains are never washed.
* Fewer replacement shares than shares sold wash the loss pro rata by shares (Pub 550;
  Treas. Reg. 1.1091-1(c)). Each replacement share is matched once: loss sales in the order of
  their disposition, and sales on the same day in the order the shares sold were acquired
  (Treas. Reg. 1.1091-1(b): "If the order of disposition ... on the same day cannot be
  determined, the stock ... will be considered to have been disposed of in the order in which
  they were originally acquired"), each taking the earliest replacement shares first
  (1.1091-1(c)).
* The shares sold are not their own replacement. Pass only purchases that are not the lots
  being sold, or give the purchase and the sale the same ``lot_id`` in the same account: the
  sold shares are then taken out of that purchase, and any shares of it left still count as
  replacements.
* ``identical`` maps a security to its substantially-identical group (``{"VTI": "us-total",
  "VTSAX": "us-total"}``); a security not in it is its own group.
* One pass: basis adjustments are reported, not fed into later sales of the replacement shares.

The replacement lot (IRC 1091(d), 1223(3); Treas. Reg. 1.1223-1(d); Pub 550 "Wash Sales"): the
matched replacement shares' basis is their cost plus the disallowed loss, and their holding
period *includes* the sold shares' (:attr:`WashSale.replacement_acquired`): the replacement's
acquisition date moves back by the days the sold shares were held (a replacement bought before
the sale already runs during the overlap, which is not counted twice: its date becomes the sold
shares' acquisition date). A replacement in an IRA or other non-taxable account gets neither
(Rev. Rul. 2008-5).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from householder.errors import InputError

WASH_SALE_WINDOW_DAYS = 30
"""IRC 1091(a): days before and after a loss sale in which a purchase washes it."""


def _check_amounts(what: str, shares: float, **money: float) -> None:
    if not (math.isfinite(shares) and shares > 0):
        raise InputError(f"{what}: shares must be a finite number > 0, not {shares}")
    for name, value in money.items():
        if not (math.isfinite(value) and value >= 0):
            raise InputError(f"{what}: {name} must be a finite number >= 0, not {value}")


@dataclass(frozen=True)
class Sale:
    """A sale in one account: ``proceeds`` and ``cost`` (basis) are totals in dollars."""

    account_id: str
    account_type: str
    security: str
    sold: date
    shares: float
    proceeds: float
    cost: float
    lot_id: str = ""
    acquired: date | None = None
    """When the sold shares were acquired (gives the replacement's holding period)."""

    def __post_init__(self) -> None:
        if self.acquired is not None and self.acquired > self.sold:
            raise InputError(
                f"sale of {self.security} in {self.account_id}: acquired {self.acquired} is "
                f"after the sale on {self.sold}"
            )
        _check_amounts(
            f"sale of {self.security} in {self.account_id}",
            self.shares,
            proceeds=self.proceeds,
            cost=self.cost,
        )

    @property
    def gain(self) -> float:
        """Realized gain (negative for a loss)."""
        return self.proceeds - self.cost

    @property
    def loss(self) -> float:
        """Realized loss as a positive amount (0 for a gain)."""
        return max(0.0, self.cost - self.proceeds)


@dataclass(frozen=True)
class Purchase:
    """A purchase in one account: ``cost`` is the total paid in dollars."""

    account_id: str
    account_type: str
    security: str
    acquired: date
    shares: float
    cost: float
    lot_id: str = ""

    def __post_init__(self) -> None:
        _check_amounts(
            f"purchase of {self.security} in {self.account_id}", self.shares, cost=self.cost
        )


@dataclass(frozen=True)
class WashSale:
    """``shares`` of ``sale`` washed by shares of ``purchase``.

    .. math::

        \\text{loss\\_disallowed} = \\text{loss} \\cdot \\frac{\\text{shares}}{\\text{sale.shares}},
        \\qquad
        \\text{basis\\_adjustment} = \\begin{cases}
            \\text{loss\\_disallowed} & \\text{replacement in a taxable account} \\\\
            0 & \\text{otherwise (Rev. Rul. 2008-5)}
        \\end{cases}
    """

    sale: Sale
    purchase: Purchase
    shares: float
    loss_disallowed: float
    basis_adjustment: float

    @property
    def replacement_cost(self) -> float:
        """What the matched replacement shares cost (their share of the purchase)."""
        return self.purchase.cost * self.shares / self.purchase.shares

    @property
    def replacement_basis(self) -> float:
        """Basis of the matched replacement shares: their cost plus the basis adjustment
        (IRC 1091(d); Pub 550: bought for $800 after a $250 washed loss, basis $1,050)."""
        return self.replacement_cost + self.basis_adjustment

    @property
    def replacement_taxable(self) -> bool:
        """Whether the replacement is in a taxable account (else the loss is lost for good)."""
        return self.purchase.account_type == "taxable"

    @property
    def replacement_acquired(self) -> date | None:
        """The replacement's acquisition date for its holding period, which includes the sold
        shares' (IRC 1223(3)): the purchase date moved back by the days the sold shares were
        held before the purchase,

        .. math:: a' = a_r - (\\min(t, a_r) - a_s)

        (:math:`a_r` bought, :math:`a_s` the sold shares acquired, :math:`t` sold). None when
        the sale's acquisition date is unknown or the replacement is not in a taxable account
        (no basis there to carry a holding period).
        """
        if self.sale.acquired is None or not self.replacement_taxable:
            return None
        bought = self.purchase.acquired
        held = (min(self.sale.sold, bought) - self.sale.acquired).days
        return bought - timedelta(days=max(held, 0))


def _group(security: str, identical: Mapping[str, str] | None) -> str:
    return identical.get(security, security) if identical else security


def _replacement_shares(
    sales: Sequence[Sale], purchases: Sequence[Purchase], identical: Mapping[str, str] | None
) -> list[float]:
    """Shares of each purchase that may replace a sold share: the sold lots themselves removed."""
    available = [p.shares for p in purchases]
    by_lot: dict[tuple[str, str, str], list[int]] = {}
    for i, purchase in enumerate(purchases):
        if purchase.lot_id:
            key = (purchase.lot_id, purchase.account_id, _group(purchase.security, identical))
            by_lot.setdefault(key, []).append(i)
    for sale in sales:
        if not sale.lot_id:
            continue
        key = (sale.lot_id, sale.account_id, _group(sale.security, identical))
        for i in by_lot.get(key, ()):
            available[i] -= min(available[i], sale.shares)
    return available


def detect_wash_sales(
    sales: Iterable[Sale],
    purchases: Iterable[Purchase],
    *,
    window_days: int = WASH_SALE_WINDOW_DAYS,
    identical: Mapping[str, str] | None = None,
) -> list[WashSale]:
    """Every (loss sale, replacement purchase) match across the household's accounts.

    A loss sale in a taxable account is washed by purchases of the same security (or group in
    ``identical``) acquired no more than ``window_days`` days before or after the sale date. See
    the module docstring for the rules and the matching order.

    The purchases are indexed by group in date order, so each sale looks only at its group's
    purchases inside its window (found by bisection), not at every purchase of the household.
    """
    if window_days < 0:
        raise InputError(f"window_days must be >= 0, not {window_days}")
    sale_list, purchase_list = list(sales), list(purchases)
    available = _replacement_shares(sale_list, purchase_list, identical)
    purchase_order = sorted(range(len(purchase_list)), key=lambda i: purchase_list[i].acquired)
    by_group: dict[str, list[int]] = {}
    for i in purchase_order:
        by_group.setdefault(_group(purchase_list[i].security, identical), []).append(i)
    days = {g: [purchase_list[i].acquired.toordinal() for i in o] for g, o in by_group.items()}
    loss_sales = sorted(
        (s for s in sale_list if s.account_type == "taxable" and s.loss > 0),
        key=lambda s: (s.sold, s.acquired or date.min),
    )
    washes: list[WashSale] = []
    for sale in loss_sales:
        remaining, group = sale.shares, _group(sale.security, identical)
        order, when = by_group.get(group, []), days.get(group, [])
        day = sale.sold.toordinal()
        k = bisect.bisect_left(when, day - window_days)
        while remaining > 0 and k < len(order) and when[k] <= day + window_days:
            i = order[k]
            k += 1
            if available[i] <= 0:
                continue
            purchase = purchase_list[i]
            shares = min(remaining, available[i])
            available[i] -= shares
            remaining -= shares
            disallowed = sale.loss * shares / sale.shares
            adjustment = disallowed if purchase.account_type == "taxable" else 0.0
            washes.append(WashSale(sale, purchase, shares, disallowed, adjustment))
    return washes


def allowed_loss(sale: Sale, wash_sales: Iterable[WashSale]) -> float:
    """The loss of ``sale`` still deductible this year, as a positive amount (0 for a gain).

    ``wash_sales`` as returned by :func:`detect_wash_sales`; matches are found by identity
    (``wash.sale is sale``), so pass the same ``Sale`` objects.
    """
    disallowed = math.fsum(w.loss_disallowed for w in wash_sales if w.sale is sale)
    return max(0.0, sale.loss - disallowed)
