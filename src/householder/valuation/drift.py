"""Drift: the household against its target and tolerance bands, so that "do nothing" is a
first-class answer.

Bands follow the 5/25 rule (Larry Swedroe, as restated on the Bogleheads wiki): a class is out
of band when it is more than ``absolute`` percentage points from target or more than
``relative`` % of its target away, whichever is tighter:

.. math:: \\text{half-width}_k = \\min(a,\\; r \\cdot w^*_k)

A class exactly on the band edge is inside. A class the target does not name (target 0) gets
the absolute band only, since a relative band of zero would flag any cent of it.
"""

from __future__ import annotations

from dataclasses import dataclass

from householder.model.book import Book
from householder.model.household import Bands
from householder.valuation.exposure import account_exposure, household_exposure
from householder.valuation.facts import Facts, household_facts

EDGE_EPSILON = 1e-9
"""Fractions this close to a band edge count as on it (inside)."""


@dataclass(frozen=True)
class Band:
    low: float
    high: float

    def contains(self, fraction: float) -> bool:
        return self.low - EDGE_EPSILON <= fraction <= self.high + EDGE_EPSILON


def band(target: float, bands: Bands) -> Band:
    """The tolerance band around a target fraction."""
    absolute = bands.absolute / 100.0
    half = min(absolute, bands.relative / 100.0 * target) if target > 0 else absolute
    return Band(max(0.0, target - half), min(1.0, target + half))


@dataclass(frozen=True)
class ClassDrift:
    cls: str
    target: float
    before: float
    value: float
    band: Band

    @property
    def breached(self) -> bool:
        return not self.band.contains(self.before)

    @property
    def drift(self) -> float:
        return self.before - self.target


@dataclass(frozen=True)
class AccountDrift:
    id: str
    type: str
    value: float
    allocation: dict[str, float]
    """Class → dollars (on the household's allocation basis)."""


@dataclass(frozen=True)
class Drift:
    total_value: float
    """Household value on the allocation basis (after-tax dollars in after-tax mode)."""
    market_value: float
    rows: list[ClassDrift]
    pre_tax: dict[str, float] | None
    """Pre-tax fractions, given in after-tax mode."""
    accounts: list[AccountDrift]

    @property
    def breached(self) -> bool:
        return any(r.breached for r in self.rows)


def fractions(exposure: dict[str, float]) -> dict[str, float]:
    total = sum(exposure.values())
    return {k: (v / total if total else 0.0) for k, v in exposure.items()}


def measure_drift(household: Book | Facts) -> Drift:
    """The household's drift on its allocation basis, with per-account allocations."""
    facts = household_facts(household)
    book = facts.book
    exposure = household_exposure(facts)
    total = sum(exposure.values())
    bands = book.household.policy.bands
    rows = []
    for cls in book.allocation_classes:
        target = book.target.get(cls, 0.0)
        value = exposure.get(cls, 0.0)
        rows.append(ClassDrift(cls, target, value / total if total else 0.0, value,
                               band(target, bands)))
    pre_tax = fractions(household_exposure(facts, after_tax=False)) if facts.after_tax else None
    accounts = [
        AccountDrift(a.id, a.spec.type.value, sum(e.values()), e)
        for a in book.accounts
        for e in [account_exposure(facts, a)]
    ]
    return Drift(total, book.total_value, rows, pre_tax, accounts)
