"""Resolve a parsed household into the pieces of a :class:`Book`: the class tree, the fund
universe, one price per fund, every account's positions and lots.

Resolution checks nothing: what cannot be resolved (an unknown fund, a class that does not
exist, a holding in shares without a price) is left out or valued at zero, and the rules
(:mod:`householder.io.rules`) say what is wrong. It never raises on a household that parsed,
so every rule can read what it needs; a :class:`Book` is made only when no rule found a problem.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import MINYEAR, date
from typing import Any

from householder.model.book import AccountBook, Book, LotInfo, Position
from householder.model.bundled import bundled_classes, bundled_funds
from householder.model.catalog import ClassInfo, FundInfo, Taxonomy
from householder.model.glide import split_leaves
from householder.model.household import Account, Fund, Holding, Household, target_leaves
from householder.model.types import TREATMENT, FundKind, Income, Treatment, UnknownBasis

NEW_CLASS_INHERITS_NOT = frozenset({"id", "parent", "name"})
"""Fields a new class does not take from its parent."""


class Resolved:
    """Everything the rules read and the :class:`Book` is made of. (A plain class: a
    dataclass costs start-up time.)"""

    __slots__ = ("accounts", "catalog", "fund_rows", "funds", "household", "listed", "notes",
                 "price_paths", "price_sources", "priced", "prices", "taxonomy")

    def __init__(
        self,
        household: Household,
        taxonomy: Taxonomy,
        funds: FundTable,
        prices: PriceTable,
        accounts: tuple[AccountBook, ...],
        notes: tuple[str, ...],
    ) -> None:
        self.household = household
        self.taxonomy = taxonomy
        self.catalog = funds.catalog
        """The bundled fund catalog by ticker."""
        self.listed = funds.listed
        """Ticker → (index, entry) under ``funds:`` (a ticker listed twice: its last entry)."""
        self.fund_rows = funds.rows
        """Every fund of the universe that is listed or in the catalog → its catalog row with
        its ``funds:`` entry merged in, in the order the file names them."""
        self.funds = funds.resolved
        """The universe's funds that could be resolved (known, described, their classes
        known)."""
        self.priced = prices.priced
        """Every holding that gives a price (:func:`priced_holdings`)."""
        self.prices = prices.prices
        self.price_sources = prices.sources
        """Where each price comes from: ``prices.VTI``, or the first holding that gives it
        (``accounts[0].holdings[1]``), which later holdings must agree with."""
        self.price_paths = prices.paths
        """Where a price taken from a holding is written (``….price``, or the holding when it
        is value / shares)."""
        self.accounts = accounts
        self.notes = notes

    def book(self) -> Book:
        return Book(
            household=self.household,
            taxonomy=self.taxonomy,
            funds=self.funds,
            prices=self.prices,
            accounts=self.accounts,
            notes=self.notes,
        )


def resolve(household: Household) -> Resolved:
    """Resolve ``household`` as far as it goes (see the module docstring)."""
    tax = taxonomy(household)
    funds = fund_table(household, tax)
    prices = price_table(household)
    notes: list[str] = []
    accounts = tuple(
        account_book(household, i, acct, funds.resolved, prices.prices, notes)
        for i, acct in enumerate(household.accounts)
    )
    return Resolved(household, tax, funds, prices, accounts, tuple(notes))


# -- classes ---------------------------------------------------------------------------------------
def class_rows(household: Household) -> dict[str, dict[str, Any]]:
    """The bundled classes with the file's ``classes:`` merged in: an entry overrides a class
    field by field; a new class inherits its parent's assumptions."""
    rows: dict[str, dict[str, Any]] = {k: dict(v) for k, v in bundled_classes().items()}
    for cls in household.classes:
        given = cls.model_dump(exclude_none=True, by_alias=True)
        if cls.id in rows:
            rows[cls.id].update(given)
        else:
            parent = rows.get(cls.parent) if cls.parent else None
            base = {k: v for k, v in (parent or {}).items() if k not in NEW_CLASS_INHERITS_NOT}
            rows[cls.id] = {**base, **given}
    return rows


def taxonomy(household: Household) -> Taxonomy:
    """The class tree; an unknown parent is dropped (the class becomes a root)."""
    rows = class_rows(household)
    infos: dict[str, ClassInfo] = {}
    for cid, row in rows.items():
        infos[cid] = ClassInfo(
            id=cid,
            parent=row.get("parent") if row.get("parent") in rows else None,
            name=row.get("name") or cid.replace("_", " "),
            expected_return=float(row.get("expected_return", 0.0)),
            yield_=float(row.get("yield", 0.0)),
            income=Income(row.get("income", Income.NONE)),
            turnover=float(row.get("turnover", 0.0)),
            foreign_tax=float(row.get("foreign_tax", 0.0)),
        )
    return Taxonomy(infos)


def target_class_names(household: Household) -> dict[str, float]:
    """The target's leaf classes (the weights mean nothing here): the fixed target's, or every
    class the glide path splits into (at any age it names the same ones)."""
    if household.glide is not None:
        return split_leaves(household.glide, 50.0)
    return target_leaves(household.target) if household.target is not None else {}


# -- funds -----------------------------------------------------------------------------------------
def universe_tickers(household: Household) -> list[str]:
    """Every fund the file names: held anywhere, on a menu, or listed under ``funds:``."""
    names: list[str] = [f.ticker for f in household.funds]
    for acct in household.accounts:
        names.extend(hold.fund for hold in acct.holdings)
        names.extend(acct.menu or [])
        if acct.contributions and acct.contributions.split:
            names.extend(acct.contributions.split)
    return list(dict.fromkeys(names))


class FundTable:
    """The fund universe: the catalog, the file's entries, each fund's merged row, and the
    funds that resolve."""

    __slots__ = ("catalog", "listed", "resolved", "rows")

    def __init__(
        self,
        catalog: dict[str, dict[str, Any]],
        listed: dict[str, tuple[int, Fund]],
        rows: dict[str, dict[str, Any]],
        resolved: dict[str, FundInfo],
    ) -> None:
        self.catalog, self.listed, self.rows, self.resolved = catalog, listed, rows, resolved


def fund_table(household: Household, tax: Taxonomy) -> FundTable:
    """The universe's funds that resolve: known (listed or in the catalog), with classes, every
    class in the tree. A listed fund outside the catalog without an expense ratio costs 0."""
    catalog = bundled_funds()
    listed = {f.ticker: (i, f) for i, f in enumerate(household.funds)}
    rows: dict[str, dict[str, Any]] = {}
    for ticker in universe_tickers(household):
        if ticker not in listed and ticker not in catalog:
            continue  # unknown
        row = dict(catalog.get(ticker, {}))
        if ticker in listed:
            row.update(listed[ticker][1].model_dump(exclude_none=True))
        rows[ticker] = row
    resolved: dict[str, FundInfo] = {}
    for ticker, row in rows.items():
        if "classes" not in row:
            continue
        classes = {str(k): float(v) for k, v in row["classes"].items()}
        if any(cls not in tax for cls in classes):
            continue
        total = sum(classes.values())
        resolved[ticker] = FundInfo(
            ticker=ticker,
            name=str(row.get("name") or ticker),
            expense_ratio=float(row.get("expense_ratio", 0.0)),
            classes={k: v / total for k, v in classes.items()},
            kind=FundKind(row.get("kind", FundKind.MUTUAL_FUND)),
            from_catalog=ticker in catalog,
        )
    return FundTable(catalog, listed, rows, resolved)


# -- prices ----------------------------------------------------------------------------------------
def holding_price(hold: Holding) -> float | None:
    """The price a holding states, or implies by value / shares."""
    if hold.price is not None:
        return hold.price
    shares = hold.shares if hold.shares is not None else hold.lot_shares
    if hold.value is not None and shares:
        return hold.value / shares
    return None


def priced_holdings(household: Household) -> list[tuple[int, int, Holding, float]]:
    """(account index, holding index, holding, price) of every holding that gives a price:
    stated prices first, then prices implied by value / shares (a value rounded to the cent
    implies a price off by up to half a cent a share, so it is compared, never compared with)."""
    found = [
        (i, j, hold, price)
        for i, acct in enumerate(household.accounts)
        for j, hold in enumerate(acct.holdings)
        if (price := holding_price(hold)) is not None
    ]
    found.sort(key=lambda item: item[2].price is None)
    return found


class PriceTable:
    """One price per fund, and where each comes from (:class:`Resolved`)."""

    __slots__ = ("paths", "priced", "prices", "sources")

    def __init__(
        self,
        priced: list[tuple[int, int, Holding, float]],
        prices: dict[str, float],
        sources: dict[str, str],
        paths: dict[str, str],
    ) -> None:
        self.priced, self.prices, self.sources, self.paths = priced, prices, sources, paths


def price_table(household: Household) -> PriceTable:
    """One price per fund: the ``prices:`` map, else the first holding that gives one (see
    :func:`priced_holdings`)."""
    priced = priced_holdings(household)
    prices = dict(household.prices)
    sources = {ticker: f"prices.{ticker}" for ticker in prices}
    paths: dict[str, str] = {}
    for i, j, hold, price in priced:
        if hold.fund in prices:
            continue
        path = f"accounts[{i}].holdings[{j}]"
        prices[hold.fund] = price
        sources[hold.fund] = path
        paths[hold.fund] = f"{path}.price" if hold.price is not None else path
    return PriceTable(priced, prices, sources, paths)


# -- accounts --------------------------------------------------------------------------------------
def account_book(
    household: Household,
    index: int,
    acct: Account,
    funds: Mapping[str, FundInfo],
    prices: Mapping[str, float],
    notes: list[str],
) -> AccountBook:
    """The account's positions (funds of the universe only) and what it may buy: its menu, or
    the whole universe."""
    positions = tuple(
        position(household, acct, hold, prices.get(hold.fund), f"accounts[{index}].holdings[{j}]",
                 notes)
        for j, hold in enumerate(acct.holdings)
        if hold.fund in funds
    )
    buyable = tuple(t for t in (acct.menu if acct.menu is not None else funds) if t in funds)
    return AccountBook(spec=acct, positions=positions, buyable=buyable)


def position(
    household: Household,
    acct: Account,
    hold: Holding,
    price: float | None,
    path: str,
    notes: list[str],
) -> Position:
    """One holding valued and its lots priced; what the user should know goes in ``notes``."""
    taxable = TREATMENT[acct.type] is Treatment.TAXABLE
    policy = household.policy
    shares = hold.shares if hold.shares is not None else hold.lot_shares
    if hold.value is not None:
        value = hold.value
        if shares is None and price is not None:
            shares = value / price
    else:
        value = (shares or 0.0) * (price or 0.0)
    lots: list[LotInfo] = []
    basis_known = True
    if hold.lots:
        for k, lot in enumerate(hold.lots):
            lot_value = lot.shares * price if price is not None else 0.0
            lots.append(LotInfo(lot.id or f"{hold.fund}-{k + 1}", lot.shares, lot.cost,
                                lot.acquired, lot_value))
    elif hold.cost is not None and hold.acquired is not None:
        lots.append(LotInfo(f"{hold.fund}-1", shares, hold.cost, hold.acquired, value))
    elif taxable and value > 0:
        if policy.unknown_basis is UnknownBasis.ZERO:
            lots.append(LotInfo(f"{hold.fund}-1", shares, 0.0, long_ago(household.as_of), value))
            notes.append(f"{path}: basis unknown; treated as all long-term gain "
                         "(policy.unknown_basis: zero)")
        else:
            basis_known = False
            notes.append(f"{path}: {hold.fund} has no lots or cost, so its basis is unknown and "
                         "the plan will not sell it; add lots (or set policy.unknown_basis: zero)")
    if not taxable and (hold.lots or hold.cost is not None):
        # spec: taxable holdings carry lots. Elsewhere a sale realizes no tax, so lots (or a
        # cost) only give the share count: the holding is their value, and the note says so
        given = "lots give" if hold.lots else "cost and acquired date give"
        notes.append(
            f"{path}: {hold.fund} is in a {acct.type.value} account, where a sale realizes no "
            f"tax: its {given} only its value ({_shares_text(shares)}${value:,.2f}); its cost "
            "is used only in taxable accounts, its dates only for the wash-sale window (a "
            f"purchase here in the {policy.wash_sale_window_days} days before as_of washes a "
            "loss on the same fund in a taxable account)"
        )
    return Position(account_id=acct.id, fund=hold.fund, value=value, shares=shares,
                    price=price, lots=tuple(lots), basis_known=basis_known)


def long_ago(as_of: date) -> date:
    """A date whose lots are long-term at ``as_of``: two years before (29 February becomes the
    28th; never before the calendar's first year)."""
    year = max(as_of.year - 2, MINYEAR)
    try:
        return as_of.replace(year=year)
    except ValueError:
        return as_of.replace(year=year, day=28)


def _shares_text(shares: float | None) -> str:
    return f"{shares:,.6g} shares, " if shares is not None else ""
