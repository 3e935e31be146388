"""From the solver's numbers to a :class:`Plan` people can act on.

This is the edge where money is rounded: trades to cents (whole-share trades to shares × price),
each account's cash after the plan recomputed from the rounded trades, so that every account's
trades net exactly to its own cash flow. The tax reported is the exact ``tax/`` judge applied to
the rounded lot sales, wash sales included, not the optimizer's stand-in.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from householder.model.book import Book
from householder.optimize.data import ProblemData
from householder.optimize.solve import Solution
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


@dataclass
class RoundedTrades:
    buys: np.ndarray
    sells: np.ndarray
    lot_sells: np.ndarray
    cash: np.ndarray


def round_trades(sol: Solution) -> RoundedTrades:
    """Trades to cents; whole-share trades to shares × price; cash recomputed per account.

    The rounding residue of an account goes to its largest fractional trade so that cash after
    equals the solver's cash to the cent (never negative)."""
    d = sol.data
    buys = np.round(sol.buys, 2)
    sells = np.round(sol.sells, 2)
    lot_sells = np.round(sol.lot_sells, 2)
    for p in np.flatnonzero(d.whole):
        price = d.price[p]
        buys[p] = round(round(sol.buys[p] / price) * price, 2)
        left = (d.x0[p] - sol.sells[p]) / price
        sold = sol.sells[p] / price
        if sol.sells[p] >= d.x0[p] - CENT / 2:  # the whole position, fractional shares included
            sells[p] = round(d.x0[p], 2)
        elif abs(left - round(left)) < 1e-6 < abs(sold - round(sold)):
            # the fractional part of the position goes, whole shares stay
            sells[p] = round(d.x0[p] - round(left) * price, 2)
        else:
            sells[p] = round(round(sol.sells[p] / price) * price, 2)
    # a solver's tolerance may sell a hair more than is held: never more than the position
    np.minimum(sells, np.round(d.x0, 2), out=sells)
    if d.n_lots:
        np.minimum(lot_sells, np.round(d.lot_value, 2), out=lot_sells)
    # dust: fractional trades under DUST dollars are solver noise, not advice
    fractional = ~d.whole
    buys[fractional & (buys < DUST)] = 0.0
    sells[fractional & (sells < DUST)] = 0.0
    if d.n_lots:
        lot_sells[sells[d.lot_pair] == 0.0] = 0.0
    lots_of = _LotsByPair(d) if d.n_lots else None
    _match_lots(d, sells, lot_sells, lots_of=lots_of)
    cash = np.zeros(len(d.accounts))
    for a in range(len(d.accounts)):
        pairs = np.flatnonzero(d.pair_account == a).tolist()
        want = max(round(float(sol.cash[a]), 2), 0.0)
        have = round(d.cash0[a] + sol.contributions[a] + sells[pairs].sum() - buys[pairs].sum(), 2)
        residue = round(have - want, 2)  # > 0: cash left over; < 0: overspent
        fractional_buys = [p for p in pairs if buys[p] > 0 and not d.whole[p]]
        fractional_sells = [p for p in pairs if sells[p] > 0 and not d.whole[p]]
        if residue and fractional_buys:
            big = max(fractional_buys, key=lambda q: buys[q])
            buys[big] = round(max(buys[big] + residue, 0.0), 2)
        elif residue and fractional_sells:
            big = max(fractional_sells, key=lambda q: sells[q])
            sells[big] = round(min(max(sells[big] - residue, 0.0), d.x0[big]), 2)
            _match_lots(d, sells, lot_sells, only=big, lots_of=lots_of)
        cash[a] = round(
            d.cash0[a] + sol.contributions[a] + sells[pairs].sum() - buys[pairs].sum(), 2
        )
    buys[buys < CENT / 2] = 0.0
    sells[sells < CENT / 2] = 0.0
    return RoundedTrades(buys, sells, lot_sells, cash)


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
    sold = np.flatnonzero(rt.lot_sells > 0).tolist() if d.n_lots else []
    sales: list[Sale] = []
    for i in sold:
        p = int(d.lot_pair[i])
        acct_id = d.accounts[d.pair_account[p]]
        lot = lots[(acct_id, d.pair_fund[p], d.lot_ids[i])]
        proceeds = float(rt.lot_sells[i])
        frac = proceeds / lot.value
        shares = lot.shares * frac if lot.shares is not None else None
        # cost to the cent, as a 1099-B reports it (proceeds are already in cents)
        sales.append(
            Sale(acct_id, "taxable", d.pair_fund[p], book.as_of, shares if shares else proceeds,
                 proceeds, round(lot.cost * frac, 2), lot_id=lot.id, acquired=lot.acquired)
        )
    purchases: list[Purchase] = []
    for p in np.flatnonzero(rt.buys > 0).tolist():
        acct = book.accounts[d.pair_account[p]]
        price = d.price[p]
        shares = rt.buys[p] / price if not np.isnan(price) else rt.buys[p]
        purchases.append(
            Purchase(acct.id, account_kind(acct), d.pair_fund[p], book.as_of, float(shares),
                     float(rt.buys[p]))
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
        shares = None if lots[(sale.account_id, sale.security, sale.lot_id)].shares is None else (
            round(sale.shares, 6)
        )
        lot_lines[i] = LotLine(
            id=sale.lot_id,
            shares=shares,
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
        if w.replacement_taxable and acquired is not None:
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
                shares = round(amount / price, 6) if d.whole[p] else None
                if shares is not None and action == "sell" and x_after[p] < CENT:
                    shares = round(d.x0[p] / price, 6)  # all of it: the shares held, not cents
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
                shares=None if np.isnan(d.price[p]) else round(x_after[p] / d.price[p], 6),
            )
            for p in pairs
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
    if nothing:
        notes.insert(0, "Nothing to do: the household is already where the plan would put it.")
    return Plan(
        household=book.name,
        as_of=book.as_of.isoformat(),
        command=command,
        status="optimal",
        allocation_basis=book.household.policy.allocation_basis.value,
        total_value=round(float(tot_a), 2),
        target_reached=sol.target_reached,
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
        shortfall=sol.shortfall,
        notes=notes,
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
