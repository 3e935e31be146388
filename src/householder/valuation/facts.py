"""The facts of one household, each computed once from its :class:`~householder.model.book.Book`.

Every command reads a household through one :class:`Facts`: ``drift`` for its allocation,
``plan`` and ``contribute`` for the optimizer's arrays and the exact tax judge, ``locate`` for
the location values, the reports for what they print. Nothing downstream recomputes a fact;
where a quantity is a function of the holdings (the allocation by class), it is written once
and evaluates in numpy and, given cvxpy expressions, builds the optimizer's expression
(the pattern of PyPortfolioOpt's objective functions and cvxportfolio's costs).

Index sets, fixed for the household whatever a command does with it:

- accounts :math:`a` in the file's order, with their tax treatment and their allocation weight
  :math:`v_a` (1; after tax, 1 − retirement_rate for tax-deferred money);
- pairs :math:`p = (a, f)`: every fund an account holds or may buy (held first, then its menu);
- allocation classes :math:`k`: the target's leaves, then any class held but not targeted, then
  the cash class;
- taxable lots :math:`\\ell` that can be sold (basis known, value above zero).

.. math::

    y = E\\,x + C\\,c - g \\qquad \\text{(allocation by class, on the household's basis)}

with :math:`E_{kp} = v_{a(p)} E_{k f(p)}` the look-through exposure of a dollar of the pair,
:math:`C_{ka} = v_a [k = \\text{cash}]` and :math:`g` the tax embedded in the taxable lots (after
tax only; a sale releases a lot's embedded tax and charges the same tax, now due, to the same
classes, so :math:`g` does not move with the trades).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from householder.model.book import AccountBook, Book
from householder.model.bundled import bundled_identical
from householder.model.types import Treatment
from householder.tax.holding import holding_term
from householder.tax.rates import TaxRates
from householder.tax.wash import Purchase, Sale
from householder.valuation.restrictions import TradeRestrictions

if TYPE_CHECKING:
    import scipy.sparse as sp


@dataclass(frozen=True)
class Lots:
    """The taxable lots the household can sell, as arrays (one row per lot)."""

    pair: np.ndarray
    """Index of the lot's (account, fund) pair."""
    ids: list[str]
    value: np.ndarray
    """Market value at ``as_of``."""
    cost: np.ndarray
    shares: np.ndarray
    """Shares (nan where the lot gives none)."""
    acquired: list[date]
    short: np.ndarray
    """True where the lot is short-term at ``as_of``
    (:func:`~householder.tax.holding.holding_term`)."""
    gain_ratio: np.ndarray
    """:math:`\\gamma_\\ell = 1 - \\text{basis}/\\text{value}` (negative for a loss)."""
    realized_ratio: np.ndarray
    """γ as a sale today would realize it: a loss on a fund whose wash-sale group was bought in
    the window before ``as_of`` (anywhere in the household) is disallowed, so 0."""
    group: list[str]
    """Each lot's wash-sale group."""

    def __len__(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class ScheduledPurchase:
    """A purchase the household has scheduled: a paycheck's contribution bought into a fund
    (``payroll``) or a dividend reinvested (``dividends``)."""

    account: str
    account_kind: str
    """``taxable`` or the account type (:func:`account_kind`)."""
    fund: str
    on: date
    amount: float
    source: str
    """``payroll`` or ``dividends``."""
    path: str
    """Where the file schedules it (``accounts[1].contributions.schedule``)."""


def wash_groups(book: Book) -> dict[str, str]:
    """Fund → its wash-sale group: share classes of one fund (the bundled ``identical`` list)
    and the household's ``policy.substantially_identical`` groups, merged where they overlap.
    A group's name joins its members' tickers with ``+``. Every fund of the universe has a
    group, and so does every fund a transaction or ``substitutes:`` names."""
    h = book.household
    named = [tx.fund for acct in h.accounts for tx in acct.transactions]
    named += [t for group in h.substitutes for t in group]
    parent = {t: t for t in [*book.funds, *named]}

    def find(t: str) -> str:
        while parent[t] != t:
            parent[t] = parent[parent[t]]
            t = parent[t]
        return t

    for group in [*bundled_identical(), *book.household.policy.substantially_identical]:
        members = [t for t in group if t in parent]
        for t in members[1:]:
            parent[find(t)] = find(members[0])
    members_of: dict[str, list[str]] = {}
    for t in parent:
        members_of.setdefault(find(t), []).append(t)
    return {t: "+".join(sorted(members_of[find(t)])) for t in parent}


def account_kind(account: AccountBook) -> str:
    """The account kind the wash-sale rules read: ``taxable``, or the account type (an IRA's
    purchase washes a loss without adding basis, Rev. Rul. 2008-5)."""
    return "taxable" if account.treatment is Treatment.TAXABLE else account.spec.type.value


class Facts:
    """Derived facts of one household; each computed on first use, then kept."""

    def __init__(self, book: Book, *, after_tax: bool | None = None) -> None:
        """``after_tax``: the allocation basis (default the household's own)."""
        self.book = book
        self.policy = book.household.policy
        self.accounts: list[str] = [a.id for a in book.accounts]
        self.treatments: list[Treatment] = [a.treatment for a in book.accounts]
        self.after_tax = book.after_tax if after_tax is None else after_tax
        self.as_of = book.as_of

    # -- accounts and classes ----------------------------------------------------------------
    @cached_property
    def rates(self) -> TaxRates:
        """The household's tax rates and carried-in amounts, read once from the file."""
        tax = self.book.household.tax
        carry = tax.carryforward
        return TaxRates(
            ordinary=tax.ordinary_rate,
            long_term=tax.long_term_rate,
            retirement=tax.retirement,
            niit=tax.niit,
            filing_status=tax.filing_status.value,
            carry_short=carry.short_term,
            carry_long=carry.long_term,
            realized_short=tax.realized_this_year.short_term,
            realized_long=tax.realized_this_year.long_term,
        )

    @cached_property
    def account_weight(self) -> np.ndarray:
        """:math:`v_a`: what one pre-tax dollar of each account counts in the allocation: 1, or
        after tax (1 − retirement_rate) for tax-deferred money (Reichenstein)."""
        keep = 1.0 - self.rates.retirement
        return np.array(
            [keep if self.after_tax and t is Treatment.TAX_DEFERRED else 1.0
             for t in self.treatments],
            dtype=float,
        )

    @cached_property
    def classes(self) -> list[str]:
        """The allocation classes, the cash class always among them (money a sale raises must
        count, or selling into idle cash would look like being on target)."""
        classes = list(self.book.allocation_classes)
        if self.book.cash_class not in classes:
            classes.append(self.book.cash_class)
        return classes

    @cached_property
    def class_index(self) -> dict[str, int]:
        return {c: k for k, c in enumerate(self.classes)}

    @cached_property
    def target(self) -> np.ndarray:
        """Target fraction per class (0 for classes the target does not name)."""
        return np.array([self.book.target.get(c, 0.0) for c in self.classes], dtype=float)

    # -- pairs ---------------------------------------------------------------------------------
    @cached_property
    def _pairs(self) -> tuple[np.ndarray, list[str], np.ndarray, np.ndarray, np.ndarray]:
        account: list[int] = []
        funds: list[str] = []
        held: list[float] = []
        buyable: list[bool] = []
        sellable: list[bool] = []
        for a, acct in enumerate(self.book.accounts):
            positions = {p.fund: p for p in acct.positions}
            menu = set(acct.buyable)
            for ticker in [*positions, *(t for t in acct.buyable if t not in positions)]:
                pos = positions.get(ticker)
                account.append(a)
                funds.append(ticker)
                held.append(pos.value if pos else 0.0)
                buyable.append(ticker in menu)
                sellable.append(bool(pos and pos.value > 0 and pos.basis_known))
        return (
            np.asarray(account, dtype=int),
            funds,
            np.asarray(held, dtype=float),
            np.asarray(buyable, dtype=bool),
            np.asarray(sellable, dtype=bool),
        )

    @property
    def pair_account(self) -> np.ndarray:
        return self._pairs[0]

    @property
    def pair_fund(self) -> list[str]:
        return self._pairs[1]

    @property
    def x0(self) -> np.ndarray:
        """Dollars held per pair at ``as_of``."""
        return self._pairs[2]

    @property
    def buyable(self) -> np.ndarray:
        """True where the account may buy the fund (its menu, or the household's universe)."""
        return self._pairs[3]

    @property
    def sellable(self) -> np.ndarray:
        """True where the account holds the fund and may sell it (a taxable holding of unknown
        basis may not, unless ``policy.unknown_basis: zero``)."""
        return self._pairs[4]

    @property
    def n_pairs(self) -> int:
        return len(self.pair_fund)

    @cached_property
    def cash0(self) -> np.ndarray:
        return np.array([a.cash for a in self.book.accounts], dtype=float)

    @cached_property
    def price(self) -> np.ndarray:
        """Price per pair (nan where unknown)."""
        return np.array([self.book.prices.get(t, np.nan) for t in self.pair_fund], dtype=float)

    @cached_property
    def whole(self) -> np.ndarray:
        """True where the pair trades in whole shares (``policy.whole_shares``)."""
        mode, funds, prices = self.policy.whole_shares, self.book.funds, self.book.prices
        return np.array(
            [funds[t].whole_shares(mode, prices.get(t)) for t in self.pair_fund], dtype=bool
        )

    @cached_property
    def expense(self) -> np.ndarray:
        """Expense ratio per pair (a fraction a year)."""
        return np.array([self.book.funds[t].expense_ratio for t in self.pair_fund], dtype=float)

    @cached_property
    def pair_treatment(self) -> list[Treatment]:
        return [self.treatments[a] for a in self.pair_account]

    @cached_property
    def pair_weight(self) -> np.ndarray:
        """:math:`v_{a(p)}` per pair."""
        out: np.ndarray = self.account_weight[self.pair_account]
        return out

    # -- exposure ------------------------------------------------------------------------------
    @cached_property
    def _exposure_entries(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The non-zeros of :math:`E` as (class, pair, allocation dollars per dollar)."""
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        fund_exposure = self.book.fund_exposure
        for p, (ticker, weight) in enumerate(zip(self.pair_fund, self.pair_weight, strict=True)):
            for cls, frac in fund_exposure[ticker].items():
                rows.append(self.class_index[cls])
                cols.append(p)
                vals.append(frac * weight)
        return (np.asarray(rows, dtype=int), np.asarray(cols, dtype=int),
                np.asarray(vals, dtype=float))

    @cached_property
    def cash_row(self) -> int:
        """The cash class's row."""
        return self.class_index[self.book.cash_class]

    @cached_property
    def exposure_matrix(self) -> sp.csr_matrix:
        """:math:`E` (K × P), sparse: allocation dollars per class of one dollar of each pair
        (times the account's weight :math:`v_a`). For the optimizer; scipy loads on first use."""
        import scipy.sparse as sp

        rows, cols, vals = self._exposure_entries
        return sp.csr_matrix((vals, (rows, cols)), shape=(len(self.classes), self.n_pairs))

    @cached_property
    def cash_matrix(self) -> sp.csr_matrix:
        """:math:`C` (K × A): an account's cash counts in the cash class (times :math:`v_a`)."""
        import scipy.sparse as sp

        n_acc = len(self.accounts)
        return sp.csr_matrix(
            (self.account_weight, (np.full(n_acc, self.cash_row), np.arange(n_acc))),
            shape=(len(self.classes), n_acc),
        )

    @cached_property
    def embedded_gain(self) -> np.ndarray:
        """Per pair, the gain embedded in a taxable holding of known basis (value − basis; 0
        elsewhere, negative for a loss)."""
        gain = np.zeros(self.n_pairs)
        index = {(a, f): p for p, (a, f) in enumerate(zip(self.pair_account, self.pair_fund,
                                                          strict=True))}
        for a, acct in enumerate(self.book.accounts):
            if acct.treatment is Treatment.TAXABLE:
                for pos in acct.positions:
                    if pos.lots:
                        gain[index[(a, pos.fund)]] = pos.embedded_gain
        return gain

    @cached_property
    def embedded_tax_by_pair(self) -> np.ndarray:
        """Per pair, after tax: the tax on its embedded gain, :math:`\\rho\\,(\\text{value} -
        \\text{basis})` with :math:`\\rho` the long-term rate (plus NIIT); zero on the pre-tax
        basis. Every taxable holding counts, whether or not a command may sell it."""
        if not self.after_tax:
            return np.zeros(self.n_pairs)
        out: np.ndarray = self.rates.gain_rate * self.embedded_gain
        return out

    @cached_property
    def embedded_tax_by_account(self) -> np.ndarray:
        """A × K: the embedded tax of each account's holdings by class (after tax only)."""
        g = np.zeros((len(self.accounts), len(self.classes)))
        tax = self.embedded_tax_by_pair
        if not tax.any():
            return g
        rows, cols, vals = self._exposure_entries  # a taxable dollar's weight v_a is 1
        np.add.at(g, (self.pair_account[cols], rows), vals * tax[cols])
        return g

    @cached_property
    def embedded_tax(self) -> np.ndarray:
        """:math:`g_k`, the household's embedded tax by class (:attr:`embedded_tax_by_account`
        summed)."""
        out: np.ndarray = self.embedded_tax_by_account.sum(axis=0)
        return out

    def exposure(self, holdings: Any, cash: Any, scale: float = 1.0) -> Any:
        """:math:`y = E\\,x + C\\,c - g`: allocation dollars per class, for holdings per pair and
        cash per account in units of ``scale`` dollars; numpy arrays give numpy, cvxpy
        expressions the optimizer's expression."""
        y: Any
        if isinstance(holdings, np.ndarray) and isinstance(cash, np.ndarray):
            rows, cols, vals = self._exposure_entries
            y = np.bincount(rows, weights=vals * holdings[cols], minlength=len(self.classes))
            y[self.cash_row] += float(self.account_weight @ cash)
        else:
            y = self.exposure_matrix @ holdings + self.cash_matrix @ cash
        if self.embedded_tax.any():
            y = y - self.embedded_tax / scale
        return y

    @cached_property
    def exposure_before(self) -> np.ndarray:
        """:math:`y` today, in dollars."""
        out: np.ndarray = np.asarray(self.exposure(self.x0, self.cash0), dtype=float)
        return out

    def account_exposure(self, a: int, holdings: np.ndarray | None = None,
                         cash: np.ndarray | None = None) -> np.ndarray:
        """:math:`y` of account ``a`` alone, in dollars: today's, or for the given holdings per
        pair and cash per account."""
        x = np.where(self.pair_account == a, self.x0 if holdings is None else holdings, 0.0)
        c = np.where(np.arange(len(self.accounts)) == a, self.cash0 if cash is None else cash, 0.0)
        rows, cols, vals = self._exposure_entries
        y = np.bincount(rows, weights=vals * x[cols], minlength=len(self.classes))
        y[self.cash_row] += float(self.account_weight @ c)
        out: np.ndarray = y - self.embedded_tax_by_account[a]
        return out

    # -- lots ----------------------------------------------------------------------------------
    @cached_property
    def groups(self) -> dict[str, str]:
        """Fund → wash-sale group (:func:`wash_groups`)."""
        return wash_groups(self.book)

    @cached_property
    def lot_purchases(self) -> list[Purchase]:
        """Every lot, in any account of the household, acquired in the wash-sale window before
        ``as_of`` (lots give the dates everywhere)."""
        window = timedelta(days=self.policy.wash_sale_window_days)
        out: list[Purchase] = []
        for acct in self.book.accounts:
            kind = account_kind(acct)
            for pos in acct.positions:
                for lot in pos.lots:
                    held = lot.shares or lot.value
                    if self.as_of - window <= lot.acquired <= self.as_of and held > 1e-9:
                        out.append(
                            Purchase(acct.id, kind, pos.fund, lot.acquired, held, lot.cost,
                                     lot_id=lot.id)
                        )
        return out

    @cached_property
    def transaction_purchases(self) -> list[Purchase]:
        """The ``transactions`` bought or reinvested in the wash-sale window before ``as_of``,
        in any account; one on the day a lot of the same fund in the same account was acquired
        is that lot's purchase, counted once (with the lot)."""
        window = timedelta(days=self.policy.wash_sale_window_days)
        out: list[Purchase] = []
        for acct in self.book.accounts:
            kind = account_kind(acct)
            lot_days = {(pos.fund, lot.acquired) for pos in acct.positions for lot in pos.lots}
            for tx in acct.spec.transactions:
                if tx.action == "sell" or not self.as_of - window <= tx.traded <= self.as_of:
                    continue
                if (tx.fund, tx.traded) in lot_days:
                    continue
                out.append(Purchase(acct.id, kind, tx.fund, tx.traded, tx.shares, tx.amount))
        return out

    @cached_property
    def scheduled(self) -> list[ScheduledPurchase]:
        """The purchases scheduled from ``as_of`` to the end of the wash-sale window after it,
        in date order: each payroll contribution's split (``contributions.schedule``), each
        dividend reinvested (a holding's ``reinvest``; by default its value times the fund's
        yield over the dates a year)."""
        window = timedelta(days=self.policy.wash_sale_window_days)
        start, end = self.as_of, self.as_of + window
        out: list[ScheduledPurchase] = []
        for i, acct in enumerate(self.book.accounts):
            kind = account_kind(acct)
            contrib = acct.spec.contributions
            if contrib is not None and contrib.schedule is not None and contrib.split:
                sched = contrib.schedule
                per_date = (
                    sched.amount
                    if sched.amount is not None
                    else (contrib.annual + contrib.employer) / max(sched.per_year, 1)
                )
                total = sum(contrib.split.values())
                for day in sched.occurrences(start, end):
                    for fund, weight in contrib.split.items():
                        amount = per_date * weight / total
                        if amount > 0:
                            out.append(ScheduledPurchase(
                                acct.id, kind, fund, day, amount, "payroll",
                                f"accounts[{i}].contributions.schedule",
                            ))
            for j, hold in enumerate(acct.spec.holdings):
                reinvest = hold.reinvest
                pos = acct.position(hold.fund)
                if reinvest is None or pos is None:
                    continue
                per_date = (
                    reinvest.amount
                    if reinvest.amount is not None
                    else pos.value * self.fund_yield(hold.fund) / max(reinvest.per_year, 1)
                )
                for day in reinvest.occurrences(start, end):
                    if per_date > 0:
                        out.append(ScheduledPurchase(
                            acct.id, kind, hold.fund, day, per_date, "dividends",
                            f"accounts[{i}].holdings[{j}].reinvest",
                        ))
        out.sort(key=lambda s: (s.on, s.account, s.fund))
        return out

    def fund_yield(self, ticker: str) -> float:
        """The fund's yield: its classes' yields, weighted (the bundled taxonomy, or
        ``classes:``)."""
        fund = self.book.funds.get(ticker)
        if fund is None:
            return 0.0
        tax = self.book.taxonomy
        return sum(frac * tax[c].yield_ for c, frac in fund.classes.items() if c in tax)

    def purchase_of(self, s: ScheduledPurchase) -> Purchase:
        """A scheduled purchase as the wash-sale rules read it: shares at today's price. A
        fund without a price (a 401(k)'s mutual fund held by value) counts in shares of the
        first fund of its group that has one (VTSAX's dollars in VTI shares: the sale they
        wash is counted in those), else in dollars (as a plan's sale of it counts them)."""
        prices = self.book.prices
        price = prices.get(s.fund)
        if price is None:
            group = self.group_of(s.fund).split("+")
            price = next((prices[t] for t in sorted(group) if t in prices), None)
        shares = s.amount / price if price else s.amount
        return Purchase(s.account, s.account_kind, s.fund, s.on, shares, s.amount)

    @cached_property
    def recent_purchases(self) -> list[Purchase]:
        """Every purchase of the household in the wash-sale window around ``as_of``, in any
        account (an IRA's too, Rev. Rul. 2008-5; a spouse's too): the lots acquired in the
        window before it (under their own lot ids), the ``transactions`` bought or reinvested
        then, and the purchases scheduled in the window after it. Each washes a loss sold
        today on the same group (IRC 1091; IRS Pub 550)."""
        return [
            *self.lot_purchases,
            *self.transaction_purchases,
            *(self.purchase_of(s) for s in self.scheduled),
        ]

    @cached_property
    def recent_groups(self) -> set[str]:
        """Wash-sale groups bought (or to be bought) in the window around ``as_of``: a loss
        sold today on one of them is washed."""
        return {self.group_of(p.security) for p in self.recent_purchases}

    @cached_property
    def committed_groups(self) -> set[str]:
        """Wash-sale groups bought in a tax-advantaged account in the window before ``as_of``
        (a lot, a ``buy`` or ``reinvest`` transaction): a loss sold today on one of them is
        washed whatever the plan does, and for good, since an IRA's or a 401(k)'s basis never
        comes back (Rev. Rul. 2008-5). So the plan keeps such lots until the window closes, as
        the reference model has it (loss sales of funds bought in the 30 days before ``as_of``
        are forbidden; design/model.md). A taxable purchase washes a loss only into its own
        basis, which a later sale gets back, and a purchase still to come (a paycheck, a
        dividend) may wash only part of a sale: those are priced (:attr:`lots` and the exact
        judge), not forbidden."""
        return {self.group_of(p.security)
                for p in (*self.lot_purchases, *self.transaction_purchases)
                if p.account_type != "taxable"}

    def group_of(self, ticker: str) -> str:
        """The ticker's wash-sale group (itself where it has none)."""
        return self.groups.get(ticker, ticker)

    @cached_property
    def recent_loss_sales(self) -> list[Sale]:
        """The ``transactions`` sold at a loss in a taxable account in the wash-sale window
        before ``as_of`` (``cost`` above ``amount``): a purchase of the same group until the
        window after each closes washes it, so the plans buy none (IRC 1091)."""
        window = timedelta(days=self.policy.wash_sale_window_days)
        out: list[Sale] = []
        for acct in self.book.accounts:
            if acct.treatment is not Treatment.TAXABLE:
                continue
            for tx in acct.spec.transactions:
                if (
                    tx.action == "sell"
                    and tx.cost is not None
                    and tx.cost > tx.amount
                    and self.as_of - window <= tx.traded <= self.as_of
                ):
                    out.append(Sale(acct.id, "taxable", tx.fund, tx.traded, tx.shares,
                                    tx.amount, tx.cost))
        return out

    @cached_property
    def no_buy_until(self) -> dict[str, date]:
        """Wash-sale group → the first day a purchase of it no longer washes a loss the
        household sold before ``as_of`` (:attr:`recent_loss_sales`): the last such sale plus
        the window plus one day."""
        window = timedelta(days=self.policy.wash_sale_window_days + 1)
        out: dict[str, date] = {}
        for sale in self.recent_loss_sales:
            group = self.group_of(sale.security)
            out[group] = max(out.get(group, date.min), sale.sold + window)
        return out

    @cached_property
    def wash_no_buy(self) -> np.ndarray:
        """Per pair: True where buying would wash a loss sold before ``as_of``
        (:attr:`no_buy_until`)."""
        blocked = self.no_buy_until
        return np.array([self.group_of(f) in blocked for f in self.pair_fund], dtype=bool)

    @cached_property
    def restrictions(self) -> TradeRestrictions:
        """The household's ``restrictions`` on this household's pairs, lots and accounts."""
        return TradeRestrictions.of(self)

    @cached_property
    def lots(self) -> Lots:
        """The taxable lots the household can sell (every command's, whether or not it
        sells)."""
        pair_of = {(a, f): p for p, (a, f) in enumerate(zip(self.pair_account, self.pair_fund,
                                                             strict=True))}
        pair: list[int] = []
        ids: list[str] = []
        value: list[float] = []
        cost: list[float] = []
        shares: list[float] = []
        acquired: list[date] = []
        short: list[bool] = []
        for a, acct in enumerate(self.book.accounts):
            if acct.treatment is not Treatment.TAXABLE:
                continue
            for pos in acct.positions:
                if pos.value <= 0 or not pos.basis_known:
                    continue
                for lot in pos.lots:
                    if lot.value <= 0:
                        continue
                    pair.append(pair_of[(a, pos.fund)])
                    ids.append(lot.id)
                    value.append(lot.value)
                    cost.append(lot.cost)
                    shares.append(np.nan if lot.shares is None else lot.shares)
                    acquired.append(lot.acquired)
                    short.append(holding_term(lot.acquired, self.as_of) == "short")
        value_arr = np.asarray(value, dtype=float)
        cost_arr = np.asarray(cost, dtype=float)
        ratio = np.where(value_arr > 0, 1.0 - cost_arr / np.where(value_arr > 0, value_arr, 1.0),
                         0.0)
        group = [self.group_of(self.pair_fund[p]) for p in pair]
        recent = self.recent_groups
        washed = np.array([g in recent for g in group], dtype=bool)
        realized = np.where(washed, np.maximum(ratio, 0.0), ratio) if len(pair) else ratio
        return Lots(
            pair=np.asarray(pair, dtype=int),
            ids=ids,
            value=value_arr,
            cost=cost_arr,
            shares=np.asarray(shares, dtype=float),
            acquired=acquired,
            short=np.asarray(short, dtype=bool),
            gain_ratio=ratio,
            realized_ratio=np.asarray(realized, dtype=float),
            group=group,
        )

    @cached_property
    def pre_tax(self) -> Facts:
        """The same household's facts on the pre-tax basis (itself when that is its basis)."""
        return self if not self.after_tax else Facts(self.book, after_tax=False)

    # -- money ---------------------------------------------------------------------------------
    @cached_property
    def total_value(self) -> float:
        """Pre-tax dollars held, cash included (:attr:`Book.total_value`)."""
        return self.book.total_value

    @cached_property
    def fees(self) -> float:
        """Expense-ratio dollars a year on today's holdings."""
        return float(self.expense @ self.x0)


def household_facts(book: Book | Facts) -> Facts:
    """The facts of ``book`` (a new :class:`Facts`; a command makes one and passes it on); given
    facts, those."""
    return book if isinstance(book, Facts) else Facts(book)
