"""Households for the ``plan`` tests: a hypothesis strategy for random ones, small builders for
hand-written ones, and independent judges (the objective in numpy, a per-account baseline, an
exact tax recomputation) that do not reuse the optimizer's own code paths.

Money is in dollars throughout; nothing here imports the optimizer's model classes except where
a test says it compares against them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from hypothesis import strategies as st

from householder.io.loader import build_book
from householder.model.book import Book
from householder.model.bundled import bundled_identical
from householder.optimize import ProblemData, Solution, solve_household
from householder.plan.build import build_plan
from householder.plan.result import Plan
from householder.tax.netting import capital_loss_limit
from householder.valuation.location import discount_rate
from tests import irs

AS_OF = date(2024, 12, 31)
LONG_AGO = date(2019, 3, 15)
RECENT = AS_OF - timedelta(days=10)
LAST_SPRING = date(2024, 5, 1)

TAX = {
    "filing_status": "single",
    "ordinary_rate": "24%",
    "long_term_rate": "15%",
    "retirement_rate": "22%",
}


# -- hand-written households -----------------------------------------------------------------------
def fund(
    ticker: str,
    classes: dict[str, float],
    er: str = "0.05%",
    kind: str = "mutual_fund",
    **extra: Any,
) -> dict[str, Any]:
    return {"ticker": ticker, "expense_ratio": er, "classes": classes, "kind": kind, **extra}


def lot(lot_id: str, shares: float, cost: float, acquired: date) -> dict[str, Any]:
    return {"id": lot_id, "shares": shares, "cost": cost, "acquired": acquired.isoformat()}


def household(
    accounts: list[dict[str, Any]],
    funds: list[dict[str, Any]],
    target: dict[str, Any] | None = None,
    policy: dict[str, Any] | None = None,
    tax: dict[str, Any] | None = None,
    prices: dict[str, float] | None = None,
    as_of: date = AS_OF,
    name: str = "Test",
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": name,
        "as_of": as_of.isoformat(),
        "tax": {**TAX, **(tax or {})},
        "target": target or {"stocks": 60, "bonds": 40},
        "funds": funds,
        "accounts": accounts,
    }
    if policy:
        data["policy"] = policy
    if prices:
        data["prices"] = prices
    return data


@dataclass
class Run:
    book: Book
    sol: Solution
    plan: Plan

    @property
    def data(self) -> ProblemData:
        return self.sol.data

    def account(self, account_id: str) -> Any:
        return next(a for a in self.plan.accounts if a.id == account_id)

    def trades(self, account_id: str) -> dict[tuple[str, str], Any]:
        """(fund, action) → trade of one account."""
        return {(t.fund, t.action): t for t in self.account(account_id).trades}

    def holding(self, account_id: str, ticker: str) -> float:
        acct = self.account(account_id)
        return next((h.value for h in acct.holdings_after if h.fund == ticker), 0.0)

    def class_in_account(self, account_id: str, cls: str) -> float:
        acct = self.account(account_id)
        return sum(
            h.value * self.book.fund_exposure[h.fund].get(cls, 0.0) for h in acct.holdings_after
        )

    def after(self, cls: str) -> float:
        return next(r.after for r in self.plan.allocation if r.cls == cls)


def run_plan(data: dict[str, Any]) -> Run:
    book = build_book(data)
    sol = solve_household(book)
    return Run(book, sol, build_plan(sol))


# -- the random household --------------------------------------------------------------------------
TARGET_SHAPES: list[dict[str, float]] = [
    {"stocks": 60, "bonds": 40},
    {"stocks": 80, "bonds": 20},
    {"us_stocks": 45, "intl_stocks": 25, "bonds": 30},
    {"us_stocks": 30, "intl_stocks": 30, "bonds": 40},
]
OTHER_TYPES = ["traditional_401k", "traditional_ira", "roth_ira", "roth_401k", "hsa"]


@st.composite
def households(
    draw: st.DrawFn,
    *,
    pure_funds: bool = False,
    allow_whole: bool = True,
    allow_min_trade: bool = True,
    max_accounts: int = 4,
    max_funds: int = 4,
    whole_share_methods: tuple[str, ...] = ("repair",),
    allow_after_tax: bool = True,
) -> dict[str, Any]:
    """A random household in the file format: one taxable account with 1–6 lots (gains and
    losses, short and long term, some bought inside the wash-sale window) plus up to three
    tax-advantaged accounts; 2–4 single-class funds (mutual funds and ETFs, each priced), and
    unless ``pure_funds`` sometimes a blended one; menus on some accounts; a target over 2–3
    classes; random policy (tolerance, gain cap, minimum trade, whole shares, sometimes the
    after-tax basis) and tax profile; some mutual funds without a price."""
    target = dict(draw(st.sampled_from(TARGET_SHAPES)))
    leaves = list(target)
    n_funds = draw(st.integers(min(len(leaves), max_funds), max_funds))
    funds: list[dict[str, Any]] = []
    prices: dict[str, float] = {}
    for i in range(n_funds):
        ticker = f"F{i}"
        # every class first gets one fund, the rest are random
        if i < len(leaves):
            classes = {leaves[i]: 100.0}
        elif not pure_funds and draw(st.booleans()):
            a, b = draw(st.permutations(leaves))[:2]
            w = draw(st.sampled_from([20, 40, 60, 80]))
            classes = {a: float(w), b: float(100 - w)}
        else:
            classes = {draw(st.sampled_from(leaves)): 100.0}
        er = draw(st.sampled_from(["0.02%", "0.04%", "0.10%", "0.35%", "0.80%"]))
        kind = draw(st.sampled_from(["mutual_fund", "etf"]))
        funds.append(fund(ticker, classes, er, kind))
        prices[ticker] = float(draw(st.sampled_from([9.5, 25.0, 48.37, 101.0, 250.0])))
    tickers = [f["ticker"] for f in funds]

    def value() -> float:
        return float(draw(st.integers(0, 400)) * 250 + draw(st.sampled_from([0, 0.5, 17.25])))

    accounts: list[dict[str, Any]] = []
    # the taxable account: 1-6 lots over 1-3 funds
    n_lots = draw(st.integers(1, 6))
    lot_funds = [draw(st.sampled_from(tickers)) for _ in range(n_lots)]
    holdings = []
    k = 0
    for ticker in dict.fromkeys(lot_funds):
        lots = []
        for _ in range(lot_funds.count(ticker)):
            k += 1
            shares = float(draw(st.integers(1, 300)))
            ratio = draw(st.sampled_from([0.4, 0.7, 0.95, 1.0, 1.1, 1.3, 1.8]))
            acquired = draw(st.sampled_from([LONG_AGO, date(2023, 6, 1), LAST_SPRING, RECENT]))
            lots.append(lot(f"L{k}", shares, round(shares * prices[ticker] * ratio, 2), acquired))
        holdings.append({"fund": ticker, "lots": lots})
    taxable: dict[str, Any] = {
        "id": "taxable",
        "type": "taxable",
        "cash": float(draw(st.sampled_from([0, 0, 125.5, 3000]))),
        "holdings": holdings,
    }
    if draw(st.integers(0, 3)) == 0:
        taxable["menu"] = draw(st.lists(st.sampled_from(tickers), min_size=1, unique=True))
    accounts.append(taxable)
    for i in range(draw(st.integers(0, max_accounts - 1))):
        kind = draw(st.sampled_from(OTHER_TYPES))
        held = draw(st.lists(st.sampled_from(tickers), min_size=0, max_size=3, unique=True))
        acct: dict[str, Any] = {
            "id": f"acct{i}",
            "type": kind,
            "cash": float(draw(st.sampled_from([0, 0, 40, 1000]))),
            "holdings": [{"fund": t, "value": value()} for t in held],
        }
        if draw(st.integers(0, 2)) == 0:
            acct["menu"] = draw(st.lists(st.sampled_from(tickers), min_size=1, unique=True))
        accounts.append(acct)
    policy: dict[str, Any] = {
        "tolerance": draw(st.sampled_from([0, 0, 0, 1.5])),
        "whole_shares": draw(st.sampled_from(["never", "auto"])) if allow_whole else "never",
    }
    if policy["whole_shares"] == "auto":
        policy["whole_share_method"] = draw(st.sampled_from(whole_share_methods))
    gain_cap = draw(st.sampled_from([None, None, None, 0, 500.0]))
    if gain_cap is not None:
        policy["max_realized_gain"] = gain_cap
    if allow_min_trade and draw(st.integers(0, 3)) == 0:
        policy["min_trade"] = 50
    if allow_after_tax and draw(st.integers(0, 4)) == 0:
        policy["allocation_basis"] = "after_tax"
    # a mutual fund no taxable lot needs a price for may come without one (traded in dollars)
    in_taxable = {h["fund"] for h in holdings}
    for f in funds:
        if f["kind"] == "mutual_fund" and f["ticker"] not in in_taxable and draw(st.booleans()):
            prices.pop(f["ticker"])
    tax: dict[str, Any] = {
        "ordinary_rate": draw(st.sampled_from(["24%", "32%", "37%"])),
        "long_term_rate": draw(st.sampled_from(["15%", "20%"])),
        "niit": draw(st.booleans()),
    }
    carry = draw(st.sampled_from([0, 0, 0, 2000, {"short_term": 1500, "long_term": 800}]))
    if carry:
        tax["loss_carryforward"] = carry
    realized = draw(
        st.sampled_from(
            [None, None, None, {"short_term": 1200}, {"short_term": -900, "long_term": 2500}]
        )
    )
    if realized:
        tax["realized_this_year"] = realized
    return household(
        accounts, funds, target=target, policy=policy, tax=tax, prices=prices, name="Generated"
    )


# -- independent judges ----------------------------------------------------------------------------
def recompute_tax(book: Book, plan: Plan) -> tuple[float, float, float]:
    """(short-term gain, long-term gain, incremental tax) of the plan from its lot lines alone,
    by the suite's own judge from the IRS forms (``tests/irs.py``), not ``householder.tax``:
    each lot line is a sale at ``as_of``; each buy in the plan and each lot in any account
    acquired within the wash-sale window is a purchase; washed losses are disallowed; the nets
    are taxed with the gains already realized and the carryforward, minus the tax of no trades
    at all."""
    h = book.household
    window = h.policy.wash_sale_window_days
    groups = identical_groups(book)
    lots = {
        (acct.id, pos.fund, lt.id): lt
        for acct in book.accounts
        for pos in acct.positions
        for lt in pos.lots
    }
    sales: list[irs.Sold] = []
    for acct in plan.accounts:
        for trade in acct.trades:
            if trade.action != "sell":
                continue
            for line in trade.lots:
                lt = lots[(acct.id, trade.fund, line.id)]
                # the part of the lot sold is its shares (issue 12: sales are in shares, the
                # proceeds shares x price to the cent); by dollars where it has none
                if line.shares is not None and lt.shares:
                    frac = line.shares / lt.shares
                    shares = line.shares
                else:
                    frac = line.proceeds / lt.value
                    shares = lt.shares * frac if lt.shares else line.proceeds
                assert abs(line.cost - lt.cost * frac) <= 0.011, (line, lt)
                # the basis of the part sold to the cent, as every dollar of a plan (else a
                # sale at no gain shows a 1e-14 loss, which the wash-sale rule matches)
                cost = round(lt.cost * frac, 2) if frac < 1 else lt.cost
                sales.append(
                    irs.Sold(acct.id, True, groups.get(trade.fund, trade.fund), book.as_of,
                             lt.acquired, shares, line.proceeds, cost, line.id)
                )
    purchases: list[irs.Bought] = []
    for acct_plan, acct in zip(plan.accounts, book.accounts, strict=True):
        for trade in acct_plan.trades:
            if trade.action == "buy":
                price = book.prices.get(trade.fund)
                shares = trade.amount / price if price else trade.amount
                purchases.append(
                    irs.Bought(acct.id, groups.get(trade.fund, trade.fund), book.as_of, shares)
                )
        # lots in every account give purchase dates (an IRA's purchase washes too: Rev. Rul.
        # 2008-5); a lot the plan sells from is no replacement for its own shares
        for pos in acct.positions:
            for lt in pos.lots:
                if book.as_of - timedelta(days=window) <= lt.acquired <= book.as_of:
                    purchases.append(
                        irs.Bought(acct.id, groups.get(pos.fund, pos.fund), lt.acquired,
                                   lt.shares or lt.value, lt.id)
                    )
    t = h.tax
    result = irs.judge(
        sales,
        purchases,
        ordinary=t.ordinary_rate,
        long_term=t.long_term_rate,
        niit=t.niit,
        married_separately=t.filing_status.value == "married_separate",
        carry_short=t.carryforward.short_term,
        carry_long=t.carryforward.long_term,
        realized_short=t.realized_this_year.short_term,
        realized_long=t.realized_this_year.long_term,
    )
    return result.short, result.long, result.tax


def identical_groups(book: Book) -> dict[str, str]:
    """Ticker → wash-sale group: the bundled share-class pairs (funds.yaml ``identical``) and
    ``policy.substantially_identical``, merged where they overlap."""
    groups: list[set[str]] = []
    for g in [*bundled_identical(), *book.household.policy.substantially_identical]:
        members = {t for t in g if t in book.funds}
        for other in [x for x in groups if x & members]:
            members |= other
            groups.remove(other)
        if len(members) > 1:
            groups.append(members)
    return {t: "+".join(sorted(g)) for g in groups for t in g}


def absolute_tax(book: Book, short: float, long: float) -> float:
    """The year's exact capital gains tax with the plan's nets (gains already realized this
    year and the carryforward included), by the forms (``tests/irs.py``)."""
    t = book.household.tax
    return irs.tax_of(
        irs.schedule_d(
            t.realized_this_year.short_term + short,
            t.realized_this_year.long_term + long,
            t.carryforward.short_term,
            t.carryforward.long_term,
            t.filing_status.value == "married_separate",
        ),
        t.ordinary_rate,
        t.long_term_rate,
        t.niit,
    )


def washed_ratio(d: ProblemData) -> np.ndarray:
    """γ per lot as the optimizer may count it: a loss of a fund (group) any account bought
    within the window before ``as_of`` counts zero (a lot in an IRA gives a purchase date too:
    Rev. Rul. 2008-5). Recomputed from the book."""
    book = d.book
    window = timedelta(days=book.household.policy.wash_sale_window_days)
    recent = {
        d.group_of_fund[pos.fund]
        for acct in book.accounts
        for pos in acct.positions
        for lt in pos.lots
        if book.as_of - window <= lt.acquired <= book.as_of
    }
    return np.array(
        [
            max(g, 0.0) if grp in recent else g
            for g, grp in zip(d.lot_true_gain_ratio, d.lot_group, strict=True)
        ]
    )


def surrogate_tax(book: Book, n_short: float, n_long: float, *, carryover: bool = True) -> float:
    """The model's convex stand-in on the plan's nets (gains already realized this year added,
    carryforward subtracted), in dollars; with ``carryover`` the loss carryover left beyond
    the $3,000 deduction is worth nu = min(rho_lt + n, rho_ord) / (1 + discount) a dollar (the
    objective's term), without it the year's tax alone (what the plan reports)."""
    t = book.household.tax
    n = 0.038 if t.niit else 0.0
    ns = t.realized_this_year.short_term + n_short - t.carryforward.short_term
    nl = t.realized_this_year.long_term + n_long - t.carryforward.long_term
    limit = capital_loss_limit(t.filing_status.value)
    nu = min(t.long_term_rate + n, t.ordinary_rate) / (1.0 + discount_rate(book))
    return max(
        (t.ordinary_rate + n) * ns + (t.long_term_rate + n) * nl,
        (t.long_term_rate + n) * (ns + nl),
        -t.ordinary_rate * limit + (nu * (ns + nl + limit) if carryover else 0.0),
    )


def objective(
    d: ProblemData,
    buys: np.ndarray,
    sells: np.ndarray,
    lot_sells: np.ndarray,
    cash: np.ndarray,
    ratio: np.ndarray | None = None,
) -> float:
    """The plan's objective in dollars, evaluated in numpy on given trades: fees over the
    horizon − location value + tax stand-in + turnover + idle cash (design/model.md,
    "Objective"). ``ratio``: the γ per lot to price the tax with (default: the optimizer's)."""
    book = d.book
    policy = book.household.policy
    horizon = float(policy.horizon_years)
    x = d.x0 + buys - sells
    alpha = d.location.alpha
    cash_yield = book.taxonomy["cash"].yield_ if "cash" in book.taxonomy else 0.0
    total = horizon * float(d.expense @ x) - float(alpha @ x)
    kappa = policy.turnover_cost + policy.min_relocation_gain * horizon / 2  # the hurdle
    total += kappa * float(buys.sum() + sells.sum())
    total += float(np.clip(cash_yield, 0.0, 0.2)) * horizon * float(cash.sum())
    if d.n_lots:
        g = washed_ratio(d) if ratio is None else ratio
        n_short = float(np.sum(np.where(d.lot_short, g, 0.0) * lot_sells))
        n_long = float(np.sum(np.where(~d.lot_short, g, 0.0) * lot_sells))
        total += surrogate_tax(book, n_short, n_long)
    return total


@dataclass
class Trades:
    buys: np.ndarray
    sells: np.ndarray
    lot_sells: np.ndarray
    cash: np.ndarray


def per_account_baseline(d: ProblemData) -> Trades | None:
    """Each account rebalanced on its own to the household mix, the simple way: a class it holds
    is scaled up or down pro rata across the funds holding it (a fund off the menu is topped up
    with the cheapest menu fund of its class), a class it lacks is bought in the cheapest menu
    fund of that class, cash is invested; taxable sells take the lowest-gain lots first, and no
    loss lot of a fund the baseline buys anywhere (the plan's own wash-sale rule). None where
    that is not possible (a class the menu lacks, an unknown-basis holding to sell, the gain
    cap, a wash sale, blended funds). Needs single-class funds and a pre-tax basis."""
    book = d.book
    if book.after_tax:
        return None
    exposure = d.exposure.toarray()
    if np.any((exposure > 0).sum(axis=0) > 1):
        return None
    cls_of_pair = exposure.argmax(axis=0)
    target = d.target
    buys = np.zeros(d.n_pairs)
    sells = np.zeros(d.n_pairs)
    lot_sells = np.zeros(d.n_lots)
    buyable = np.zeros(d.n_pairs, dtype=bool)
    buyable[d.buy_pairs] = True
    sellable = np.zeros(d.n_pairs, dtype=bool)
    sellable[d.sell_pairs] = True
    if d.n_lots:
        sellable[d.lot_pair] = True
    for a in range(len(book.accounts)):
        pairs = np.flatnonzero(d.pair_account == a)
        value = d.x0[pairs].sum() + d.cash0[a]
        for k in range(len(d.classes)):
            in_k = [p for p in pairs if cls_of_pair[p] == k]
            want = value * target[k]
            have = sum(d.x0[p] for p in in_k)
            if want > have + 1e-9:
                extra = want - have
                grow = [p for p in in_k if d.x0[p] > 0 and buyable[p]]
                if grow:
                    held = sum(d.x0[p] for p in grow)
                    for p in grow:
                        buys[p] += extra * d.x0[p] / held
                else:
                    menu = [p for p in in_k if buyable[p]]
                    if not menu:
                        return None
                    cheapest = min(menu, key=lambda p: (d.expense[p], d.pair_fund[p]))
                    buys[cheapest] += extra
            elif have > want + 1e-9:
                for p in in_k:
                    if d.x0[p] <= 0:
                        continue
                    if not sellable[p]:
                        return None
                    sells[p] = (have - want) * d.x0[p] / have
    bought = {d.group_of_fund[d.pair_fund[p]] for p in np.flatnonzero(buys > 1e-9)}
    for p in np.unique(d.lot_pair) if d.n_lots else []:
        idx = sorted(np.flatnonzero(d.lot_pair == p), key=lambda i: d.lot_true_gain_ratio[i])
        if d.group_of_fund[d.pair_fund[p]] in bought:  # no wash sale: gains first, losses never
            idx = [i for i in idx if d.lot_true_gain_ratio[i] >= 0]
        left = sells[p]
        for i in idx:
            take = min(left, d.lot_value[i])
            lot_sells[i] = take
            left -= take
        if left > 1e-6:
            return None
    net = np.bincount(d.pair_account, weights=sells - buys, minlength=len(d.accounts))
    cash = d.cash0 + net
    if np.any(cash < -1e-6):
        return None
    cap = book.household.policy.max_realized_gain
    # the gain cap on gains as realized: a loss that a recent purchase (or the baseline's own
    # buy) washes is disallowed and offsets nothing (IRS Pub 550; the optimizer's GainCap)
    if cap is not None and d.n_lots and float(honest_ratio(d, buys) @ lot_sells) > cap + 1e-6:
        return None
    return Trades(buys, sells, lot_sells, np.maximum(cash, 0.0))


def honest_ratio(d: ProblemData, buys: np.ndarray) -> np.ndarray:
    """γ per lot with the losses of every group the trades buy anywhere disallowed (washed)."""
    g = washed_ratio(d)
    bought = {d.group_of_fund[d.pair_fund[p]] for p in np.flatnonzero(buys > 1e-6)}
    return np.array(
        [max(x, 0.0) if grp in bought else x for x, grp in zip(g, d.lot_group, strict=True)]
    )


def limit_rows(plan: Plan) -> list[dict[str, Any]]:
    """A contribute plan's ``limit_checks`` as its JSON rows."""
    rows = plan.to_json().get("limit_checks") or []
    assert isinstance(rows, list)
    return rows
