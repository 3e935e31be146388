"""``householder contribute FILE``: cash-flow rebalancing (new money, withdrawals, the one-time
top-up, the recurring split)."""

from __future__ import annotations

import math
from typing import Annotated

import typer

from householder.cli.common import FileArg, JsonOpt, Output, handled, load, require_money
from householder.cli.plan import CsvOpt, ForceOpt, check_csv, emit_plan
from householder.report.common import Table, money


def contribute(
    file: FileArg,
    amount: Annotated[
        float | None,
        typer.Option(
            "--amount",
            help="New money (> 0, buys only) or a withdrawal (< 0, sells only), in dollars.",
        ),
    ] = None,
    account: Annotated[
        str | None, typer.Option("--account", help="The account the money goes in or out of.")
    ] = None,
    to_target: Annotated[
        bool,
        typer.Option(
            "--to-target",
            help="The smallest one-time contribution that reaches "
            "the target without selling, checked against IRS limits.",
        ),
    ] = False,
    split: Annotated[
        bool,
        typer.Option(
            "--split",
            help="The recurring contribution split that reaches the "
            "target in --years without selling.",
        ),
    ] = False,
    years: Annotated[int, typer.Option("--years", min=1, help="Years for --split.")] = 1,
    json: JsonOpt = False,
    csv: CsvOpt = None,
    force: ForceOpt = False,
) -> None:
    """Where new money should go (or a withdrawal come from) without selling (or buying)."""
    modes = sum([amount is not None, to_target, split])
    if modes != 1:
        raise typer.BadParameter(
            "give exactly one of --amount N, --to-target or --split",
            param_hint="--amount / --to-target / --split",
        )
    out = Output(json)
    with handled(out):
        if amount is not None:
            check_amount(amount)
        check_csv(csv, file, force)
        book = load(file)
        if amount is None or amount > 0:
            require_money(book, "contribute", new_money=amount or 0.0)
        from householder.plan import contribute as cf

        if split:
            result = cf.contribution_split(book, years)
            if json:
                out.document(result)
            out.tables(split_tables(result))
            for note in result["notes"]:  # type: ignore[attr-defined]
                out.say(f"note: {note}")
            return
        plan = (
            cf.contribute_to_target(book)
            if to_target
            else cf.contribute_amount(book, float(amount or 0.0), account)
        )
        emit_plan(out, plan, csv, force, inputs=[file])
        if plan.contribution_needed is not None:
            out.say(f"[bold]Contribution needed:[/bold] {money(plan.contribution_needed)}")
        if plan.limit_checks:
            out.tables([limit_table(plan.limit_checks)])


def check_amount(amount: float) -> None:
    """``--amount`` is a finite number of dollars within the range householder plans in."""
    from householder.errors import InputError
    from householder.model.types import MAX_MONEY

    if not math.isfinite(amount):
        raise InputError(f"--amount {amount}: give a number of dollars (e.g. --amount 5000, "
                         "or --amount -2000 for a withdrawal)")
    if abs(amount) > MAX_MONEY:
        raise InputError(f"--amount {amount:g} is more than householder plans with: at most "
                         "$1,000,000,000,000 (a trillion dollars)")


def limit_table(checks: list[dict[str, object]]) -> Table:
    """One row per limit group the money counts against (docs/contribute.md)."""
    from householder.plan.contribute import GROUP_LABELS

    table = Table(
        title="Contribution limits",
        headers=["person", "group", "account", "year", "limit", "planned", "fits"],
        justify=["left", "left", "left", "right", "right", "right", "right"],
    )
    for c in checks:
        table.rows.append(
            [
                str(c["person"]),
                GROUP_LABELS.get(str(c.get("group", "")), str(c.get("group", ""))),
                str(c["account"]),
                str(c["year"]),
                money(float(c["limit"])),  # type: ignore[arg-type]
                money(float(c["planned"])),  # type: ignore[arg-type]
                "yes" if c["within_limit"] else "[red]NO[/red]",
            ]
        )
    return table


def split_tables(result: dict[str, object]) -> list[Table]:
    tables = []
    for acct in result["splits"]:  # type: ignore[attr-defined]
        table = Table(
            title=f"{acct['id']}: {money(acct['annual'])} a year",
            headers=["fund", "today", f"for {result['years']} yr", "then return to"],
        )
        funds = list(
            dict.fromkeys([*acct["current_split"], *acct["split"], *acct["then_return_to"]])
        )
        for f in funds:
            table.rows.append(
                [
                    f,
                    f"{acct['current_split'].get(f, 0):.2f}%",
                    f"{acct['split'].get(f, 0):.2f}%",
                    f"{acct['then_return_to'].get(f, 0):.2f}%",
                ]
            )
        tables.append(table)
    return tables
