"""The numbers of one household problem, as dense/sparse arrays (no cvxpy here).

Index sets:

- accounts :math:`a`; pairs :math:`p = (a, f)` where account *a* holds fund *f* or may buy it;
- buy slots (pairs the account may buy), plain sell slots (pairs held in accounts without lots),
  and taxable lots :math:`\\ell`;
- allocation classes :math:`k` (the target's leaves, then any held class it does not name).

All money is scaled by the household value :math:`W` inside the solver (``scale``); the arrays
here are in dollars.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import numpy as np
import scipy.sparse as sp

from householder.model.book import Book
from householder.model.bundled import bundled_identical
from householder.model.types import Treatment
from householder.tax.holding import holding_term


@dataclass(frozen=True)
class Scenario:
    """What the trades may do: the plan (buy and sell, no new money) or cash-flow planning."""

    flows: dict[str, float] = field(default_factory=dict)
    """Account id → cash in (positive) or out (negative) with the trades."""
    allow_buy: bool = True
    allow_sell: bool = True
    free_flow_accounts: tuple[str, ...] = ()
    """Accounts whose contribution is a variable ≥ 0 (``contribute --to-target``)."""
    free_flow_caps: dict[str, float] = field(default_factory=dict)
    """Upper bounds on those contributions (remaining IRS room), by account id."""
    flow_groups: tuple[tuple[tuple[str, ...], float], ...] = ()
    """(accounts, cap): the free contributions of these accounts together at most cap (one
    person's elective deferrals across their plans, say)."""
    contribution_weight: float = 100.0
    """Cost per dollar of free contribution: large, so the smallest contribution wins first."""


@dataclass
class ProblemData:
    book: Book
    scenario: Scenario
    scale: float
    accounts: list[str]
    treatments: list[Treatment]
    classes: list[str]
    target: np.ndarray
    """Target fraction per class (0 for classes the target does not name)."""

    pair_account: np.ndarray
    pair_fund: list[str]
    x0: np.ndarray
    price: np.ndarray
    """Price per pair (nan where unknown)."""
    whole: np.ndarray
    """True where the pair trades in whole shares."""
    expense: np.ndarray

    buy_pairs: np.ndarray
    sell_pairs: np.ndarray
    """Pairs sold as a whole (no lots): tax-advantaged accounts."""
    lot_pair: np.ndarray
    lot_value: np.ndarray
    lot_gain_ratio: np.ndarray
    """γ = 1 − basis/value as realized (wash-sale-disallowed losses set to 0)."""
    lot_true_gain_ratio: np.ndarray
    lot_short: np.ndarray
    lot_ids: list[str]
    lot_group: list[str]

    cash0: np.ndarray
    flow: np.ndarray
    free_flow: np.ndarray
    """True where the account's contribution is a variable."""
    free_flow_cap: np.ndarray

    exposure: sp.csr_matrix
    """K × P: class exposure per dollar of each pair, times the account's after-tax weight."""
    cash_exposure: sp.csr_matrix
    """K × A: an account's cash counts in the cash class (times its after-tax weight)."""
    lot_gain_exposure: sp.csr_matrix
    """K × L: the change in after-tax exposure per dollar sold from a lot, beyond the dollars
    themselves. Zero: a sale releases the lot's embedded tax :math:`\\rho\\gamma_\\ell` from
    its classes and the tax now due, the same :math:`\\rho\\gamma_\\ell`, is charged to
    them, :math:`G_{k\\ell} = \\rho\\gamma_\\ell (E_{kf} - E_{kf}) = 0`. So realizing a gain
    (or a loss) leaves the after-tax total and every class as they are, and selling a gain lot
    and buying the fund back gains nothing (the tax term prices paying the tax now). Kept so that
    every numpy twin of :meth:`Variables.exposure` stays ``E x + C c - g + G s``."""
    embedded_tax: np.ndarray
    """K: after-tax mode only: tax on every embedded gain today, by class,
    :math:`g_k = \\sum_\\ell \\rho\\, E_{kf(\\ell)}\\, \\gamma_\\ell\\, m_\\ell` (true ratios);
    the class owes it whether a lot is sold now or later."""

    group_of_fund: dict[str, str]
    recent_buy_groups: set[str]
    """Wash-sale groups bought (in a taxable lot) within the window before ``as_of``."""

    @property
    def n_pairs(self) -> int:
        return len(self.pair_fund)

    @property
    def n_lots(self) -> int:
        return len(self.lot_ids)

    @property
    def has_lots(self) -> bool:
        return self.n_lots > 0

    @property
    def allocation_total(self) -> float:
        """The post-trade total on the allocation basis, in dollars, for the fixed cash flows
        (free contributions not included): :math:`\\mathbf 1^\\top y = \\sum_a v_a (x^0_a + c^0_a
        + d_a) - \\mathbf 1^\\top g`. Trades leave it unchanged (money stays in its account and
        a sale moves no embedded tax), so it is what the tolerance's points are of."""
        weights = np.array([self.book.dollar_weight(a) for a in self.book.accounts])
        per_account = np.bincount(self.pair_account, weights=self.x0, minlength=len(self.accounts))
        total = float(weights @ (per_account + self.cash0 + self.flow))
        return total - float(self.embedded_tax.sum())


def group_map(book: Book) -> dict[str, str]:
    """Fund → its wash-sale group: share classes of one fund (the bundled ``identical`` list)
    and the household's ``policy.substantially_identical`` groups, merged where they overlap."""
    parent = {t: t for t in book.funds}

    def find(t: str) -> str:
        while parent[t] != t:
            parent[t] = parent[parent[t]]
            t = parent[t]
        return t

    lists = [*bundled_identical(), *book.household.policy.substantially_identical]
    for group in lists:
        members = [t for t in group if t in parent]
        for t in members[1:]:
            parent[find(t)] = find(members[0])
    members_of: dict[str, list[str]] = {}
    for t in parent:
        members_of.setdefault(find(t), []).append(t)
    return {t: "+".join(sorted(members_of[find(t)])) for t in parent}


def assemble(book: Book, scenario: Scenario | None = None) -> ProblemData:
    """Arrays for ``book`` under ``scenario``."""
    scenario = scenario or Scenario()
    policy = book.household.policy
    accounts = [a.id for a in book.accounts]
    acct_index = {a: i for i, a in enumerate(accounts)}
    classes = list(book.allocation_classes)
    if book.cash_class not in classes:
        # cash the trades raise must count (target 0 unless named), or selling into idle
        # cash would look like being on target
        classes.append(book.cash_class)
    cls_index = {c: i for i, c in enumerate(classes)}
    groups = group_map(book)
    window = timedelta(days=policy.wash_sale_window_days)

    pair_account: list[int] = []
    pair_fund: list[str] = []
    x0: list[float] = []
    buy: list[int] = []
    sell: list[int] = []
    lots_pair: list[int] = []
    lots_value: list[float] = []
    lots_ratio: list[float] = []
    lots_short: list[bool] = []
    lots_ids: list[str] = []
    recent: set[str] = set()
    for a, acct in enumerate(book.accounts):
        held = {p.fund: p for p in acct.positions}
        tickers = list(held) + [t for t in acct.buyable if t not in held]
        for ticker in tickers:
            p = len(pair_fund)
            pair_account.append(a)
            pair_fund.append(ticker)
            pos = held.get(ticker)
            x0.append(pos.value if pos else 0.0)
            if ticker in acct.buyable and scenario.allow_buy:
                buy.append(p)
            if pos is None or pos.value <= 0 or not scenario.allow_sell:
                continue
            if acct.treatment is Treatment.TAXABLE:
                if not pos.basis_known:
                    continue
                for lot in pos.lots:
                    if lot.value <= 0:
                        continue
                    lots_pair.append(p)
                    lots_value.append(lot.value)
                    lots_ratio.append(lot.gain_ratio)
                    lots_short.append(holding_term(lot.acquired, book.as_of) == "short")
                    lots_ids.append(lot.id)
            else:
                sell.append(p)
        # a purchase in the window in any account of the household (an IRA's included, Rev.
        # Rul. 2008-5) washes a loss on the same group; lots give the dates everywhere
        for pos in acct.positions:
            for lot in pos.lots:
                if book.as_of - window <= lot.acquired <= book.as_of:
                    recent.add(groups[pos.fund])

    true_ratio = np.asarray(lots_ratio, dtype=float)
    lot_group = [groups[pair_fund[p]] for p in lots_pair]
    # A loss on a fund bought in the window before as_of is washed: count it as zero.
    ratio = np.array(
        [max(g, 0.0) if grp in recent else g for g, grp in zip(true_ratio, lot_group, strict=True)],
        dtype=float,
    )

    n_pairs, n_acc, n_cls = len(pair_fund), len(accounts), len(classes)
    weights = np.array([book.dollar_weight(a) for a in book.accounts])
    rows, cols, vals = [], [], []
    for p, (a, ticker) in enumerate(zip(pair_account, pair_fund, strict=True)):
        for cls, frac in book.fund_exposure[ticker].items():
            rows.append(cls_index[cls])
            cols.append(p)
            vals.append(frac * weights[a])
    exposure = sp.csr_matrix((vals, (rows, cols)), shape=(n_cls, n_pairs))
    cash_row = cls_index.get(book.cash_class)
    if cash_row is None:  # no account holds cash and no fund is cash: add nothing
        cash_exposure = sp.csr_matrix((n_cls, n_acc))
    else:
        cash_exposure = sp.csr_matrix(
            (weights, (np.full(n_acc, cash_row), np.arange(n_acc))), shape=(n_cls, n_acc)
        )

    n_lots = len(lots_ids)
    embedded = np.zeros(n_cls)
    if book.after_tax and n_lots:
        rho = book.gain_tax_rate()
        for lot_i, p in enumerate(lots_pair):
            for cls, frac in book.fund_exposure[pair_fund[p]].items():
                embedded[cls_index[cls]] += rho * frac * true_ratio[lot_i] * lots_value[lot_i]
    # released and charged alike: see ProblemData.lot_gain_exposure
    lot_gain_exposure = sp.csr_matrix((n_cls, n_lots))
    prices = np.array([book.prices.get(t, np.nan) for t in pair_fund], dtype=float)
    whole = np.array(
        [book.funds[t].whole_shares(policy.whole_shares, book.prices.get(t)) for t in pair_fund],
        dtype=bool,
    )
    flows = np.zeros(n_acc)
    for acct_id, amount in scenario.flows.items():
        flows[acct_index[acct_id]] += amount
    free = np.array([a in scenario.free_flow_accounts for a in accounts], dtype=bool)
    caps = np.array([scenario.free_flow_caps.get(a, np.inf) for a in accounts], dtype=float)
    total = book.total_value + float(flows.sum())
    scale = max(total, book.total_value, 1.0)

    return ProblemData(
        book=book,
        scenario=scenario,
        scale=scale,
        accounts=accounts,
        treatments=[a.treatment for a in book.accounts],
        classes=classes,
        target=np.array([book.target.get(c, 0.0) for c in classes]),
        pair_account=np.asarray(pair_account, dtype=int),
        pair_fund=pair_fund,
        x0=np.asarray(x0, dtype=float),
        price=prices,
        whole=whole,
        expense=np.array([book.funds[t].expense_ratio for t in pair_fund]),
        buy_pairs=np.asarray(buy, dtype=int),
        sell_pairs=np.asarray(sell, dtype=int),
        lot_pair=np.asarray(lots_pair, dtype=int),
        lot_value=np.asarray(lots_value, dtype=float),
        lot_gain_ratio=ratio,
        lot_true_gain_ratio=true_ratio,
        lot_short=np.asarray(lots_short, dtype=bool),
        lot_ids=lots_ids,
        lot_group=lot_group,
        cash0=np.array([a.cash for a in book.accounts], dtype=float),
        flow=flows,
        free_flow=free,
        free_flow_cap=caps,
        exposure=exposure,
        cash_exposure=cash_exposure,
        lot_gain_exposure=lot_gain_exposure,
        embedded_tax=embedded,
        group_of_fund=groups,
        recent_buy_groups=recent,
    )
