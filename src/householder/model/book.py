"""The household resolved for computation: every holding valued, every lot priced, every fund's
exposure mapped onto the allocation classes the target names.

A :class:`Book` is built by :func:`householder.io.load_household` after every check passed; the
rest of householder reads it and never re-parses the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from householder.model.catalog import FundInfo, Taxonomy
from householder.model.glide import target_leaves_on
from householder.model.household import Account, Household
from householder.model.types import TREATMENT, AllocationBasis, Treatment

CASH_CLASS = "cash"


@dataclass(frozen=True)
class LotInfo:
    """A tax lot, priced: ``value`` is its market value at ``as_of``."""

    id: str
    shares: float | None
    cost: float
    acquired: date
    value: float

    @property
    def gain(self) -> float:
        return self.value - self.cost

    @property
    def gain_ratio(self) -> float:
        """γ = 1 − basis / value: the gain realized per dollar sold (negative for a loss)."""
        return 1.0 - self.cost / self.value if self.value > 0 else 0.0


@dataclass(frozen=True)
class Position:
    """One fund held in one account."""

    account_id: str
    fund: str
    value: float
    shares: float | None
    price: float | None
    lots: tuple[LotInfo, ...] = ()
    basis_known: bool = True
    """False for a taxable holding without lots or cost: the plan does not sell it."""

    @property
    def cost(self) -> float | None:
        return sum(lot.cost for lot in self.lots) if self.lots else None

    @property
    def embedded_gain(self) -> float:
        return sum(lot.gain for lot in self.lots)


@dataclass(frozen=True)
class AccountBook:
    spec: Account
    positions: tuple[Position, ...]
    buyable: tuple[str, ...]
    """Funds this account may buy: its menu, or the household's universe."""

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def treatment(self) -> Treatment:
        return TREATMENT[self.spec.type]

    @property
    def cash(self) -> float:
        return self.spec.cash

    @property
    def value(self) -> float:
        return self.cash + sum(p.value for p in self.positions)

    def position(self, fund: str) -> Position | None:
        return next((p for p in self.positions if p.fund == fund), None)


@dataclass(frozen=True)
class Book:
    household: Household
    taxonomy: Taxonomy
    funds: dict[str, FundInfo]
    """The household's universe: every fund the file names (held, on a menu, or listed)."""
    prices: dict[str, float]
    accounts: tuple[AccountBook, ...]
    notes: tuple[str, ...] = field(default=())
    """Things the user should know that are not errors (e.g. a holding with unknown basis)."""

    @property
    def as_of(self) -> date:
        return self.household.as_of

    @property
    def name(self) -> str:
        return self.household.name

    @property
    def total_value(self) -> float:
        return sum(a.value for a in self.accounts)

    def account(self, account_id: str) -> AccountBook:
        for acct in self.accounts:
            if acct.id == account_id:
                return acct
        raise KeyError(account_id)

    # -- allocation classes -------------------------------------------------------------------
    @cached_property
    def target(self) -> dict[str, float]:
        """Target leaf classes → fraction of the household (sums to 1): the fixed target, or
        the glide path evaluated at ``as_of`` (a glide leaf at 0 % stays, with target 0)."""
        leaves = target_leaves_on(self.household)
        total = sum(leaves.values())
        return {k: v / total for k, v in leaves.items()}

    def allocation_class(self, class_id: str) -> str | None:
        """The allocation row a class's money counts in: the target leaf at or above it; for a
        class outside the target, its topmost ancestor that holds no target class (target 0).
        None when the class sits *above* target classes (the fund must say how it splits)."""
        ancestors = self.taxonomy.ancestors(class_id)
        for anc in ancestors:
            if anc in self.target:
                return anc
        if any(self.taxonomy.is_under(leaf, class_id) for leaf in self.target):
            return None
        top = class_id
        for anc in ancestors:
            if any(self.taxonomy.is_under(leaf, anc) for leaf in self.target):
                break
            top = anc
        return top

    @cached_property
    def fund_exposure(self) -> dict[str, dict[str, float]]:
        """Fund → {allocation class: fraction}; each fund's fractions sum to 1."""
        out: dict[str, dict[str, float]] = {}
        for ticker, fund in self.funds.items():
            row: dict[str, float] = {}
            for cls, frac in fund.classes.items():
                alloc = self.allocation_class(cls)
                if alloc is None:  # the loader rejects such funds; keep the money visible anyway
                    alloc = cls
                row[alloc] = row.get(alloc, 0.0) + frac
            out[ticker] = row
        return out

    @cached_property
    def allocation_classes(self) -> list[str]:
        """The rows of every allocation table: the target's leaves in the file's order, then any
        class held but not targeted (target 0)."""
        rows = list(self.target)
        extra: list[str] = []
        for acct in self.accounts:
            tickers = [p.fund for p in acct.positions] + list(acct.buyable)
            for ticker in tickers:
                for cls in self.fund_exposure[ticker]:
                    if cls not in rows and cls not in extra:
                        extra.append(cls)
            if acct.cash > 0:
                cash_row = self.allocation_class(CASH_CLASS) or CASH_CLASS
                if cash_row not in rows and cash_row not in extra:
                    extra.append(cash_row)
        return rows + extra

    @cached_property
    def cash_class(self) -> str:
        return self.allocation_class(CASH_CLASS) or CASH_CLASS

    # -- after-tax weights --------------------------------------------------------------------
    @property
    def after_tax(self) -> bool:
        return self.household.policy.allocation_basis is AllocationBasis.AFTER_TAX
