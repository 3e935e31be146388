"""``householder contribute FILE``: cash-flow rebalancing (new money, withdrawals, the one-time
top-up, the recurring split)."""

from __future__ import annotations

import math
from typing import Annotated

import typer

from householder.cli.common import FileArg, JsonOpt, Output, handled, load, require_money
from householder.cli.plan import (
    AfterOpt,
    CsvOpt,
    after_blocks,
    check_after,
    check_csv,
    check_distinct,
    emit_plan,
)

ForceOpt = Annotated[
    bool, typer.Option("--force", help="Let --csv and --write-after replace an existing file.")
]


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
    write_after: AfterOpt = None,
) -> None:
    """Where new money should go (or a withdrawal come from) without selling (or buying)."""
    modes = sum([amount is not None, to_target, split])
    if modes != 1:
        raise typer.BadParameter(
            "give exactly one of --amount N, --to-target or --split",
            param_hint="--amount / --to-target / --split",
        )
    if split and write_after is not None:
        raise typer.BadParameter(
            "--write-after writes the household after trades: give it with --amount or "
            "--to-target (--split plans future contributions)", param_hint="--write-after")
    out = Output(json)
    with handled(out):
        if amount is not None:
            check_amount(amount)
        check_csv(csv, file, force)
        check_after(write_after, file, force)
        check_distinct(csv=csv, write_after=write_after)
        book = load(file)
        if amount is None or amount > 0:
            require_money(book, "contribute", new_money=amount or 0.0)
        from householder.plan import contribute as cf
        from householder.report.contribute import contribution_blocks, split_report

        if split:
            result = cf.contribution_split(book, years)
            out.emit(result, split_report(result))
            return
        plan = (
            cf.contribute_to_target(book)
            if to_target
            else cf.contribute_amount(book, float(amount or 0.0), account)
        )
        written = after_blocks(write_after, file, book, plan, force)
        emit_plan(out, plan, csv, force, inputs=[file],
                  extra=[*contribution_blocks(plan), *written])


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
