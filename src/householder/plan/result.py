"""The plan as data: what every command's result holds. Reports and exports read it; nothing
recomputes it. Field names follow the ``--json`` contract of ``spec/household-format.md``."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field


class Result(BaseModel):
    """A command's typed result. Its ``--json`` document is :meth:`to_json`, the one way every
    command's JSON is made."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    omit_when_none: ClassVar[tuple[str, ...]] = ()
    """Top-level fields left out of the JSON document where they are None (a field only some
    modes of a command give)."""

    def to_json(self) -> dict[str, Any]:
        doc = self.model_dump(mode="json", by_alias=True)
        for key in self.omit_when_none:
            if doc.get(key) is None:
                doc.pop(key, None)
        return doc


class LotLine(Result):
    """The part of one tax lot a sell draws on."""

    id: str
    shares: float | None
    cost: float
    proceeds: float
    gain: float
    term: Literal["short", "long"]
    wash_sale_disallowed: float = 0.0


class Benefit(Result):
    """What a trade gains, measured as the change in each term if it and the trades it pairs
    with in its account were left out (:mod:`householder.plan.reasons`)."""

    cause: Literal["drift", "fees", "location", "new money", "withdrawal", "tax", "cash"]
    """The term that makes the trade."""
    drift_closed: float
    """Dollars of drift toward target."""
    fees_per_year: float
    """Expense-ratio dollars saved a year (negative: it costs more)."""
    location_value: float
    """After-tax dollars at the horizon, the location measure of ``plan`` and ``locate``."""
    tax: float
    """Tax realized by its sale at the marginal rates (negative: a loss that saves tax)."""


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
    benefit: Benefit | None = None


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
    """One wash sale: ``shares`` of the sold lot ``lot`` washed by shares of a replacement
    (IRC 1091; Pub 550 "Wash Sales")."""

    account: str
    fund: str
    lot: str
    loss_disallowed: float
    replacement_account: str
    shares: float | None = None
    """Shares of the sold lot washed (None where the fund trades in dollars)."""
    replacement_fund: str = ""
    replacement_lot: str | None = None
    """The replacement's lot: an existing lot's id, or the id the plan's buy gets (see
    :class:`AdjustedLot`); None in a tax-advantaged account."""
    replacement_bought: str = ""
    """When the replacement shares were (or are, by this plan) bought."""
    replacement_shares: float | None = None
    replacement_cost: float = 0.0
    """What the matched replacement shares cost."""
    basis_added: float = 0.0
    """The disallowed loss added to the replacement's basis (IRC 1091(d)); 0 in an IRA or
    other tax-advantaged account, where the loss is lost (Rev. Rul. 2008-5)."""
    replacement_basis: float = 0.0
    """The replacement shares' basis: cost + basis added."""
    replacement_acquired: str | None = None
    """The replacement's acquisition date for its holding period, which includes the sold
    shares' (IRC 1223(3)); None in a tax-advantaged account."""


class AdjustedLot(Result):
    """A tax lot as the household holds it after the plan, where a wash sale changed it: the
    replacement shares with their new basis and holding-period date. ``from_lot`` is the
    existing lot they are carved out of (the rest of it keeps its id, basis and date); None
    when the shares are bought by this plan (the rest of that buy is an ordinary new lot)."""

    account: str
    fund: str
    id: str
    shares: float | None
    """None where the fund trades in dollars (see ``value``)."""
    value: float
    """What the shares cost when bought (dollars)."""
    cost: float
    """The adjusted basis: what they cost plus the disallowed loss."""
    acquired: str
    """The adjusted acquisition date (the sold shares' holding period included)."""
    bought: str
    """When they were actually bought."""
    from_lot: str | None = None
    wash_of: str = ""
    """The sold lot whose disallowed loss the basis carries."""


class CalendarSale(Result):
    """A loss sale that opens a do-not-buy window."""

    account: str
    fund: str
    lot: str
    """The lot sold (empty for a sale from ``transactions``)."""
    sold: str
    loss: float
    source: Literal["plan", "harvest", "transactions"]


class CalendarPurchase(Result):
    """A purchase inside a do-not-buy window: it washes (part of) the loss unless it is stopped
    or moved (a scheduled one), or it already has (a recent one)."""

    account: str
    fund: str
    date: str
    amount: float
    source: Literal["payroll", "dividends", "transactions", "lots"]
    fix: str


class CalendarLine(Result):
    """One fund group's do-not-buy window (the wash-sale calendar): no purchase of any of
    ``funds`` in any account of the household, a spouse's and the IRAs included, before
    ``do_not_buy_before`` (IRC 1091; Rev. Rul. 2008-5)."""

    group: str
    funds: list[str]
    """The group's funds: the household's and every fund substantially identical to them."""
    last_loss_sale: str
    do_not_buy_before: str
    """The first day a purchase is clean: the last loss sale + 31 days."""
    accounts: str = "any"
    sales: list[CalendarSale] = Field(default_factory=list)
    scheduled: list[CalendarPurchase] = Field(default_factory=list)
    """Purchases inside the window that wash part of the loss (and what to do about them)."""
    text: str = ""
    """``do not buy VTI or VTSAX in any account before 2027-01-05``."""


class TaxSummary(Result):
    short_term_gain: float
    long_term_gain: float
    estimated_tax: float
    """Exact tax of the plan's realized gains and losses (the ``tax/`` judge), net of what the
    household would owe without the plan (gains already realized this year and carried-in
    losses in both)."""
    surrogate_tax: float
    """The optimizer's convex stand-in for the *year's* tax (absolute: carried-in losses and
    gains realized earlier this year included), at least the year's exact tax; not comparable
    with ``estimated_tax``, which is the plan's increment (see docs/plan.md)."""
    loss_deduction: float = 0.0
    carryforward: float = 0.0
    carryforward_used: float = 0.0
    """Dollars of loss carryover the plan uses up (carried to next year without the plan less
    with it); negative when its losses add to the carryover."""
    carryforward_used_value: float = 0.0
    """Today's value of that carryover: the future tax saving the plan spends (negative: banks),
    at :func:`householder.tax.netting.carryover_value_rate` per dollar."""
    wash_sales: list[WashSaleLine] = Field(default_factory=list)
    adjusted_lots: list[AdjustedLot] = Field(default_factory=list)
    """Replacement lots with the basis and holding period their wash sales give them (for
    writing the household after the trades)."""


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


class Economics(Result):
    """What the trades buy, in one place: how many, how much money moves, and the gain by
    term."""

    trades: int
    turnover: float
    """Dollars traded, sales and purchases."""
    turnover_fraction: float
    """Turnover as a fraction of the household."""
    drift_closed: float
    """Dollars of drift the trades close, half the sum over classes of the distance from
    target they remove."""
    fees_saved_per_year: float
    location_value_gained: float
    """After-tax dollars at the horizon (the location measure, after less before)."""
    estimated_tax: float
    summary: str


class LimitCheckRow(Result):
    """One contribution limit group a plan's money counts against (``limit_checks``)."""

    person: str
    account: str
    year: int
    limit: float
    planned: float
    within_limit: bool
    group: str
    room: float
    accounts: list[str]
    people: list[str]
    contribution: float
    already: float
    rule: str


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
    economics: Economics | None = None
    shortfall: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)
    wash_sale_calendar: list[CalendarLine] = Field(default_factory=list)
    """The do-not-buy window of each fund group the plan (or a recent sale) sold at a loss."""
    solver: dict[str, object] = Field(default_factory=dict)
    # contribute only
    contribution_needed: float | None = None
    contribution_within_limits: bool | None = None
    contribution_best_within_limits: float | None = None
    limit_checks: list[LimitCheckRow] | None = None

    omit_when_none: ClassVar[tuple[str, ...]] = (
        "contribution_needed",
        "contribution_within_limits",
        "contribution_best_within_limits",
        "limit_checks",
    )
