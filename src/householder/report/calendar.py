"""The wash-sale calendar as a table (plans and harvests alike)."""

from __future__ import annotations

from householder.plan.result import CalendarLine
from householder.report.common import Message, Table, money


def calendar_table(lines: list[CalendarLine]) -> Table:
    """One row per fund group: what not to buy, anywhere, until when, and why."""
    table = Table(
        title="Wash-sale calendar: do not buy in any account (a spouse's and IRAs included)",
        headers=["funds", "before", "loss sold", "because"],
        justify=["left", "left", "right", "left"],
    )
    for line in lines:
        because = ", ".join(
            f"{s.fund} {s.lot or 'sold'} in {s.account} on {s.sold}" for s in line.sales
        )
        table.rows.append([
            " or ".join(line.funds),
            line.do_not_buy_before,
            money(sum(s.loss for s in line.sales)),
            because,
        ])
    return table


def calendar_messages(lines: list[CalendarLine]) -> list[Message]:
    """Each window in a sentence, then each scheduled purchase inside one, with what to do
    about it."""
    out = [Message(line.text, lead="Calendar: ", style="strong") for line in lines]
    out += [
        Message(f"{p.fund} in {p.account} on {p.date} ({p.source}, {money(p.amount)}) "
                f"washes the loss: {p.fix}", lead="Wash sale ahead: ", style="warn")
        for line in lines
        for p in line.scheduled
        if p.source in ("payroll", "dividends")
    ]
    return out
