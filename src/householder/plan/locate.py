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
from typing import Any

from pydantic import Field

from householder.io.loader import build_book
from householder.model.book import Book
from householder.model.types import Treatment
from householder.optimize import Scenario, solve_household
from householder.optimize.location import class_assumptions, tax_rates
from householder.plan.build import build_plan
from householder.plan.result import Plan, Result
from householder.tax.location import after_tax_value, annual_tax_drag

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

    def to_json(self) -> dict[str, object]:
        doc = self.model_dump(mode="json")
        if doc.get("plan") is None:
            doc.pop("plan", None)
        return doc


def as_cash(book: Book) -> Book:
    """The same household with every account's value in cash, whole shares ignored."""
    data = book.household.to_data()
    for acct, resolved in zip(data["accounts"], book.accounts, strict=True):
        acct["holdings"] = []
        acct["cash"] = round(resolved.value, 10)
        acct.pop("contributions", None)
    policy = data.setdefault("policy", {})
    policy["whole_shares"] = "never"
    policy["min_trade"] = 0
    policy.pop("max_realized_gain", None)
    # funds named only by holdings must stay in the universe
    listed = {f["ticker"] for f in data.get("funds", [])}
    for ticker in book.funds:
        if ticker not in listed:
            data.setdefault("funds", []).append(_fund_entry(book, ticker))
    return build_book(data, source=f"{book.name} (as cash)")


def _fund_entry(book: Book, ticker: str) -> dict[str, Any]:
    fund = book.funds[ticker]
    return {
        "ticker": ticker,
        "name": fund.name,
        "expense_ratio": fund.expense_ratio,
        "classes": {k: v * 100 for k, v in fund.classes.items()},
        "kind": fund.kind.value,
    }


def class_values(book: Book) -> dict[Treatment, dict[str, float]]:
    """:math:`V_{\\tau,k}(H)` per allocation class (the class's own assumptions)."""
    rates = tax_rates(book)
    horizon = book.household.policy.horizon_years
    return {
        t: {
            k: after_tax_value(t.value, class_assumptions(book, k), rates, horizon)
            for k in book.allocation_classes
            if k in book.taxonomy
        }
        for t in Treatment
    }


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
    values = class_values(book)
    treatments = {a.id: a.treatment for a in book.accounts}
    located = sum(
        dollars * values[treatments[a]].get(k, 0.0)
        for a, classes in placement.items()
        for k, dollars in classes.items()
    )
    mix = {r.cls: r.after for r in plan.allocation}
    if book.after_tax:  # each account holds the mix: its pre-tax fractions are the mix too
        mix = {r.cls: r.value_after for r in plan.allocation}
        total = sum(mix.values())
        mix = {k: v / total for k, v in mix.items()} if total else mix
    uniform = sum(
        a.value * sum(w * values[a.treatment].get(k, 0.0) for k, w in mix.items())
        for a in book.accounts
    )
    horizon = book.household.policy.horizon_years
    bps = ((located / uniform) ** (1.0 / horizon) - 1.0) * 1e4 if uniform > 0 else 0.0
    matters = _location_matters(values, [k for k, w in mix.items() if w > 0])
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


def _location_matters(values: dict[Treatment, dict[str, float]], classes: list[str]) -> bool:
    """Whether moving any class between two treatments changes the after-tax value."""
    for k in classes:
        ratios = []
        for t in Treatment:
            if k not in values[t]:
                continue
            ratios.append(values[t][k])
        if not ratios:
            continue
        if max(ratios) - min(ratios) > TIE * max(1.0, max(ratios)):
            return True
    return False


def _why(
    book: Book,
    placement: dict[str, dict[str, float]],
    values: dict[Treatment, dict[str, float]],
    matters: bool,
) -> dict[str, str]:
    rates = tax_rates(book)
    out: dict[str, str] = {}
    treatments = {a.id: a.treatment for a in book.accounts}
    for k in book.allocation_classes:
        holders = {treatments[a]: v.get(k, 0.0) for a, v in placement.items() if v.get(k, 0.0) > 0}
        where_by: dict[Treatment, float] = {}
        for a, v in placement.items():
            if v.get(k, 0.0) > 0:
                where_by[treatments[a]] = where_by.get(treatments[a], 0.0) + v[k]
        if not holders or k not in book.taxonomy:
            continue
        info = book.taxonomy[k]
        drag = annual_tax_drag(class_assumptions(book, k), rates)
        where = ", ".join(
            f"{t.value.replace('_', '-')} ${d:,.0f}"
            for t, d in sorted(where_by.items(), key=lambda kv: -kv[1])
        )
        if not matters:
            out[k] = f"{k} sits in {where}; every account is worth the same for it here."
            continue
        parts = [f"{k} sits in {where}:"]
        parts.append(
            f"expected return {info.expected_return:.1%}, so a Roth dollar of it grows "
            f"to {values[Treatment.TAX_EXEMPT][k]:.2f} after "
            f"{book.household.policy.horizon_years} years"
        )
        parts.append(
            f"in taxable it would lose about {drag:.2%} a year to tax "
            f"({info.income.value.replace('_', '-')} yield {info.yield_:.1%})"
        )
        out[k] = " ".join(parts[:1]) + " " + "; ".join(parts[1:]) + "."
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


SWEEPABLE = (
    "retirement_rate",
    "ordinary_rate",
    "long_term_rate",
    "horizon_years",
    "return.<class>",
    "yield.<class>",
)


def with_setting(book: Book, name: str, value: float) -> Book:
    """``book`` with one assumption changed (for ``--sweep``)."""
    from householder.errors import InputError

    data = book.household.to_data()
    if name in {"retirement_rate", "ordinary_rate", "long_term_rate"}:
        data.setdefault("tax", {})[name] = value
    elif name == "horizon_years":
        data.setdefault("policy", {})["horizon_years"] = round(value)
    elif name.startswith(("return.", "yield.")):
        field, cls = name.split(".", 1)
        if cls not in book.taxonomy:
            raise InputError(f"--sweep {name}: {cls!r} is not a known class")
        key = "expected_return" if field == "return" else "yield"
        classes = data.setdefault("classes", [])
        entry = next((c for c in classes if c["id"] == cls), None)
        if entry is None:
            entry = {"id": cls}
            classes.append(entry)
        entry[key] = value
    else:
        raise InputError(f"--sweep {name!r}: sweepable settings are {', '.join(SWEEPABLE)}")
    return build_book(data, source=f"{book.name} ({name}={value:g})")
