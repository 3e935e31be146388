"""Exact decimals for share counts and dollars, below every layer that rounds: the plan's
rounding rule (:mod:`householder.plan.rounding`) and the household after the trades
(:mod:`householder.model.variants`) read floats the same way."""

from __future__ import annotations

import math
from decimal import Decimal

CENT = Decimal("0.01")
ZERO = Decimal(0)


def exact(x: float) -> Decimal:
    """A float as the decimal it was written as (``repr``: 46.303207, not its binary value)."""
    if not math.isfinite(x):
        raise ValueError(f"not a finite number: {x}")
    return Decimal(repr(float(x)))
