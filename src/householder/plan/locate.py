"""Asset location (``householder locate``): which classes each account should hold, and what
that is worth in after-tax dollars against every account holding the same mix.

The placement is the plan's own model run on the household as if every account were cash
(buy-only, whole shares ignored), so ``plan`` and ``locate`` place classes alike by
construction; ``--from-current`` runs the plan itself, so the tax of getting there from today's
lots counts. The values use the after-tax value model of :mod:`householder.tax.location`:

.. math::

    V_{located} = \\sum_a \\sum_k x_{a,k}\\, V_{\\tau(a),k}(H), \\qquad
    V_{uniform} = \\sum_a W_a \\sum_k w_k\\, V_{\\tau(a),k}(H)

and the yearly benefit is :math:`(V_{located}/V_{uniform})^{1/H} - 1`, in basis points.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from pydantic import Field

from householder.model.book import Book
from householder.model.types import Treatment
from householder.model.variants import as_cash, with_setting
from householder.optimize import Scenario, solve_household
from householder.plan.build import build_plan
from householder.plan.result import Plan, Result
from householder.valuation.facts import household_facts
from householder.valuation.location import LocationValues

TIE = 1e-9


class Location(Result):
    household: str
    as_of: str
    command: str = "locate"
    allocation_basis: str
    horizon_years: int
    from_current: bool
    placement: dict[str, dict[str, float]]
    """Account id → class → dollars (pre-tax)."""
    after_tax_value_uniform: float
    after_tax_value_located: float
    annual_benefit_bps: float
    annual_difference_bps: float
    location_matters: bool
    target_reached: bool
    why: dict[str, str]
    """Class → one sentence on where it sits and why."""
    account_types: dict[str, str]
    notes: list[str] = Field(default_factory=list)
    plan: dict[str, Any] | None = None
    """With ``--from-current``: the plan that gets there (trades, tax)."""

    omit_when_none: ClassVar[tuple[str, ...]] = ("plan",)


class SweepPoint(Location):
    value: float
    """The swept setting's value at this point."""


class LocateSweep(Result):
    """``locate --sweep``: one placement per value of one assumption."""

    household: str
    as_of: str
    sweep: str
    points: list[SweepPoint]

    def to_json(self) -> dict[str, Any]:
        doc = super().to_json()
        doc["points"] = [p.to_json() for p in self.points]  # each point leaves out its own None
        return doc


def sweep(book: Book, spec: str, *, from_current: bool = False) -> LocateSweep:
    """``locate`` once per value of ``spec`` (``name=start:stop:step``)."""
    name, values = sweep_values(spec)
    points = [
        SweepPoint(value=value, **locate(with_setting(book, name, value),
                                          from_current=from_current).model_dump())
        for value in values
    ]
    return LocateSweep(household=book.name, as_of=book.as_of.isoformat(), sweep=name,
                       points=points)


def locate(book: Book, *, from_current: bool = False) -> Location:
    """The asset-location plan of ``book``."""
    plan: Plan
    if from_current:
        plan = build_plan(solve_household(book), command="locate")
        source = book
    else:
        source = as_cash(book)
        plan = build_plan(solve_household(source, Scenario(allow_sell=False)), command="locate")
    placement: dict[str, dict[str, float]] = {}
    for acct in plan.accounts:
        classes: dict[str, float] = {}
        for h in acct.holdings_after:
            for cls, frac in source.fund_exposure[h.fund].items():
                classes[cls] = classes.get(cls, 0.0) + frac * h.value
        if acct.cash_after > 0.005:
            classes[source.cash_class] = classes.get(source.cash_class, 0.0) + acct.cash_after
        placement[acct.id] = {k: round(v, 2) for k, v in classes.items() if v > 0.005}
    located, uniform = plan.costs.location_located, plan.costs.location_uniform
    horizon = book.household.policy.horizon_years
    bps = ((located / uniform) ** (1.0 / horizon) - 1.0) * 1e4 if uniform > 0 else 0.0
    values = LocationValues(household_facts(source))
    matters = values.matters()
    notes = list(plan.shortfall) + [n for n in plan.notes if not n.startswith("Nothing")]
    if not matters:
        notes.insert(
            0,
            "Location does not matter for this household: every class is worth the "
            "same after tax in every account (check the tax rates and assumptions).",
        )
    return Location(
        household=book.name,
        as_of=book.as_of.isoformat(),
        allocation_basis=book.household.policy.allocation_basis.value,
        horizon_years=horizon,
        from_current=from_current,
        placement=placement,
        after_tax_value_uniform=round(uniform, 2),
        after_tax_value_located=round(located, 2),
        annual_benefit_bps=round(bps, 2),
        annual_difference_bps=round(bps, 2),
        location_matters=matters,
        target_reached=plan.target_reached,
        why=_why(book, placement, values, matters),
        account_types={a.id: a.spec.type.value for a in book.accounts},
        notes=notes,
        plan=plan.to_json() if from_current else None,
    )


def _why(
    book: Book,
    placement: dict[str, dict[str, float]],
    values: LocationValues,
    matters: bool,
) -> dict[str, str]:
    """A sentence per class: where it sits, and the figures the placement maximized: what a
    dollar of it is worth after every tax at the horizon in each kind of account (on the
    household's allocation basis, so after tax a traditional dollar is one after-tax dollar)."""
    out: dict[str, str] = {}
    treatments = {a.id: a.treatment for a in book.accounts}
    horizon = book.household.policy.horizon_years
    sold = book.household.policy.location.sold_at_horizon
    keep = 1.0 - values.facts.rates.retirement if book.after_tax else 1.0
    for k in book.allocation_classes:
        where_by: dict[Treatment, float] = {}
        for a, v in placement.items():
            if v.get(k, 0.0) > 0:
                where_by[treatments[a]] = where_by.get(treatments[a], 0.0) + v[k]
        if not where_by or k not in book.taxonomy:
            continue
        where = ", ".join(
            f"{t.value.replace('_', '-')} ${d:,.0f}"
            for t, d in sorted(where_by.items(), key=lambda kv: -kv[1])
        )
        if not matters:
            out[k] = f"{k} sits in {where}; every account is worth the same for it here."
            continue
        per_dollar = {
            t: values.class_value(t, k) / (keep if t is Treatment.TAX_DEFERRED else 1.0)
            for t in Treatment
        }
        roth = per_dollar[Treatment.TAX_EXEMPT]
        basis = " per after-tax dollar" if book.after_tax else ""
        out[k] = (
            f"{k} sits in {where}: after {horizon} years and every tax ({sold:.0%} of a taxable "
            f"gain taxed at the end) a dollar{basis} of it grows to {roth:.2f} in a Roth or HSA "
            f"and loses {roth - per_dollar[Treatment.TAXABLE]:.2f} of that in taxable, "
            f"{roth - per_dollar[Treatment.TAX_DEFERRED]:.2f} in a traditional account; each "
            "account's room goes to the classes that lose the least there against the others."
        )
    return out


def sweep_values(spec: str) -> tuple[str, list[float]]:
    """``name=start:stop:step`` → (name, values); stop included when the steps land on it."""
    from householder.errors import InputError

    try:
        name, rng = spec.split("=", 1)
        start, stop, step = (float(x) for x in rng.split(":"))
    except ValueError:
        raise InputError(
            f"--sweep {spec!r}: write name=start:stop:step, e.g. retirement_rate=0.12:0.37:0.05"
        ) from None
    if not all(math.isfinite(x) for x in (start, stop, step)):
        raise InputError(f"--sweep {spec!r}: start, stop and step must be finite numbers, "
                         "e.g. retirement_rate=0.12:0.37:0.05")
    if step <= 0 or stop < start:
        raise InputError(f"--sweep {spec!r}: step must be > 0 and stop ≥ start")
    n = int((stop - start) / step + 1e-9) + 1
    if n > 200:
        raise InputError(f"--sweep {spec!r}: {n} points is too many (at most 200)")
    return name.strip(), [round(start + i * step, 10) for i in range(n)]
