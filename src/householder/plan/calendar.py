"""The wash-sale calendar of a plan or a harvest: each fund group sold at a loss (by it, or in
the household's recent ``transactions``) with the day a purchase of the group is clean again,
and the scheduled purchases inside the window with what to do about each
(:func:`householder.tax.calendar.no_buy_windows` is the rule)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Literal

from householder.model.bundled import bundled_identical
from householder.optimize.data import ProblemData
from householder.plan.result import CalendarLine, CalendarPurchase, CalendarSale, LotLine
from householder.tax.calendar import no_buy_windows
from householder.tax.wash import Purchase, Sale
from householder.valuation.facts import Facts

Source = Literal["plan", "harvest", "transactions"]


def group_funds(facts: Facts, group: str) -> list[str]:
    """The funds of a wash-sale group as the calendar names them: the household's (the group's
    name joins them with ``+``), then every fund the bundled share-class list or
    ``policy.substantially_identical`` makes identical to one of them."""
    own = group.split("+")
    more: set[str] = set()
    for same in [*bundled_identical(), *facts.policy.substantially_identical]:
        if set(same) & set(own):
            more |= set(same)
    return [*own, *sorted(more - set(own))]


def either(names: list[str]) -> str:
    """``VTI``, ``VTI or VTSAX``, ``VTI, VTSAX or ITOT``."""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def wash_calendar(
    facts: Facts, sales: Iterable[tuple[Sale, Source]]
) -> list[CalendarLine]:
    """The calendar of ``sales`` (each with where it comes from) and the household's recent
    loss sales (``transactions``): one line per group whose window is open on ``as_of``."""
    tagged: list[tuple[Sale, Source]] = [*sales]
    tagged += [(s, "transactions") for s in facts.recent_loss_sales]
    source_of = {id(s): src for s, src in tagged}
    windows = no_buy_windows(
        [s for s, _ in tagged],
        facts.recent_purchases,
        today=facts.as_of,
        identical=facts.groups,
        window_days=facts.policy.wash_sale_window_days,
    )
    scheduled = {(s.account, s.fund, s.on): s.source for s in facts.scheduled}
    lines: list[CalendarLine] = []
    for w in windows:
        funds = group_funds(facts, w.group)
        until = w.clean_from.isoformat()
        lines.append(CalendarLine(
            group=w.group,
            funds=funds,
            last_loss_sale=w.last_sale.isoformat(),
            do_not_buy_before=until,
            sales=[
                CalendarSale(
                    account=s.account_id, fund=s.security, lot=s.lot_id, sold=s.sold.isoformat(),
                    loss=round(s.loss, 2), source=source_of[id(s)],
                )
                for s in w.sales
            ],
            scheduled=[_purchase_line(p, scheduled, until, facts.as_of) for p in w.washing],
            text=f"do not buy {either(funds)} in any account before {until}",
        ))
    return lines


def _purchase_line(
    p: Purchase, scheduled: Mapping[tuple[str, str, date], str], until: str, today: date
) -> CalendarPurchase:
    where = f"{p.security} in {p.account_id}"
    kind = scheduled.get((p.account_id, p.security, p.acquired))
    if kind == "payroll":
        fix = (f"send this paycheck's {where} contribution to a fund not substantially "
               f"identical (or hold it as cash) until {until}")
    elif kind == "dividends":
        fix = f"take the dividend of {where} in cash (turn reinvestment off) until {until}"
    else:
        fix = ("already bought: it washes the loss (the loss moves into its basis in a taxable "
               "account, and is lost in any other, Rev. Rul. 2008-5)")
    source: Literal["payroll", "dividends", "transactions", "lots"]
    if kind == "payroll":
        source = "payroll"
    elif kind == "dividends":
        source = "dividends"
    else:
        source = "lots" if p.lot_id else "transactions"
    return CalendarPurchase(
        account=p.account_id, fund=p.security, date=p.acquired.isoformat(),
        amount=round(p.cost, 2), source=source, fix=fix,
    )


def plan_loss_sales(d: ProblemData, lot_lines: Mapping[int, LotLine]) -> list[tuple[Sale, Source]]:
    """The plan's lot sales at a loss, as the calendar reads them."""
    out: list[tuple[Sale, Source]] = []
    for i, line in sorted(lot_lines.items()):
        if line.gain >= 0 or line.proceeds <= 0:
            continue
        p = int(d.lot_pair[i])
        shares = line.shares if line.shares else line.proceeds
        out.append((
            Sale(d.accounts[int(d.pair_account[p])], "taxable", d.pair_fund[p], d.book.as_of,
                 float(shares), line.proceeds, line.cost, lot_id=line.id),
            "plan",
        ))
    return out

