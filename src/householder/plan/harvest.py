"""``householder harvest FILE [--min-loss DOLLARS]``: tax-loss harvesting.

1. **Candidates.** Every taxable lot whose loss (basis less value at ``as_of``) is at least
   ``min_loss`` dollars, by holding; a lot a restriction keeps (``do_not_sell``, a
   ``hold_at_least`` floor) is not sold, and says so.
2. **No washed harvest.** A fund group's lots are sold together, on ``as_of``, and checked with
   the exact wash-sale rules (:func:`householder.tax.wash.detect_wash_sales`) against every
   purchase of the household around ``as_of``: lots bought in the window before it, recent
   ``transactions`` and the purchases scheduled in the window after it (payroll, dividends
   reinvested), in any account. A group any of them would wash is not harvested: the purchase
   is named, with the day a harvest is clean (a past purchase) or what to stop (a scheduled
   one).
3. **A replacement per holding** that keeps the allocation and is not substantially identical:
   from the household's ``substitutes:`` groups and the bundled harvest partners
   (``data/substitutes.yaml``: funds of the same asset class that track different indexes),
   the one that moves the fewest dollars between the target's classes; among equals the
   household's own before a bundled one, a fund of the household before one it does not name,
   one of the same kind (an ETF for an ETF) first, then the table's order. It must be one the
   account may buy (its menu; an account without one may buy any catalog fund), no
   restriction may forbid it, no group harvested now may be its group, and no recent loss may
   be washed by it. Whether two funds
   are substantially identical is a judgement the user owns (the IRS has given no list): each
   replacement says whose judgement it is.
4. **What it is worth.** The exact judge (:func:`householder.tax.judge.judge`) with the
   household's rates, the gains already realized this year and the carried-in losses: the tax
   saved this year by character (short-term gains offset at the ordinary rate, long-term at the
   long-term rate, up to $3,000 / $1,500 of ordinary income, the rest carried forward, valued
   at :func:`~householder.tax.netting.carryover_value_rate`), the basis given up and the tax it
   brings back when the replacement is sold, in today's dollars:

   .. math::

       \\text{benefit} = T_{saved} + \\nu\\,C_{added}
           - \\frac{s_H\\,(\\rho_{lt} + n)\\,B}{(1 + \\delta)^H}

   with :math:`B` the basis given up (the losses harvested), :math:`s_H` the share sold at the
   horizon (``policy.location.sold_at_horizon``), :math:`H` ``policy.horizon_years`` and
   :math:`\\delta` the discount rate (Kitces, "Evaluating the tax deferral and tax bracket
   arbitrage benefits of tax loss harvesting", 2014: the value is the deferral and the
   difference in rates, not the tax saved today).
5. **The calendar** (:mod:`householder.plan.calendar`): for each group harvested, no purchase of
   it (or of a fund identical to it) in any account before ``as_of`` + 31 days.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar, Literal

from pydantic import Field

from householder.model.book import Book
from householder.model.bundled import bundled_funds, bundled_identical, bundled_partners
from householder.model.types import FundKind
from householder.plan import rounding
from householder.plan.calendar import either, group_funds, wash_calendar
from householder.plan.result import CalendarLine, CalendarPurchase, Result
from householder.tax.holding import holding_term
from householder.tax.judge import judge
from householder.tax.wash import Purchase, Sale, detect_wash_sales
from householder.valuation.facts import Facts, account_kind, household_facts
from householder.valuation.location import discount_rate
from householder.valuation.restrictions import NONE

# -- the result ------------------------------------------------------------------------------------


class HarvestLot(Result):
    id: str
    shares: float | None
    cost: float
    proceeds: float
    loss: float
    term: Literal["short", "long"]
    acquired: str


class Replacement(Result):
    """What to buy with the proceeds, in the same account."""

    fund: str
    name: str
    amount: float
    shares: float | None
    """Whole shares where the fund trades in them at a known price."""
    price: float | None
    source: Literal["substitutes", "bundled"]
    judgement: str
    """Whose judgement it is that the two funds are not substantially identical."""
    allocation_change: dict[str, float] = Field(default_factory=dict)
    """Dollars the swap moves into (+) or out of (−) each allocation class."""
    expense_ratio: float
    alternatives: list[str] = Field(default_factory=list)
    """The next candidates, best first."""


class Candidate(Result):
    """One holding's harvest: its lots at a loss sold, the replacement bought."""

    account: str
    fund: str
    lots: list[HarvestLot]
    shares: float | None
    proceeds: float
    loss: float
    short_term_loss: float
    long_term_loss: float
    replacement: Replacement | None
    cash_left: float
    """Proceeds the replacement does not take (a whole-share remainder, or all of it without
    a replacement)."""
    buy_back_from: str
    """The first day the sold fund may be bought back anywhere (the calendar's date)."""
    note: str = ""


class Blocked(Result):
    """A holding at a loss that is not harvested, and why."""

    account: str
    fund: str
    lots: list[str]
    loss: float
    reason: str
    restriction: str | None = None
    purchases: list[CalendarPurchase] = Field(default_factory=list)
    """The purchases that would wash it."""
    harvest_from: str | None = None
    """The first day the past purchases no longer wash it (None: a scheduled purchase must be
    stopped or moved first, or a restriction keeps it)."""


class CharacterLine(Result):
    """Part of the tax saved: what the losses offset, at which rate."""

    offsets: Literal["short-term gains", "long-term gains", "ordinary income", "carried forward"]
    amount: float
    rate: float
    tax: float
    """Tax saved this year (for ``carried forward``: the carryover's value today)."""


class HarvestTax(Result):
    short_term_loss: float
    long_term_loss: float
    tax_saved: float
    """This year's tax saved: the year's tax without the harvest less with it."""
    by_character: list[CharacterLine]
    loss_deduction: float
    """Loss deducted against ordinary income this year (the $3,000 / $1,500 limit)."""
    carryforward_added: float
    carryforward_value: float
    """Today's value of the carryforward added."""
    estimated_tax: float
    """What the harvest adds to the year's tax (negative: saves)."""


class HarvestEconomics(Result):
    basis_given_up: float
    future_tax: float
    """The tax the basis given up brings back when the replacement is sold at a long-term
    gain."""
    future_tax_present_value: float
    net_present_benefit: float
    horizon_years: int
    discount_rate: float
    sold_at_horizon: float
    summary: str


class Harvest(Result):
    household: str
    as_of: str
    command: str = "harvest"
    min_loss: float
    candidates: list[Candidate]
    blocked: list[Blocked]
    tax: HarvestTax
    economics: HarvestEconomics
    wash_sale_calendar: list[CalendarLine]
    notes: list[str] = Field(default_factory=list)

    omit_when_none: ClassVar[tuple[str, ...]] = ()


# -- the logic -------------------------------------------------------------------------------------


@dataclass
class _Lot:
    index: int
    pair: int
    account: str
    fund: str
    shares: float | None
    cost: float
    proceeds: float
    acquired: date

    @property
    def loss(self) -> float:
        return self.cost - self.proceeds


def harvest(book: Book, min_loss: float = 0.0) -> Harvest:
    """The household's tax-loss harvest on ``as_of`` (see the module docstring)."""
    facts = household_facts(book)
    window = facts.policy.wash_sale_window_days
    clean_day = book.as_of + timedelta(days=window + 1)
    by_pair = _loss_lots(facts, min_loss)
    blocked: list[Blocked] = []
    by_pair = _restricted(facts, by_pair, blocked)
    by_pair = _unwashed(facts, by_pair, blocked)
    harvested_groups = {facts.group_of(lots[0].fund) for lots in by_pair.values()}
    candidates: list[Candidate] = []
    purchases: list[Purchase] = []
    for pair, lots in sorted(by_pair.items()):
        candidate, bought = _candidate(facts, pair, lots, harvested_groups, clean_day)
        candidates.append(candidate)
        purchases += bought
    sales = [_sale(facts, lot) for lots in by_pair.values() for lot in lots]
    tax = _tax(facts, sales, purchases)
    economics = _economics(book, facts, candidates, tax)
    calendar = wash_calendar(facts, [(s, "harvest") for s in sales])
    notes: list[str] = []
    if any(c.replacement and c.replacement.source == "bundled" for c in candidates):
        notes.append(
            "Replacements from the bundled harvest partners track a different index than the "
            "fund sold; the IRS has not said which funds are substantially identical, so that "
            "they are not is a judgement you own (list your own under substitutes:)."
        )
    if not candidates and not blocked:
        notes.insert(0, f"No taxable lot is at a loss of ${min_loss:,.2f} or more.")
    return Harvest(
        household=book.name,
        as_of=book.as_of.isoformat(),
        min_loss=round(min_loss, 2),
        candidates=candidates,
        blocked=blocked,
        tax=tax,
        economics=economics,
        wash_sale_calendar=calendar,
        notes=notes,
    )


def _loss_lots(facts: Facts, min_loss: float) -> dict[int, list[_Lot]]:
    """Pair → its taxable lots at a loss of ``min_loss`` or more, the largest loss first."""
    lots = facts.lots
    book = facts.book
    out: dict[int, list[_Lot]] = {}
    for i in range(len(lots)):
        p = int(lots.pair[i])
        fund = facts.pair_fund[p]
        price = book.prices.get(fund)
        shares = None if math.isnan(lots.shares[i]) else float(lots.shares[i])
        proceeds = (
            float(rounding.dollars(rounding.exact(shares), price))
            if shares is not None and price is not None
            else round(float(lots.value[i]), 2)
        )
        lot = _Lot(i, p, facts.accounts[int(facts.pair_account[p])], fund, shares,
                   float(lots.cost[i]), proceeds, lots.acquired[i])
        if lot.loss >= max(min_loss, 0.005):
            out.setdefault(p, []).append(lot)
    for idx in out.values():
        idx.sort(key=lambda lot: (-lot.loss, lot.index))
    return out


def _lot_ids(facts: Facts, lots: Iterable[_Lot]) -> list[str]:
    return [facts.lots.ids[lot.index] for lot in lots]


def _restricted(
    facts: Facts, by_pair: dict[int, list[_Lot]], blocked: list[Blocked]
) -> dict[int, list[_Lot]]:
    """Leave out the lots a restriction keeps: ``do_not_sell``, and beyond a ``hold_at_least``
    floor (the largest losses are sold first, whole lots only)."""
    rules = facts.restrictions
    out: dict[int, list[_Lot]] = {}
    room: dict[int, float] = {}  # hold floor index -> dollars that may still be sold
    for k, floor in enumerate(rules.holds):
        room[k] = max(float(facts.x0[floor.pairs].sum()) - floor.amount, 0.0)
    for p, lots in by_pair.items():
        kept: dict[int, list[_Lot]] = {}
        sold: list[_Lot] = []
        for lot in lots:
            i = int(rules.lot_no_sell[lot.index]) if len(rules.lot_no_sell) else NONE
            floors = [k for k, f in enumerate(rules.holds) if p in f.pairs.tolist()]
            if i == NONE:
                short = [k for k in floors if room[k] < lot.proceeds - 0.005]
                if short:
                    i = rules.holds[short[0]].restriction
                else:
                    for k in floors:
                        room[k] -= lot.proceeds
            if i == NONE:
                sold.append(lot)
            else:
                kept.setdefault(i, []).append(lot)
        for i, lots_kept in kept.items():
            blocked.append(Blocked(
                account=lots_kept[0].account,
                fund=lots_kept[0].fund,
                lots=_lot_ids(facts, lots_kept),
                loss=round(sum(lot.loss for lot in lots_kept), 2),
                reason=f"{rules.describe(i)} keeps "
                + ("them" if len(lots_kept) > 1 else "it"),
                restriction=rules.describe(i),
            ))
        if sold:
            out[p] = sold
    return out


def _sale(facts: Facts, lot: _Lot) -> Sale:
    return Sale(lot.account, "taxable", lot.fund, facts.as_of,
                lot.shares if lot.shares else lot.proceeds, lot.proceeds, lot.cost,
                lot_id=facts.lots.ids[lot.index], acquired=lot.acquired)


def _unwashed(
    facts: Facts, by_pair: dict[int, list[_Lot]], blocked: list[Blocked]
) -> dict[int, list[_Lot]]:
    """Leave out every group whose harvest a purchase around ``as_of`` would wash (the exact
    rule, its lots sold together)."""
    groups: dict[str, list[int]] = {}
    for p, lots in by_pair.items():
        groups.setdefault(facts.group_of(lots[0].fund), []).append(p)
    identical = {t: g for t, g in facts.groups.items() if g != t} or None
    window = facts.policy.wash_sale_window_days
    scheduled = {(s.account, s.fund, s.on): s.source for s in facts.scheduled}
    out: dict[int, list[_Lot]] = {}
    for group, pairs in sorted(groups.items()):
        sales = [_sale(facts, lot) for p in pairs for lot in by_pair[p]]
        washes = detect_wash_sales(sales, facts.recent_purchases, window_days=window,
                                   identical=identical)
        if not washes:
            out.update({p: by_pair[p] for p in pairs})
            continue
        washing = list({id(w.purchase): w.purchase for w in washes}.values())
        washing.sort(key=lambda q: (q.acquired, q.account_id, q.security))
        past = [q for q in washing if q.acquired <= facts.as_of
                and (q.account_id, q.security, q.acquired) not in scheduled]
        from_day = (
            max(q.acquired for q in past) + timedelta(days=window + 1)
            if len(past) == len(washing) else None
        )
        until = (facts.as_of + timedelta(days=window + 1)).isoformat()
        lines = [_washing_line(q, scheduled, until) for q in washing]
        names = either(group_funds(facts, group))
        if from_day is not None:
            reason = (f"{names} was bought within {window} days before {facts.as_of} "
                      f"({_purchase_list(washing)}): a loss sold before {from_day} is washed")
        else:
            reason = (f"a purchase of {names} is scheduled within {window} days "
                      f"({_purchase_list(washing)}) and would wash the loss; stop or move it "
                      "to harvest")
        for p in pairs:
            lots = by_pair[p]
            blocked.append(Blocked(
                account=lots[0].account,
                fund=lots[0].fund,
                lots=_lot_ids(facts, lots),
                loss=round(sum(lot.loss for lot in lots), 2),
                reason=reason,
                purchases=lines,
                harvest_from=None if from_day is None else from_day.isoformat(),
            ))
    return out


def _purchase_list(purchases: list[Purchase]) -> str:
    return ", ".join(f"{q.security} in {q.account_id} on {q.acquired}" for q in purchases)


def _washing_line(
    q: Purchase, scheduled: dict[tuple[str, str, date], str], until: str
) -> CalendarPurchase:
    kind = scheduled.get((q.account_id, q.security, q.acquired))
    where = f"{q.security} in {q.account_id}"
    source: Literal["payroll", "dividends", "transactions", "lots"]
    if kind == "payroll":
        source = "payroll"
        fix = (f"send the {q.acquired} paycheck's {where} contribution to a fund not "
               f"substantially identical (or hold it as cash) until {until}")
    elif kind == "dividends":
        source = "dividends"
        fix = f"take the {q.acquired} dividend of {where} in cash (reinvestment off) until {until}"
    else:
        source = "lots" if q.lot_id else "transactions"
        fix = "already bought: wait until the window after it closes"
    return CalendarPurchase(account=q.account_id, fund=q.security, date=q.acquired.isoformat(),
                            amount=round(q.cost, 2), source=source, fix=fix)


# -- replacements ----------------------------------------------------------------------------------


def _identical(facts: Facts, a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are substantially identical (one wash-sale group; funds outside
    the household by the bundled share-class list and the policy's groups)."""
    if a == b:
        return True
    if a in facts.groups and b in facts.groups:
        return facts.groups[a] == facts.groups[b]
    lists = [*bundled_identical(), *facts.policy.substantially_identical]
    return any(a in g and b in g for g in lists)


def _exposure(book: Book, ticker: str) -> dict[str, float] | None:
    """Allocation class → fraction of a dollar of ``ticker`` (a catalog fund outside the
    household mapped the same way); None where the target splits a class it names whole."""
    if ticker in book.fund_exposure:
        return book.fund_exposure[ticker]
    row = bundled_funds().get(ticker)
    if row is None:
        return None
    total = sum(float(v) for v in row["classes"].values())
    out: dict[str, float] = {}
    for cls, weight in row["classes"].items():
        if cls not in book.taxonomy:
            return None
        alloc = book.allocation_class(cls)
        if alloc is None:
            return None
        out[alloc] = out.get(alloc, 0.0) + float(weight) / total
    return out


def _kind(book: Book, ticker: str) -> FundKind:
    info = book.funds.get(ticker)
    if info is not None:
        return info.kind
    return FundKind(bundled_funds().get(ticker, {}).get("kind", "mutual_fund"))


def _choices(facts: Facts, fund: str) -> list[tuple[str, str, str]]:
    """(ticker, source, judgement) candidates for ``fund``: the household's substitutes, then
    the bundled partners, in their order."""
    h = facts.book.household
    out: list[tuple[str, str, str]] = []
    for g, group in enumerate(h.substitutes):
        if any(_identical(facts, fund, t) for t in group):
            out += [(t, "substitutes", f"yours: substitutes[{g}] lists them together")
                    for t in group]
    partners = bundled_partners()
    sources = [fund, *[t for t in partners if _identical(facts, fund, t)]]
    for ticker in sources:
        if ticker in partners:
            group_name, index, others = partners[ticker]
            out += [
                (t, "bundled", f"bundled harvest partner ({group_name}): {fund} tracks the {index} "
                 f"index, {t} the {other}; not substantially identical in that reading, a "
                 "judgement you own")
                for t, other in others
            ]
            break
    seen: set[str] = set()
    unique = []
    for t, source, why in out:
        if t not in seen and not _identical(facts, fund, t):
            seen.add(t)
            unique.append((t, source, why))
    return unique


def _may_buy(facts: Facts, account: str, ticker: str) -> bool:
    acct = facts.book.account(account)
    in_universe = ticker in facts.book.funds
    if acct.spec.menu is not None:
        if ticker not in acct.spec.menu:
            return False
    elif not in_universe and ticker not in bundled_funds():
        return False
    held = acct.position(ticker) is not None
    for r in facts.book.household.restrictions:
        if r.fund != ticker and not (r.fund is None and r.rule == "do_not_buy"):
            continue
        if r.rule == "do_not_buy" and r.account in (None, account):
            return False
        if r.rule == "closed_to_new_money" and not (r.holders_may_buy and held):
            return False
    return True


def _replacement(
    facts: Facts, account: str, fund: str, amount: float, harvested: set[str]
) -> tuple[Replacement | None, float]:
    """The best replacement for ``amount`` dollars of ``fund`` in ``account`` and the cash the
    purchase leaves over."""
    book = facts.book
    sold = _exposure(book, fund) or {}
    blocked_groups = set(facts.no_buy_until) | harvested
    ranked: list[tuple[tuple[float, bool, bool, bool, int], str, str, str,
                       dict[str, float]]] = []
    sold_kind = _kind(book, fund)
    for order, (ticker, source, why) in enumerate(_choices(facts, fund)):
        if any(_identical(facts, ticker, g.split("+")[0]) or ticker in g.split("+")
               for g in blocked_groups):
            continue
        if not _may_buy(facts, account, ticker):
            continue
        exposure = _exposure(book, ticker)
        if exposure is None:
            continue
        classes = set(sold) | set(exposure)
        change = {c: exposure.get(c, 0.0) - sold.get(c, 0.0) for c in classes}
        distance = 0.5 * sum(abs(v) for v in change.values())
        key = (round(distance, 6), source != "substitutes", ticker not in book.funds,
               _kind(book, ticker) != sold_kind, order)
        ranked.append((key, ticker, source, why, change))
    if not ranked:
        return None, amount
    ranked.sort(key=lambda r: r[0])
    _, ticker, source, why, change = ranked[0]
    info = book.funds.get(ticker)
    row = bundled_funds().get(ticker, {})
    kind = info.kind if info is not None else FundKind(row.get("kind", "mutual_fund"))
    name = info.name if info is not None else str(row.get("name") or ticker)
    price = book.prices.get(ticker)
    whole = (info.whole_shares(book.household.policy.whole_shares, price) if info is not None
             else kind in (FundKind.ETF, FundKind.STOCK))
    shares: float | None = None
    spent = amount
    if whole and price:
        count = rounding.shares_down(amount / price, True)
        shares = float(count)
        spent = float(rounding.dollars(count, price))
    expense = info.expense_ratio if info is not None else float(row.get("expense_ratio", 0.0))
    replacement = Replacement(
        fund=ticker,
        name=name,
        amount=round(spent, 2),
        shares=shares,
        price=price,
        source=source,
        judgement=why,
        allocation_change={c: round(v * spent, 2) for c, v in sorted(change.items())
                           if abs(v * spent) >= 0.005},
        expense_ratio=expense,
        alternatives=[r[1] for r in ranked[1:4]],
    )
    return replacement, round(amount - spent, 2)


def _candidate(
    facts: Facts, pair: int, lots: list[_Lot], harvested: set[str], clean_day: date
) -> tuple[Candidate, list[Purchase]]:
    book = facts.book
    account, fund = lots[0].account, lots[0].fund
    lines = [
        HarvestLot(
            id=facts.lots.ids[lot.index],
            shares=lot.shares,
            cost=round(lot.cost, 2),
            proceeds=round(lot.proceeds, 2),
            loss=round(lot.loss, 2),
            term=holding_term(lot.acquired, book.as_of),
            acquired=lot.acquired.isoformat(),
        )
        for lot in lots
    ]
    proceeds = round(sum(lot.proceeds for lot in lots), 2)
    replacement, cash_left = _replacement(facts, account, fund, proceeds, harvested)
    bought: list[Purchase] = []
    note = ""
    if replacement is not None and replacement.amount > 0:
        kind = account_kind(book.account(account))
        bought.append(Purchase(account, kind, replacement.fund, book.as_of,
                               replacement.shares or replacement.amount, replacement.amount))
        if replacement.price is None and replacement.shares is None and (
            replacement.fund not in book.funds
        ):
            note = (f"{replacement.fund} is not in the household file, so its price is unknown: "
                    f"buy about ${replacement.amount:,.2f} of it at the market")
    elif replacement is None:
        note = (f"no replacement found for {fund} in {account}: the proceeds stay in cash until "
                f"{clean_day} (or name one under substitutes:)")
    all_shares = [lot.shares for lot in lots]
    return Candidate(
        account=account,
        fund=fund,
        lots=lines,
        shares=sum(s for s in all_shares if s) if all(all_shares) else None,
        proceeds=proceeds,
        loss=round(sum(lot.loss for lot in lots), 2),
        short_term_loss=round(sum(x.loss for x in lines if x.term == "short"), 2),
        long_term_loss=round(sum(x.loss for x in lines if x.term == "long"), 2),
        replacement=replacement,
        cash_left=cash_left,
        buy_back_from=clean_day.isoformat(),
        note=note,
    ), bought


# -- what it is worth ------------------------------------------------------------------------------


def _tax(facts: Facts, sales: list[Sale], bought: list[Purchase]) -> HarvestTax:
    book = facts.book
    rates = facts.rates
    identical = {t: g for t, g in facts.groups.items() if g != t} or None
    verdict = judge(
        sales,
        [*facts.recent_purchases, *bought],
        rates,
        window_days=facts.policy.wash_sale_window_days,
        identical=identical,
        discount_rate=discount_rate(book),
    )
    w, wo = verdict.with_sales, verdict.without_sales
    nu = verdict.carryover_value
    rows = [
        ("short-term gains", wo.short_term_gain - w.short_term_gain, rates.short_gain_rate),
        ("long-term gains", wo.long_term_gain - w.long_term_gain, rates.gain_rate),
        ("ordinary income", w.deduction - wo.deduction, rates.ordinary),
    ]
    carried = (w.carryforward_short + w.carryforward_long) - (
        wo.carryforward_short + wo.carryforward_long)
    by_character = [
        CharacterLine(offsets=what, amount=round(amount, 2), rate=rate,
                      tax=round(amount * rate, 2))
        for what, amount, rate in rows
        if abs(amount) >= 0.005
    ]
    if abs(carried) >= 0.005:
        by_character.append(CharacterLine(offsets="carried forward", amount=round(carried, 2),
                                          rate=round(nu, 6), tax=round(carried * nu, 2)))
    short = -sum(j.gain for j in verdict.sales if j.term == "short")
    long = -sum(j.gain for j in verdict.sales if j.term == "long")
    return HarvestTax(
        short_term_loss=round(short, 2) + 0.0,
        long_term_loss=round(long, 2) + 0.0,
        tax_saved=round(-verdict.estimated_tax, 2) + 0.0,
        by_character=by_character,
        loss_deduction=round(verdict.loss_deduction, 2) + 0.0,
        carryforward_added=round(carried, 2) + 0.0,
        carryforward_value=round(carried * nu, 2) + 0.0,
        estimated_tax=round(verdict.estimated_tax, 2) + 0.0,
    )


def _economics(
    book: Book, facts: Facts, candidates: list[Candidate], tax: HarvestTax
) -> HarvestEconomics:
    policy = book.household.policy
    horizon = policy.horizon_years
    delta = discount_rate(book)
    sold_share = policy.location.sold_at_horizon
    basis = sum(c.loss for c in candidates)
    future = basis * facts.rates.gain_rate
    present = future * sold_share / (1.0 + delta) ** horizon
    benefit = tax.tax_saved + tax.carryforward_value - present
    if candidates:
        n = sum(len(c.lots) for c in candidates)
        summary = (
            f"Harvest ${basis:,.2f} of losses in {n} lot{'s' if n != 1 else ''}: saves "
            f"${tax.tax_saved:,.2f} of tax this year"
            + (f" and carries ${tax.carryforward_added:,.2f} forward (worth "
               f"${tax.carryforward_value:,.2f} today)" if tax.carryforward_added else "")
            + f"; the ${basis:,.2f} of basis given up costs ${future:,.2f} of tax when the "
            f"replacement is sold, ${present:,.2f} today ({sold_share:.0%} sold in "
            f"{horizon} years, at {delta:.2%}); net present benefit ${benefit:,.2f}."
        )
    else:
        summary = "Nothing to harvest."
    return HarvestEconomics(
        basis_given_up=round(basis, 2),
        future_tax=round(future, 2),
        future_tax_present_value=round(present, 2),
        net_present_benefit=round(benefit, 2),
        horizon_years=horizon,
        discount_rate=round(delta, 6),
        sold_at_horizon=sold_share,
        summary=summary,
    )

