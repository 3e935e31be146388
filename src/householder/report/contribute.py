"""The contribute reports, read from their typed results: the plan-shaped ones (new money,
withdrawals, ``--to-target``) add the contribution needed and the limit checks; ``--split`` has
its own tables."""

from __future__ import annotations

from householder.plan.contribute import GROUP_LABELS, ContributionSplit
from householder.plan.result import LimitCheckRow, Plan
from householder.report.common import Block, Message, Styled, Table, money, note


def contribution_blocks(plan: Plan) -> list[Block]:
    """What ``contribute`` adds after the plan's own report."""
    blocks: list[Block] = []
    if plan.contribution_needed is not None:
        blocks.append(Message(money(plan.contribution_needed), lead="Contribution needed: ",
                              style="strong"))
    if plan.limit_checks:
        blocks.append(limit_table(plan.limit_checks))
    return blocks


def limit_table(checks: list[LimitCheckRow]) -> Table:
    """One row per limit group the money counts against (docs/contribute.md)."""
    table = Table(
        title="Contribution limits",
        headers=["person", "group", "account", "year", "limit", "planned", "fits"],
        justify=["left", "left", "left", "right", "right", "right", "right"],
    )
    for c in checks:
        table.rows.append(
            [
                c.person,
                GROUP_LABELS.get(c.group, c.group),
                c.account,
                str(c.year),
                money(c.limit),
                money(c.planned),
                "yes" if c.within_limit else Styled("NO", "bad"),
            ]
        )
    return table


def split_report(result: ContributionSplit) -> list[Block]:
    blocks: list[Block] = []
    for acct in result.splits:
        table = Table(
            title=f"{acct.id}: {money(acct.annual)} a year",
            headers=["fund", "today", f"for {result.years} yr", "then return to"],
        )
        funds = list(dict.fromkeys([*acct.current_split, *acct.split, *acct.then_return_to]))
        for f in funds:
            table.rows.append(
                [
                    f,
                    f"{acct.current_split.get(f, 0):.2f}%",
                    f"{acct.split.get(f, 0):.2f}%",
                    f"{acct.then_return_to.get(f, 0):.2f}%",
                ]
            )
        blocks.append(table)
    blocks += [note(n) for n in result.notes]
    return blocks
