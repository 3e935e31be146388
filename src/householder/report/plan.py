"""The plan's terminal tables and CSV rows (read from the :class:`Plan`, never recomputed)."""

from __future__ import annotations

from householder.plan.result import Plan
from householder.plan.rounding import number_text
from householder.report.calendar import calendar_messages, calendar_table
from householder.report.common import Block, Message, Styled, Table, money, note, pct, points

CSV_HEADERS = ["account", "fund", "action", "amount", "shares", "price", "lots", "reason"]


def trade_rows(plan: Plan) -> list[list[str]]:
    """One CSV row per trade, ready to act on; lots as ``id:shares`` separated by spaces."""
    rows = []
    for acct in plan.accounts:
        for t in acct.trades:
            lots = " ".join(
                f"{lot.id}:{number_text(lot.shares)}"
                if lot.shares is not None
                else f"{lot.id}:${lot.proceeds:.2f}"
                for lot in t.lots
            )
            rows.append(
                [
                    acct.id,
                    t.fund,
                    t.action,
                    f"{t.amount:.2f}",
                    "" if t.shares is None else number_text(t.shares),
                    "" if t.price is None else number_text(t.price),
                    lots,
                    t.reason,
                ]
            )
    return rows


def plan_tables(plan: Plan) -> list[Table]:
    """The plan's tables: the allocation, each account's trades, the summary, wash sales."""
    basis = plan.allocation_basis.replace("_", "-")
    alloc = Table(
        title=f"{plan.household}: {plan.command} on {plan.as_of} ({basis}, "
        f"{money(plan.total_value)})",
        headers=["class", "target", "before", "after", "off target after"],
    )
    for r in plan.allocation:
        alloc.rows.append(
            [r.cls, pct(r.target), pct(r.before), pct(r.after), points(r.after - r.target)]
        )
    tables = [alloc]
    for acct in plan.accounts:
        if not acct.trades:
            continue
        title = f"{acct.id} ({acct.type.replace('_', ' ')}, {money(acct.value_before)})"
        if acct.contribution:
            word = "contribution" if acct.contribution > 0 else "withdrawal"
            title += f"  {word} {money(abs(acct.contribution))}"
        table = Table(
            title=title,
            headers=["action", "fund", "amount", "shares", "lots", "why"],
            justify=["left", "left", "right", "right", "left", "left"],
        )
        for t in acct.trades:
            action = Styled("SELL", "bad") if t.action == "sell" else Styled("BUY", "good")
            lots = ", ".join(
                f"{lot.id} ({lot.term}, {'+' if lot.gain >= 0 else '-'}{money(abs(lot.gain))})"
                for lot in t.lots
            )
            table.rows.append(
                [
                    action,
                    t.fund,
                    money(t.amount),
                    "" if t.shares is None else number_text(t.shares),
                    lots,
                    t.reason,
                ]
            )
        if acct.cash_after >= 0.005:
            table.caption = f"cash after: {money(acct.cash_after)}"
        tables.append(table)
    summary = Table(title="Summary", headers=["", ""], justify=["left", "right"])
    tax = plan.tax
    summary.rows += [
        ["realized short-term gain", money(tax.short_term_gain)],
        ["realized long-term gain", money(tax.long_term_gain)],
        ["estimated tax (exact)", money(tax.estimated_tax)],
        [
            "fees per year, before → after",
            f"{money(plan.fees.annual_before)} → {money(plan.fees.annual_after)}",
        ],
        [
            "location value at the horizon (after-tax $), before → after",
            f"{money(plan.costs.location_value_before)} → {money(plan.costs.location_value)}",
        ],
        ["largest drift after", pct(plan.costs.remaining_drift)],
    ]
    if tax.wash_sales:
        summary.rows.append(
            ["wash sales", ", ".join(f"{w.fund} lot {w.lot}" for w in tax.wash_sales)]
        )
    if tax.carryforward_used:
        word = "used up" if tax.carryforward_used > 0 else "added"
        summary.rows.append(
            [
                f"loss carryover {word} (its value today)",
                f"{money(abs(tax.carryforward_used))} "
                f"({money(abs(tax.carryforward_used_value))})",
            ]
        )
    tables.append(summary)
    if tax.wash_sales:
        tables.append(wash_sale_table(plan))
    if plan.wash_sale_calendar:
        tables.append(calendar_table(plan.wash_sale_calendar))
    return tables


def wash_sale_table(plan: Plan) -> Table:
    """Each wash sale and what it does to the replacement shares (IRC 1091(d), 1223(3))."""
    table = Table(
        title="Wash sales: the loss moves into the replacement shares",
        headers=["sold lot", "loss disallowed", "replacement", "basis added", "new basis",
                 "held from"],
        justify=["left", "right", "left", "right", "right", "left"],
    )
    for w in plan.tax.wash_sales:
        shares = "" if w.replacement_shares is None else f"{w.replacement_shares:g} sh "
        where = w.replacement_lot or f"bought {w.replacement_bought}"
        table.rows.append(
            [
                f"{w.account} {w.fund} {w.lot}",
                money(w.loss_disallowed),
                f"{shares}{w.replacement_fund} in {w.replacement_account} ({where})",
                money(w.basis_added),
                money(w.replacement_basis),
                w.replacement_acquired or "loss lost (Rev. Rul. 2008-5)",
            ]
        )
    return table


def plan_messages(plan: Plan) -> list[Message]:
    """What the plan comes to, in a line, then the shortfalls and notes."""
    out: list[Message] = []
    if plan.nothing_to_do and plan.target_reached:
        out.append(Message("Nothing to do: the household is already on target.", style="good"))
    elif plan.nothing_to_do:
        out.append(
            Message("No trades: the household is off target, but no trade this command may make "
                    "brings it closer.", style="warn")
        )
    elif plan.target_reached:
        n = sum(len(a.trades) for a in plan.accounts)
        out.append(
            Message(f"{n} trade{'s' if n != 1 else ''} bring{'s' if n == 1 else ''} the "
                    "household to its target.", style="good")
        )
    if plan.economics is not None and plan.economics.trades:
        out.append(Message(plan.economics.summary, lead="In all: ", style="strong"))
    out += [Message(line, lead="Closest possible: ", style="warn") for line in plan.shortfall]
    out += calendar_messages(plan.wash_sale_calendar)
    out += [note(n) for n in plan.notes if not n.startswith("Nothing to do")]
    return out


def plan_report(plan: Plan) -> list[Block]:
    return [*plan_tables(plan), *plan_messages(plan)]
