"""``householder report``: everything the HTML report shows, as one typed result.

It runs the commands whose results the report draws (``drift``, ``plan``, ``locate``, and
``locate --sweep`` where one is asked for) and adds the few figures the report needs that no
command's result holds, each from the one definition the project has:

- every class's tolerance band beside the plan's before and after
  (:func:`householder.valuation.drift.band`, as ``drift`` draws them);
- each account's mix by class before and after the trades, in market (pre-tax) dollars
  (:meth:`householder.valuation.facts.Facts.account_exposure` of the holdings before and of
  the plan's holdings after): the location map.

The renderer (:mod:`householder.report.html`) reads this result only; nothing is recomputed
there. ``plan --frontier`` points, where a command produced them, are passed in as
:class:`FrontierPoint` rows (the report's hook for them: a table and a chart).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from pydantic import Field

from householder.model.book import Book
from householder.plan.drift import DriftResult
from householder.plan.locate import LocateSweep, Location
from householder.plan.result import Plan, Result
from householder.valuation.drift import band

if TYPE_CHECKING:
    from householder.plan.frontier import Frontier
from householder.valuation.facts import Facts, household_facts


class ClassBand(Result):
    """One class of the household: target, band, and where the plan takes it."""

    cls: str = Field(alias="class")
    target: float
    band_low: float
    band_high: float
    before: float
    after: float
    value_before: float
    value_after: float
    breached_before: bool
    breached_after: bool


class ClassDollars(Result):
    """Dollars of one class in one account, before and after the trades."""

    cls: str = Field(alias="class")
    before: float
    after: float


class AccountMix(Result):
    """One account of the location map: its classes in market (pre-tax) dollars."""

    id: str
    type: str
    treatment: str
    """``taxable``, ``tax_deferred`` or ``tax_exempt``."""
    owner: str | None = None
    value_before: float
    value_after: float
    classes: list[ClassDollars]
    """Every class the account holds before or after."""


class FrontierPoint(Result):
    """One point of the trade-off between tax and drift (``plan --frontier``)."""

    tax: float
    """Tax the point's trades realize (dollars)."""
    remaining_drift: float
    """Largest distance of any class from target after them (fraction)."""
    trades: int
    turnover: float | None = None
    label: str = ""


def frontier_points(found: Frontier) -> list[FrontierPoint]:
    """``plan --frontier``'s points as the report's rows: the exact tax, the drift left, the
    trades and turnover, labelled by the gain cap that gives each."""
    return [
        FrontierPoint(
            tax=p.estimated_tax, remaining_drift=p.remaining_drift, trades=p.trades,
            turnover=p.turnover,
            label=("no cap" if p.max_realized_gain is None
                   else f"gains up to ${p.max_realized_gain:,.0f}"),
        )
        for p in found.points
    ]


class Report(Result):
    """What ``householder report`` shows: the plan, the drift it starts from, the placement
    ``locate`` recommends, each account's mix, and the sweep and frontier where asked for."""

    household: str
    as_of: str
    command: str = "report"
    allocation_basis: str
    out: str | None = None
    """The file the report was written to (set by the command)."""
    allocation: list[ClassBand]
    accounts: list[AccountMix]
    plan: Plan
    drift: DriftResult
    location: Location | None = None
    sweep: LocateSweep | None = None
    frontier: list[FrontierPoint] | None = None

    omit_when_none: ClassVar[tuple[str, ...]] = ("location", "sweep", "frontier", "out")

    def to_json(self) -> dict[str, Any]:
        doc = super().to_json()
        # each nested result leaves out its own empty fields, as its command's JSON does
        doc["plan"] = self.plan.to_json()
        doc["drift"] = self.drift.to_json()
        if self.location is not None:
            doc["location"] = self.location.to_json()
        if self.sweep is not None:
            doc["sweep"] = self.sweep.to_json()
        return doc

    @property
    def classes(self) -> list[str]:
        """The classes in the household's order (the plan's allocation rows)."""
        return [r.cls for r in self.allocation]


def build_report(
    book: Book,
    plan: Plan | None = None,
    *,
    sweep: str | None = None,
    locate: bool = True,
    frontier: Sequence[FrontierPoint] | None = None,
) -> Report:
    """The report of ``book``: ``plan`` when the caller has it (``plan --report``), else the
    plan solved here; ``locate``'s placement unless ``locate=False``; ``locate --sweep
    SPEC`` where ``sweep`` is given."""
    from householder.plan.drift import drift as measure_drift
    from householder.plan.locate import locate as place
    from householder.plan.locate import sweep as sweep_over

    facts = household_facts(book)
    if plan is None:
        from householder.optimize import solve_household
        from householder.plan.build import build_plan

        plan = build_plan(solve_household(book))
    drift = measure_drift(facts)
    return Report(
        household=plan.household,
        as_of=plan.as_of,
        allocation_basis=plan.allocation_basis,
        allocation=class_bands(book, plan),
        accounts=account_mixes(facts, plan),
        plan=plan,
        drift=drift,
        location=place(book) if locate else None,
        sweep=sweep_over(book, sweep) if sweep else None,
        frontier=list(frontier) if frontier is not None else None,
    )


def class_bands(book: Book, plan: Plan) -> list[ClassBand]:
    """The plan's allocation rows with each class's tolerance band (``drift``'s bands)."""
    bands = book.household.policy.bands
    rows = []
    for r in plan.allocation:
        b = band(r.target, bands)
        rows.append(
            ClassBand(
                cls=r.cls,
                target=r.target,
                band_low=round(b.low, 6),
                band_high=round(b.high, 6),
                before=r.before,
                after=r.after,
                value_before=r.value_before,
                value_after=r.value_after,
                breached_before=not b.contains(r.before),
                breached_after=not b.contains(r.after),
            )
        )
    return rows


def account_mixes(facts: Facts, plan: Plan) -> list[AccountMix]:
    """Each account's classes in market dollars, before and after the plan's trades."""
    pre = facts.pre_tax
    after_by_pair = np.zeros(len(pre.pair_fund))
    cash_after = np.zeros(len(pre.accounts))
    index = {
        (int(a), f): p
        for p, (a, f) in enumerate(zip(pre.pair_account, pre.pair_fund, strict=True))
    }
    accounts = {a.id: a for a in plan.accounts}
    for a, account_id in enumerate(pre.accounts):
        acct = accounts[account_id]
        cash_after[a] = acct.cash_after
        for h in acct.holdings_after:
            after_by_pair[index[(a, h.fund)]] = h.value
    out = []
    for a, account in enumerate(facts.book.accounts):
        before = pre.account_exposure(a)
        after = pre.account_exposure(a, after_by_pair, cash_after)
        classes = [
            ClassDollars(cls=c, before=round(float(b), 2) + 0.0, after=round(float(v), 2) + 0.0)
            for c, b, v in zip(pre.classes, before, after, strict=True)
            if abs(b) >= 0.005 or abs(v) >= 0.005
        ]
        plan_acct = accounts[account.id]
        out.append(
            AccountMix(
                id=account.id,
                type=account.spec.type.value,
                treatment=account.treatment.value,
                owner=account.spec.owner,
                value_before=plan_acct.value_before,
                value_after=plan_acct.value_after,
                classes=classes,
            )
        )
    return out
