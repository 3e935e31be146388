"""The target-date alternative: for each person, the target-date fund vintage nearest their
retirement year, its look-through mix against the household target, and what holding it instead
of the current funds would cost a year.

A fund is a target-date fund when it has a ``target_year`` (a ``funds:`` entry, or the bundled
catalog's row), or when its name reads like one ("… Target Retirement 2050 …", "Freedom Index
2060", "LifePath 2045"): a series word and a year.

Whose accounts: a person's own, the joint ones (which count for every person), and those without
an owner (the only person's; with several people, everyone's). What the accounts offer: what they
hold and what they may buy (their menu; without a menu, the household's universe).

The yearly fee of an account is :math:`\\sum_f e_f\\,v_f` now (uninvested cash costs nothing)
and :math:`e_{TDF}\\,V` holding the fund instead (all of the account's value :math:`V`, cash
included, invested in it). An account that does not offer the fund keeps its current fee.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pydantic import Field

from householder.errors import InputError
from householder.model.book import AccountBook, Book
from householder.model.bundled import bundled_funds
from householder.model.glide import RETIREMENT_AGE
from householder.model.household import Person
from householder.model.types import JOINT
from householder.plan.result import Result

STOCKS = "stocks"

_NAME_YEAR = re.compile(
    r"\b(?:target|retirement|freedom|lifecycle|lifepath|destination|horizon|vintage)\b"
    r".*?\b(20\d\d)\b",
    re.IGNORECASE,
)
"""A target-date fund's name: a series word, then the vintage year."""

_YEAR = re.compile(r"\s*\b20\d\d\b")


@dataclass(frozen=True)
class Vintage:
    """A target-date fund."""

    ticker: str
    name: str
    target_year: int
    expense_ratio: float
    classes: dict[str, float]
    """Exposure by class id as fractions summing to 1 (the fund's own classes)."""

    @property
    def series(self) -> str:
        """The fund's name without its year: "Vanguard Target Retirement Fund"."""
        return " ".join(_YEAR.sub(" ", self.name).split())


@dataclass(frozen=True)
class MixRow:
    """One allocation class: the fund's look-through fraction against the household target."""

    cls: str
    fund: float
    target: float

    @property
    def difference(self) -> float:
        """Fund minus target, as a fraction (×100 for points)."""
        return self.fund - self.target


@dataclass(frozen=True)
class AccountFee:
    """One account's yearly expense-ratio dollars, now and holding the fund instead."""

    id: str
    type: str
    value: float
    current: float
    with_fund: float
    holds_fund: bool
    """False when the account cannot buy the fund: it keeps its current funds and fee."""


@dataclass(frozen=True)
class Fees:
    """Yearly expense-ratio dollars across a person's accounts."""

    accounts: tuple[AccountFee, ...]

    @property
    def value(self) -> float:
        """Value of the accounts that would hold the fund."""
        return sum(a.value for a in self.accounts if a.holds_fund)

    @property
    def current(self) -> float:
        return sum(a.current for a in self.accounts)

    @property
    def with_fund(self) -> float:
        return sum(a.with_fund for a in self.accounts)

    @property
    def difference(self) -> float:
        """What holding the fund adds to the yearly fee (negative: it saves)."""
        return self.with_fund - self.current

    @property
    def current_expense_ratio(self) -> float:
        """The weighted expense ratio now, of the accounts that would hold the fund."""
        moved = [a for a in self.accounts if a.holds_fund]
        value = sum(a.value for a in moved)
        return sum(a.current for a in moved) / value if value else 0.0


@dataclass(frozen=True)
class Choice:
    """A vintage for a person: its mix against target and its fee."""

    fund: Vintage
    offered: bool
    """True when the person's accounts offer it; False for a catalog alternative."""
    offered_in: tuple[str, ...]
    stocks: float
    """The fund's stock share (fraction), counted on the class tree."""
    mix: tuple[MixRow, ...]
    fees: Fees

    @property
    def distance(self) -> float:
        """The largest gap between fund and target over the classes, as a fraction."""
        return max((abs(r.difference) for r in self.mix), default=0.0)


@dataclass(frozen=True)
class PersonTdf:
    """The target-date alternative for one person."""

    person: str
    retirement_year: int | None
    retirement_from: str | None
    """``"retirement_year"`` (given) or ``"age 65"`` (the year they turn 65); None: unknown."""
    accounts: tuple[str, ...]
    offered: tuple[Vintage, ...]
    """The target-date funds the person's accounts offer, by vintage."""
    choice: Choice | None
    alternatives: tuple[Choice, ...] = ()
    """Each bundled series' nearest vintage: when no target-date fund is offered, or those of
    them nearer the retirement year than the offered one."""
    notes: tuple[str, ...] = field(default=())


def target_year_of(
    ticker: str, name: str, listed: int | None, catalog_row: dict[str, object]
) -> int | None:
    """A fund's vintage: the file's ``target_year``, the catalog's, or the year in its name."""
    if listed is not None:
        return listed
    year = catalog_row.get("target_year")
    if isinstance(year, int):
        return year
    match = _NAME_YEAR.search(name)
    return int(match.group(1)) if match else None


def universe_vintages(book: Book) -> dict[str, Vintage]:
    """The target-date funds of the household's universe."""
    catalog = bundled_funds()
    listed = {f.ticker: f.target_year for f in book.household.funds}
    out: dict[str, Vintage] = {}
    for ticker, info in book.funds.items():
        year = target_year_of(ticker, info.name, listed.get(ticker), catalog.get(ticker, {}))
        if year is not None:
            out[ticker] = Vintage(ticker, info.name, year, info.expense_ratio, dict(info.classes))
    return out


def catalog_series(book: Book) -> dict[str, list[Vintage]]:
    """The bundled catalog's target-date funds by series (a household override of a row wins)."""
    series: dict[str, list[Vintage]] = {}
    for ticker, row in bundled_funds().items():
        year = row.get("target_year")
        if not isinstance(year, int):
            continue
        if ticker in book.funds:
            info = book.funds[ticker]
            vintage = Vintage(ticker, info.name, year, info.expense_ratio, dict(info.classes))
        else:
            classes = {str(k): float(v) for k, v in row["classes"].items()}
            total = sum(classes.values())
            vintage = Vintage(
                ticker,
                str(row.get("name") or ticker),
                year,
                float(row.get("expense_ratio", 0.0)),
                {k: v / total for k, v in classes.items()},
            )
        series.setdefault(vintage.series, []).append(vintage)
    return series


def nearest(vintages: list[Vintage], year: int) -> Vintage:
    """The vintage nearest ``year``; a tie goes to the later vintage (more years in stocks)."""
    return min(vintages, key=lambda v: (abs(v.target_year - year), -v.target_year, v.ticker))


def person_accounts(book: Book, person: Person) -> list[AccountBook]:
    """The person's own accounts, joint ones, and those without an owner (the only person's,
    or with several people everyone's)."""
    return [a for a in book.accounts if a.spec.owner in (person.id, JOINT, None)]


def look_through(book: Book, vintage: Vintage) -> dict[str, float]:
    """The fund's exposure at the household target's levels (the same mapping as
    :attr:`Book.fund_exposure`)."""
    if vintage.ticker in book.fund_exposure:
        return dict(book.fund_exposure[vintage.ticker])
    out: dict[str, float] = {}
    for cls, frac in vintage.classes.items():
        alloc = book.allocation_class(cls) if cls in book.taxonomy else None
        key = alloc or cls
        out[key] = out.get(key, 0.0) + frac
    return out


def stock_share(book: Book, vintage: Vintage) -> float:
    return sum(
        frac
        for cls, frac in vintage.classes.items()
        if cls in book.taxonomy and book.taxonomy.is_under(cls, STOCKS)
    )


def account_fee(account: AccountBook, book: Book) -> float:
    """Yearly expense-ratio dollars of what the account holds now."""
    return sum(book.funds[p.fund].expense_ratio * p.value for p in account.positions)


def offers(account: AccountBook, ticker: str) -> bool:
    return ticker in account.buyable or account.position(ticker) is not None


def choose(book: Book, vintage: Vintage, accounts: list[AccountBook], *, offered: bool) -> Choice:
    """The vintage's mix against target and its fee. An offered fund replaces the funds of the
    accounts that offer it; a catalog alternative is priced as if every account held it."""
    mix = look_through(book, vintage)
    classes = list(book.target) + [c for c in book.allocation_classes if c not in book.target]
    classes += [c for c in mix if c not in classes]
    rows = tuple(
        MixRow(c, mix.get(c, 0.0), book.target.get(c, 0.0))
        for c in classes
        if book.target.get(c, 0.0) > 0 or mix.get(c, 0.0) > 0
    )
    fees = []
    for acct in accounts:
        current = account_fee(acct, book)
        holds = offers(acct, vintage.ticker) if offered else True
        fees.append(
            AccountFee(
                acct.id,
                acct.spec.type.value,
                acct.value,
                current,
                vintage.expense_ratio * acct.value if holds else current,
                holds,
            )
        )
    offered_in = tuple(a.id for a in accounts if offers(a, vintage.ticker))
    return Choice(vintage, offered, offered_in, stock_share(book, vintage), rows, Fees(tuple(fees)))


def target_date_alternative(book: Book) -> list[PersonTdf]:
    """For each person of the household, the target-date alternative."""
    people = book.household.people
    if not people:
        raise InputError(
            "people: the household lists no people, and a target-date fund is chosen by each "
            "person's retirement year; add people: with birth_year (or retirement_year)"
        )
    vintages = universe_vintages(book)
    out: list[PersonTdf] = []
    for index, person in enumerate(people):
        accounts = person_accounts(book, person)
        ids = tuple(a.id for a in accounts)
        offered = sorted(
            (v for v in vintages.values() if any(offers(a, v.ticker) for a in accounts)),
            key=lambda v: (v.target_year, v.ticker),
        )
        if person.retirement_year is not None:
            year: int | None = person.retirement_year
            source: str | None = "retirement_year"
        elif person.year_of_birth is not None:
            year, source = person.year_of_birth + RETIREMENT_AGE, f"age {RETIREMENT_AGE}"
        else:
            year, source = None, None
        if year is None:
            out.append(
                PersonTdf(
                    person.id,
                    None,
                    None,
                    ids,
                    tuple(offered),
                    None,
                    notes=(
                        f"{person.id} has no birth_date, birth_year or retirement_year, so the "
                        f"vintage cannot be chosen; add one to people[{index}]",
                    ),
                )
            )
            continue
        notes: list[str] = []
        if not accounts:
            notes.append(f"{person.id} owns no accounts (nor joint ones); the fees are zero")
        choice: Choice | None = None
        alternatives: tuple[Choice, ...] = ()
        if offered:
            choice = choose(book, nearest(offered, year), accounts, offered=True)
            cannot = [a.id for a in choice.fees.accounts if not a.holds_fund]
            if cannot:
                notes.append(
                    f"{choice.fund.ticker} is not offered in {', '.join(cannot)}; "
                    "those accounts keep their funds and fees"
                )
            off = abs(choice.fund.target_year - year)
            nearer = [
                v
                for v in (nearest(series, year) for series in catalog_series(book).values())
                if abs(v.target_year - year) < off
            ]
            if nearer:
                notes.append(
                    f"{choice.fund.ticker} ({choice.fund.target_year}) is {off} years from "
                    f"{year}; nearer vintages outside the accounts' offer are shown as "
                    "alternatives (priced as if every account held them)"
                )
                alternatives = tuple(choose(book, v, accounts, offered=False) for v in nearer)
        else:
            notes.append(
                f"none of {person.id}'s accounts offers a target-date fund; the "
                "nearest vintage of each bundled series is shown as an alternative "
                "(priced as if every account held it)"
            )
            alternatives = tuple(
                choose(book, nearest(series, year), accounts, offered=False)
                for series in catalog_series(book).values()
            )
        out.append(
            PersonTdf(
                person.id, year, source, ids, tuple(offered), choice, alternatives, tuple(notes)
            )
        )
    return out


# -- the typed result ---------------------------------------------------------------------------
def _r2(x: float) -> float:
    return round(x, 2) + 0.0


def _r6(x: float) -> float:
    return round(x, 6) + 0.0


class VintageLine(Result):
    ticker: str
    name: str
    target_year: int
    expense_ratio: float


class MixLine(Result):
    cls: str = Field(alias="class")
    fund: float
    target: float
    difference: float


class AccountFeeLine(Result):
    id: str
    type: str
    value: float
    holds_fund: bool
    current: float
    with_fund: float


class FeeLines(Result):
    value: float
    current_expense_ratio: float
    current: float
    with_fund: float
    difference: float
    accounts: list[AccountFeeLine]


class ChoiceLine(Result):
    fund: str
    name: str
    series: str
    target_year: int
    expense_ratio: float
    offered: bool
    offered_in: list[str]
    stocks: float
    mix: list[MixLine]
    max_difference: float
    fees: FeeLines


class PersonLine(Result):
    person: str
    retirement_year: int | None
    retirement_from: str | None
    accounts: list[str]
    offered: list[VintageLine]
    choice: ChoiceLine | None
    alternatives: list[ChoiceLine]
    notes: list[str]


class TdfResult(Result):
    """``householder tdf``'s result: per person, the vintage and its alternatives."""

    household: str
    as_of: str
    target: dict[str, float]
    people: list[PersonLine]


def _vintage_line(v: Vintage) -> VintageLine:
    return VintageLine(ticker=v.ticker, name=v.name, target_year=v.target_year,
                       expense_ratio=_r6(v.expense_ratio))


def _choice_line(c: Choice) -> ChoiceLine:
    f = c.fees
    return ChoiceLine(
        fund=c.fund.ticker,
        name=c.fund.name,
        series=c.fund.series,
        target_year=c.fund.target_year,
        expense_ratio=_r6(c.fund.expense_ratio),
        offered=c.offered,
        offered_in=list(c.offered_in),
        stocks=_r6(c.stocks),
        mix=[
            MixLine(cls=r.cls, fund=_r6(r.fund), target=_r6(r.target),
                    difference=_r6(r.difference))
            for r in c.mix
        ],
        max_difference=_r6(c.distance),
        fees=FeeLines(
            value=_r2(f.value),
            current_expense_ratio=_r6(f.current_expense_ratio),
            current=_r2(f.current),
            with_fund=_r2(f.with_fund),
            difference=_r2(f.difference),
            accounts=[
                AccountFeeLine(id=a.id, type=a.type, value=_r2(a.value), holds_fund=a.holds_fund,
                               current=_r2(a.current), with_fund=_r2(a.with_fund))
                for a in f.accounts
            ],
        ),
    )


def tdf(book: Book) -> TdfResult:
    """The target-date alternative of every person of ``book`` (:func:`target_date_alternative`)."""
    return TdfResult(
        household=book.name,
        as_of=book.as_of.isoformat(),
        target={k: _r6(v) for k, v in book.target.items()},
        people=[
            PersonLine(
                person=p.person,
                retirement_year=p.retirement_year,
                retirement_from=p.retirement_from,
                accounts=list(p.accounts),
                offered=[_vintage_line(v) for v in p.offered],
                choice=_choice_line(p.choice) if p.choice else None,
                alternatives=[_choice_line(c) for c in p.alternatives],
                notes=list(p.notes),
            )
            for p in target_date_alternative(book)
        ],
    )
