"""The exact judge: sales and purchases in, the year's tax out.

Lot sales → realized gains by holding period (:func:`~householder.tax.holding.holding_term`) →
wash sales across every account, the disallowed losses added back and the replacements' basis
and holding period adjusted (:func:`~householder.tax.wash.detect_wash_sales`) → netting with
the gains already realized this year and the carried-in losses
(:func:`~householder.tax.netting.capital_gains_tax`) → the tax, with the sales and without
them, and the loss carryover the sales use up, valued
(:func:`~householder.tax.netting.carryover_value_rate`).

The optimizer prices tax with a convex stand-in; every tax figure householder reports comes
from here, on the trades as rounded for the broker.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from householder.tax.holding import Term, holding_term
from householder.tax.netting import (
    TaxResult,
    capital_gains_tax,
    carryover_used,
    carryover_value_rate,
)
from householder.tax.rates import TaxRates
from householder.tax.wash import WASH_SALE_WINDOW_DAYS, Purchase, Sale, WashSale, detect_wash_sales


@dataclass(frozen=True)
class JudgedSale:
    """One sale as the return reports it."""

    sale: Sale
    term: Term
    disallowed: float
    """Loss disallowed by wash sales (positive)."""

    @property
    def gain(self) -> float:
        """Realized gain after the disallowed loss is added back (negative for a loss)."""
        return self.sale.gain + self.disallowed


@dataclass(frozen=True)
class Judgement:
    """What a set of sales does to the year's tax."""

    sales: list[JudgedSale]
    washes: list[WashSale]
    short_term_gain: float
    """The sales' net short-term gain, washed losses disallowed."""
    long_term_gain: float
    with_sales: TaxResult
    """The year's tax with the sales (gains already realized and carryovers included)."""
    without_sales: TaxResult
    carryover_value: float = 0.0
    """Today's value of a dollar of loss carryover (:func:`carryover_value_rate`)."""
    notes: list[str] = field(default_factory=list)

    @property
    def estimated_tax(self) -> float:
        """What the sales add to the year's tax (negative: they save tax)."""
        return self.with_sales.estimated_tax - self.without_sales.estimated_tax

    @property
    def loss_deduction(self) -> float:
        """What the sales add to the loss deducted against ordinary income."""
        return self.with_sales.deduction - self.without_sales.deduction

    @property
    def carryforward(self) -> float:
        """Loss carried to next year with the sales."""
        return self.with_sales.carryforward_short + self.with_sales.carryforward_long

    @property
    def carryforward_used(self) -> float:
        """Loss carryover the sales use up (negative: they add to it)."""
        return carryover_used(self.with_sales, self.without_sales)

    @property
    def carryforward_used_value(self) -> float:
        """What the carryover used up would have saved later, in today's dollars."""
        return self.carryforward_used * self.carryover_value


def judge(
    sales: Iterable[Sale],
    purchases: Iterable[Purchase],
    rates: TaxRates,
    *,
    window_days: int = WASH_SALE_WINDOW_DAYS,
    identical: Mapping[str, str] | None = None,
    discount_rate: float = 0.0,
) -> Judgement:
    """The year's tax on ``sales`` (each with its acquisition date) given every purchase of
    the household in the wash-sale window (``purchases``: a plan's buys and the lots bought
    recently, in any account), the household's ``rates`` and its substantially identical
    groups (``identical``: ticker → group). A sale without an acquisition date counts as
    long-term."""
    sale_list = list(sales)
    washes = detect_wash_sales(sale_list, purchases, window_days=window_days, identical=identical)
    disallowed: dict[int, float] = {}
    for w in washes:
        disallowed[id(w.sale)] = disallowed.get(id(w.sale), 0.0) + w.loss_disallowed
    judged = [
        JudgedSale(
            sale,
            holding_term(sale.acquired, sale.sold) if sale.acquired is not None else "long",
            disallowed.get(id(sale), 0.0),
        )
        for sale in sale_list
    ]
    short = sum(j.gain for j in judged if j.term == "short")
    long = sum(j.gain for j in judged if j.term == "long")
    kwargs = {
        "ordinary_rate": rates.ordinary,
        "long_term_rate": rates.long_term,
        "niit": rates.niit,
        "filing_status": rates.filing_status,
        "carryforward_short": rates.carry_short,
        "carryforward_long": rates.carry_long,
    }
    # the sales' gains net with what the year already realized; both sides start from there
    with_sales = capital_gains_tax(
        rates.realized_short + short, rates.realized_long + long, **kwargs  # type: ignore[arg-type]
    )
    without = capital_gains_tax(
        rates.realized_short, rates.realized_long, **kwargs  # type: ignore[arg-type]
    )
    value = carryover_value_rate(
        ordinary_rate=rates.ordinary,
        long_term_rate=rates.long_term,
        niit=rates.niit,
        discount_rate=discount_rate,
    )
    return Judgement(judged, washes, short, long, with_sales, without, value)
