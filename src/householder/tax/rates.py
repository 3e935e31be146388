"""The household's tax rates, in one place: every tax computation of householder reads them from
one :class:`TaxRates` (the location value model, the optimizer's tax term, the exact judge).

Rates are marginal, federal plus state, as fractions. Carried-in losses are positive amounts of
loss, as on Schedule D lines 6 and 14.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Final

from householder.errors import InputError

NIIT_RATE: Final[float] = 0.038
"""Net investment income tax (IRC 1411)."""


def _check_rate(name: str, value: float) -> None:
    if not (math.isfinite(value) and 0.0 <= value < 1.0):
        raise InputError(f"{name}: {value!r} must be in [0, 1)")


@dataclass(frozen=True)
class TaxRates:
    """Marginal rates of the household and what it carries into the year."""

    ordinary: float
    """Marginal ordinary rate, also for short-term gains and non-qualified income."""
    long_term: float
    """Long-term gains and qualified dividends."""
    retirement: float
    """Marginal rate when traditional (tax-deferred) money comes out."""
    niit: bool = False
    """Add 3.8 % on investment income in taxable accounts (not on tax-exempt interest)."""
    filing_status: str = "single"
    carry_short: float = 0.0
    """Short-term capital loss carried in from earlier years (positive)."""
    carry_long: float = 0.0
    """Long-term capital loss carried in from earlier years (positive)."""
    realized_short: float = 0.0
    """Net short-term gain (negative: loss) already realized this year."""
    realized_long: float = 0.0
    """Net long-term gain (negative: loss) already realized this year."""

    def __post_init__(self) -> None:
        _check_rate("ordinary", self.ordinary)
        _check_rate("long_term", self.long_term)
        _check_rate("retirement", self.retirement)

    @property
    def niit_rate(self) -> float:
        """:math:`n`: 0.038 with NIIT, else 0."""
        return NIIT_RATE if self.niit else 0.0

    @property
    def gain_rate(self) -> float:
        r""":math:`t_{lt} + n`: the rate on realized long-term gains (and the credit on losses)."""
        return self.long_term + self.niit_rate

    @property
    def short_gain_rate(self) -> float:
        r""":math:`t_{ord} + n`: the rate on realized short-term gains."""
        return self.ordinary + self.niit_rate
