"""From the solver's numbers to a :class:`Plan` people can act on.

This is the edge where money is rounded, by the rule of :mod:`householder.plan.rounding`: sells in
shares where the price is known (never more than held, lots summing exactly to the sale), dollars
= shares × price to the cent, buys to the cent (whole-share buys shares × price), and each
account's cash after the plan recomputed from the rounded trades, so that every account's trades
net exactly to its own cash flow and no cash goes below zero. The tax reported is the exact
``tax/`` judge applied to the rounded lot sales, wash sales included, not the optimizer's
stand-in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np

from householder.errors import PlanError
from householder.model.book import Book
from householder.optimize.data import ProblemData
from householder.optimize.model import feasibility_tolerance
from householder.optimize.solve import Solution
from householder.optimize.steps import within_band
from householder.plan import rounding
from householder.plan.calendar import plan_loss_sales, wash_calendar
from householder.plan.reasons import Reasons
from householder.plan.result import (
    AccountPlan,
    AdjustedLot,
    AllocationRow,
    Costs,
    Economics,
    Fees,
    HoldingAfter,
    LotLine,
    Plan,
    TaxSummary,
    Trade,
    WashSaleLine,
)
from householder.tax.judge import judge
from householder.tax.wash import Purchase, Sale, WashSale
from householder.valuation.facts import account_kind
from householder.valuation.location import discount_rate

CENT = 0.01
DUST = 0.05
"""Dollars: a fractional trade below this is solver noise, dropped (its cents go to the
account's largest trade)."""

CASH_NOISE = 10.0
"""Cash the solver leaves in an account below this many times its feasibility tolerance (in
dollars: the tolerance times the household value) is its noise, not a choice: it is invested
with the account's largest fractional buy."""


@dataclass
class RoundedTrades:
    """The trades as a broker is told them (:mod:`householder.plan.rounding`): dollars per
    pair and lot (to the cent), cash per account, and the share counts where a price is
    known."""

    buys: np.ndarray
    sells: np.ndarray
    lot_sells: np.ndarray
    """Proceeds per lot; a pair's lots add up to its sell exactly."""
    cash: np.ndarray
    sell_shares: dict[int, Decimal] = field(default_factory=dict)
    """Shares sold per pair (where the price is known); its lots' shares add up to it."""
    buy_shares: dict[int, Decimal] = field(default_factory=dict)
    """Shares bought per whole-share pair."""
    lot_shares: dict[int, Decimal] = field(default_factory=dict)
    """Shares sold per lot."""
    held_shares: dict[int, Decimal] = field(default_factory=dict)
    """Shares held before the trades per pair (where the price is known)."""


ROUNDING_RESIDUE = Decimal("1.00")
"""A shortfall of cash after rounding up to this much is the sales' cents lost to rounding
down: the sales are raised to cover it before any buy is trimmed."""


def round_trades(sol: Solution) -> RoundedTrades:
    """The solver's trades as a broker takes them, by the rule of
    :mod:`householder.plan.rounding`: sells in shares (rounded down, a whole holding or lot
    exactly its shares, lots summing exactly to the sale) where the price is known, dollars
    = shares × price to the cent; buys to the cent (whole-share buys: shares × price); each
    account's cash recomputed from the rounded trades, never below zero."""
    return _Rounder(sol).run()


class _Rounder:
    def __init__(self, sol: Solution) -> None:
        self.sol = sol
        d = self.d = sol.data
        self.lots_of = _LotsByPair(d) if d.n_lots else None
        self.rt = RoundedTrades(
            np.zeros(d.n_pairs), np.zeros(d.n_pairs), np.zeros(d.n_lots),
            np.zeros(len(d.accounts)),
        )
        self.lot_held: dict[int, Decimal] = {}
        """Shares each lot holds, as the file gives them."""
        self.lot_cost: dict[int, float] = {}
        for p in range(d.n_pairs):
            self._held(p)

    # -- what is held ---------------------------------------------------------------------------
    def _held(self, p: int) -> None:
        d, rt = self.d, self.rt
        if np.isnan(d.price[p]):
            return
        pos = d.book.accounts[d.pair_account[p]].position(d.pair_fund[p])
        if pos is None:
            rt.held_shares[p] = rounding.ZERO
            return
        idx = self.lots_of(p) if self.lots_of is not None else np.zeros(0, dtype=int)
        if len(idx):
            priced = [lot for lot in pos.lots if lot.value > 0]
            if len(priced) == len(idx) and all(lot.shares is not None for lot in priced):
                for i, lot in zip(idx.tolist(), priced, strict=True):
                    self.lot_held[i] = rounding.exact(float(lot.shares or 0.0))
                    self.lot_cost[i] = lot.cost
        if pos.lots and all(lot.shares is not None for lot in pos.lots):
            # the lots' shares summed exactly (the float sum may end in ...00000001)
            rt.held_shares[p] = sum(
                (rounding.exact(float(lot.shares or 0.0)) for lot in pos.lots), rounding.ZERO
            )
        elif pos.shares is not None:
            rt.held_shares[p] = rounding.exact(pos.shares)

    # -- the rule -------------------------------------------------------------------------------
    def run(self) -> RoundedTrades:
        d, sol, rt = self.d, self.sol, self.rt
        for p in np.flatnonzero(sol.buys > 0).tolist():
            if d.whole[p]:
                self._set_buy(p, rounding.shares_nearest(sol.buys[p] / d.price[p], True))
            else:
                amount = rounding.cents(sol.buys[p])
                rt.buys[p] = float(amount) if amount >= DUST else 0.0
        for p in np.flatnonzero(sol.sells > 0).tolist():
            if p in rt.held_shares:
                shares = self._shares_to_sell(p)
                if shares > 0 and (d.whole[p] or rounding.dollars(shares, d.price[p]) >= DUST):
                    self._set_sell(p, shares)
            else:  # a fund without a price: traded in dollars
                amount = min(rounding.cents(sol.sells[p]), rounding.cents(d.x0[p]))
                rt.sells[p] = float(amount) if amount >= DUST else 0.0
        for a in range(len(d.accounts)):
            self._settle_cash(a)
        self._keep_shared_cash_floors()
        return rt

    def _keep_shared_cash_floors(self) -> None:
        """A cash floor of several accounts together holds to the cent: buys trimmed, the
        accounts with the most cash-short buys first."""
        d, rt = self.d, self.rt
        for floor in d.facts.restrictions.cash:
            if len(floor.accounts) < 2:
                continue
            accounts = [int(a) for a in floor.accounts]
            short = rounding.cents_up(floor.amount) - sum(
                (rounding.exact(rt.cash[a]) for a in accounts), rounding.ZERO)
            for a in sorted(accounts, key=lambda a: -float(rt.buys[d.pair_account == a].sum())):
                if short <= 0:
                    break
                pairs = np.flatnonzero(d.pair_account == a).tolist()
                before = self._cash(a, pairs)
                self._trim_buys(pairs, short)
                rt.cash[a] = float(self._cash(a, pairs)) + 0.0
                short -= self._cash(a, pairs) - before

    def _shares_to_sell(self, p: int) -> Decimal:
        """The share count of the solver's sale of pair ``p``: all of it when the solver sells
        the position, else rounded to the fund's precision (whole shares: the nearest, or the
        fractional remainder alone; fractional: down), never more than is held."""
        d, sol = self.d, self.sol
        held = self.rt.held_shares[p]
        price = d.price[p]
        if sol.sells[p] >= d.x0[p] - CENT / 2:
            return held
        sold = sol.sells[p] / price
        idx = self.lots_of(p).tolist() if self.lots_of is not None else []
        if not d.whole[p] and idx and all(i in self.lot_held for i in idx):
            # a taxable sale is its lots': each sold whole or rounded down
            return min(sum((self._lot_take(i) for i in idx), rounding.ZERO), held)
        if not d.whole[p]:
            return rounding.shares_down(sold, False, held)
        left = (d.x0[p] - sol.sells[p]) / price
        if abs(left - round(left)) < 1e-6 < abs(sold - round(sold)):
            # the fractional part of the position goes, whole shares stay
            return max(held - Decimal(round(left)), rounding.ZERO)
        return min(rounding.shares_nearest(sold, True), held)

    def _set_buy(self, p: int, shares: Decimal) -> None:
        rt = self.rt
        if shares > 0:
            rt.buy_shares[p] = shares
            rt.buys[p] = float(rounding.dollars(shares, self.d.price[p]))
        else:
            rt.buy_shares.pop(p, None)
            rt.buys[p] = 0.0

    def _set_sell(self, p: int, shares: Decimal) -> None:
        """Sell ``shares`` of pair ``p``: dollars = shares × price to the cent, spread over its
        lots so that their shares and proceeds add up exactly."""
        d, rt = self.d, self.rt
        price = d.price[p]
        rt.sell_shares[p] = shares
        amount = rounding.dollars(shares, price)
        rt.sells[p] = float(amount)
        idx = self.lots_of(p).tolist() if self.lots_of is not None else []
        if not idx:
            return
        if any(i not in self.lot_held for i in idx):  # no share counts: spread the dollars
            _match_lots(d, rt.sells, rt.lot_sells, only=p, lots_of=self.lots_of)
            return
        takes = self._lot_takes(idx, shares)
        proceeds = {i: rounding.dollars(takes[i], price) for i in idx}
        residue = amount - sum(proceeds.values(), rounding.ZERO)
        if residue and shares > 0:
            biggest = max(idx, key=lambda i: (takes[i], -i))
            proceeds[biggest] += residue
        for i in idx:
            rt.lot_shares[i] = takes[i]
            rt.lot_sells[i] = float(proceeds[i])
            if not takes[i]:
                rt.lot_shares.pop(i)

    def _lot_take(self, i: int) -> Decimal:
        """The solver's sale of lot ``i`` in shares: all of it when it sells the lot (to half a
        cent), else rounded down."""
        d, sol = self.d, self.sol
        held = self.lot_held[i]
        if sol.lot_sells[i] > 0 and sol.lot_sells[i] >= d.lot_value[i] - CENT / 2:
            return held
        return rounding.shares_down(sol.lot_sells[i] / d.price[d.lot_pair[i]], False, held)

    def _lot_takes(self, idx: list[int], shares: Decimal) -> dict[int, Decimal]:
        """Shares from each lot: the solver's choice rounded down (a lot it sells whole,
        whole), then the rest of ``shares`` from the lots it sold most, within what each
        holds."""
        sol = self.sol
        takes = {i: self._lot_take(i) for i in idx}
        residue = shares - sum(takes.values(), rounding.ZERO)
        preferred = sorted(idx, key=lambda i: (-sol.lot_sells[i], i))
        if residue > 0:
            for i in preferred:
                room = self.lot_held[i] - takes[i]
                step = min(room, residue)
                takes[i] += step
                residue -= step
                if not residue:
                    break
        elif residue < 0:
            # take back from partly sold lots first (lots sold whole stay whole), most first
            order = sorted(idx, key=lambda i: (takes[i] == self.lot_held[i], -takes[i], i))
            for i in order:
                step = min(takes[i], -residue)
                takes[i] -= step
                residue += step
                if not residue:
                    break
        return takes

    # -- cash -----------------------------------------------------------------------------------
    def _settle_cash(self, a: int) -> None:
        """Cash after = cash before + flow + sells − buys, from the rounded trades: the
        solver's cash where it chose cash, the residue in the largest fractional buy; never
        below zero (a buy trimmed, or a sale raised)."""
        d, sol, rt = self.d, self.sol, self.rt
        pairs = np.flatnonzero(d.pair_account == a).tolist()
        noise = CASH_NOISE * feasibility_tolerance(d) * d.scale
        want = rounding.cents(float(sol.cash[a])) if sol.cash[a] > max(noise, CENT) else (
            rounding.ZERO)
        floors = d.facts.restrictions.account_cash_floor  # a cash floor holds to the cent
        floor = rounding.cents_up(float(floors[a])) if a < len(floors) else rounding.ZERO
        want = max(want, floor)
        residue = self._cash(a, pairs) - want
        fractional_buys = [p for p in pairs if rt.buys[p] > 0 and not d.whole[p]]
        if residue and fractional_buys:
            big = max(fractional_buys, key=lambda q: (rt.buys[q], -q))
            rt.buys[big] = float(max(rounding.exact(rt.buys[big]) + residue, rounding.ZERO))
        have = self._cash(a, pairs)
        if floor - have > 0 and floor - have <= ROUNDING_RESIDUE:
            # the cents the sales lost to rounding down: sell them rather than trim a whole
            # share from a buy the solver paid for to the cent
            self._raise_cash(pairs, floor - have)
            have = self._cash(a, pairs)
        if have < floor:
            self._trim_buys(pairs, floor - have)
            have = self._cash(a, pairs)
        if have < 0:
            self._raise_cash(pairs, -have)
            have = self._cash(a, pairs)
        if have < 0:
            raise PlanError(
                f"account {d.accounts[a]}: the rounded trades leave ${have:,.2f} of cash; "
                "no trade could be trimmed or raised to cover it (please report this household)"
            )
        rt.cash[a] = float(have) + 0.0  # never -0.0

    def _cash(self, a: int, pairs: list[int]) -> Decimal:
        d, rt = self.d, self.rt
        start = rounding.exact(float(d.cash0[a])) + rounding.exact(float(self.sol.contributions[a]))
        moved = sum((rounding.exact(rt.sells[p]) - rounding.exact(rt.buys[p]) for p in pairs),
                    rounding.ZERO)
        return (start + moved).quantize(rounding.CENT)

    def _trim_buys(self, pairs: list[int], deficit: Decimal) -> None:
        """Buy less by ``deficit`` dollars: the largest fractional buys first, then whole-share
        buys a share at a time, the dearest first."""
        d, rt = self.d, self.rt
        for p in sorted((q for q in pairs if rt.buys[q] > 0 and not d.whole[q]),
                        key=lambda q: (-rt.buys[q], q)):
            cut = min(rounding.exact(rt.buys[p]), deficit)
            rt.buys[p] = float(rounding.exact(rt.buys[p]) - cut)
            deficit -= cut
            if not deficit:
                return
        for p in sorted((q for q in pairs if q in rt.buy_shares),
                        key=lambda q: (-d.price[q], q)):
            while deficit > 0 and rt.buy_shares.get(p, rounding.ZERO) > 0:
                before = rounding.exact(rt.buys[p])
                self._set_buy(p, rt.buy_shares[p] - 1)
                deficit -= before - rounding.exact(rt.buys[p])
            if deficit <= 0:
                return

    def _raise_cash(self, pairs: list[int], need: Decimal) -> None:
        """Sell more by at least ``need`` dollars from the account's sales that have room:
        fractional ones first (the largest), then whole-share ones a share at a time."""
        d, rt = self.d, self.rt
        selling = [p for p in pairs if rt.sells[p] > 0 or self.sol.sells[p] > 0]
        for p in sorted(selling, key=lambda q: (bool(d.whole[q]), -rt.sells[q], q)):
            if need <= 0:
                return
            if p not in rt.held_shares:  # in dollars
                room = rounding.cents_down(d.x0[p]) - rounding.exact(rt.sells[p])
                step = max(min(room, need), rounding.ZERO)
                rt.sells[p] = float(rounding.exact(rt.sells[p]) + step)
                need -= step
                continue
            held = rt.held_shares[p]
            sold = rt.sell_shares.get(p, rounding.ZERO)
            if sold >= held:
                continue
            price = rounding.exact(d.price[p])
            extra = rounding.shares_up(need / price, bool(d.whole[p]))
            before = rounding.exact(rt.sells[p])
            self._set_sell(p, min(sold + extra, held))
            need -= rounding.exact(rt.sells[p]) - before


class _LotsByPair:
    """Each pair's lots (ascending lot index, as ``np.flatnonzero(d.lot_pair == p)``), from
    one stable sort instead of a scan of every lot per pair."""

    def __init__(self, d: ProblemData) -> None:
        lot_pair = np.asarray(d.lot_pair, dtype=np.intp)
        self.order = np.argsort(lot_pair, kind="stable")
        self.bounds = np.searchsorted(lot_pair[self.order], np.arange(d.n_pairs + 1))

    def __call__(self, p: int) -> np.ndarray:
        out: np.ndarray = self.order[self.bounds[p] : self.bounds[p + 1]]
        return out


def _match_lots(
    d: ProblemData,
    sells: np.ndarray,
    lot_sells: np.ndarray,
    only: int | None = None,
    lots_of: _LotsByPair | None = None,
) -> None:
    """Make each taxable pair's lot sells add up to its (rounded) sell: the residue goes to
    the lot already sold most, within its value."""
    if not d.n_lots:
        return
    lots_of = lots_of or _LotsByPair(d)
    pairs = [only] if only is not None else np.unique(d.lot_pair).tolist()
    for p in pairs:
        idx = lots_of(p)
        if not len(idx):
            continue
        for j in sorted(idx, key=lambda i: -lot_sells[i]):
            residue = round(sells[p] - lot_sells[idx].sum(), 2)
            if not residue:
                break
            lot_sells[j] = round(min(max(lot_sells[j] + residue, 0.0), d.lot_value[j]), 2)
        sells[p] = round(lot_sells[idx].sum(), 2)


def exact_tax(
    book: Book, d: ProblemData, rt: RoundedTrades
) -> tuple[TaxSummary, dict[int, LotLine]]:
    """The plan's tax by the exact judge (:func:`householder.tax.judge.judge`) on the rounded
    trades: each lot sold is a sale on ``as_of``; the plan's buys and every lot bought in the
    window before ``as_of``, in any account, are the purchases that may wash a loss. Returns
    the tax summary (with the wash sales and their replacement lots) and a line per lot sold."""
    f = d.facts
    lots = {
        (a.id, p.fund, lot.id): lot for a in book.accounts for p in a.positions for lot in p.lots
    }
    sold_lots = set(np.flatnonzero(rt.lot_sells > 0).tolist() if d.n_lots else [])
    sold_lots |= {i for i, shares in rt.lot_shares.items() if shares > 0}
    sold = sorted(sold_lots)  # a few shares may bring less than a cent: still sold
    sales: list[Sale] = []
    counted: dict[int, bool] = {}
    for i in sold:
        p = int(d.lot_pair[i])
        acct_id = d.accounts[d.pair_account[p]]
        lot = lots[(acct_id, d.pair_fund[p], d.lot_ids[i])]
        proceeds = float(rt.lot_sells[i])
        if i in rt.lot_shares and lot.shares:
            frac = float(rt.lot_shares[i] / rounding.exact(lot.shares))
            shares: float | None = float(rt.lot_shares[i])
        else:  # no share count (a test's hand-made trades): the lot's share of the dollars
            frac = proceeds / lot.value
            shares = lot.shares * frac if lot.shares is not None else None
        counted[i] = i in rt.lot_shares
        # the cost of the part sold, to the cent like every dollar of the plan and a 1099-B
        # (unrounded, a sale at no gain could show a loss of 1e-14 that a wash sale matches)
        cost = round(lot.cost * frac, 2) if frac < 1 else lot.cost
        sales.append(
            Sale(acct_id, "taxable", d.pair_fund[p], book.as_of, shares if shares else proceeds,
                 proceeds, cost, lot_id=lot.id, acquired=lot.acquired)
        )
    purchases: list[Purchase] = []
    for p in np.flatnonzero(rt.buys > 0).tolist():
        acct = book.accounts[d.pair_account[p]]
        price = d.price[p]
        bought = rt.buys[p] / price if not np.isnan(price) else rt.buys[p]
        purchases.append(
            Purchase(acct.id, account_kind(acct), d.pair_fund[p], book.as_of,
                     float(rt.buy_shares.get(p, bought)), float(rt.buys[p]))
        )
    # recent lots under their own ids: the judge takes what the plan sells of a lot out of its
    # replacement shares (the sold shares are not their own replacement)
    purchases += f.recent_purchases
    groups = {fund: g for fund, g in f.groups.items() if g != fund}
    verdict = judge(
        sales,
        purchases,
        f.rates,
        window_days=book.household.policy.wash_sale_window_days,
        identical=groups or None,
        discount_rate=discount_rate(book),
    )
    lot_lines: dict[int, LotLine] = {}
    for i, judged in zip(sold, verdict.sales, strict=True):
        sale = judged.sale
        exact_shares = lots[(sale.account_id, sale.security, sale.lot_id)].shares is not None
        lot_lines[i] = LotLine(
            id=sale.lot_id,
            shares=(sale.shares if counted[i] else round(sale.shares, 6)) if exact_shares else None,
            cost=round(sale.cost, 2),
            proceeds=round(sale.proceeds, 2),
            gain=round(sale.gain, 2),
            term=judged.term,
            wash_sale_disallowed=round(judged.disallowed, 2),
        )
    wash_lines, adjusted = _wash_sale_lines(book, verdict.washes)
    return TaxSummary(
        short_term_gain=round(verdict.short_term_gain, 2) + 0.0,
        long_term_gain=round(verdict.long_term_gain, 2) + 0.0,
        estimated_tax=round(verdict.estimated_tax, 2) + 0.0,
        surrogate_tax=0.0,
        loss_deduction=round(verdict.loss_deduction, 2) + 0.0,
        carryforward=round(verdict.carryforward, 2),
        carryforward_used=round(verdict.carryforward_used, 2) + 0.0,
        carryforward_used_value=round(verdict.carryforward_used_value, 2) + 0.0,
        wash_sales=wash_lines,
        adjusted_lots=adjusted,
    ), lot_lines


def _wash_sale_lines(
    book: Book, washes: list[WashSale]
) -> tuple[list[WashSaleLine], list[AdjustedLot]]:
    """Each wash sale with its replacement, and the replacement lots a taxable purchase turns
    into (IRC 1091(d), 1223(3)): the plan's buys and the held lots it matched, each matched
    part carved out as its own lot with the added basis and the tacked holding period."""
    lines: list[WashSaleLine] = []
    adjusted: list[AdjustedLot] = []
    counts: dict[str, int] = {}
    for w in washes:
        purchase = w.purchase
        priced = book.prices.get(purchase.security) is not None
        in_plan = not purchase.lot_id  # the plan's own buys carry no lot id
        acquired = w.replacement_acquired
        lot_id: str | None = None
        # a purchase still to come (scheduled) is no lot yet: its line says where the basis goes
        if w.replacement_taxable and acquired is not None and purchase.acquired <= book.as_of:
            base = purchase.lot_id or f"{purchase.security}-{purchase.acquired:%Y%m%d}"
            counts[base] = counts.get(base, 0) + 1
            lot_id = f"{base}-W{counts[base]}"
            adjusted.append(
                AdjustedLot(
                    account=purchase.account_id,
                    fund=purchase.security,
                    id=lot_id,
                    shares=round(w.shares, 6) if priced else None,
                    value=round(w.replacement_cost, 2),
                    cost=round(w.replacement_basis, 2),
                    acquired=acquired.isoformat(),
                    bought=purchase.acquired.isoformat(),
                    from_lot=None if in_plan else purchase.lot_id,
                    wash_of=w.sale.lot_id,
                )
            )
        lines.append(
            WashSaleLine(
                account=w.sale.account_id,
                fund=w.sale.security,
                lot=w.sale.lot_id,
                loss_disallowed=round(w.loss_disallowed, 2),
                replacement_account=purchase.account_id,
                shares=round(w.shares, 6) if priced else None,
                replacement_fund=purchase.security,
                replacement_lot=lot_id,
                replacement_bought=purchase.acquired.isoformat(),
                replacement_shares=round(w.shares, 6) if priced else None,
                replacement_cost=round(w.replacement_cost, 2),
                basis_added=round(w.basis_adjustment, 2),
                replacement_basis=round(w.replacement_basis, 2),
                replacement_acquired=None if acquired is None else acquired.isoformat(),
            )
        )
    return lines, adjusted


def build_plan(sol: Solution, command: str = "plan") -> Plan:
    """The :class:`Plan` of a solution."""
    d = sol.data
    book = d.book
    rt = round_trades(sol)
    tax_summary, lot_lines = exact_tax(book, d, rt)
    tax_summary = tax_summary.model_copy(update={"surrogate_tax": round(sol.surrogate_tax, 2)})
    x_after = d.x0 + rt.buys - rt.sells
    x_after[np.abs(x_after) < CENT / 2 + 1e-9] = 0.0  # a position sold in full leaves no dust
    shares_after: dict[int, Decimal] = {}
    for p, held in rt.held_shares.items():
        # a buy in dollars (a fractional fund) gets its shares at the price, to 10^-6
        bought = rt.buy_shares[p] if p in rt.buy_shares else (
            rounding.shares_bought(rt.buys[p], d.price[p]) if rt.buys[p] > 0 else rounding.ZERO)
        shares_after[p] = held - rt.sell_shares.get(p, rounding.ZERO) + bought
        if rt.sell_shares.get(p, rounding.ZERO) >= held and p not in rt.buy_shares:
            # every share sold: nothing is left, whatever the cent the file's value gave
            x_after[p] = 0.0 if rt.buys[p] == 0 else x_after[p]
    exp_before = d.facts.exposure_before
    exp_after = d.exposure_of(x_after, rt.cash)
    tot_b, tot_a = exp_before.sum(), exp_after.sum()
    frac_b = exp_before / tot_b if tot_b else exp_before
    frac_a = exp_after / tot_a if tot_a else exp_after
    allocation = [
        AllocationRow(
            cls=c,
            target=round(float(d.target[k]), 6),
            before=round(float(frac_b[k]), 6),
            after=round(float(frac_a[k]), 6),
            value_before=round(float(exp_before[k]), 2),
            value_after=round(float(exp_after[k]), 2),
        )
        for k, c in enumerate(d.classes)
        # the optimizer's own cash row (book.allocation_classes lacks it) only when it holds money
        if c in book.allocation_classes or max(abs(exp_before[k]), abs(exp_after[k])) >= CENT / 2
    ]
    lots_of = _LotsByPair(d) if d.n_lots else None
    reasons = Reasons(d, rt.buys, rt.sells, x_after, rt.cash, _sale_tax(d, lot_lines, lots_of))
    accounts = []
    for a, acct in enumerate(book.accounts):
        pairs = np.flatnonzero(d.pair_account == a)
        trades: list[Trade] = []
        for p in pairs.tolist():
            for action, amount in (("sell", rt.sells[p]), ("buy", rt.buys[p])):
                if amount <= 0:
                    continue
                price = d.price[p]
                counted = rt.sell_shares if action == "sell" else rt.buy_shares
                shares = float(counted[p]) if d.whole[p] and p in counted else None
                lots = (
                    [lot_lines[i] for i in lots_of(p).tolist() if i in lot_lines]
                    if action == "sell" and lots_of is not None
                    else []
                )
                trades.append(
                    Trade(
                        fund=d.pair_fund[p],
                        action=action,
                        amount=float(amount),
                        shares=shares,
                        price=None if np.isnan(price) else float(price),
                        lots=lots,
                        reason=reasons.reason(p, action, lots),
                        benefit=reasons.benefit(p, action),
                    )
                )
        trades.sort(key=lambda t: (t.action != "sell", t.fund))
        holdings = [
            HoldingAfter(
                fund=d.pair_fund[p],
                value=round(float(x_after[p]), 2),
                shares=float(shares_after[p]) if p in shares_after
                else None if np.isnan(d.price[p]) else round(x_after[p] / d.price[p], 6),
            )
            for p in pairs.tolist()
            if x_after[p] > 0.005
        ]
        accounts.append(
            AccountPlan(
                id=acct.id,
                type=acct.spec.type.value,
                owner=acct.spec.owner,
                value_before=round(acct.value, 2),
                value_after=round(float(x_after[pairs].sum() + rt.cash[a]), 2),
                cash_before=round(acct.cash, 2),
                cash_after=round(float(rt.cash[a]), 2),
                contribution=round(float(sol.contributions[a]), 2) + 0.0,
                holdings_after=holdings,
                trades=trades,
            )
        )
    fees_before = float(d.expense @ d.x0)
    fees_after = float(d.expense @ x_after)
    location_before = d.location.value(d.x0, d.cash0)
    located = d.location.located(x_after, rt.cash)
    uniform = d.location.uniform(x_after, rt.cash)
    location_after = located - uniform
    horizon = book.household.policy.horizon_years
    nothing = not any(t for acc in accounts for t in acc.trades)
    economics = _economics(
        accounts,
        float(book.total_value),
        drift_closed=0.5 * float(
            np.abs(exp_before - d.target * tot_b).sum() - np.abs(exp_after - d.target * tot_a).sum()
        ),
        fees_saved=fees_before - fees_after,
        location_gained=location_after - location_before,
        tax=tax_summary.estimated_tax,
    )
    notes = list(book.notes) + list(dict.fromkeys(sol.notes))
    target_reached, shortfall = _verified_target(
        book, d, sol, exp_after, tot_a, sum(len(acc.trades) for acc in accounts))
    if nothing:
        notes.insert(0, "Nothing to do: the household is already where the plan would put it.")
    return Plan(
        household=book.name,
        as_of=book.as_of.isoformat(),
        command=command,
        status="optimal",
        allocation_basis=book.household.policy.allocation_basis.value,
        total_value=round(float(tot_a), 2),
        target_reached=target_reached,
        nothing_to_do=nothing,
        allocation=allocation,
        accounts=accounts,
        tax=tax_summary,
        fees=Fees(annual_before=round(fees_before, 4), annual_after=round(fees_after, 4)),
        economics=economics,
        costs=Costs(
            fees_annual_before=round(fees_before, 2),
            fees_annual_after=round(fees_after, 2),
            estimated_tax=tax_summary.estimated_tax,
            location_value_before=round(location_before, 2),
            location_value=round(location_after, 2),
            location_value_annual=round(location_after / horizon, 2),
            location_located=round(located, 2),
            location_uniform=round(uniform, 2),
            remaining_drift=round(
                float(np.max(np.abs(frac_a - d.target))) if len(frac_a) else 0.0, 6
            ),
        ),
        shortfall=shortfall,
        notes=notes,
        wash_sale_calendar=wash_calendar(d.facts, plan_loss_sales(d, lot_lines)),
        solver={
            "solves": [
                {
                    "problem": r.problem,
                    "solver": r.solver,
                    "status": r.status,
                    "seconds": round(r.seconds, 4),
                }
                for r in sol.log
            ],
            "steps": [
                {
                    "step": r.step,
                    "solves": r.solves,
                    "seconds": round(r.seconds, 4),
                    "notes": list(r.notes),
                }
                for r in sol.steps
            ],
            "seconds": {k: round(v, 4) for k, v in sol.timings.items()},
        },
    )


def _sale_tax(
    d: ProblemData, lot_lines: dict[int, LotLine], lots_of: _LotsByPair | None
) -> dict[int, float]:
    """Pair → the tax its sale realizes at the household's marginal rates (before netting:
    what the sale adds, for its reason)."""
    if lots_of is None:
        return {}
    rates = d.facts.rates
    out: dict[int, float] = {}
    for p in np.unique(d.lot_pair).tolist():
        tax = 0.0
        for i in lots_of(p).tolist():
            line = lot_lines.get(i)
            if line is not None:
                rate = rates.short_gain_rate if line.term == "short" else rates.gain_rate
                tax += rate * (line.gain + line.wash_sale_disallowed)
        if tax:
            out[int(p)] = tax
    return out


def _economics(
    accounts: list[AccountPlan],
    household_value: float,
    *,
    drift_closed: float,
    fees_saved: float,
    location_gained: float,
    tax: float,
) -> Economics:
    """The plan's trades, turnover and gain by term, with the line that says it."""
    trades = [t for a in accounts for t in a.trades]
    turnover = sum(t.amount for t in trades)
    fraction = turnover / household_value if household_value > 0 else 0.0
    parts = [
        f"{len(trades)} trade{'s' if len(trades) != 1 else ''}, ${turnover:,.2f} traded "
        f"({fraction:.1%} of the household)"
    ]
    if trades:
        parts.append(f"closes ${drift_closed:,.2f} of drift")
        if abs(fees_saved) >= 0.005:
            verb = "saves" if fees_saved > 0 else "adds"
            parts.append(f"{verb} ${abs(fees_saved):,.2f} a year in fees")
        if abs(location_gained) >= 0.005:
            parts.append(
                f"location {'+' if location_gained > 0 else '-'}${abs(location_gained):,.2f} "
                "after tax at the horizon"
            )
        parts.append(f"tax {'-' if tax < 0 else ''}${abs(tax):,.2f}")
    return Economics(
        trades=len(trades),
        turnover=round(turnover, 2),
        turnover_fraction=round(fraction, 6),
        drift_closed=round(drift_closed, 2) + 0.0,
        fees_saved_per_year=round(fees_saved, 2) + 0.0,
        location_value_gained=round(location_gained, 2) + 0.0,
        estimated_tax=tax,
        summary="; ".join(parts) + ".",
    )


def _verified_target(
    book: Book, d: ProblemData, sol: Solution, exp_after: np.ndarray, total: float,
    trades: int,
) -> tuple[bool, list[str]]:
    """``target_reached`` and the shortfall of the trades as rounded for the broker (shares to
    the fund's precision, dollars to cents): the solver's verdict, unless the rounding left a
    class outside its band by more than rounding and the solvers' tolerance account for (a cent
    a trade, or a millionth of the household: $0.20 on $2 M was the solvers' noise): a whole-share
    buy the cents of the sales no longer pay for, which the shortfall then names."""
    tolerance = book.household.policy.tolerance / 100.0
    deviation = exp_after - d.target * total
    noise = max(0.01 * (trades + 1), 1e-6 * max(total, 0.0))
    if not sol.target_reached or within_band(tolerance, deviation, total, slack=noise):
        return sol.target_reached, list(sol.shortfall)
    band = tolerance * max(total, 0.0) + noise
    lines = [
        f"{cls} is ${abs(dev):,.2f} {'over' if dev > 0 else 'under'} target: rounding the "
        "trades to whole shares and cents leaves it outside its band"
        for cls, dev in zip(d.classes, deviation.tolist(), strict=True) if abs(dev) > band
    ]
    return False, [*sol.shortfall, *lines]
