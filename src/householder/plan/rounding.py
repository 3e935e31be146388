"""The rounding rule, written once: what a broker is told.

- **Shares** are counted to the fund's precision: whole shares for a fund that trades in whole
  shares (an ETF or stock under ``policy.whole_shares``), :data:`SHARE_DECIMALS` decimals
  otherwise. A partial sale of a holding or lot is rounded **down** to that precision, so it never
  asks for more than is held; a whole holding or lot sold is exactly its shares, as the file
  gives them.
- **Dollars** are shares × price rounded to the cent (half a cent up), or, for a fund without a
  price (traded in dollars), the amount rounded to the cent.
- A sale's lots add up **exactly** to its shares, and their proceeds exactly to its dollars.
- **Cash** after the trades is recomputed from the rounded trades and is never below zero: a
  buy that would overdraw by a cent is trimmed (docs/plan.md, "Rounding").

Share counts are :class:`~decimal.Decimal` here, so sums are exact; they leave as floats only
in the plan's output.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

# the exact decimals the rule counts in (model/decimals.py, shared with model/variants.py)
from householder.model.decimals import CENT as CENT
from householder.model.decimals import ZERO as ZERO
from householder.model.decimals import exact as exact

SHARE_DECIMALS = 6
"""Decimals of a fractional share count (brokers take 3 to 6; six never rounds a lot from a
file that gives six)."""



def quantum(whole: bool) -> Decimal:
    """The smallest share count a trade may hold: one share, or 10^-SHARE_DECIMALS."""
    return Decimal(1) if whole else Decimal(1).scaleb(-SHARE_DECIMALS)


def shares_down(shares: float, whole: bool, held: Decimal | None = None) -> Decimal:
    """``shares`` rounded down to the fund's precision (a hair of float noise below a step
    counts as the step: 2.9999999999 whole shares is 3), never more than ``held``."""
    step = quantum(whole)
    nudged = exact(max(shares, 0.0)) + Decimal("1e-9") * max(Decimal(1), exact(abs(shares)))
    out = (nudged / step).to_integral_value(ROUND_FLOOR) * step
    return min(out, held) if held is not None else out


def shares_up(shares: float | Decimal, whole: bool) -> Decimal:
    """``shares`` rounded up to the fund's precision."""
    step = quantum(whole)
    value = shares if isinstance(shares, Decimal) else exact(max(shares, 0.0))
    return (value / step).to_integral_value(ROUND_CEILING) * step


def shares_nearest(shares: float, whole: bool) -> Decimal:
    """``shares`` rounded to the nearest step of the fund's precision."""
    step = quantum(whole)
    return (exact(max(shares, 0.0)) / step).to_integral_value(ROUND_HALF_UP) * step


def shares_bought(amount: float, price: float) -> Decimal:
    """The shares a buy of ``amount`` dollars gets at ``price`` (a fund bought in dollars, e.g.
    a mutual fund at its NAV), to the nearest 10^-SHARE_DECIMALS: computed in decimals, so
    $1,000.00 at 130.37 is 7.670476 shares, however the floats fall."""
    step = quantum(False)
    return (exact(amount) / exact(price) / step).to_integral_value(ROUND_HALF_UP) * step


def dollars(shares: Decimal, price: float) -> Decimal:
    """What ``shares`` at ``price`` are worth, to the cent (half a cent up)."""
    return (shares * exact(price)).quantize(CENT, ROUND_HALF_UP)


def cents(amount: float) -> Decimal:
    """A dollar amount to the cent (half a cent up)."""
    return exact(amount).quantize(CENT, ROUND_HALF_UP)


def cents_up(amount: float) -> Decimal:
    """A dollar amount rounded up to the cent (a floor kept to the cent)."""
    return exact(amount).quantize(CENT, ROUND_CEILING)


def cents_down(amount: float) -> Decimal:
    """A dollar amount rounded down to the cent."""
    return exact(amount).quantize(CENT, ROUND_FLOOR)


def number_text(x: float) -> str:
    """A share count or price as written, every digit kept (``46.303207``, ``309``,
    ``1234567.89``): never ``:g``'s six significant digits, which round a lot up."""
    text = format(exact(x).normalize(), "f")
    return "0" if text in {"-0", "0"} else text
