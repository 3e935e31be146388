"""``plan --frontier``: one row per point of the trade-off between tax and drift."""

from __future__ import annotations

from householder.plan.frontier import Frontier
from householder.report.common import Block, Message, Table, money, note, pct


def frontier_table(f: Frontier) -> Table:
    table = Table(
        title=f"{f.household}: tax against drift on {f.as_of} (rerun with the cap you pick)",
        headers=["gain cap", "gain realized", "tax", "drift left", "largest drift", "trades"],
    )
    for p in f.points:
        table.rows.append([
            "none" if p.max_realized_gain is None else money(p.max_realized_gain),
            money(p.realized_gain),
            money(p.estimated_tax),
            money(p.drift),
            pct(p.remaining_drift),
            str(p.trades),
        ])
    return table


def frontier_report(f: Frontier) -> list[Block]:
    out: list[Block] = [frontier_table(f)]
    if len(f.points) > 1:
        first, last = f.points[0], f.points[-1]
        out.append(Message(
            f"from {money(first.estimated_tax)} of tax leaving {money(first.drift)} of drift to "
            f"{money(last.estimated_tax)} leaving {money(last.drift)}",
            lead="The trade-off: ", style="strong",
        ))
    out += [note(n) for n in f.notes]
    return out
