"""Tax lots and which of them a sale draws on.

A sale of part of a holding must say which shares were sold, because each lot has its own basis
and holding period (IRS Pub 550, "Stocks, Stock Rights, and Bonds" / Pub 551, "Identifying the
shares"). The methods here:

``fifo``
    First in, first out: the earliest-acquired shares go first (Pub 550's default when shares
    are not adequately identified). Lots acquired the same day go in the order given.
``hifo``
    Highest cost per share first: a specific identification (Pub 550 "adequate identification")
    chosen to realize the least gain. Ties go to the earlier-acquired lot, then the order given.
``specific``
    The caller names the lots and shares: ``specific = {lot_id: shares}``.
``average``
    Average basis, allowed for mutual-fund and DRIP shares (Pub 550, "Average basis"; Treas. Reg.
    1.1012-1(e)): every share sold costs the holding's total basis over its total shares. For the
    holding period, the shares sold are the ones acquired first (FIFO). The result is one blended
    sale line per holding-period term: one line when every share drawn has the same term, two
    when the FIFO draw spans short- and long-term lots. Its ``lot_id`` joins the ids of the lots
    the FIFO draw touched with ``+``.

Worked example (Fairmark, "selling mutual fund shares"): lots 100 @ $30 and 100 @ $40, sell 100
@ $37: FIFO gain $700, highest cost -$300, average cost $200.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal, get_args

from householder.errors import InputError
from householder.tax.holding import Term, holding_term

LotMethod = Literal["fifo", "hifo", "specific", "average"]
"""How a sale chooses which lots it sells."""

LOT_METHODS: tuple[str, ...] = get_args(LotMethod)

_SHARE_TOLERANCE = 1e-9
"""Relative slack on share counts, so a float sum of lots can be sold in full."""


@dataclass(frozen=True)
class Lot:
    """Shares of one security bought on one day; ``cost`` is the lot's total basis in dollars."""

    id: str
    shares: float
    cost: float
    acquired: date

    def __post_init__(self) -> None:
        if not (math.isfinite(self.shares) and self.shares >= 0):
            raise InputError(
                f"lot {self.id!r}: shares must be a finite number >= 0, not {self.shares}"
            )
        if not (math.isfinite(self.cost) and self.cost >= 0):
            raise InputError(f"lot {self.id!r}: cost must be a finite number >= 0, not {self.cost}")

    @property
    def cost_per_share(self) -> float:
        """Basis of one share (0 for an empty lot)."""
        return self.cost / self.shares if self.shares > 0 else 0.0


@dataclass(frozen=True)
class LotSale:
    """One line of a sale: shares drawn from a lot, their basis, proceeds, gain and term.

    .. math:: \\text{gain} = \\text{proceeds} - \\text{cost}
    """

    lot_id: str
    shares: float
    cost: float
    proceeds: float
    gain: float
    term: Term


def _check_sale(lots: Sequence[Lot], shares: float, price: float) -> float:
    if not (math.isfinite(shares) and shares >= 0):
        raise InputError(f"shares to sell must be a finite number >= 0, not {shares}")
    if not (math.isfinite(price) and price >= 0):
        raise InputError(f"price must be a finite number >= 0, not {price}")
    ids = [lot.id for lot in lots]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise InputError(f"lot ids must be unique; repeated: {', '.join(duplicates)}")
    held = math.fsum(lot.shares for lot in lots)
    if shares > held * (1 + _SHARE_TOLERANCE) + _SHARE_TOLERANCE:
        raise InputError(f"cannot sell {shares:g} shares: the lots hold only {held:g}")
    return held


def _line(lot_id: str, shares: float, cost: float, price: float, term: Term) -> LotSale:
    proceeds = shares * price
    return LotSale(lot_id, shares, cost, proceeds, proceeds - cost, term)


def _draw(ordered: Iterable[Lot], shares: float) -> list[tuple[Lot, float]]:
    """Take ``shares`` from the lots in order: (lot, shares drawn) pairs, whole lots exactly."""
    draws: list[tuple[Lot, float]] = []
    remaining = shares
    for lot in ordered:
        if remaining <= 0:
            break
        if lot.shares <= 0:
            continue
        take = lot.shares if remaining >= lot.shares * (1 - _SHARE_TOLERANCE) else remaining
        draws.append((lot, take))
        remaining -= take
    return draws


def _fifo_order(lots: Sequence[Lot]) -> list[Lot]:
    return sorted(lots, key=lambda lot: lot.acquired)  # stable: same-day lots keep their order


def _sell_drawn(draws: list[tuple[Lot, float]], price: float, sold: date) -> list[LotSale]:
    sales = []
    for lot, take in draws:
        cost = lot.cost if take == lot.shares else lot.cost * take / lot.shares
        sales.append(_line(lot.id, take, cost, price, holding_term(lot.acquired, sold)))
    return sales


def _specific_draws(
    lots: Sequence[Lot], shares: float, specific: Mapping[str, float] | None
) -> list[tuple[Lot, float]]:
    if specific is None:
        raise InputError("method 'specific' needs `specific`: a mapping of lot id to shares")
    by_id = {lot.id: lot for lot in lots}
    unknown = sorted(set(specific) - set(by_id))
    if unknown:
        raise InputError(
            f"specific names unknown lots {', '.join(map(repr, unknown))}; "
            f"the lots are {', '.join(map(repr, by_id))}"
        )
    for lot_id, take in specific.items():
        lot = by_id[lot_id]
        if not (math.isfinite(take) and take >= 0):
            raise InputError(f"specific[{lot_id!r}]: shares must be a finite number >= 0")
        if take > lot.shares * (1 + _SHARE_TOLERANCE) + _SHARE_TOLERANCE:
            raise InputError(
                f"specific[{lot_id!r}]: cannot sell {take:g} shares; the lot holds {lot.shares:g}"
            )
    named = math.fsum(specific.values())
    if abs(named - shares) > _SHARE_TOLERANCE * max(1.0, shares):
        raise InputError(f"specific names {named:g} shares but the sale is of {shares:g}")
    return [
        (lot, min(specific[lot.id], lot.shares)) for lot in lots if specific.get(lot.id, 0.0) > 0
    ]


def _average_sales(
    lots: Sequence[Lot], shares: float, price: float, sold: date, held: float
) -> list[LotSale]:
    average_cost = math.fsum(lot.cost for lot in lots) / held
    by_term: dict[Term, tuple[list[str], float]] = {}
    for lot, take in _draw(_fifo_order(lots), shares):
        term = holding_term(lot.acquired, sold)
        ids, total = by_term.get(term, ([], 0.0))
        by_term[term] = ([*ids, lot.id], total + take)
    return [
        _line("+".join(ids), total, total * average_cost, price, term)
        for term, (ids, total) in by_term.items()
    ]


def sell_lots(
    lots: Sequence[Lot],
    shares: float,
    price: float,
    method: LotMethod,
    sold: date,
    specific: Mapping[str, float] | None = None,
) -> list[LotSale]:
    """Sell ``shares`` at ``price`` on ``sold`` from ``lots`` by ``method``; one line per lot drawn.

    Raises :class:`~householder.errors.InputError` when selling more shares than the lots hold,
    for an unknown method, or when ``specific`` does not name exactly ``shares`` shares of
    known lots.
    """
    if method not in LOT_METHODS:
        raise InputError(f"unknown lot method {method!r}; use one of {', '.join(LOT_METHODS)}")
    held = _check_sale(lots, shares, price)
    if shares == 0:
        return []
    if method == "fifo":
        return _sell_drawn(_draw(_fifo_order(lots), shares), price, sold)
    if method == "hifo":
        order = sorted(lots, key=lambda lot: (-lot.cost_per_share, lot.acquired))
        return _sell_drawn(_draw(order, shares), price, sold)
    if method == "specific":
        return _sell_drawn(_specific_draws(lots, shares, specific), price, sold)
    return _average_sales(lots, shares, price, sold, held)


def gains_by_term(sales: Iterable[LotSale]) -> tuple[float, float]:
    """(short-term, long-term) net gain of sale lines, each a sum of gains and losses."""
    short: list[float] = []
    long: list[float] = []
    for sale in sales:
        (long if sale.term == "long" else short).append(sale.gain)
    return math.fsum(short), math.fsum(long)
