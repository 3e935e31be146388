"""The plan as data: what every command's result holds. Reports and exports read it; nothing
recomputes it. Field names follow the ``--json`` contract of ``spec/household-format.md``."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Result(BaseModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)


class LotLine(Result):
    """The part of one tax lot a sell draws on."""

    id: str
    shares: float | None
    cost: float
    proceeds: float
    gain: float
    term: Literal["short", "long"]
    wash_sale_disallowed: float = 0.0


class Trade(Result):
    fund: str
    action: Literal["buy", "sell"]
    amount: float
    """Dollars, positive."""
    shares: float | None = None
    """Set where the fund trades in whole shares."""
    price: float | None = None
    lots: list[LotLine] = Field(default_factory=list)
    reason: str = ""


class HoldingAfter(Result):
    fund: str
    value: float
    shares: float | None = None


class AccountPlan(Result):
    id: str
    type: str
    owner: str | None = None
    value_before: float
    value_after: float
    cash_before: float
    cash_after: float
    contribution: float = 0.0
    """Cash in (+) or out (−) with this plan."""
    holdings_after: list[HoldingAfter]
    trades: list[Trade]


class AllocationRow(Result):
    cls: str = Field(alias="class")
    target: float
    before: float
    after: float
    value_before: float
    value_after: float


class WashSaleLine(Result):
    account: str
    fund: str
    lot: str
    loss_disallowed: float
    replacement_account: str


class TaxSummary(Result):
    short_term_gain: float
    long_term_gain: float
    estimated_tax: float
    """Exact tax of the plan's realized gains and losses (the ``tax/`` judge), net of what the
    household would owe without the plan."""
    surrogate_tax: float
    """The optimizer's convex stand-in (never below the exact tax)."""
    loss_deduction: float = 0.0
    carryforward: float = 0.0
    wash_sales: list[WashSaleLine] = Field(default_factory=list)


class Fees(Result):
    annual_before: float
    annual_after: float


class Costs(Result):
    fees_annual_before: float
    fees_annual_after: float
    estimated_tax: float
    location_value_before: float
    """After-tax dollars at the horizon that the holdings before the plan are worth beyond
    the same holdings with every account holding the household's mix (what location is worth,
    :mod:`householder.valuation.location`; ``locate`` measures its placement the same way)."""
    location_value: float
    """The same after the plan."""
    location_value_annual: float
    """``location_value`` over the horizon's years (a rough yearly figure)."""
    location_located: float = 0.0
    """After-tax dollars at the horizon of the holdings after the plan, where they are."""
    location_uniform: float = 0.0
    """The same holdings with every account holding the household's mix."""
    remaining_drift: float
    """Largest distance of any class from target after the plan, in fraction points."""


class Plan(Result):
    household: str
    as_of: str
    command: str = "plan"
    status: str = "optimal"
    allocation_basis: str
    total_value: float
    target_reached: bool
    nothing_to_do: bool
    allocation: list[AllocationRow]
    accounts: list[AccountPlan]
    tax: TaxSummary
    fees: Fees
    costs: Costs
    shortfall: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    solver: dict[str, object] = Field(default_factory=dict)
    # contribute only
    contribution_needed: float | None = None
    contribution_within_limits: bool | None = None
    contribution_best_within_limits: float | None = None
    limit_checks: list[dict[str, object]] | None = None

    def to_json(self) -> dict[str, object]:
        doc = self.model_dump(mode="json", by_alias=True)
        for key in CONTRIBUTE_ONLY:
            if doc.get(key) is None:
                doc.pop(key, None)
        return doc


CONTRIBUTE_ONLY = (
    "contribution_needed",
    "contribution_within_limits",
    "contribution_best_within_limits",
    "limit_checks",
)
