"""The household file as frozen pydantic models: the contract of ``spec/household-format.md``.

These models check what one object can check on its own (a rate is a rate, a fund's classes sum
to 100, a holding has a value). Checks that need the whole household or the bundled data (a fund
is known, a class exists, lots are not acquired after ``as_of``) live in
:mod:`householder.io.rules`, which reports every problem at once.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from householder.model.types import (
    AccountType,
    AllocationBasis,
    FilingStatus,
    FundKind,
    Income,
    Money,
    NonNegativeMoney,
    Rate,
    UnknownBasis,
    Weight,
    WholeShares,
)

SUM_TOLERANCE = 0.01
"""Percent weights that must sum to 100 may be off by this much (rounding in a spreadsheet)."""


class Frozen(BaseModel):
    """Immutable, strict about keys: a typo must not pass silently."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


SKIP_SUM_CHECKS = "skip_sum_checks"
"""Validation context key: the loader sets it when it re-validates a file whose sums it has
already reported, so that the other rules can still be checked."""


def _check_sums_to_100(
    weights: dict[str, float], what: str, info: ValidationInfo | None = None
) -> None:
    """Percent weights add up to 100 (error type ``weights_sum``)."""
    if info is not None and isinstance(info.context, dict) and info.context.get(SKIP_SUM_CHECKS):
        return
    total = sum(weights.values())
    if weights and abs(total - 100.0) > SUM_TOLERANCE:
        hint = (
            "weights are percents: write 75, not 0.75"
            if abs(total - 1.0) <= SUM_TOLERANCE / 100
            else "adjust the weights so they add up"
        )
        raise PydanticCustomError(
            "weights_sum",
            "{what} sum to {total}, not 100; {hint}",
            {"what": what, "total": f"{total:g}", "hint": hint},
        )


class Person(Frozen):
    id: str = Field(min_length=1)
    name: str | None = None
    birth_date: date | None = None
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    retirement_year: int | None = Field(default=None, ge=1900, le=2200)

    @model_validator(mode="after")
    def _birth_consistent(self) -> Person:
        if self.birth_date and self.birth_year and self.birth_date.year != self.birth_year:
            raise ValueError(
                f"birth_date {self.birth_date} and birth_year {self.birth_year} disagree; give one"
            )
        return self

    @property
    def year_of_birth(self) -> int | None:
        return self.birth_date.year if self.birth_date else self.birth_year


class LossCarryforward(Frozen):
    short_term: NonNegativeMoney = 0.0
    long_term: NonNegativeMoney = 0.0


class RealizedThisYear(Frozen):
    """Net capital gains (+) or losses (−) already realized in the ``as_of`` year, by term;
    the plan's gains net with them (Schedule D lines 1-7 and 8-15)."""

    short_term: Money = 0.0
    long_term: Money = 0.0


class TaxProfile(Frozen):
    filing_status: FilingStatus = FilingStatus.SINGLE
    ordinary_rate: Rate = Field(default=0.22, ge=0, le=0.8)
    long_term_rate: Rate = Field(default=0.15, ge=0, le=0.8)
    retirement_rate: Rate | None = Field(default=None, ge=0, le=0.8)
    niit: bool = False
    loss_carryforward: NonNegativeMoney | LossCarryforward = 0.0
    realized_this_year: RealizedThisYear = RealizedThisYear()
    """Gains and losses already realized this year: netting and the loss limit start there."""
    magi: NonNegativeMoney | None = None
    """Modified AGI for Roth IRA purposes (IRS Pub 590-A, Worksheet 2-1) of the ``as_of`` year;
    with it ``contribute`` checks the Roth IRA income limit (408A(c)(3))."""

    @property
    def retirement(self) -> float:
        """Expected marginal rate on traditional withdrawals; the ordinary rate when not given."""
        return self.ordinary_rate if self.retirement_rate is None else self.retirement_rate

    @property
    def carryforward(self) -> LossCarryforward:
        """A bare number is a long-term carryforward (the character most carryovers have)."""
        cf = self.loss_carryforward
        return cf if isinstance(cf, LossCarryforward) else LossCarryforward(long_term=cf)


class TargetNode(Frozen):
    """A target class split further: ``stocks: {weight: 75, split: {us_large: 50, ...}}``."""

    weight: Weight
    split: dict[str, Weight | TargetNode] = Field(default_factory=dict)

    @field_validator("split")
    @classmethod
    def _split_sums(
        cls, split: dict[str, float | TargetNode], info: ValidationInfo
    ) -> dict[str, float | TargetNode]:
        _check_sums_to_100(
            {k: v.weight if isinstance(v, TargetNode) else v for k, v in split.items()},
            "split weights",
            info,
        )
        return split


Target = dict[str, Weight | TargetNode]


def target_leaves(target: Target) -> dict[str, float]:
    """The leaf classes of a (possibly nested) target with their household weight in percent."""
    leaves: dict[str, float] = {}

    def walk(node: dict[str, float | TargetNode], scale: float) -> None:
        for cls, value in node.items():
            if isinstance(value, TargetNode):
                if value.split:
                    walk(value.split, scale * value.weight / 100.0)
                else:
                    leaves[cls] = leaves.get(cls, 0.0) + scale * value.weight
            else:
                leaves[cls] = leaves.get(cls, 0.0) + scale * value

    walk(dict(target), 1.0)
    return leaves


GLIDE_RULES = ("N-age", "age-in-bonds", "linear", "vanguard")
"""The glide-path rules (``N-age`` stands for ``100-age`` … ``130-age``)."""

_N_AGE = re.compile(r"^(\d+)\s*[-\u2212\u2013]\s*age$")
"""``110-age``; a typographic minus or en dash (``110 − age``) is read as a hyphen."""

N_AGE_RANGE = (100, 130)


def parse_glide_rule(value: Any) -> str:
    """``"110-age"``, ``"110 − age"``, ``"age-in-bonds"``, ``"linear"``, ``"vanguard"`` → the
    rule's canonical spelling; anything else is a ValueError naming the choices."""
    if not isinstance(value, str):
        raise ValueError(f"expected a rule ({', '.join(GLIDE_RULES)}), got {value!r}")
    text = value.strip().lower().replace("_", "-")
    if text in {"age-in-bonds", "linear", "vanguard"}:
        return text
    match = _N_AGE.match(text)
    if match:
        n = int(match.group(1))
        low, high = N_AGE_RANGE
        if not low <= n <= high:
            raise ValueError(
                f"{value!r}: N must be {low} to {high} (stocks = N - age), got {n}"
            )
        return f"{n}-age"
    raise ValueError(
        f"{value!r} is not a glide rule; write N-age (e.g. 110-age, N from {N_AGE_RANGE[0]} "
        f"to {N_AGE_RANGE[1]}), age-in-bonds, linear or vanguard"
    )


class GlideMix(Frozen):
    """One end of a linear glide path: ``{stocks: 90, bonds: 10}``; give one or both (they
    sum to 100)."""

    stocks: Annotated[Weight, Field(le=100)] | None = None
    bonds: Annotated[Weight, Field(le=100)] | None = None

    @model_validator(mode="after")
    def _one_or_both(self) -> GlideMix:
        if self.stocks is None and self.bonds is None:
            raise ValueError("give stocks (and bonds), e.g. {stocks: 90, bonds: 10}")
        if self.stocks is not None and self.bonds is not None:
            total = self.stocks + self.bonds
            if abs(total - 100.0) > SUM_TOLERANCE:
                raise ValueError(
                    f"stocks and bonds sum to {total:g}, not 100; they are percents of the "
                    "whole (give one and the other follows)"
                )
        return self

    @property
    def stock_percent(self) -> float:
        return self.stocks if self.stocks is not None else 100.0 - (self.bonds or 0.0)


_LINEAR_ONLY = {
    "start": "start: {stocks: 90, bonds: 10}",
    "end": "end: {stocks: 50, bonds: 50}",
}


class Glide(Frozen):
    """A glide path (the top-level ``glide:`` key, instead of ``target:``): the stock share
    follows a rule of one person's age, evaluated at ``as_of``; the stock and bond parts split
    into classes as ``stocks`` and ``bonds`` say (default: the whole ``stocks`` and ``bonds``
    classes). See ``docs/glide-path.md``."""

    person: str | None = Field(default=None, min_length=1)
    """Whose age drives the path; default: the household's first person."""
    rule: Annotated[str, BeforeValidator(parse_glide_rule)]
    start: GlideMix | None = Field(default=None, validate_default=True)
    """``linear`` only: the mix ``years`` or more before retirement."""
    end: GlideMix | None = Field(default=None, validate_default=True)
    """``linear`` only: the mix at (and after) retirement."""
    years: int | None = Field(default=None, ge=1, le=80)
    """``linear`` only: how many years before retirement the path starts moving (default 25)."""
    stocks: dict[str, Weight] | None = None
    """How the stock part splits into classes, in percent summing to 100."""
    bonds: dict[str, Weight] | None = None
    """How the bond part splits into classes, in percent summing to 100."""

    @field_validator("start", "end")
    @classmethod
    def _linear_ends(cls, mix: GlideMix | None, info: ValidationInfo) -> GlideMix | None:
        rule = info.data.get("rule")
        name = str(info.field_name)
        if rule == "linear" and mix is None:
            raise ValueError(f"required for rule linear; add {_LINEAR_ONLY[name]}")
        if rule is not None and rule != "linear" and mix is not None:
            raise ValueError(f"only rule linear uses {name}; remove it (or set rule: linear)")
        return mix

    @field_validator("years")
    @classmethod
    def _linear_years(cls, years: int | None, info: ValidationInfo) -> int | None:
        rule = info.data.get("rule")
        if rule is not None and rule != "linear" and years is not None:
            raise ValueError("only rule linear uses years; remove it (or set rule: linear)")
        return years

    @field_validator("stocks", "bonds")
    @classmethod
    def _split_sums(
        cls, split: dict[str, float] | None, info: ValidationInfo
    ) -> dict[str, float] | None:
        if split is not None:
            if not split:
                raise ValueError(
                    f"is empty; give how the {info.field_name} part splits, e.g. "
                    + ("{us_stocks: 60, intl_stocks: 40}" if info.field_name == "stocks"
                       else "{bonds: 100}")
                )
            _check_sums_to_100(split, f"{info.field_name} split weights", info)
        return split

    @property
    def linear_years(self) -> int:
        return self.years if self.years is not None else LINEAR_DEFAULT_YEARS

    @property
    def stock_split(self) -> dict[str, float]:
        """Stock part → classes in percent (default ``{stocks: 100}``)."""
        return dict(self.stocks) if self.stocks else {"stocks": 100.0}

    @property
    def bond_split(self) -> dict[str, float]:
        """Bond part → classes in percent (default ``{bonds: 100}``)."""
        return dict(self.bonds) if self.bonds else {"bonds": 100.0}


LINEAR_DEFAULT_YEARS = 25
"""A linear glide path without ``years`` starts moving 25 years before retirement."""


class Bands(Frozen):
    """Rebalancing bands: a class is out of band past ``absolute`` points or ``relative`` %."""

    absolute: float = Field(default=5.0, ge=0, le=100)
    relative: float = Field(default=25.0, ge=0, le=1000)


class LocationPolicy(Frozen):
    """The assumptions of the asset-location value model (docs/locate.md, "Assumptions")."""

    sold_at_horizon: Annotated[Rate, Field(ge=0, le=1)] = 0.5
    """The share of a taxable position sold at the horizon, its gain taxed then: 0 (the
    default) for a position held for life, whose basis steps up at death (IRC 1014), given away,
    or sold only as losses are harvested; 1 for one sold at the horizon."""
    risk_adjusted: bool = False
    """Value taxable holdings at equal risk (Reichenstein): the government's share of a taxable
    account's return above the risk-free rate comes with the same share of its risk."""


class Policy(Frozen):
    allocation_basis: AllocationBasis = AllocationBasis.PRE_TAX
    bands: Bands = Bands()
    tolerance: float = Field(default=0.0, ge=0, le=100)
    max_realized_gain: Money | None = None
    min_trade: NonNegativeMoney = 0.0
    whole_shares: WholeShares = WholeShares.AUTO
    whole_share_method: Literal["auto", "repair", "exact"] = "auto"
    """exact: one mixed-integer solve with L1 tracking (HiGHS); repair: continuous solve, then
    whole shares fixed and the rest re-solved; auto: exact up to 300 whole-share trades
    (measured in benchmarks/), repair beyond and whenever the exact solve fails."""
    horizon_years: int = Field(default=25, ge=1, le=100)
    location: LocationPolicy = LocationPolicy()
    """The asset-location model's assumptions."""
    wash_sale_window_days: int = Field(default=30, ge=0, le=366)
    unknown_basis: UnknownBasis = UnknownBasis.REFUSE
    substantially_identical: list[list[str]] = Field(default_factory=list)
    """Groups of tickers the household treats as one security for wash sales."""
    turnover_cost: Rate = Field(default=0.0001, ge=0, le=0.05)
    min_relocation_gain: Rate = Field(default=0.001, ge=0, le=0.05)
    """A trade made for location or fees must gain at least this much a year of the dollars it
    moves (0.10 %: about what a round trip costs in spreads and days out of the market, and
    less than a planner would call a client about): priced in the objective as a cost of
    :math:`H \\times` this, half on each side of a sale and a purchase."""
    """Cost per dollar traded in the objective (not charged to the accounts)."""
    discount_rate: Rate | None = Field(default=None, ge=0, le=0.5)
    """Rate that brings horizon after-tax dollars back to today; default: the target's return."""


class AssetClass(Frozen):
    """A ``classes:`` entry: a new class, or an override of a bundled one (fields not given keep
    the bundled value)."""

    id: str = Field(min_length=1)
    parent: str | None = None
    name: str | None = None
    expected_return: Rate | None = Field(default=None, ge=-0.5, le=1.0)
    yield_: Rate | None = Field(default=None, alias="yield", ge=0, le=1.0)
    income: Income | None = None
    turnover: Rate | None = Field(default=None, ge=0, le=1.0)
    foreign_tax: Rate | None = Field(default=None, ge=0, le=1.0)


class Fund(Frozen):
    """A ``funds:`` entry. A bare ``{ticker: VTI}`` takes its data from the bundled catalog."""

    ticker: str = Field(min_length=1)
    name: str | None = None
    expense_ratio: Rate | None = Field(default=None, ge=0, le=0.05)
    classes: dict[str, Weight] | None = None
    kind: FundKind | None = None
    target_year: int | None = Field(default=None, ge=2000, le=2100)
    """A target-date fund's vintage (``2050``); the bundled catalog gives it for its own."""

    @field_validator("classes")
    @classmethod
    def _classes_sum(
        cls, classes: dict[str, float] | None, info: ValidationInfo
    ) -> dict[str, float] | None:
        if classes is not None:
            if not classes:
                raise ValueError("classes is empty; give the fund's exposure, e.g. {stocks: 100}")
            _check_sums_to_100(classes, "classes", info)
        return classes


FREQUENCIES: dict[str, int] = {
    "weekly": 52,
    "biweekly": 26,
    "semimonthly": 24,
    "monthly": 12,
    "quarterly": 4,
    "annually": 1,
}
"""How often a schedule repeats, with its dates a year."""

Frequency = Literal["weekly", "biweekly", "semimonthly", "monthly", "quarterly", "annually"]


class Schedule(Frozen):
    """Dates on which a purchase repeats (a paycheck's contribution, a dividend reinvested):
    ``every`` with the ``next`` date, or a list of ``dates``; ``amount`` per date (dollars)."""

    every: Frequency | None = None
    next: date | None = None
    """The next date the purchase happens (``every``: the series runs on from it)."""
    dates: list[date] | None = None
    amount: NonNegativeMoney | None = None
    """Dollars bought on each date; default: the year's amount over the dates a year."""

    @model_validator(mode="after")
    def _dates_given(self) -> Schedule:
        if self.dates is not None and (self.every is not None or self.next is not None):
            raise ValueError("give either dates: [...] or every: with next:, not both")
        if self.dates is None and (self.every is None or self.next is None):
            raise ValueError(
                "give every: (weekly, biweekly, semimonthly, monthly, quarterly, annually) "
                "with next: (the next date), or dates: [YYYY-MM-DD, ...]"
            )
        if self.dates is not None and not self.dates:
            raise ValueError("dates is empty; give at least one date")
        return self

    @property
    def per_year(self) -> int:
        """Dates a year: the frequency's, or the number of dates listed."""
        return FREQUENCIES[self.every] if self.every is not None else len(self.dates or [])

    def occurrences(self, start: date, end: date) -> list[date]:
        """The schedule's dates from ``start`` to ``end``, both included, in order. A series
        runs on from ``next``: weekly and biweekly by 7 and 14 days; semimonthly on the 15th
        and the last day of each month; monthly, quarterly and annually on ``next``'s day of
        the month (the month's last day where it is shorter)."""
        if self.dates is not None:
            return sorted(d for d in set(self.dates) if start <= d <= end)
        assert self.every is not None and self.next is not None
        out: list[date] = []
        if self.every in ("weekly", "biweekly"):
            step = 7 if self.every == "weekly" else 14
            day = self.next
            if day < start:
                day += timedelta(days=step * ((start - day).days // step))
            while day <= end:
                if day >= start:
                    out.append(day)
                day += timedelta(days=step)
            return out
        if self.every == "semimonthly":
            year, month = self.next.year, self.next.month
            while date(year, month, 1) <= end:
                for day in (date(year, month, 15), _month_end(year, month)):
                    if day >= self.next and start <= day <= end:
                        out.append(day)
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
            return out
        months = {"monthly": 1, "quarterly": 3, "annually": 12}[self.every]
        k = 0
        while True:
            total = self.next.month - 1 + k * months
            year, month = self.next.year + total // 12, total % 12 + 1
            day = date(year, month, min(self.next.day, _month_end(year, month).day))
            if day > end:
                return out
            if day >= start:
                out.append(day)
            k += 1


def _month_end(year: int, month: int) -> date:
    """The last day of a month."""
    first_of_next = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return first_of_next - timedelta(days=1)


class TaxLot(Frozen):
    id: str | None = None
    shares: float = Field(ge=0, allow_inf_nan=False)
    cost: NonNegativeMoney
    acquired: date


class Holding(Frozen):
    """One fund in one account: ``value``; or ``shares`` with a price; or ``lots``."""

    fund: str = Field(min_length=1)
    value: NonNegativeMoney | None = None
    shares: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    price: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    lots: list[TaxLot] | None = None
    cost: NonNegativeMoney | None = None
    acquired: date | None = None
    reinvest: Schedule | None = None
    """Dividends reinvested in the fund on these dates: purchases that wash a loss on it (the
    amount per date defaults to the holding's value times the fund's yield over the dates a
    year)."""

    @model_validator(mode="after")
    def _amount_given(self) -> Holding:
        if self.value is None and self.shares is None and not self.lots:
            raise ValueError("give value, or shares (with a price), or lots")
        if self.lots and self.cost is not None:
            raise ValueError("give either lots or cost (one lot's basis), not both")
        if self.lots and self.shares is not None:
            lot_shares = sum(lot.shares for lot in self.lots)
            if abs(lot_shares - self.shares) > 1e-6 * max(1.0, self.shares):
                raise ValueError(
                    f"lots hold {lot_shares:g} shares but shares is {self.shares:g}; "
                    "make them agree or drop shares"
                )
        shares = self.shares if self.shares is not None else self.lot_shares
        if self.value is not None and shares is not None and self.price is not None:
            if abs(shares * self.price - self.value) > 0.01 + 1e-9 * self.value:
                raise ValueError(
                    f"value {self.value:g} is not shares x price "
                    f"({shares:g} x {self.price:g}); give two of the three"
                )
        return self

    @property
    def lot_shares(self) -> float | None:
        return sum(lot.shares for lot in self.lots) if self.lots else None


class Contributions(Frozen):
    annual: NonNegativeMoney = 0.0
    split: dict[str, Weight] | None = None
    this_year: NonNegativeMoney | None = None
    employer: NonNegativeMoney = 0.0
    """Employer match/profit sharing per year (does not count against the elective limit)."""
    schedule: Schedule | None = None
    """When the payroll contributions buy (``split`` says what): purchases that wash a loss
    sold within the wash-sale window of them. Amount per date default: (annual + employer) over
    the dates a year."""

    @field_validator("split")
    @classmethod
    def _split_sums(
        cls, split: dict[str, float] | None, info: ValidationInfo
    ) -> dict[str, float] | None:
        if split:
            _check_sums_to_100(split, "split weights", info)
        return split


class Transaction(Frozen):
    """A trade of the recent past in one account (the wash-sale window before ``as_of``): a
    purchase (``buy``, ``reinvest``) washes a loss sold within the window after it; a ``sell``
    whose ``cost`` is above its ``amount`` is a loss that a purchase within the window washes."""

    traded: date = Field(alias="date")
    fund: str = Field(min_length=1)
    action: Literal["buy", "sell", "reinvest"]
    shares: float = Field(gt=0, allow_inf_nan=False)
    amount: NonNegativeMoney
    """Dollars paid (buy, reinvest) or received (sell)."""
    cost: NonNegativeMoney | None = None
    """A sell's basis: a loss when above ``amount``."""

    @model_validator(mode="after")
    def _cost_on_sells(self) -> Transaction:
        if self.cost is not None and self.action != "sell":
            raise ValueError(f"cost is a sale's basis; a {self.action} has none (remove it)")
        return self


class Account(Frozen):
    id: str = Field(min_length=1)
    name: str | None = None
    owner: str | None = None
    type: AccountType
    menu: list[str] | None = None
    cash: NonNegativeMoney = 0.0
    holdings: list[Holding] = Field(default_factory=list)
    contributions: Contributions | None = None
    hsa_coverage: Literal["self", "family"] | None = None
    """HSA only: the coverage that sets the contribution limit."""
    transactions: list[Transaction] = Field(default_factory=list)
    """Trades of the recent past (the wash-sale window before ``as_of``)."""


RESTRICTION_RULES = (
    "do_not_sell",
    "do_not_buy",
    "hold_at_least",
    "no_short_term_gains",
    "cash_floor",
    "closed_to_new_money",
)

RestrictionRule = Literal[
    "do_not_sell",
    "do_not_buy",
    "hold_at_least",
    "no_short_term_gains",
    "cash_floor",
    "closed_to_new_money",
]


class Restriction(Frozen):
    """What a plan may not do, in an account, a fund, or one fund in one account (a holding);
    with neither ``account`` nor ``fund``, everywhere. See docs/file-reference.md,
    "restrictions"."""

    rule: RestrictionRule
    account: str | None = Field(default=None, min_length=1)
    fund: str | None = Field(default=None, min_length=1)
    amount: NonNegativeMoney | None = None
    """Dollars: ``hold_at_least`` (or ``shares``) and ``cash_floor``."""
    shares: float | None = Field(default=None, gt=0, allow_inf_nan=False)
    """``hold_at_least`` in shares."""
    holders_may_buy: bool = False
    """``closed_to_new_money`` only: accounts that already hold the fund may still buy it
    (a fund closed to new investors)."""
    reason: str | None = None
    """Why, in the user's words (shown with what it stops)."""

    @model_validator(mode="after")
    def _fields_of_the_rule(self) -> Restriction:
        rule = self.rule
        if rule == "hold_at_least":
            if self.fund is None:
                raise ValueError("hold_at_least needs fund: the fund to keep")
            if (self.amount is None) == (self.shares is None):
                raise ValueError("hold_at_least needs amount: (dollars) or shares:, one of them")
        elif self.shares is not None:
            raise ValueError(f"shares is for hold_at_least, not {rule}; remove it")
        if rule == "cash_floor":
            if self.amount is None:
                raise ValueError("cash_floor needs amount: the cash to keep (dollars)")
            if self.fund is not None:
                raise ValueError("a cash floor is an account's (or the household's), not a "
                                 "fund's; remove fund")
        elif rule != "hold_at_least" and self.amount is not None:
            raise ValueError(f"amount is for hold_at_least and cash_floor, not {rule}; remove it")
        if rule == "closed_to_new_money":
            if self.fund is None:
                raise ValueError("closed_to_new_money needs fund: the closed fund")
            if self.account is not None:
                raise ValueError("a fund is closed in every account; remove account (or use "
                                 "do_not_buy for one account)")
        elif self.holders_may_buy:
            raise ValueError("holders_may_buy is for closed_to_new_money; remove it")
        return self

    @property
    def scope(self) -> str:
        """Where it applies, in words: ``VTI in brokerage``, ``brokerage``, ``VTI``, or
        ``the household``."""
        if self.account and self.fund:
            return f"{self.fund} in {self.account}"
        return self.fund or self.account or "the household"


BOTH_TARGET_AND_GLIDE = (
    "give target or glide, not both: the glide path sets the target every year; remove "
    "target (or remove glide to keep fixed weights)"
)
NEITHER_TARGET_NOR_GLIDE = (
    "required; add target (fixed weights, e.g. {stocks: 75, bonds: 25}) or glide (a glide "
    "path, e.g. {rule: 110-age})"
)


class Household(Frozen):
    """The whole household file."""

    name: str = "Household"
    as_of: date
    people: list[Person] = Field(default_factory=list)
    tax: TaxProfile = TaxProfile()
    target: Annotated[Target, Field(min_length=1)] | None = None
    """Fixed weights; required unless ``glide`` is given (never both)."""
    glide: Glide | None = None
    """A glide path instead of fixed weights: the target evaluated at ``as_of``."""
    policy: Policy = Policy()
    classes: list[AssetClass] = Field(default_factory=list)
    funds: list[Fund] = Field(default_factory=list)
    accounts: Annotated[list[Account], Field(min_length=1)]
    prices: dict[str, Annotated[float, Field(gt=0, allow_inf_nan=False)]] = Field(
        default_factory=dict
    )
    restrictions: list[Restriction] = Field(default_factory=list)
    """What the plans may not do (docs/file-reference.md, "restrictions")."""
    substitutes: list[Annotated[list[str], Field(min_length=2)]] = Field(default_factory=list)
    """Groups of funds the household accepts in place of each other when it harvests a loss
    (similar, but not substantially identical: the user's judgement)."""

    @field_validator("target")
    @classmethod
    def _target_sums(cls, target: Target | None, info: ValidationInfo) -> Target | None:
        """A field validator, not a model one, so it is reported alongside every other field's
        problems (model validators only run once every field is valid)."""
        if target is not None:
            _check_sums_to_100(target_leaves(target), "the leaves", info)
        return target

    @model_validator(mode="after")
    def _target_or_glide(self) -> Household:
        """Exactly one of ``target`` and ``glide``. (The loader reports these two with their
        paths before it gets here; this keeps a Household built any other way consistent.)"""
        if self.target is not None and self.glide is not None:
            raise PydanticCustomError("target_or_glide", BOTH_TARGET_AND_GLIDE)
        if self.target is None and self.glide is None:
            raise PydanticCustomError("target_or_glide", NEITHER_TARGET_NOR_GLIDE)
        return self

    def to_data(self) -> dict[str, Any]:
        """The file's structure as plain data (JSON-ready), fields not given left out."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)
