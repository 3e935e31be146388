"""The glide-path report, read from the :class:`~householder.plan.glide.GlideResult`."""

from __future__ import annotations

from householder.plan.glide import GlideResult
from householder.report.common import Block, Message, Table, pct


def glide_report(result: GlideResult) -> list[Block]:
    if not result.glide:
        fixed = Table(
            title=f"{result.household}: fixed target (no glide path)", headers=["class", "target"]
        )
        fixed.rows = [[cls, pct(v)] for cls, v in result.target.items()]
        fixed.caption = "Give glide: instead of target: for a target that moves with age."
        return [Message(f"{result.household} has no glide path: its target is fixed."), fixed]
    retire = result.retirement_year
    why = (
        "retirement_year"
        if result.retirement_from == "retirement_year"
        else f"the year {result.person} turns 65"
    )
    leaves = list(result.years[0].target) if result.years else []
    split_cols = [c for c in leaves if c not in result.whole_parts]
    table = Table(
        title=f"{result.household}: glide path {result.rule} for {result.person}, "
        f"retiring {retire}",
        headers=["year", "age", "to retirement", "stocks", "bonds", *split_cols],
    )
    for y in result.years:
        table.rows.append(
            [
                str(y.year),
                str(y.age),
                str(y.years_to_retirement),
                pct(y.stocks, 1),
                pct(y.bonds, 1),
                *[pct(y.target.get(c, 0.0), 1) for c in split_cols],
            ]
        )
    table.caption = (
        f"Evaluated on {result.as_of[5:]} each year; the first row is the target drift, plan, "
        f"contribute and locate use now. Retirement: {retire} ({why})."
    )
    if result.rule == "vanguard":
        table.caption += (
            " Vanguard-like: approximates Vanguard's published Target Retirement glide path."
        )
    return [table]
