"""The household's ``restrictions`` resolved onto its index sets: which (account, fund) pairs
may not be bought or sold, which taxable lots may not be sold, which holdings must keep a
floor and which accounts a cash floor (docs/file-reference.md, "restrictions").

Each entry keeps the index of the restriction that causes it, so that a plan that cannot be
made (or cannot reach its target) names the one that binds: ``restrictions[2] (do_not_sell
VTI in brokerage)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from householder.model.household import Restriction

if TYPE_CHECKING:
    from householder.valuation.facts import Facts

NONE = -1
"""No restriction."""


@dataclass(frozen=True)
class HoldFloor:
    """``hold_at_least``: the pairs of one fund (in one account, or in every account that holds
    or may buy it) keep at least ``amount`` dollars together."""

    restriction: int
    pairs: np.ndarray
    amount: float


@dataclass(frozen=True)
class CashFloor:
    """``cash_floor``: the accounts (one, or every account) keep at least ``amount`` dollars of
    cash together."""

    restriction: int
    accounts: np.ndarray
    amount: float


@dataclass(frozen=True)
class TradeRestrictions:
    rules: list[Restriction]
    no_buy: np.ndarray
    """Per pair: the restriction that forbids buying (``do_not_buy``,
    ``closed_to_new_money``), or :data:`NONE`."""
    no_sell: np.ndarray
    """Per pair: the ``do_not_sell`` that forbids selling, or :data:`NONE`."""
    lot_no_sell: np.ndarray
    """Per taxable lot (:attr:`Facts.lots`): the restriction that keeps it (``do_not_sell``, or
    ``no_short_term_gains`` on a short-term lot at a gain), or :data:`NONE`."""
    holds: tuple[HoldFloor, ...]
    cash: tuple[CashFloor, ...]

    @property
    def any(self) -> bool:
        return bool(self.rules)

    def describe(self, i: int) -> str:
        """``restrictions[2] (do_not_sell VTI in brokerage: "company stock")``."""
        r = self.rules[i]
        amount = ""
        if r.rule == "hold_at_least":
            amount = f" {r.shares:g} shares" if r.shares is not None else f" ${r.amount:,.2f}"
        elif r.rule == "cash_floor":
            amount = f" ${r.amount:,.2f}"
        why = f': "{r.reason}"' if r.reason else ""
        return f"restrictions[{i}] ({r.rule}{amount}, {r.scope}{why})"

    @property
    def account_cash_floor(self) -> np.ndarray:
        """Per account: the cash it must keep on its own (its own floors; the household-wide
        ones are not split among accounts)."""
        n = max((int(f.accounts.max()) + 1 for f in self.cash if len(f.accounts)), default=0)
        out = np.zeros(n)
        for f in self.cash:
            if len(f.accounts) == 1:
                a = int(f.accounts[0])
                out[a] = max(out[a], f.amount)
        return out

    @classmethod
    def of(cls, facts: Facts) -> TradeRestrictions:
        rules = list(facts.book.household.restrictions)
        n_pairs = facts.n_pairs
        no_buy = np.full(n_pairs, NONE)
        no_sell = np.full(n_pairs, NONE)
        lots = facts.lots
        lot_no_sell = np.full(len(lots), NONE)
        holds: list[HoldFloor] = []
        cash: list[CashFloor] = []
        accounts = facts.accounts
        pair_account = [accounts[a] for a in facts.pair_account]

        def in_scope(r: Restriction) -> np.ndarray:
            return np.array(
                [(r.account is None or r.account == a) and (r.fund is None or r.fund == f)
                 for a, f in zip(pair_account, facts.pair_fund, strict=True)],
                dtype=bool,
            )

        for i, r in enumerate(rules):
            if r.rule == "cash_floor":
                where = [k for k, a in enumerate(accounts) if r.account in (None, a)]
                cash.append(CashFloor(i, np.asarray(where, dtype=int), float(r.amount or 0.0)))
                continue
            scope = in_scope(r) if n_pairs else np.zeros(0, dtype=bool)
            if r.rule in ("do_not_buy", "closed_to_new_money"):
                hit = scope.copy()
                if r.rule == "closed_to_new_money" and r.holders_may_buy:
                    hit &= facts.x0 <= 0
                no_buy[hit & (no_buy == NONE)] = i
            elif r.rule == "do_not_sell":
                no_sell[scope & (no_sell == NONE)] = i
            elif r.rule == "hold_at_least":
                price = facts.book.prices.get(r.fund or "")
                amount = r.amount if r.amount is not None else (r.shares or 0.0) * (price or 0.0)
                holds.append(HoldFloor(i, np.flatnonzero(scope), float(amount)))
            elif r.rule == "no_short_term_gains" and len(lots):
                gain_short = lots.short & (lots.gain_ratio > 0)
                hit = scope[lots.pair] & gain_short
                lot_no_sell[hit & (lot_no_sell == NONE)] = i
        if len(lots):
            by_pair = no_sell[lots.pair]
            lot_no_sell = np.where(by_pair != NONE, by_pair, lot_no_sell)
        return cls(rules, no_buy, no_sell, lot_no_sell, tuple(holds), tuple(cash))
