"""``householder drift``: the household against its target and tolerance bands, as a typed
result (the computation is :func:`householder.valuation.drift.measure_drift`)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from householder.model.book import Book
from householder.plan.result import Result
from householder.valuation.drift import measure_drift
from householder.valuation.facts import Facts, household_facts


def _r2(x: float) -> float:
    return round(x, 2) + 0.0


def _r6(x: float) -> float:
    return round(x, 6) + 0.0


class DriftRow(Result):
    cls: str = Field(alias="class")
    target: float
    before: float
    value: float
    drift: float
    band_low: float
    band_high: float
    breached: bool


class AccountClass(Result):
    cls: str = Field(alias="class")
    value: float
    fraction: float


class AccountDrift(Result):
    id: str
    type: str
    value: float
    allocation: list[AccountClass]


class PreTaxRow(Result):
    cls: str = Field(alias="class")
    before: float


class DriftResult(Result):
    household: str
    as_of: str
    command: ClassVar[str] = "drift"
    allocation_basis: str
    total_value: float
    """On the allocation basis (after-tax dollars in after-tax mode)."""
    market_value: float
    breached: bool
    allocation: list[DriftRow]
    accounts: list[AccountDrift]
    allocation_pre_tax: list[PreTaxRow] | None = None
    """After-tax mode only: the pre-tax fractions."""
    notes: list[str] | None = None

    omit_when_none: ClassVar[tuple[str, ...]] = ("allocation_pre_tax", "notes")

    @property
    def classes(self) -> list[str]:
        return [r.cls for r in self.allocation]


def drift(household: Book | Facts) -> DriftResult:
    """The household's drift on its allocation basis, with per-account allocations."""
    facts = household_facts(household)
    book = facts.book
    d = measure_drift(facts)
    return DriftResult(
        household=book.name,
        as_of=book.as_of.isoformat(),
        allocation_basis=book.household.policy.allocation_basis.value,
        total_value=_r2(d.total_value),
        market_value=_r2(d.market_value),
        breached=d.breached,
        allocation=[
            DriftRow(
                cls=r.cls,
                target=_r6(r.target),
                before=_r6(r.before),
                value=_r2(r.value),
                drift=_r6(r.drift),
                band_low=_r6(r.band.low),
                band_high=_r6(r.band.high),
                breached=r.breached,
            )
            for r in d.rows
        ],
        accounts=[
            AccountDrift(
                id=a.id,
                type=a.type,
                value=_r2(a.value),
                allocation=[
                    AccountClass(cls=c, value=_r2(v), fraction=_r6(v / a.value if a.value else 0.0))
                    for c, v in a.allocation.items()
                    if abs(v) > 0.005
                ],
            )
            for a in d.accounts
        ],
        allocation_pre_tax=None
        if d.pre_tax is None
        else [PreTaxRow(cls=c, before=_r6(v)) for c, v in d.pre_tax.items()],
        notes=list(book.notes) or None,
    )
